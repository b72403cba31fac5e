//! Carrying what the node's legacy registry tables said into the hosts.toml files that
//! replace them.
//!
//! With hosts.toml, merge must remove `registry.mirrors."<host>"` and
//! `registry.configs."<host>".tls` of the form's hosts: beside `config_path` containerd
//! 1.5-1.7 does not load its CRI plugin, and 2.x ignores `configs.tls`. What they said is not
//! dropped: where the form says nothing about it, it is carried into the registry's hosts.toml
//! ([`Carried`], adopted by [`super::MergeResult::form_for_files`]), read the way containerd
//! 1.x's CRI plugin reads them (`registryHosts`, `registryEndpoints` and `addDefaultScheme` in
//! `pkg/cri/server/image_pull.go`):
//! - `insecure_skip_verify = true` -> `skip_verify`, when the form gives no CA and no skip_verify;
//! - `ca_file` -> `ca`, when the form gives no CA;
//! - `cert_file` + `key_file` -> `client`, when the form gives no client certificate;
//! - `mirrors."<host>".endpoint` -> `[host."<url>"]` tables, when the form names no mirrors: in
//!   order, without the registry itself (the hosts.toml `server`, which containerd always tries
//!   last); a scheme-less endpoint gets `http://` on localhost and loopback addresses and
//!   `https://` elsewhere; an endpoint with a path gets `override_path` (1.x uses a given path
//!   as the API root as it is, only an empty path becomes `/v2`). The registry itself named
//!   with `http://` makes the registry's scheme http;
//! - a mirror's own `configs."<mirror host>".tls` -> that mirror's `ca` / `skip_verify`;
//! - `mirrors."*".endpoint` (1.x's mirrors for every registry without its own entry) -> the
//!   `_default` hosts.toml's `[host."<url>"]` tables, when the form has `_default` and the
//!   target reads it (1.6.17+, 1.7, 2.x).
//!
//! Each carried item is an info on `existing_config`; what cannot be carried is a warning.

use std::net::IpAddr;

use serde::Serialize;
use toml_edit::Item;

use super::{edit, existing_config_field, Merger};
use crate::config_file::Dialect;
use crate::diagnostic::Diagnostic;
use crate::form::{Mirror, Registry, Scheme};
use crate::host::{Endpoint, Host, HostKind};
use crate::toml_table::TableRef;
use crate::validate::Checked;

mod marks;
pub(in crate::merge) use marks::absorb;
pub use marks::{kept, CARRIED_MARK};

/// What merge carried from the file's legacy tables into one registry's hosts.toml; the
/// form's registry keeps every setting it gives itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Carried {
    /// The index of the registry in the form.
    pub registry: usize,
    /// The registry as images name it (`harbor.example.net`).
    pub host: String,
    /// The node path of its hosts.toml.
    pub hosts_toml: String,
    /// `Some(Http)` when the legacy mirror list reached the registry itself over plain HTTP.
    pub scheme: Option<Scheme>,
    /// The CA file (`configs."<host>".tls.ca_file`).
    pub ca_file: String,
    /// `configs."<host>".tls.insecure_skip_verify = true`.
    pub skip_verify: bool,
    /// The client certificate and key (`cert_file`, `key_file`).
    pub client: Option<(String, String)>,
    /// The registry's mirrors after carrying: the legacy endpoints when the form names none,
    /// or the form's own with the CA or skip-verify of their host's legacy `configs.tls`.
    /// `None` when nothing about the mirrors was carried.
    pub mirrors: Option<Vec<Mirror>>,
    /// `mirrors` holds mirrors carried from the legacy endpoint list (not the form's own).
    pub legacy_mirrors: bool,
    /// Mirrors (by URL) that got the CA or skip-verify of their host's legacy `configs.tls`.
    pub mirror_tls: Vec<MirrorTls>,
    /// What was carried, one phrase each (`skip_verify = true (from ...)`).
    pub items: Vec<String>,
}

/// The legacy TLS a mirror got: which of its keys were carried.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MirrorTls {
    /// The mirror's URL, its `[host."<url>"]` table.
    pub url: String,
    /// Its `ca` was carried.
    pub ca: bool,
    /// Its `skip_verify` was carried.
    pub skip_verify: bool,
}

