//! Rules that relate several fields or depend on the target version.
//!
//! Each rule reports a diagnostic on the field to change, with a fix. They run after
//! the per-field checks in [`crate::validate`], on the cleaned form.

use crate::diagnostic::{Diagnostic, Field};
use crate::form::{Registry, Scheme};
use crate::host::{Host, HostKind};
use crate::plan;
use crate::validate::{Checked, Style};

/// Runs every rule.
pub fn check(c: &Checked, d: &mut Vec<Diagnostic>) {
    form_rules(c, d);
    for (i, r, host) in c.registries() {
        let f = Field::registry(i);
        transport_rules(c, &f, r, host, d);
        client_and_credentials(&f, r, d);
        style_rules(c, i, &f, r, host, d);
        mirror_rules(c, i, &f, r, d);
        node_auth_rules(c, i, &f, r, host, d);
    }
    sandbox_rules(c, d);
}

fn form_rules(c: &Checked, d: &mut Vec<Diagnostic>) {
    let t = c.target;
    if c.form.legacy_config && t.major >= 2 {
        let tls = c.form.registries.iter().any(|r| {
            !r.ca_file.is_empty()
                || !r.ca_pem.is_empty()
                || !r.client_cert.is_empty()
                || r.skip_verify
                || r.mirrors.iter().any(|m| !m.ca_file.is_empty() || m.skip_verify)
        });
        let fix = "Set legacy_config = false: pullfix then writes hosts.toml files, which carry the CA, client certificate and skip_verify on every containerd 2.x.";
        if tls {
            d.push(Diagnostic::error(
                Field::root("legacy_config"),
                "legacy_config.tls-ignored",
                format!("containerd {t} ignores registry.configs.*.tls without any error (removed in 2.0): a CA or skip_verify there gives x509 errors. The files below use hosts.toml instead."),
                fix,
            ));
        } else {
            d.push(Diagnostic::warning(
                Field::root("legacy_config"),
                "legacy_config.deprecated-2x",
                format!("containerd {t} still reads inline registry.mirrors, but they are deprecated (removal planned for 2.4) and make 2.1+ fall back from the transfer service. The files below use hosts.toml instead."),
                fix,
            ));
        }
    } else if c.form.legacy_config && c.style == Style::Inline && t.has_hosts_toml() {
        d.push(Diagnostic::info(
            Field::root("legacy_config"),
            "legacy_config.deprecated",
            format!("The inline registry.mirrors / registry.configs keys are deprecated since 1.5; their TLS part stops working on containerd 2.0, so plan the move to hosts.toml before upgrading from {t}."),
            "When convenient, set legacy_config = false and remove the inline keys from config.toml on the nodes.",
        ));
    }
    if !c.form.config_path.trim().is_empty() && c.style != Style::HostsToml {
        let why = if t.has_hosts_toml() {
            "with legacy_config the inline keys are used, and config_path must stay empty beside them"
        } else {
            "this containerd has no hosts.toml support (it arrived in 1.5)"
        };
        d.push(Diagnostic::warning(
            Field::root("config_path"),
            "config_path.unused",
            format!("config_path is not used for containerd {t}: {why}."),
            "Clear config_path, or pick containerd 1.5 or newer without legacy_config.",
        ));
    }
}

