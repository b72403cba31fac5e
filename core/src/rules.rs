//! Rules that relate several fields or depend on the target version.
//!
//! Each rule reports a diagnostic on the field to change, with a fix. They run after
//! the per-field checks in [`crate::validate`], on the cleaned form.

mod sandbox;
mod style;

pub use sandbox::image_registry;

use crate::diagnostic::{Diagnostic, Field};
use crate::form::{Registry, Scheme};
use crate::host::{Endpoint, Host, HostKind};
use crate::plan;
use crate::validate::{Checked, Style};

/// Runs every rule.
pub fn check(c: &Checked, d: &mut Vec<Diagnostic>) {
    form_rules(c, d);
    for (i, r, host) in c.registries() {
        let f = Field::registry(i);
        transport_rules(c, i, &f, r, host, d);
        client_and_credentials(&f, r, d);
        style::check(c, i, &f, r, host, d);
        mirror_rules(c, i, &f, r, d);
        node_auth_rules(c, i, &f, r, host, d);
    }
    sandbox::check(c, d);
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
                format!("containerd {t} ignores registry.configs.*.tls without any error (removed in 2.0): a CA or skip_verify there gives x509 errors. No files until it is fixed (a preview uses hosts.toml instead)."),
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

fn transport_rules(c: &Checked, i: usize, f: &Field, r: &Registry, host: &Host, d: &mut Vec<Diagnostic>) {
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
            if host.is_loopback() {
                loopback_http(c, i, f, host, d);
            } else {
                d.push(Diagnostic::warning(
                    f.key("scheme"),
                    "registry.http",
                    format!("{} is reached over plain HTTP: images and credentials cross the network unencrypted.", host.reference()),
                    "Serve the registry over HTTPS (with a private CA in ca_pem if needed) when you can; otherwise keep it on a trusted network.",
                ));
            }
            if has_tls {
                d.push(Diagnostic::warning(
                    f.key("scheme"),
                    "registry.http-tls",
                    "TLS settings (CA, client certificate, skip_verify) on a plain-HTTP registry are left out: with them containerd would try HTTPS first (1.x inline config even refuses the endpoint).",
                    "Remove the TLS settings, or set scheme = \"https\" if the registry speaks TLS.",
                ));
            }
        }
    } else if !r.skip_verify && r.ca_file.trim().is_empty() && r.ca_pem.trim().is_empty() {
        if local_registry_on_https(c, i, r, host) {
            loopback_https(c, f, host, d);
        } else {
            private_ca_hint(c, i, f, r, host, d);
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
            let msg = format!("{} is a relative path; {how}.", crate::diagnostic::quoted(v));
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

/// A loopback registry (`127.0.0.1:5000`, `localhost:5000`, `[::1]:5000`) on the form's
/// default Protocol, HTTPS, with no CA, client certificate or skip_verify. A registry there
/// is almost always a local `registry:2` (kind's local registry, a dev setup) serving plain
/// HTTP, and containerd itself defaults such a host to HTTP (1.x CRI's `defaultScheme`,
/// `ConfigureHosts` for localhost); the files pullfix writes name `https://` instead, which
/// breaks it (`server gave HTTP response to HTTPS client`, reproduced on 1.6.20). The form
/// cannot tell "left at the default" from "chose HTTPS", so this is a warning that replaces
/// the private-CA info rather than a silent change of scheme. Port 443, and a port-less host
/// on 2.x (which containerd itself reaches over HTTPS), keep the private-CA info; so does a
/// registry with `mirror_only`, whose own server is never contacted.
fn local_registry_on_https(c: &Checked, i: usize, r: &Registry, host: &Host) -> bool {
    host.is_loopback()
        && r.client_cert.trim().is_empty()
        && host.port != Some(443)
        && !(host.port.is_none() && c.target.major >= 2)
        && !(r.mirror_only && style::has_mirror(c, i))
}

fn loopback_https(c: &Checked, f: &Field, host: &Host, d: &mut Vec<Diagnostic>) {
    let reg = host.reference();
    let default = if c.target.major >= 2 {
        "containerd itself, with no file for it, tries it over TLS without verifying the certificate and falls back \
         to plain HTTP"
    } else {
        "containerd itself, with no file for it, uses plain HTTP"
    };
    d.push(Diagnostic::warning(
        f.key("scheme"),
        "registry.loopback-https",
        format!(
            "{reg} is a loopback address: a registry there is usually a local one (registry:2, kind's local registry) \
             serving plain HTTP, and {default}. Protocol is HTTPS (the default), so the files name https://{reg}, and \
             a plain-HTTP registry then fails every pull with `http: server gave HTTP response to HTTPS client`."
        ),
        "Set Protocol to HTTP (scheme = \"http\" in a form file) unless the registry serves TLS; if it does, paste its \
         CA certificate (PEM) into ca_pem.",
    ));
}

/// A plain-HTTP loopback registry: the traffic never leaves the node, so unlike
/// `registry.http` there is nothing unencrypted on a network. What does matter is that each
/// node reaches its own loopback: a registry running somewhere else (kind's local registry
/// runs in its own container, not in the node) is not there, unless a mirror points at it;
/// with a mirror, that is already taken care of.
fn loopback_http(c: &Checked, i: usize, f: &Field, host: &Host, d: &mut Vec<Diagnostic>) {
    if style::has_mirror(c, i) {
        return;
    }
    let reg = host.reference();
    d.push(Diagnostic::info(
        f.key("scheme"),
        "registry.http-loopback",
        format!(
            "{reg} is reached over plain HTTP on a loopback address, so the traffic never leaves the node. Each node \
             contacts its own {reg}: only a registry running on that node (or in its network namespace) answers there."
        ),
        "Nothing to do if the registry runs on every node at this address. If it runs elsewhere (kind's local registry \
         is its own container), add a [[registry.mirror]] with the address the nodes reach it at, e.g. \
         http://kind-registry:5000, as kind's local-registry guide does.",
    ));
}

/// An HTTPS registry whose certificate only the nodes' system CAs can verify. Harbor and
/// most in-house registries use a private (or self-signed) CA, and then every pull fails
/// with `x509: certificate signed by unknown authority` (STORY.md, step 2): an info on
/// `ca_pem`, since pullfix cannot tell which CA signed the certificate. Public registries
/// have certificates from public CAs, so they are left out by name ([`crate::host::public_ca`]), as are
/// Docker Hub, `_default` (no server of its own), and a registry with `mirror_only`, whose
/// own server is never contacted.
fn private_ca_hint(c: &Checked, i: usize, f: &Field, r: &Registry, host: &Host, d: &mut Vec<Diagnostic>) {
    if matches!(host.kind, HostKind::DockerHub | HostKind::Default) || crate::host::public_ca(&host.name) {
        return;
    }
    if r.mirror_only && style::has_mirror(c, i) {
        return;
    }
    let reg = host.reference();
    d.push(Diagnostic::info(
        f.key("ca_pem"),
        "registry.private-ca",
        format!(
            "{reg} is reached over HTTPS with no CA of its own, so the nodes trust its certificate only if a public CA \
             signed it. If it comes from a private or self-signed CA (Harbor's default), pulls fail with \
             `x509: certificate signed by unknown authority`."
        ),
        format!(
            "Paste the registry's CA certificate (PEM) into ca_pem: {} Nothing to do if the certificate is from a \
             public CA (e.g. Let's Encrypt).",
            match c.style {
                Style::HostsToml => format!(
                    "pullfix writes it to the nodes and points {reg}'s hosts.toml at it. Or set ca_file to where the \
                     CA already is on every node."
                ),
                Style::Inline => format!(
                    "pullfix writes it to the nodes and sets it as {reg}'s tls.ca_file. Or set ca_file to where the CA \
                     already is on every node."
                ),
                Style::V1Mirrors => "containerd 1.2 has no per-registry CA, so pullfix writes it for the nodes' \
                                     system trust store."
                    .to_owned(),
            }
        ),
    ));
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
    if let (true, true, Some(why)) = (user, pass, crate::secret::username_breaks_auth(&r.username)) {
        d.push(Diagnostic::warning(
            f.key("username"),
            "credentials.username-colon",
            format!("This user name cannot log in through the pull Secret: {why}."),
            crate::secret::USERNAME_COLON_FIX,
        ));
    }
    if token && user && pass {
        d.push(Diagnostic::warning(
            f.key("identity_token"),
            "credentials.token-and-password",
            "Both identity_token and username/password are set; containerd uses the user name and password and ignores the token.",
            "Keep one of the two.",
        ));
    }
}

fn mirror_rules(c: &Checked, i: usize, f: &Field, r: &Registry, d: &mut Vec<Diagnostic>) {
    let is_default = c.hosts[i].as_ref().is_some_and(|h| h.kind == HostKind::Default);
    if is_default && !style::has_mirror(c, i) && plan::default_has_nothing(c, r) {
        d.push(Diagnostic::warning(
            f.key("host"),
            "default.empty",
            "_default has no mirror and no TLS setting, so there is nothing to write for it.",
            "Add a [[registry.mirror]] (a pull-through cache for every registry), or remove the _default entry.",
        ));
    }
    if r.mirror_only && !style::has_mirror(c, i) {
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
            // A loopback mirror (a per-node cache) never sends anything over the network.
            if !e.host.is_loopback() {
                d.push(Diagnostic::warning(
                    mf.key("url"),
                    "mirror.http",
                    format!("The mirror {} is plain HTTP: images cross the network unencrypted.", e.url()),
                    "Use an https:// mirror when you can; otherwise keep it on a trusted network.",
                ));
            }
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
        if !m.override_path && c.style != Style::V1Mirrors && e.path.starts_with("/v2/") && !e.path.ends_with("/v2") {
            d.push(v2_path_without_override(c, i, r, e, &mf));
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

/// A mirror path under `/v2/` is a registry API root (a Harbor proxy-cache project),
/// but without `override_path` containerd appends another `/v2` (verified on 1.6.20:
/// `HEAD /v2/proxy/v2/library/busybox/manifests/latest`). 1.2 ignores the path (its own rule).
fn v2_path_without_override(c: &Checked, i: usize, r: &Registry, e: &Endpoint, mf: &Field) -> Diagnostic {
    let no_fallback = r.mirror_only || c.hosts[i].as_ref().is_some_and(|h| h.kind == HostKind::Default);
    let url = e.url();
    let root = format!("{}://{}", e.scheme, e.host.reference());
    let message = format!(
        "containerd appends /v2 to a mirror's path unless override_path is set, so it would request {url}/v2/<image>/manifests/<tag>, which no registry serves; {}",
        if no_fallback {
            "with no fallback to the registry itself, every pull fails."
        } else {
            "every pull bypasses the mirror and falls back to the registry itself."
        }
    );
    let mut fix = format!(
        "Set override_path = true on this mirror: its path {} is then the API root, as for a Harbor proxy-cache project (https://harbor.example.net/v2/dockerhub-proxy). Or, if the mirror serves the registry API at its root, drop the path: {root}.",
        e.path
    );
    if c.style == Style::HostsToml && !c.target.has_override_path() {
        fix.push_str(&format!(
            " containerd {} has no override_path in hosts.toml (1.6+): upgrade, or set legacy_config = true.",
            c.target
        ));
    }
    if no_fallback {
        Diagnostic::error(mf.key("url"), "mirror.v2-path-needs-override", message, fix)
    } else {
        Diagnostic::warning(mf.key("url"), "mirror.v2-path-needs-override", message, fix)
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
    if c.target.major >= 2 {
        d.push(Diagnostic::info(
            f.key("node_auth"),
            "node_auth.deprecated-2x",
            format!("containerd {} still reads registry.configs.*.auth, but it is deprecated (removal planned for 2.4) and makes 2.1+ fall back from the transfer service to the older pull path.", c.target),
            "Keep node_auth only where the kubelet cannot send credentials (the sandbox image); give workloads a pull Secret (imagePullSecrets).",
        ));
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
        // The form holds one account per registry; through a mirror on another host (a
        // Harbor proxy cache) it is usually the mirror's. It is still written for the
        // upstream too (it may be the upstream's own, e.g. a Docker Hub account behind a
        // public mirror), so say plainly where it goes and how to keep it at the mirror.
        let mirror_hosts: Vec<&str> = contacts
            .iter()
            .filter(|k| k.source != plan::Source::Upstream && k.host != up)
            .map(|k| k.host.as_str())
            .collect();
        let first = mirror_hosts.first().copied().unwrap_or_default();
        d.push(Diagnostic::warning(
            f.key("node_auth"),
            "node_auth.upstream-gets-credentials",
            format!(
                "containerd keys node credentials by the host it contacts, so the nodes get this user and password \
                 for {} alike. If they are the mirror's account (a Harbor robot account), every fallback to {up} sends \
                 the mirror's password to {up}, which answers 401 where an anonymous pull would have worked.",
                names.join(", ")
            ),
            format!(
                "If they are the mirror's account: remove username, password and node_auth here and put them on a \
                 [[registry]] for {first} with node_auth (pullfix still keys the pull Secret for {reg}'s images with \
                 them), or set mirror_only = true so {up} is never contacted. If they are {up}'s own account, nothing \
                 to do.",
                reg = host.reference()
            ),
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

#[cfg(test)]
mod tests {
    use crate::form::{Form, Mirror, Registry, Scheme};

    /// The registries that get `registry.private-ca`.
    fn hinted(registries: Vec<Registry>, containerd: &str) -> Vec<String> {
        let form = Form { containerd: containerd.into(), registries, ..Form::default() };
        let mut d = Vec::new();
        crate::validate::check(&form, &mut d);
        d.iter().filter(|d| d.code == "registry.private-ca").map(|d| d.field.to_string()).collect()
    }

    fn reg(host: &str) -> Registry {
        Registry { host: host.into(), ..Registry::default() }
    }

    #[test]
    fn an_https_registry_without_a_ca_is_pointed_at_ca_pem_unless_public() {
        let mirror = vec![Mirror { url: "https://cache.example.net".into(), ..Mirror::default() }];
        let got = hinted(
            vec![
                reg("harbor.example.net"),
                reg("10.50.1.104:8443"),
                reg("docker.io"),
                reg("quay.io"),
                reg("registry.aliyuncs.com"),
                reg("_default"),
                Registry { skip_verify: true, ..reg("a.example.net") },
                Registry { ca_file: "/etc/ssl/ca.pem".into(), ..reg("b.example.net") },
                Registry { scheme: Scheme::Http, ..reg("c.example.net") },
                Registry { mirror_only: true, mirrors: mirror.clone(), ..reg("d.example.net") },
                Registry { mirrors: mirror, ..reg("e.example.net") },
            ],
            "1.7",
        );
        assert_eq!(got, ["registry[0].ca_pem", "registry[1].ca_pem", "registry[10].ca_pem"]);
    }

    /// `(code, field)` of every diagnostic for `registries` on `containerd`.
    fn diags(registries: Vec<Registry>, containerd: &str) -> Vec<crate::diagnostic::Diagnostic> {
        let form = Form { containerd: containerd.into(), registries, ..Form::default() };
        let mut d = Vec::new();
        crate::validate::check(&form, &mut d);
        d
    }

    /// Review 12, L1: the kubelet splits `auth` at the first colon, so `dom:user` would
    /// log in as `dom`. A warning on the user name; without a password, no warning.
    #[test]
    fn a_colon_in_the_user_name_is_a_warning_on_it() {
        let with =
            |user: &str, pass: &str| Registry { username: user.into(), password: pass.into(), ..reg("h.example.net") };
        let d = diags(vec![with("dom:user", "p"), with("robot$ci", "a:b"), with("x:y", "")], "1.7");
        let colon: Vec<_> = d.iter().filter(|d| d.code == "credentials.username-colon").collect();
        assert_eq!(colon.len(), 1, "{d:?}");
        assert_eq!(colon[0].field.to_string(), "registry[0].username");
        assert_eq!(colon[0].severity, crate::diagnostic::Severity::Warning);
        assert!(colon[0].message.contains("user name \"dom\""), "{}", colon[0].message);
        assert!(!colon[0].message.contains("user\""), "the password side is not quoted: {}", colon[0].message);
        assert_eq!(colon[0].fix, crate::secret::USERNAME_COLON_FIX);
    }

    #[test]
    fn a_loopback_registry_on_https_is_pointed_at_http_not_at_a_ca() {
        let mirror = vec![Mirror { url: "http://kind-registry:5000".into(), ..Mirror::default() }];
        let regs = vec![
            reg("127.0.0.1:5000"),
            reg("localhost:5000"),
            reg("[::1]:5000"),
            reg("localhost"),
            reg("127.0.0.1:443"),
            Registry { ca_pem: String::new(), skip_verify: true, ..reg("127.0.0.1:5001") },
            Registry { ca_file: "/etc/ssl/local.pem".into(), ..reg("127.0.0.1:5002") },
            Registry { client_cert: "/c".into(), client_key: "/k".into(), ..reg("127.0.0.1:5003") },
            Registry { mirror_only: true, mirrors: mirror, ..reg("localhost:5004") },
            reg("10.50.1.104:5000"),
        ];
        for v in ["1.2", "1.4", "1.6.20", "2.1"] {
            let d = diags(regs.clone(), v);
            let of = |code: &str| -> Vec<String> {
                d.iter().filter(|x| x.code == code).map(|x| x.field.to_string()).collect()
            };
            // A port-less localhost is HTTPS to containerd 2.x too, so it keeps the CA info there.
            let (loopback, ca): (&[&str], &[&str]) = if v == "2.1" {
                (
                    &["registry[0].scheme", "registry[1].scheme", "registry[2].scheme"],
                    &["registry[3].ca_pem", "registry[4].ca_pem", "registry[7].ca_pem", "registry[9].ca_pem"],
                )
            } else {
                (
                    &["registry[0].scheme", "registry[1].scheme", "registry[2].scheme", "registry[3].scheme"],
                    &["registry[4].ca_pem", "registry[7].ca_pem", "registry[9].ca_pem"],
                )
            };
            assert_eq!(of("registry.loopback-https"), loopback, "{v}");
            assert_eq!(of("registry.private-ca"), ca, "{v}");
            let w = d.iter().find(|x| x.code == "registry.loopback-https").expect(v);
            assert_eq!(w.severity, crate::diagnostic::Severity::Warning);
            assert!(w.message.contains("https://127.0.0.1:5000"), "{}", w.message);
            assert!(w.message.contains("server gave HTTP response to HTTPS client"), "{}", w.message);
            assert!(w.fix.contains("Set Protocol to HTTP") && w.fix.contains("ca_pem"), "{}", w.fix);
            let falls_back = w.message.contains("falls back to plain HTTP");
            assert_eq!(falls_back, v == "2.1", "{v}: {}", w.message);
        }
    }

    #[test]
    fn plain_http_on_loopback_does_not_say_the_network_is_crossed() {
        let mirror = |u: &str| vec![Mirror { url: u.into(), ..Mirror::default() }];
        let d = diags(
            vec![
                Registry { scheme: Scheme::Http, ..reg("127.0.0.1:5000") },
                Registry { scheme: Scheme::Http, ..reg("localhost:5001") },
                Registry {
                    scheme: Scheme::Http,
                    mirrors: mirror("http://kind-registry:5000"),
                    ..reg("localhost:5002")
                },
                Registry { scheme: Scheme::Http, ..reg("10.50.1.104:5000") },
                Registry { mirrors: mirror("http://127.0.0.1:5100"), ..reg("docker.io") },
                Registry { mirrors: mirror("http://10.50.1.104:5100"), ..reg("quay.io") },
            ],
            "1.7",
        );
        let got: Vec<(&str, String)> = d.iter().map(|x| (x.code, x.field.to_string())).collect();
        let want = |code: &'static str, field: &str| (code, field.to_owned());
        assert!(got.contains(&want("registry.http-loopback", "registry[0].scheme")), "{got:?}");
        assert!(got.contains(&want("registry.http-loopback", "registry[1].scheme")), "{got:?}");
        // With a mirror, how the nodes reach it is already said.
        assert!(!got.iter().any(|(c, f)| c.starts_with("registry.http") && f == "registry[2].scheme"), "{got:?}");
        assert!(got.contains(&want("registry.http", "registry[3].scheme")), "{got:?}");
        assert!(!got.contains(&want("mirror.http", "registry[4].mirror[0].url")), "{got:?}");
        assert!(got.contains(&want("mirror.http", "registry[5].mirror[0].url")), "{got:?}");
        for x in d.iter().filter(|x| {
            x.field.to_string().starts_with("registry[0]") || x.field.to_string().starts_with("registry[1]")
        }) {
            assert!(!x.message.contains("cross the network"), "{}: {}", x.code, x.message);
        }
        let info = d.iter().find(|x| x.code == "registry.http-loopback").expect("info");
        assert_eq!(info.severity, crate::diagnostic::Severity::Info);
        assert!(info.message.contains("never leaves the node"), "{}", info.message);
        assert!(info.fix.contains("[[registry.mirror]]"), "{}", info.fix);
    }

    #[test]
    fn the_ca_hint_names_what_the_target_does_with_the_pem() {
        for (v, want) in [("1.7", "hosts.toml"), ("1.4", "tls.ca_file"), ("1.2", "system trust store")] {
            let form = Form { containerd: v.into(), registries: vec![reg("harbor.example.net")], ..Form::default() };
            let mut d = Vec::new();
            crate::validate::check(&form, &mut d);
            let hint = d.iter().find(|d| d.code == "registry.private-ca").expect(v);
            assert!(hint.message.contains("x509: certificate signed by unknown authority"), "{}", hint.message);
            assert!(hint.fix.contains(want), "{v}: {}", hint.fix);
        }
    }
}
