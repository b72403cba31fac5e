//! Which hosts containerd contacts for a registry, in which order, with which TLS.
//!
//! Shared by the config.toml and hosts.toml generators so both agree on the keys
//! (`configs."<host>"` is looked up by the host containerd actually contacts).

use crate::form::{Registry, Scheme};
use crate::host::{Endpoint, Host, HostKind, DOCKER_HUB_SERVER};
use crate::validate::{Checked, Style};

/// TLS settings for one contacted host. Empty strings mean "not set".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tls {
    /// CA certificate path on the node.
    pub ca: String,
    /// Client certificate and key paths (mTLS).
    pub client: Option<(String, String)>,
    /// Do not verify the server certificate.
    pub skip_verify: bool,
}

impl Tls {
    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        self.ca.is_empty() && self.client.is_none() && !self.skip_verify
    }
}

/// Where a contacted host comes from in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `registry[i].mirror[j]`.
    Mirror(usize),
    /// The registry itself (its upstream server).
    Upstream,
}

/// One host containerd contacts for a registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Mirror or upstream.
    pub source: Source,
    /// `http` or `https`.
    pub scheme: String,
    /// `host[:port]` as containerd dials it (`registry-1.docker.io` for Docker Hub).
    pub host: String,
    /// The URL path, without trailing slash (empty for none).
    pub path: String,
    /// The path is the API root (hosts.toml `override_path`).
    pub override_path: bool,
    /// Capabilities; empty means containerd's default for that position.
    pub capabilities: Vec<String>,
    /// TLS for this host (always empty for plain HTTP).
    pub tls: Tls,
}

impl Contact {
    /// `scheme://host[:port][/path]`.
    pub fn url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.host, self.path)
    }
    /// `scheme://host[:port]`, without the path.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }
}

/// The CA path in effect for a registry: its `ca_file`, or the default
/// `<config_path>/<namespace>/ca.crt` when only `ca_pem` is given. Empty when neither.
/// On containerd 1.2 (no per-registry CA) the default is the system trust store.
pub fn registry_ca_path(checked: &Checked, r: &Registry, host: &Host) -> String {
    let ca = r.ca_file.trim();
    if !ca.is_empty() {
        return ca.to_owned();
    }
    if r.ca_pem.trim().is_empty() {
        return String::new();
    }
    if checked.style == Style::V1Mirrors {
        return format!("/usr/local/share/ca-certificates/{}.crt", host.reference().replace(':', "_"));
    }
    format!("{}/{}/ca.crt", checked.config_path, host.reference())
}

/// The registry's own TLS settings (for its upstream server).
pub fn registry_tls(checked: &Checked, r: &Registry, host: &Host) -> Tls {
    // Half a pair is an error (rules.rs) and is not written.
    let client = match (r.client_cert.trim(), r.client_key.trim()) {
        ("", _) | (_, "") => None,
        (c, k) => Some((c.to_owned(), k.to_owned())),
    };
    Tls { ca: registry_ca_path(checked, r, host), client, skip_verify: r.skip_verify }
}

/// True when a `_default` registry without mirrors has nothing to write: no TLS, or a
/// style that cannot key TLS for it (inline, 1.2).
pub fn default_has_nothing(checked: &Checked, r: &Registry) -> bool {
    r.ca_file.trim().is_empty() && r.ca_pem.trim().is_empty() && r.client_cert.trim().is_empty() && !r.skip_verify
        || checked.style != Style::HostsToml
}

/// The upstream server containerd contacts for a registry; `None` for `_default`.
pub fn upstream(checked: &Checked, r: &Registry, host: &Host) -> Option<Contact> {
    let (scheme, dial) = match host.kind {
        HostKind::Default => return None,
        HostKind::DockerHub => ("https".to_owned(), DOCKER_HUB_SERVER.trim_start_matches("https://").to_owned()),
        _ => (r.scheme.as_str().to_owned(), host.reference()),
    };
    let tls = if scheme == "https" { registry_tls(checked, r, host) } else { Tls::default() };
    Some(Contact {
        source: Source::Upstream,
        scheme,
        host: dial,
        path: String::new(),
        override_path: false,
        capabilities: Vec::new(),
        tls,
    })
}

/// Whether the registry's credentials are complete enough to log in with: a user
/// name with its password, or an identity token. Anything less is an error in the
/// rules and is never written.
pub fn usable_credentials(r: &Registry) -> bool {
    (!r.username.is_empty() && !r.password.is_empty()) || !r.identity_token.is_empty()
}