fn transport_rules(c: &Checked, f: &Field, r: &Registry, host: &Host, d: &mut Vec<Diagnostic>) {
    let has_tls = !r.ca_file.is_empty() || !r.ca_pem.is_empty() || !r.client_cert.is_empty() || r.skip_verify;
    if r.scheme == Scheme::Http {
        if matches!(host.kind, HostKind::DockerHub | HostKind::Default) {
            d.push(Diagnostic::warning(
                f.key("scheme"),
                "registry.scheme-ignored",
                format!("{} is always reached over HTTPS; scheme = \"http\" is ignored.", host.reference()),
                "Remove scheme, or put a plain-HTTP mirror under [[registry.mirror]] with an http:// URL.",
            ));
        } else {
            d.push(Diagnostic::warning(
                f.key("scheme"),
                "registry.http",
                format!("{} is reached over plain HTTP: images and credentials cross the network unencrypted.", host.reference()),
                "Serve the registry over HTTPS (with a private CA in ca_pem if needed) when you can; otherwise keep it on a trusted network.",
            ));
            if has_tls {
                d.push(Diagnostic::warning(
                    f.key("scheme"),
                    "registry.http-tls",
                    "TLS settings (CA, client certificate, skip_verify) on a plain-HTTP registry are left out: with them containerd would try HTTPS first (1.x inline config even refuses the endpoint).",
                    "Remove the TLS settings, or set scheme = \"https\" if the registry speaks TLS.",
                ));
            }
        }
    } else if r.skip_verify {
        d.push(Diagnostic::warning(
            f.key("skip_verify"),
            "registry.skip-verify",
            "skip_verify accepts any certificate, so anyone on the path can serve images and read credentials.",
            "Give the registry's CA instead (paste it into ca_pem, or set ca_file to where it is on the nodes) and turn skip_verify off.",
        ));
    }
    for (key, value) in [("ca_file", &r.ca_file), ("client_cert", &r.client_cert), ("client_key", &r.client_key)] {
        let v = value.trim();
        if !v.is_empty() && !v.starts_with('/') {
            let (sev, how) = if c.style == Style::HostsToml {
                (false, "hosts.toml resolves it against the hosts.toml directory")
            } else {
                (true, "containerd resolves it against its own working directory")
            };
            let msg = format!("{v:?} is a relative path; {how}.");
            let fix = "Use an absolute path on the node, e.g. /etc/containerd/certs.d/<registry>/ca.crt.";
            d.push(if sev {
                Diagnostic::error(f.key(key), "path.relative", msg, fix)
            } else {
                Diagnostic::warning(f.key(key), "path.relative", msg, fix)
            });
        }
    }
    if !r.ca_pem.is_empty() && r.ca_file.split('/').any(|p| p == "..") {
        d.push(Diagnostic::error(
            f.key("ca_file"),
            "path.parent",
            "ca_file contains `..`; pullfix writes the CA there and will not climb out of a directory.",
            "Write the path without `..`, or leave ca_file empty for the default <config_path>/<registry>/ca.crt.",
        ));
    }
}

fn client_and_credentials(f: &Field, r: &Registry, d: &mut Vec<Diagnostic>) {
    match (r.client_cert.trim().is_empty(), r.client_key.trim().is_empty()) {
        (false, true) => d.push(Diagnostic::error(
            f.key("client_key"),
            "client.key-missing",
            "client_cert is set but client_key is not; a client certificate is useless without its key.",
            "Set client_key to the key file's path on the node (or clear client_cert).",
        )),
        (true, false) => d.push(Diagnostic::error(
            f.key("client_cert"),
            "client.cert-missing",
            "client_key is set but client_cert is not.",
            "Set client_cert to the certificate file's path on the node (or clear client_key).",
        )),
        _ => {}
    }
    let (user, pass, token) = (!r.username.is_empty(), !r.password.is_empty(), !r.identity_token.is_empty());
    if pass && !user {
        d.push(Diagnostic::error(
            f.key("username"),
            "credentials.username-missing",
            "A password without a user name: the registry cannot log you in.",
            "Enter the user name too (Harbor robot accounts look like robot$ci).",
        ));
    }
    if user && !pass && !token {
        d.push(Diagnostic::error(
            f.key("password"),
            "credentials.password-missing",
            "A user name without a password.",
            "Enter the password or robot token, or use identity_token instead.",
        ));
    }
    if token && (user || pass) {
        d.push(Diagnostic::warning(
            f.key("identity_token"),
            "credentials.token-and-password",
            "Both identity_token and username/password are set; containerd uses the user name and password and ignores the token.",
            "Keep one of the two.",
        ));
    }
}

