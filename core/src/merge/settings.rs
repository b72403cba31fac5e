//! The settings a form asks of containerd's `config.toml`, as a flat list of
//! `(key path, value, why)`: what merge writes into an existing file.
//!
//! The list is made for one dialect (plugin paths) and one target (which features exist),
//! so that merge can keep a file's dialect when asked to.

use toml_edit::{Array, Value};

use super::detect::Dialect;
use crate::form::Form;
use crate::host::{Endpoint, HostKind};
use crate::validate::Checked;
use crate::version::Target;

/// One key to set.
#[derive(Debug, Clone)]
pub struct Setting {
    /// The key path, one element per TOML key (`["plugins", "io.containerd.grpc.v1.cri", "sandbox_image"]`).
    pub path: Vec<String>,
    /// The value to set.
    pub value: Value,
    /// Why, in an operator's words.
    pub why: String,
}

/// How the registry settings are expressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryStyle {
    /// `config_path` = this directory, one hosts.toml per registry under it (1.5+).
    HostsToml(String),
    /// The inline `registry.mirrors` / `registry.configs` keys (1.2 - 1.4, or asked for on 1.5 - 1.7).
    Legacy,
}

/// Everything merge needs to know about the form, for one dialect.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The keys to set, in order.
    pub settings: Vec<Setting>,
    /// hosts.toml or legacy keys.
    pub style: RegistryStyle,
    /// The registry hosts the form configures and the mirror hosts it contacts
    /// (`host[:port]`): their legacy `mirrors` / `configs.tls` entries conflict with hosts.toml.
    pub hosts: Vec<String>,
}

/// Whether the form uses hosts.toml on this target.
pub fn uses_hosts_toml(form: &Form, target: &Target) -> bool {
    target.has_hosts_toml() && !(form.legacy_config && target.major == 1)
}