/// One mirror as a contact. A mirror on the registry's own host (a Harbor
/// proxy-cache project on the same Harbor) inherits the registry's TLS; its own
/// `ca_file` / `skip_verify` win.
pub fn mirror(checked: &Checked, i: usize, j: usize, e: &Endpoint) -> Contact {
    let r = &checked.form.registries[i];
    let m = &r.mirrors[j];
    let host = e.host.reference();
    let mut tls = Tls::default();
    if e.scheme == "https" {
        let same_host = checked.hosts[i]
            .as_ref()
            .is_some_and(|h| h.reference().eq_ignore_ascii_case(&host) && r.scheme == Scheme::Https);
        if same_host {
            if let Some(h) = &checked.hosts[i] {
                tls = registry_tls(checked, r, h);
            }
        }
        if !m.ca_file.trim().is_empty() {
            tls.ca = m.ca_file.trim().to_owned();
        }
        tls.skip_verify |= m.skip_verify;
    }
    let capabilities = if m.capabilities.is_empty() {
        crate::form::DEFAULT_MIRROR_CAPABILITIES.map(str::to_owned).to_vec()
    } else {
        m.capabilities.clone()
    };
    Contact {
        source: Source::Mirror(j),
        scheme: e.scheme.clone(),
        host,
        path: e.path.clone(),
        override_path: m.override_path,
        capabilities,
        tls,
    }
}

/// Every host containerd contacts for `registry[i]`, in order: the usable mirrors,
/// then the upstream unless `mirror_only` (or `_default`, which has none).
pub fn contacts(checked: &Checked, i: usize) -> Vec<Contact> {
    let (Some(r), Some(Some(host))) = (checked.form.registries.get(i), checked.hosts.get(i)) else {
        return Vec::new();
    };
    let mut out: Vec<Contact> = checked.mirrors[i]
        .iter()
        .enumerate()
        .filter_map(|(j, e)| e.as_ref().map(|e| mirror(checked, i, j, e)))
        .collect();
    let mirror_only = r.mirror_only && !out.is_empty();
    if !mirror_only {
        out.extend(upstream(checked, r, host));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{Form, Mirror};

    fn checked(r: Registry) -> Checked {
        let mut d = Vec::new();
        crate::validate::check(&Form { registries: vec![r], ..Form::default() }, &mut d)
    }

    #[test]
    fn docker_hub_is_contacted_at_registry_1() {
        let c = checked(Registry { host: "docker.io".into(), ..Registry::default() });
        let hosts: Vec<_> = contacts(&c, 0).into_iter().map(|c| c.url()).collect();
        assert_eq!(hosts, vec!["https://registry-1.docker.io"]);
    }

    #[test]
    fn mirrors_first_and_mirror_only_drops_the_upstream() {
        let m = Mirror { url: "https://harbor.example.net/v2/proxy".into(), ..Mirror::default() };
        let r = Registry { host: "docker.io".into(), mirrors: vec![m], ..Registry::default() };
        let hosts: Vec<_> = contacts(&checked(r.clone()), 0).into_iter().map(|c| c.host).collect();
        assert_eq!(hosts, vec!["harbor.example.net", "registry-1.docker.io"]);
        let only = Registry { mirror_only: true, ..r };
        let hosts: Vec<_> = contacts(&checked(only), 0).into_iter().map(|c| c.host).collect();
        assert_eq!(hosts, vec!["harbor.example.net"]);
    }

    #[test]
    fn same_host_mirror_inherits_tls_and_http_gets_none() {
        let r = Registry {
            host: "harbor.example.net".into(),
            ca_file: "/ca.crt".into(),
            mirrors: vec![
                Mirror { url: "https://harbor.example.net/v2/p".into(), ..Mirror::default() },
                Mirror { url: "https://other.example.net".into(), ..Mirror::default() },
                Mirror { url: "http://harbor.example.net".into(), skip_verify: true, ..Mirror::default() },
            ],
            ..Registry::default()
        };
        let c = contacts(&checked(r), 0);
        assert_eq!(c[0].tls.ca, "/ca.crt");
        assert!(c[1].tls.is_empty());
        assert!(c[2].tls.is_empty());
        assert_eq!(c[3].tls.ca, "/ca.crt");
    }
}