fn style_rules(c: &Checked, i: usize, f: &Field, r: &Registry, host: &Host, d: &mut Vec<Diagnostic>) {
    let t = c.target;
    let is_default = host.kind == HostKind::Default;
    match c.style {
        Style::V1Mirrors => {
            let trust = |what: &str| {
                format!("containerd 1.2 has no per-registry TLS settings, so {what} cannot be configured for it.")
            };
            let store_fix = format!(
                "Put the registry's CA into the node's system trust store: copy it to /usr/local/share/ca-certificates/{}.crt, run `update-ca-certificates`, then `systemctl restart containerd` (paste the CA into ca_pem and clear ca_file, and pullfix writes that file). Or upgrade containerd.",
                host.reference().replace(':', "_")
            );
            if !r.ca_file.is_empty() {
                d.push(Diagnostic::error(
                    f.key("ca_file"),
                    "v1.tls-unsupported",
                    trust("a CA file"),
                    store_fix.clone(),
                ));
            } else if !r.ca_pem.is_empty() {
                d.push(Diagnostic::info(
                    f.key("ca_pem"),
                    "v1.ca-trust-store",
                    "containerd 1.2 trusts only the system store: the CA file is written for /usr/local/share/ca-certificates.",
                    "Copy it there on every node, run `update-ca-certificates`, then `systemctl restart containerd`.",
                ));
            }
            if r.skip_verify {
                d.push(Diagnostic::error(
                    f.key("skip_verify"),
                    "v1.tls-unsupported",
                    trust("skip_verify"),
                    store_fix.clone(),
                ));
            }
            if !r.client_cert.is_empty() || !r.client_key.is_empty() {
                d.push(Diagnostic::error(
                    f.key("client_cert"),
                    "v1.tls-unsupported",
                    trust("a client certificate"),
                    "Upgrade containerd to 1.3 or newer (1.5+ for hosts.toml), or let the registry accept pulls without a client certificate.",
                ));
            }
            if is_default {
                d.push(Diagnostic::error(
                    f.key("host"),
                    "default.unsupported",
                    "containerd 1.2 has no catch-all registry entry; _default is not written.",
                    "List each registry by name, or upgrade containerd (1.6.17+ or 1.7+ for _default).",
                ));
            }
            if r.mirror_only && has_mirror(c, i) {
                d.push(mirror_only_inline(f, "containerd 1.2 always tries the upstream after the mirrors"));
            }
            for (j, m) in r.mirrors.iter().enumerate() {
                let mf = f.index("mirror", j);
                let Some(Some(e)) = c.mirrors[i].get(j) else { continue };
                if !e.path.is_empty() {
                    d.push(Diagnostic::error(
                        mf.key("url"),
                        "v1.mirror-path-ignored",
                        format!("containerd 1.2 uses only the host of a mirror URL and ignores its path {:?}, so a proxy-cache project cannot be addressed.", e.path),
                        "Use a mirror that serves the registry API at its root, or upgrade containerd (1.6+ for override_path).",
                    ));
                }
                if !m.ca_file.is_empty() || m.skip_verify {
                    d.push(Diagnostic::error(
                        mf.key(if m.skip_verify { "skip_verify" } else { "ca_file" }),
                        "v1.tls-unsupported",
                        trust("a mirror CA or skip_verify"),
                        "Put the mirror's CA into the system trust store (/usr/local/share/ca-certificates/ + `update-ca-certificates`, then restart containerd).",
                    ));
                }
            }
            custom_capabilities_ignored(c, i, f, r, "containerd 1.2", d);
        }
        Style::Inline => {
            if is_default
                && (!r.ca_file.is_empty() || !r.ca_pem.is_empty() || r.skip_verify || !r.client_cert.is_empty())
            {
                d.push(Diagnostic::warning(
                    f.key("host"),
                    "default.inline-tls",
                    "The inline config keys TLS by host name, so TLS settings on _default apply to no host and are left out (its mirrors go under registry.mirrors.\"*\").",
                    "Configure TLS on each registry by name, or use hosts.toml (containerd 1.6.17+ / 1.7+ without legacy_config).",
                ));
            }
            let same_host = c.hosts[i].as_ref().map(|h| h.reference());
            let keeps_upstream_out = c.mirrors[i]
                .iter()
                .flatten()
                .any(|e| Some(e.host.reference()) == same_host && e.scheme == r.scheme.as_str());
            if r.mirror_only && has_mirror(c, i) && !keeps_upstream_out {
                d.push(mirror_only_inline(
                    f,
                    "the inline registry.mirrors always try the upstream after the listed endpoints",
                ));
            }
            custom_capabilities_ignored(c, i, f, r, "the inline registry.mirrors", d);
        }
        Style::HostsToml => {
            if is_default {
                match t.has_default_namespace() {
                    Some(true) => {}
                    Some(false) => d.push(Diagnostic::error(
                        f.key("host"),
                        "default.unsupported",
                        format!("containerd {t} does not read the _default hosts.toml (it arrived in 1.6.17 and 1.7.0); the file would do nothing."),
                        "List each registry by name, or upgrade containerd to 1.6.17+ or 1.7+.",
                    )),
                    None => d.push(Diagnostic::warning(
                        f.key("host"),
                        "default.needs-patch",
                        "_default is read by containerd 1.6.17 and later only; 1.6.0 - 1.6.16 ignore it.",
                        "Write the exact version in containerd (e.g. 1.6.20, as `containerd --version` prints it), or list each registry by name.",
                    )),
                }
            }
            if !t.has_override_path() {
                for (j, m) in r.mirrors.iter().enumerate() {
                    if m.override_path {
                        d.push(Diagnostic::error(
                            f.index("mirror", j).key("override_path"),
                            "mirror.override-path-unsupported",
                            format!("containerd {t} does not know override_path (1.6+): it would append /v2 to the mirror's path and the pulls would 404."),
                            "Upgrade containerd to 1.6+, or set legacy_config = true (the inline endpoint keeps its path as the API root).",
                        ));
                    }
                }
            }
        }
    }
}