/// Builds the plan for `dialect`, with `config_path` as the hosts.toml directory.
pub fn plan(checked: &Checked, dialect: Dialect, config_path: &str) -> Plan {
    let form = &checked.form;
    let target = &checked.target;
    let registry = dialect.registry_path();
    let at = |tail: &[&str]| -> Vec<String> {
        let mut p = registry.clone();
        p.extend(tail.iter().map(|s| (*s).to_owned()));
        p
    };
    let mut settings = Vec::new();
    let mut hosts = Vec::new();
    let hosts_mode = uses_hosts_toml(form, target);
    let style = if hosts_mode { RegistryStyle::HostsToml(config_path.to_owned()) } else { RegistryStyle::Legacy };
    if hosts_mode {
        settings.push(Setting {
            path: at(&["config_path"]),
            value: Value::from(config_path),
            why: format!(
                "containerd reads each registry's hosts.toml under this one directory ({config_path}/<registry>/hosts.toml); \
                 a change here needs `systemctl restart containerd`, the hosts.toml files do not."
            ),
        });
    }
    for (i, r) in form.registries.iter().enumerate() {
        let Some(host) = checked.hosts.get(i).and_then(Option::as_ref) else { continue };
        let reference = host.reference();
        push_unique(&mut hosts, reference.clone());
        let mirrors: Vec<Endpoint> = r.mirrors.iter().filter_map(|m| Endpoint::parse(m.url.trim()).ok()).collect();
        for m in &mirrors {
            push_unique(&mut hosts, m.host.reference());
        }
        if !hosts_mode {
            let mut endpoints: Vec<String> = mirrors.iter().map(Endpoint::url).collect();
            let server = host.server_url(r.scheme.as_str());
            if !r.mirror_only || endpoints.is_empty() {
                endpoints.extend(server);
            }
            let mut seen = Vec::new();
            endpoints.retain(|e| {
                let new = !seen.contains(e);
                seen.push(e.clone());
                new
            });
            if !mirrors.is_empty() || (r.scheme.as_str() == "http" && host.kind != HostKind::Default) {
                let arr: Array = endpoints.iter().map(String::as_str).collect();
                settings.push(Setting {
                    path: at(&["mirrors", &reference, "endpoint"]),
                    value: Value::Array(arr),
                    why: format!(
                        "Where containerd pulls {reference} images from, tried in order (each URL with its scheme)."
                    ),
                });
            }
            if target.has_legacy_tls() {
                legacy_tls(
                    &mut settings,
                    &at(&["configs", &reference, "tls"]),
                    &r.ca_file,
                    &r.client_cert,
                    &r.client_key,
                    r.skip_verify,
                );
                for (m, em) in r.mirrors.iter().zip(mirrors.iter()) {
                    let mh = em.host.reference();
                    legacy_tls(&mut settings, &at(&["configs", &mh, "tls"]), &m.ca_file, "", "", m.skip_verify);
                }
            }
        }
        if r.node_auth && r.has_credentials() {
            let mut contacted: Vec<String> = mirrors.iter().map(|m| m.host.reference()).collect();
            if !r.mirror_only || contacted.is_empty() {
                if let Some(s) = host.server_url(r.scheme.as_str()) {
                    if let Ok(e) = Endpoint::parse(&s) {
                        contacted.push(e.host.reference());
                    }
                }
            }
            contacted.dedup();
            for c in contacted {
                auth(
                    &mut settings,
                    target,
                    &registry,
                    &c,
                    r.scheme.as_str(),
                    &r.username,
                    &r.password,
                    &r.identity_token,
                );
            }
        }
    }
    let sandbox = form.sandbox_image.trim();
    if !sandbox.is_empty() {
        settings.push(Setting {
            path: dialect.sandbox_path(),
            value: Value::from(sandbox),
            why: "The pause image every pod sandbox starts from; the kubelet never sends pull Secrets for it, so it must be reachable with node-level settings.".into(),
        });
    }
    // One value per key: the first registry that sets it wins (the form names a host twice).
    let mut seen: Vec<Vec<String>> = Vec::new();
    settings.retain(|s| {
        let new = !seen.contains(&s.path);
        seen.push(s.path.clone());
        new
    });
    Plan { settings, style, hosts }
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

fn legacy_tls(out: &mut Vec<Setting>, tls: &[String], ca: &str, cert: &str, key: &str, skip: bool) {
    let mut put = |k: &str, v: Value, why: &str| {
        let mut p = tls.to_vec();
        p.push(k.to_owned());
        out.push(Setting { path: p, value: v, why: why.to_owned() });
    };
    if !ca.trim().is_empty() {
        put(
            "ca_file",
            Value::from(ca.trim()),
            "The CA that signed the registry's certificate (legacy keys; containerd 2.x ignores them).",
        );
    }
    if !cert.trim().is_empty() && !key.trim().is_empty() {
        put("cert_file", Value::from(cert.trim()), "Client certificate for mutual TLS.");
        put("key_file", Value::from(key.trim()), "Client key for mutual TLS.");
    }
    if skip {
        put(
            "insecure_skip_verify",
            Value::from(true),
            "Do not verify the registry's certificate (unsafe; prefer its CA).",
        );
    } else if !ca.trim().is_empty() {
        put("insecure_skip_verify", Value::from(false), "Verify the registry's certificate with the CA above.");
    }
}

#[allow(clippy::too_many_arguments)]
fn auth(
    out: &mut Vec<Setting>,
    target: &Target,
    registry: &[String],
    contacted: &str,
    scheme: &str,
    user: &str,
    pass: &str,
    token: &str,
) {
    let mut base = registry.to_vec();
    if target.has_registry_configs() {
        base.extend(["configs".to_owned(), contacted.to_owned(), "auth".to_owned()]);
    } else {
        base.extend(["auths".to_owned(), format!("{scheme}://{contacted}")]);
    }
    let why = format!("Node-level credentials for {contacted}, the host containerd contacts; they serve the sandbox image and pods without imagePullSecrets.");
    let mut put = |k: &str, v: &str| {
        let mut p = base.clone();
        p.push(k.to_owned());
        out.push(Setting { path: p, value: Value::from(v), why: why.clone() });
    };
    if !token.is_empty() {
        put("identitytoken", token);
    } else {
        put("username", user);
        put("password", pass);
    }
}
