//! Rules that depend on the target's registry style: 1.2's mirrors, the inline keys,
//! hosts.toml.

use crate::diagnostic::{Diagnostic, Field};
use crate::form::Registry;
use crate::host::{Host, HostKind};
use crate::validate::{Checked, Style};

/// Rules that depend on how the target configures registries ([`Style`]).
pub(super) fn check(c: &Checked, i: usize, f: &Field, r: &Registry, host: &Host, d: &mut Vec<Diagnostic>) {
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
            let keeps_upstream_out = c.mirrors[i].iter().flatten().any(|e| {
                same_host.as_ref().is_some_and(|h| h.eq_ignore_ascii_case(&e.host.reference()))
                    && e.scheme == r.scheme.as_str()
            });
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

/// Whether registry `i` has a usable mirror.
pub(super) fn has_mirror(c: &Checked, i: usize) -> bool {
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