fn has_mirror(c: &Checked, i: usize) -> bool {
    c.mirrors[i].iter().any(Option::is_some)
}

fn mirror_only_inline(f: &Field, why: &str) -> Diagnostic {
    Diagnostic::warning(
        f.key("mirror_only"),
        "mirror_only.inline",
        format!("mirror_only cannot be honoured here: {why}."),
        "Use hosts.toml (containerd 1.5+ without legacy_config), where pullfix makes the last mirror the server; or block the upstream at the firewall.",
    )
}

fn custom_capabilities_ignored(c: &Checked, i: usize, f: &Field, r: &Registry, who: &str, d: &mut Vec<Diagnostic>) {
    for (j, m) in r.mirrors.iter().enumerate() {
        let caps = &m.capabilities;
        let default = caps.is_empty()
            || (caps.len() == 2 && caps.iter().any(|x| x == "pull") && caps.iter().any(|x| x == "resolve"));
        if c.mirrors[i].get(j).is_some_and(Option::is_some) && !default {
            d.push(Diagnostic::warning(
                f.index("mirror", j).key("capabilities"),
                "mirror.capabilities-ignored",
                format!("{who} always use a mirror for pull and resolve; other capabilities are ignored."),
                "Remove capabilities, or use hosts.toml (containerd 1.5+ without legacy_config).",
            ));
        }
    }
}

fn mirror_rules(c: &Checked, i: usize, f: &Field, r: &Registry, d: &mut Vec<Diagnostic>) {
    if r.mirror_only && !has_mirror(c, i) {
        d.push(Diagnostic::error(
            f.key("mirror_only"),
            "mirror_only.no-mirror",
            "mirror_only is set but the registry has no usable mirror: there is nothing to pull from.",
            "Add a [[registry.mirror]] with a URL, or turn mirror_only off.",
        ));
    }
    for (j, m) in r.mirrors.iter().enumerate() {
        let Some(Some(e)) = c.mirrors[i].get(j) else { continue };
        let mf = f.index("mirror", j);
        if e.scheme == "http" {
            d.push(Diagnostic::warning(
                mf.key("url"),
                "mirror.http",
                format!("The mirror {} is plain HTTP: images cross the network unencrypted.", e.url()),
                "Use an https:// mirror when you can; otherwise keep it on a trusted network.",
            ));
            if !m.ca_file.is_empty() || m.skip_verify {
                d.push(Diagnostic::warning(
                    mf.key(if m.skip_verify { "skip_verify" } else { "ca_file" }),
                    "mirror.http-tls",
                    "TLS settings on a plain-HTTP mirror are left out: with them containerd would try HTTPS first.",
                    "Remove them, or use an https:// URL.",
                ));
            }
        } else if m.skip_verify {
            d.push(Diagnostic::warning(
                mf.key("skip_verify"),
                "mirror.skip-verify",
                "skip_verify accepts any certificate for this mirror.",
                "Set the mirror's ca_file to its CA on the nodes instead.",
            ));
        }
        if m.override_path && e.path.is_empty() {
            d.push(Diagnostic::warning(
                mf.key("override_path"),
                "mirror.override-path-no-path",
                "override_path is set but the URL has no path, so containerd would call the API without /v2.",
                "Put the API root in the URL (e.g. https://harbor.example.net/v2/dockerhub-proxy) or turn override_path off.",
            ));
        }
    }
}