impl Carried {
    /// Whether nothing was carried.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Puts what was carried into the form's registry.
    pub fn adopt(&self, r: &mut Registry) {
        if let Some(s) = self.scheme {
            r.scheme = s;
        }
        if !self.ca_file.is_empty() {
            r.ca_file = self.ca_file.clone();
        }
        r.skip_verify |= self.skip_verify;
        if let Some((cert, key)) = &self.client {
            r.client_cert = cert.clone();
            r.client_key = key.clone();
        }
        if let Some(m) = &self.mirrors {
            r.mirrors = m.clone();
            // containerd 1.x always falls back to the registry after legacy mirrors.
            r.mirror_only &= !self.legacy_mirrors;
        }
    }
}

/// What [`Merger::carry_legacy`] found: the carried settings and the reasons to give for
/// removing each legacy table.
#[derive(Debug, Default)]
pub(super) struct Carry {
    /// One entry per registry that got something.
    pub carried: Vec<Carried>,
    /// `mirrors."<host>"` -> why it is removed.
    pub mirror_why: Vec<(String, String)>,
    /// `configs."<host>".tls` -> why it is removed.
    pub tls_why: Vec<(String, String)>,
    /// Hosts of carried legacy mirrors whose `configs."<host>".tls` was carried too and must go.
    pub mirror_tls_hosts: Vec<String>,
}

impl Carry {
    pub(super) fn why<'a>(list: &'a [(String, String)], host: &str) -> Option<&'a str> {
        list.iter().find(|(h, _)| h == host).map(|(_, w)| w.as_str())
    }
}

/// A legacy `configs."<host>".tls` table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct LegacyTls {
    ca_file: String,
    cert_file: String,
    key_file: String,
    skip_verify: bool,
    /// Keys this version of pullfix does not map (with their value), never carried.
    other: Vec<String>,
}

impl LegacyTls {
    fn read(item: &Item) -> Option<LegacyTls> {
        let t = TableRef::of(item)?;
        let mut tls = LegacyTls::default();
        for (k, v) in t.entries() {
            let s = v.as_str().map(str::trim);
            match (k, s) {
                ("ca_file", Some(s)) => tls.ca_file = s.to_owned(),
                ("cert_file", Some(s)) => tls.cert_file = s.to_owned(),
                ("key_file", Some(s)) => tls.key_file = s.to_owned(),
                ("insecure_skip_verify", _) if v.as_bool().is_some() => tls.skip_verify = v.as_bool() == Some(true),
                _ => tls.other.push(format!("{k} = {}", edit::show_item(v))),
            }
        }
        Some(tls)
    }
}

/// containerd's `isLocalHost`: `localhost` or a loopback address, with or without a port.
pub fn is_local_host(hostport: &str) -> bool {
    let host = match hostport.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => match hostport.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') && p.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => hostport,
        },
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// containerd 1.x's `addDefaultScheme` for a legacy mirror endpoint: as it is when it has
/// `://`, else `http://` on localhost and loopback addresses and `https://` elsewhere.
pub fn add_default_scheme(endpoint: &str) -> String {
    if endpoint.contains("://") {
        return endpoint.to_owned();
    }
    let host = endpoint.split('/').next().unwrap_or("");
    format!("{}://{endpoint}", if is_local_host(host) { "http" } else { "https" })
}

/// A legacy TLS file path as hosts.toml must name it: containerd 1.x's CRI plugin reads a
/// relative `ca_file` / `cert_file` / `key_file` from its working directory (`/` under
/// systemd), hosts.toml from the registry's certs.d directory, so a relative path becomes
/// `/` + path, with a note saying so (empty for an absolute path).
fn from_working_dir(key: &str, path: &str) -> (String, String) {
    if path.starts_with('/') {
        return (path.to_owned(), String::new());
    }
    let abs = format!("/{}", path.trim_start_matches("./"));
    let note = format!(
        " ({key} {path:?} is relative: containerd 1.x read it from its working directory, / under systemd, while hosts.toml would read it from the registry's certs.d directory, so pullfix writes {abs:?})"
    );
    (abs, note)
}

/// Whether a legacy endpoint is the registry itself (what hosts.toml's `server` is): its own
/// host, or for Docker Hub `registry-1.docker.io` / `index.docker.io`, with no path but `/v2`.
fn is_registry_itself(e: &Endpoint, host: &Host) -> bool {
    if !(e.path.is_empty() || e.path == "/v2") {
        return false;
    }
    let h = e.host.reference();
    match host.kind {
        HostKind::DockerHub => matches!(h.as_str(), "docker.io" | "registry-1.docker.io" | "index.docker.io"),
        _ => h.eq_ignore_ascii_case(&host.reference()),
    }
}

