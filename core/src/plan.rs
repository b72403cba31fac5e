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

/// Which listed registries pass their TLS on to a mirror on their host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inherit {
    /// Only the mirror's own registry (a Harbor proxy-cache project on the same Harbor).
    /// For tables keyed by host (inline `configs`, registries.yaml, Talos): another
    /// registry's TLS reaches its host through that registry's own entry there.
    OwnRegistry,
    /// Any `[[registry]]` of the form whose host the mirror is on, its own first. For
    /// files per registry (hosts.toml): containerd reads only the image's registry's
    /// hosts.toml, so the mirror's table must carry the TLS of the registry it lives on.
    AnyRegistry,
}

/// The listed registry whose upstream server is at a mirror's origin (`https://host[:port]`,
/// compared as [`pull_auth`](crate::pull_auth) matches mirrors to registries:
/// case-insensitive, the port part of the name, except that an explicit `:443` is
/// https's own port and so the same TLS server): registry `i` itself first, then, with
/// [`Inherit::AnyRegistry`], the others in form order. `None` for plain HTTP, where
/// there is no TLS to pass on.
pub fn tls_registry(checked: &Checked, i: usize, e: &Endpoint, inherit: Inherit) -> Option<usize> {
    if e.scheme != "https" {
        return None;
    }
    let without_443 = |r: String| r.strip_suffix(":443").map(str::to_owned).unwrap_or(r);
    let host = without_443(e.host.reference());
    let at_host = |k: usize| {
        let on_https = checked.form.registries.get(k).is_some_and(|r| r.scheme == Scheme::Https);
        let same = checked
            .hosts
            .get(k)
            .and_then(Option::as_ref)
            .is_some_and(|h| h.kind != HostKind::Default && without_443(h.reference()).eq_ignore_ascii_case(&host));
        on_https && same
    };
    if at_host(i) {
        return Some(i);
    }
    match inherit {
        Inherit::OwnRegistry => None,
        Inherit::AnyRegistry => (0..checked.hosts.len()).find(|&k| k != i && at_host(k)),
    }
}

/// One mirror as a contact, with [`Inherit::OwnRegistry`]; see [`mirror_with`].
pub fn mirror(checked: &Checked, i: usize, j: usize, e: &Endpoint) -> Contact {
    mirror_with(checked, i, j, e, Inherit::OwnRegistry)
}

/// One mirror as a contact. A mirror on a listed registry's host ([`tls_registry`]) gets
/// that registry's TLS: its CA, client certificate and skip_verify. The mirror's own
/// settings win: its `ca_file` replaces the CA (the client certificate stays: a mirror
/// has none of its own), and its `skip_verify` turns verification off.
pub fn mirror_with(checked: &Checked, i: usize, j: usize, e: &Endpoint, inherit: Inherit) -> Contact {
    let r = &checked.form.registries[i];
    let m = &r.mirrors[j];
    let host = e.host.reference();
    let mut tls = Tls::default();
    if e.scheme == "https" {
        if let Some(k) = tls_registry(checked, i, e, inherit) {
            if let (Some(owner), Some(Some(h))) = (checked.form.registries.get(k), checked.hosts.get(k)) {
                tls = registry_tls(checked, owner, h);
                if k != i && checked.style == Style::HostsToml {
                    // A relative path is relative to the hosts.toml that names it: the
                    // owner's directory, not this registry's.
                    tls = absolute_in(&tls, &format!("{}/{}", checked.config_path, h.reference()));
                }
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

/// `tls` with its relative paths resolved against the directory `dir`.
fn absolute_in(tls: &Tls, dir: &str) -> Tls {
    let abs = |p: &str| if p.is_empty() || p.starts_with('/') { p.to_owned() } else { format!("{dir}/{p}") };
    Tls { ca: abs(&tls.ca), client: tls.client.as_ref().map(|(c, k)| (abs(c), abs(k))), skip_verify: tls.skip_verify }
}

/// Every host containerd contacts for `registry[i]`, with [`Inherit::OwnRegistry`]; see
/// [`contacts_with`].
pub fn contacts(checked: &Checked, i: usize) -> Vec<Contact> {
    contacts_with(checked, i, Inherit::OwnRegistry)
}

/// Every host containerd contacts for `registry[i]`, in order: the usable mirrors,
/// then the upstream unless `mirror_only` (or `_default`, which has none).
pub fn contacts_with(checked: &Checked, i: usize, inherit: Inherit) -> Vec<Contact> {
    let (Some(r), Some(Some(host))) = (checked.form.registries.get(i), checked.hosts.get(i)) else {
        return Vec::new();
    };
    let mut out: Vec<Contact> = checked.mirrors[i]
        .iter()
        .enumerate()
        .filter_map(|(j, e)| e.as_ref().map(|e| mirror_with(checked, i, j, e, inherit)))
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

    #[test]
    fn another_registrys_tls_only_with_any_registry() {
        let harbor = Registry {
            host: "harbor.example.net".into(),
            client_cert: "/c.crt".into(),
            client_key: "/c.key".into(),
            ca_file: "/ca.crt".into(),
            ..Registry::default()
        };
        let hub = Registry {
            host: "docker.io".into(),
            mirrors: vec![Mirror { url: "https://harbor.example.net/v2/p".into(), ..Mirror::default() }],
            ..Registry::default()
        };
        let mut d = Vec::new();
        let c = crate::validate::check(&Form { registries: vec![hub, harbor], ..Form::default() }, &mut d);
        let Some(Some(e)) = c.mirrors[0].first() else { panic!("mirror parsed") };
        assert_eq!(tls_registry(&c, 0, e, Inherit::AnyRegistry), Some(1));
        assert_eq!(tls_registry(&c, 0, e, Inherit::OwnRegistry), None);
        let any = &contacts_with(&c, 0, Inherit::AnyRegistry)[0].tls;
        assert_eq!((any.ca.as_str(), any.client.clone()), ("/ca.crt", Some(("/c.crt".into(), "/c.key".into()))));
        assert!(contacts(&c, 0)[0].tls.is_empty());
    }
}