fn node_auth_rules(c: &Checked, i: usize, f: &Field, r: &Registry, host: &Host, d: &mut Vec<Diagnostic>) {
    if !r.node_auth {
        return;
    }
    if !r.has_credentials() {
        d.push(Diagnostic::warning(
            f.key("node_auth"),
            "node_auth.no-credentials",
            "node_auth is set but the registry has no credentials to put on the nodes.",
            "Enter username and password (or identity_token), or turn node_auth off.",
        ));
        return;
    }
    let contacts = plan::contacts(c, i);
    let mut names: Vec<String> = Vec::new();
    for k in &contacts {
        let name = if c.style == Style::V1Mirrors { k.origin() } else { k.host.clone() };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if host.kind == HostKind::Default {
        d.push(Diagnostic::warning(
            f.key("node_auth"),
            "node_auth.default",
            "containerd keys node credentials by host name, so for _default they can only go to its mirrors, not to the registries it catches.",
            "Add a registry entry by name for each registry that needs node credentials.",
        ));
    }
    let upstream = plan::upstream(c, r, host);
    let foreign_mirror = contacts
        .iter()
        .any(|k| k.source != plan::Source::Upstream && upstream.as_ref().is_some_and(|u| u.host != k.host));
    let upstream_contacted = contacts.iter().any(|k| k.source == plan::Source::Upstream);
    if foreign_mirror && upstream_contacted {
        let up = upstream.map(|u| u.host).unwrap_or_default();
        d.push(Diagnostic::warning(
            f.key("node_auth"),
            "node_auth.upstream-gets-credentials",
            format!("containerd keys node credentials by the host it contacts, so the same user and password go to {}. If they are the mirror's account, the fallback to {up} sends them there and it answers 401 instead of serving the image anonymously.", names.join(", ")),
            "Set mirror_only = true so only the mirrors are contacted, or drop node_auth and let a pull Secret carry the credentials.",
        ));
    } else if contacts.iter().any(|k| k.source != plan::Source::Upstream) {
        d.push(Diagnostic::info(
            f.key("node_auth"),
            "node_auth.hosts",
            format!("Node credentials are keyed by each host containerd contacts: {}.", names.join(", ")),
            "Nothing to do; this is where containerd looks them up.",
        ));
    }
}

/// The registry an image reference names (`docker.io` when it names none);
/// `None` when the reference is malformed.
pub fn image_registry(image: &str) -> Option<String> {
    let image = image.trim();
    if image.is_empty()
        || image.contains("://")
        || image.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\\' | '\''))
    {
        return None;
    }
    match image.split_once('/') {
        Some((first, rest)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            if rest.is_empty() {
                None
            } else {
                Some(first.to_owned())
            }
        }
        _ => Some(crate::host::DOCKER_HUB.to_owned()),
    }
}

fn sandbox_rules(c: &Checked, d: &mut Vec<Diagnostic>) {
    let image = c.form.sandbox_image.trim();
    if image.is_empty() {
        return;
    }
    let field = Field::root("sandbox_image");
    let Some(reg) = image_registry(image) else {
        d.push(Diagnostic::error(
            field,
            "sandbox_image.malformed",
            format!("{image:?} is not an image reference; it is left out."),
            "Write it as images are named, e.g. registry.k8s.io/pause:3.10 or harbor.example.net/library/pause:3.10.",
        ));
        return;
    };
    let matched = c
        .registries()
        .find(|(_, _, h)| h.reference() == reg)
        .or_else(|| c.registries().find(|(_, _, h)| h.kind == HostKind::Default));
    if let Some((i, r, _)) = matched {
        if r.has_credentials() && !r.node_auth {
            d.push(Diagnostic::error(
                field,
                "sandbox_image.needs-node-auth",
                format!("The sandbox image comes from {reg}, which needs credentials, but the kubelet never sends imagePullSecrets for the pause image: every pod would fail with \"failed to get sandbox image\"."),
                format!("Set node_auth = true on registry[{i}] so containerd itself logs in, or use a public pause image (e.g. registry.k8s.io/pause or a public mirror)."),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_registries() {
        assert_eq!(image_registry("pause:3.2").as_deref(), Some("docker.io"));
        assert_eq!(image_registry("library/pause").as_deref(), Some("docker.io"));
        assert_eq!(image_registry("registry.k8s.io/pause:3.10").as_deref(), Some("registry.k8s.io"));
        assert_eq!(image_registry("10.50.1.104:5000/k/pause:3.6").as_deref(), Some("10.50.1.104:5000"));
        assert_eq!(image_registry("localhost/pause").as_deref(), Some("localhost"));
        assert_eq!(image_registry("https://x/pause"), None);
        assert_eq!(image_registry("a b"), None);
        assert_eq!(image_registry(""), None);
    }
}