/// One registry of the form being carried for.
struct Reg<'a> {
    r: &'a Registry,
    host: &'a Host,
    /// `host[:port]`.
    ns: String,
    /// Its key under the legacy `registry.mirrors`: `ns`, or `*` for `_default`.
    legacy_key: String,
    /// Its hosts.toml's node path.
    file: String,
    dialect: Dialect,
}

/// A mirror carried from a legacy endpoint.
struct LegacyMirror {
    mirror: Mirror,
    raw: String,
}

fn strings(item: &Item) -> (Vec<String>, Vec<String>) {
    let (mut ok, mut bad) = (Vec::new(), Vec::new());
    match item.as_array() {
        Some(a) => {
            for v in a.iter() {
                match v.as_str() {
                    Some(s) => ok.push(s.trim().to_owned()),
                    None => bad.push(edit::show_value(v)),
                }
            }
        }
        None => bad.push(edit::show_item(item)),
    }
    (ok, bad)
}

impl Merger<'_> {
    fn legacy(&self, dialect: Dialect, tail: &[&str]) -> Option<&Item> {
        let mut p = dialect.registry_path();
        p.extend(tail.iter().map(|s| (*s).to_owned()));
        edit::get(self.doc, &p)
    }

    fn legacy_tls(&self, dialect: Dialect, host: &str) -> Option<LegacyTls> {
        self.legacy(dialect, &["configs", host, "tls"]).and_then(LegacyTls::read)
    }

    fn note_carried(&mut self, c: &Carried, item: &str) {
        self.diags.push(Diagnostic::info(
            existing_config_field(),
            "merge.legacy-carried",
            format!(
                "Carried {item} into {}: the old config.toml table has to go beside config_path, and the form says nothing about it.",
                c.hosts_toml
            ),
            format!(
                "Nothing to do. To decide it yourself, put it into the form's registry {} (the form's settings always win).",
                c.host
            ),
        ));
    }

    fn not_carried(&mut self, what: String, fix: &str) {
        self.diags.push(Diagnostic::warning(existing_config_field(), "merge.legacy-not-carried", what, fix));
    }

    /// Works out what the legacy tables of the form's registries say that their hosts.toml
    /// files must carry (see the module docs), before they are removed.
    pub(super) fn carry_legacy(&mut self, checked: &Checked, dialect: Dialect) -> Carry {
        let mut carry = Carry::default();
        let registry_hosts: Vec<String> = checked
            .registries()
            .filter(|(_, _, h)| h.kind != HostKind::Default)
            .map(|(_, _, h)| h.reference().to_ascii_lowercase())
            .collect();
        let registries: Vec<(usize, Registry, Host)> =
            checked.registries().map(|(i, r, h)| (i, r.clone(), h.clone())).collect();
        for (i, r, host) in registries {
            let is_default = host.kind == HostKind::Default;
            // 1.x's `mirrors."*"` serves every registry without its own entry, as the
            // `_default` hosts.toml does where the target has it.
            if is_default && checked.target.has_default_namespace() != Some(true) {
                continue;
            }
            let ns = host.reference();
            let legacy_key = if is_default { "*".to_owned() } else { ns.clone() };
            let file = format!("{}/{ns}/hosts.toml", checked.config_path);
            let mut c = Carried { registry: i, host: ns.clone(), hosts_toml: file.clone(), ..Carried::default() };
            let t = Reg { r: &r, host: &host, ns, legacy_key, file, dialect };
            let scheme = self.carry_mirrors(&t, &mut c, &mut carry);
            if !is_default {
                self.carry_own_tls(&t, scheme, &mut c, &mut carry);
            }
            self.carry_mirror_tls(&t, &registry_hosts, &mut c, &mut carry);
            if !c.is_empty() {
                carry.carried.push(c);
            }
        }
        carry
    }

    /// The legacy mirror list of one registry: its endpoints become the registry's mirrors
    /// when the form names none; returns the registry's scheme (http when the list reached
    /// the registry itself over plain HTTP).
    fn carry_mirrors(&mut self, t: &Reg<'_>, c: &mut Carried, carry: &mut Carry) -> Scheme {
        let (r, host, ns, file, dialect) = (t.r, t.host, &t.ns, &t.file, t.dialect);
        let form_mirrors = r.mirrors.iter().any(|m| !m.url.trim().is_empty());
        let mut scheme = r.scheme;
        // The legacy mirror list.
        let legacy_key = t.legacy_key.as_str();
        if let Some(item) = self.legacy(dialect, &["mirrors", legacy_key]).cloned() {
            let mut list: Vec<LegacyMirror> = Vec::new();
            let mut itself: Option<(usize, String)> = None;
            let mut lost: Vec<String> = Vec::new();
            let (mut raws, mut bad) = (Vec::new(), Vec::new());
            if let Some(t) = TableRef::of(&item) {
                for (k, v) in t.entries() {
                    if k == "endpoint" {
                        let (ok, b) = strings(v);
                        raws = ok;
                        bad.extend(b);
                    } else {
                        bad.push(format!("{k} = {}", edit::show_item(v)));
                    }
                }
            }
            for raw in raws.iter().filter(|r| !r.is_empty()) {
                let url = add_default_scheme(raw);
                match Endpoint::parse(&url) {
                    Err(e) => lost.push(format!("{raw:?} ({e})")),
                    Ok(e) if is_registry_itself(&e, host) => {
                        if itself.is_none() {
                            itself = Some((list.len(), e.scheme.clone()));
                        }
                    }
                    Ok(e) => {
                        if list.iter().any(|m| m.mirror.url == e.url()) {
                            continue;
                        }
                        list.push(LegacyMirror {
                            mirror: Mirror { url: e.url(), override_path: !e.path.is_empty(), ..Mirror::default() },
                            raw: raw.clone(),
                        });
                    }
                }
            }
            let full = format!("registry.mirrors.\"{legacy_key}\"");
            let mut parts: Vec<String> = Vec::new();
            // The registry itself over plain HTTP: the way 1.x configs reach an HTTP registry.
            if let Some((_, s)) = &itself {
                if s == "http" && r.scheme == Scheme::Https && host.kind != HostKind::DockerHub {
                    let gives_tls = !r.ca_file.trim().is_empty()
                        || !r.ca_pem.trim().is_empty()
                        || !r.client_cert.trim().is_empty()
                        || r.skip_verify;
                    if gives_tls {
                        self.not_carried(
                            format!(
                                "{full} reaches {ns} itself over plain HTTP, but the form gives it TLS settings, so its hosts.toml keeps https://{ns}."
                            ),
                            "If the registry only speaks HTTP, set scheme = \"http\" on the registry in the form and drop its TLS settings.",
                        );
                    } else {
                        c.scheme = Some(Scheme::Http);
                        scheme = Scheme::Http;
                        let item = format!("scheme http (server = \"http://{ns}\", from {full}.endpoint)");
                        self.note_carried(c, &item);
                        c.items.push(item);
                        parts.push(format!("{ns} itself over http"));
                    }
                }
            }
            if form_mirrors {
                // The legacy mirrors the form does not name itself (same URL, trailing `/` aside).
                let named: Vec<String> = r
                    .mirrors
                    .iter()
                    .filter_map(|m| Endpoint::parse(&add_default_scheme(m.url.trim())).ok())
                    .map(|e| e.url())
                    .collect();
                let urls: Vec<&str> = list
                    .iter()
                    .filter(|m| !named.iter().any(|n| n.trim_end_matches('/') == m.mirror.url.trim_end_matches('/')))
                    .map(|m| m.raw.as_str())
                    .collect();
                if !urls.is_empty() {
                    self.not_carried(
                        format!(
                            "{full} names the mirrors {}, which are not carried into {file}: the form's own mirrors replace them.",
                            urls.join(", ")
                        ),
                        "Add them to the form's mirrors of this registry if they are still wanted.",
                    );
                }
            } else if !list.is_empty() {
                let mut mirrors = Vec::new();
                for m in &list {
                    let item = format!(
                        "the mirror [host.\"{}\"]{} (from {full}.endpoint {:?})",
                        m.mirror.url,
                        if m.mirror.override_path { " with override_path = true" } else { "" },
                        m.raw
                    );
                    self.note_carried(c, &item);
                    c.items.push(item);
                    mirrors.push(m.mirror.clone());
                }
                parts.push(format!(
                    "the mirrors {}",
                    list.iter().map(|m| m.mirror.url.as_str()).collect::<Vec<_>>().join(", ")
                ));
                if let Some((at, _)) = &itself {
                    if *at < list.len() {
                        self.not_carried(
                            format!(
                                "{full} lists {ns} itself before the mirror {}: hosts.toml always tries the registry itself last, so {file} tries the mirrors first.",
                                list[*at].mirror.url
                            ),
                            "Nothing to do if the mirrors may serve first. hosts.toml cannot try the registry before its mirrors: if it must come first, delete the mirrors from the legacy endpoint list before applying.",
                        );
                    }
                }
                c.mirrors = Some(mirrors);
                c.legacy_mirrors = true;
            }
            for b in &bad {
                lost.push(b.clone());
            }
            if !lost.is_empty() {
                self.not_carried(
                    format!("{full} has {}, which pullfix cannot carry into {file}.", lost.join(", ")),
                    "Add what is still wanted to the form (registry mirrors with their full URL), then apply again.",
                );
            }
            let why = if parts.is_empty() {
                if form_mirrors {
                    format!("The form's mirrors for {ns} replace it in {file}")
                } else if itself.is_some() {
                    format!("It names only {ns} itself, which {file} reaches as its server")
                } else if lost.is_empty() {
                    format!("It names no endpoint, so {file} has nothing to carry from it")
                } else {
                    format!("Nothing in it can be carried into {file} (see the warning)")
                }
            } else {
                format!("Carried into {file}: {}", parts.join("; "))
            };
            carry.mirror_why.push((
                legacy_key.to_owned(),
                format!("{why}. containerd refuses `mirrors` beside config_path and does not load its CRI plugin (every pull fails)."),
            ));
        }
        scheme
    }

    /// The registry's own legacy TLS: CA, skip-verify and client certificate where the form
    /// gives none (nothing over plain HTTP).
    fn carry_own_tls(&mut self, t: &Reg<'_>, scheme: Scheme, c: &mut Carried, carry: &mut Carry) {
        let (r, host, ns, file, dialect) = (t.r, t.host, &t.ns, &t.file, t.dialect);
        // The registry's own TLS. Docker Hub's is looked up by the server containerd dials.
        let mut tls_keys = vec![ns.clone()];
        if host.kind == HostKind::DockerHub {
            tls_keys.push("registry-1.docker.io".to_owned());
        }
        for key in tls_keys {
            let Some(tls) = self.legacy_tls(dialect, &key) else { continue };
            let full = format!("registry.configs.\"{key}\".tls");
            let mut parts = Vec::new();
            if scheme == Scheme::Http {
                carry.tls_why.push((
                    key.clone(),
                    format!("{ns} is reached over plain HTTP ({file}), where TLS settings do nothing; containerd 1.5-1.7 refuses `configs.tls` beside config_path, 2.x ignores it."),
                ));
                continue;
            }
            let form_ca = !r.ca_file.trim().is_empty() || !r.ca_pem.trim().is_empty();
            if !tls.ca_file.is_empty() && !form_ca && c.ca_file.is_empty() {
                let (path, note) = from_working_dir("ca_file", &tls.ca_file);
                parts.push(format!("ca = {path:?}{note}"));
                c.ca_file = path;
            }
            if tls.skip_verify && !form_ca && !r.skip_verify && !c.skip_verify {
                c.skip_verify = true;
                parts.push("skip_verify = true".to_owned());
            }
            let form_client = !r.client_cert.trim().is_empty() || !r.client_key.trim().is_empty();
            match (tls.cert_file.is_empty(), tls.key_file.is_empty()) {
                (false, false) if !form_client && c.client.is_none() => {
                    let (cert, cert_note) = from_working_dir("cert_file", &tls.cert_file);
                    let (key, key_note) = from_working_dir("key_file", &tls.key_file);
                    parts.push(format!("client = [[{cert:?}, {key:?}]]{cert_note}{key_note}"));
                    c.client = Some((cert, key));
                }
                (false, true) | (true, false) => self.not_carried(
                    format!("{full} has only one of cert_file and key_file, which containerd refuses; it is not carried into {file}."),
                    "Give the registry both client_cert and client_key in the form if it needs a client certificate.",
                ),
                _ => {}
            }
            if !tls.other.is_empty() {
                self.not_carried(
                    format!("{full} has {}, which pullfix cannot carry into {file}.", tls.other.join(", ")),
                    "Put the equivalent hosts.toml setting into the form, or check that the registry does without it.",
                );
            }
            for p in &parts {
                let item = format!("{p} (from {full})");
                self.note_carried(c, &item);
                c.items.push(item);
            }
            let why = if parts.is_empty() {
                format!("The form's TLS settings for {ns} replace it in {file}")
            } else {
                format!("Carried into {file}: {}", parts.join(", "))
            };
            carry.tls_why.push((
                key.clone(),
                format!("{why}. containerd 1.5-1.7 refuses `configs.tls` beside config_path, 2.x ignores it."),
            ));
        }
    }

    /// The legacy TLS of the hosts of the registry's mirrors (carried or the form's).
    fn carry_mirror_tls(&mut self, t: &Reg<'_>, registry_hosts: &[String], c: &mut Carried, carry: &mut Carry) {
        let (r, file, dialect) = (t.r, &t.file, t.dialect);
        // The mirrors' own TLS, for mirrors on hosts that are not registries of the form
        // (those pass their own TLS on, see `plan::Inherit::AnyRegistry`).
        let carried_legacy = c.mirrors.is_some();
        let mut mirrors: Vec<Mirror> = c.mirrors.clone().unwrap_or_else(|| r.mirrors.clone());
        let mut changed = false;
        for m in mirrors.iter_mut() {
            let Ok(e) = Endpoint::parse(m.url.trim()) else { continue };
            let key = e.host.reference();
            if e.scheme != "https" || registry_hosts.contains(&key.to_ascii_lowercase()) {
                continue;
            }
            let Some(tls) = self.legacy_tls(dialect, &key) else { continue };
            let full = format!("registry.configs.\"{key}\".tls");
            let mut parts = Vec::new();
            let own_ca = !m.ca_file.trim().is_empty();
            let mut mt = MirrorTls { url: e.url(), ..MirrorTls::default() };
            if !tls.ca_file.is_empty() && !own_ca {
                let (path, note) = from_working_dir("ca_file", &tls.ca_file);
                parts.push(format!("ca = {path:?}{note}"));
                m.ca_file = path;
                mt.ca = true;
            }
            if tls.skip_verify && !own_ca && !m.skip_verify {
                m.skip_verify = true;
                mt.skip_verify = true;
                parts.push("skip_verify = true".to_owned());
            }
            if mt.ca || mt.skip_verify {
                c.mirror_tls.push(mt);
            }
            let mut lost = tls.other.clone();
            if !tls.cert_file.is_empty() || !tls.key_file.is_empty() {
                lost.push(format!("cert_file = {:?}, key_file = {:?}", tls.cert_file, tls.key_file));
            }
            if !lost.is_empty() {
                self.not_carried(
                    format!(
                        "{full} has {}, which pullfix cannot carry into the mirror's table in {file} (a mirror has no client certificate of its own).",
                        lost.join(", ")
                    ),
                    &format!("Add {key} as a registry of the form with its client_cert and client_key: the mirror then gets them from it."),
                );
            }
            for p in &parts {
                let item = format!("{p} for the mirror [host.\"{}\"] (from {full})", m.url);
                self.note_carried(c, &item);
                c.items.push(item);
            }
            changed |= !parts.is_empty();
            let why = if !parts.is_empty() {
                format!("Carried into the mirror {} in {file}: {}", m.url, parts.join(", "))
            } else if own_ca {
                format!("The mirror {} in {file} has its own CA from the form", m.url)
            } else if !lost.is_empty() {
                format!("Nothing in it can be carried into the mirror {} in {file} (see the warning)", m.url)
            } else {
                format!("The mirror {} in {file} needs nothing from it", m.url)
            };
            if let Some(w) = carry.tls_why.iter_mut().find(|(h, _)| *h == key) {
                w.1 = format!("{why}; {}", w.1);
            } else {
                carry.tls_why.push((
                    key.clone(),
                    format!("{why}. containerd 1.5-1.7 refuses `configs.tls` beside config_path, 2.x ignores it; images named {key}/... directly get it only when {key} is a registry of the form."),
                ));
            }
            if carried_legacy && !carry.mirror_tls_hosts.contains(&key) {
                carry.mirror_tls_hosts.push(key.clone());
            }
        }
        if changed || carried_legacy {
            c.mirrors = Some(mirrors);
        }
    }
}

#[cfg(test)]
mod tests;
