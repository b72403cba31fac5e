//! The marks that let a later `apply` keep what an earlier one carried: [`CARRIED_MARK`]
//! comments in the rendered hosts.toml ([`Carried::mark`]), read back by [`kept`].

use toml_edit::{DocumentMut, Item, Table};

use super::{Carried, MirrorTls};
use crate::form::{Mirror, Registry, Scheme};
use crate::host::Endpoint;

/// The comment pullfix writes above each carried setting in a hosts.toml. A later `apply`
/// keeps what it marks (the legacy table it came from is gone by then) as long as the form
/// still does not set it; deleting the setting with its comment drops it.
pub const CARRIED_MARK: &str = "# Carried by pullfix from the node's old config.toml; the form does not set it.";

impl Carried {
    /// `contents`, the registry's rendered hosts.toml, with [`CARRIED_MARK`] above each
    /// carried setting (unchanged when it is not TOML).
    pub fn mark(&self, contents: &str) -> String {
        let Ok(mut doc) = contents.parse::<DocumentMut>() else { return contents.to_owned() };
        let root = doc.as_table_mut();
        let flags = [
            ("server", self.scheme.is_some()),
            ("skip_verify", self.skip_verify),
            ("ca", !self.ca_file.is_empty()),
            ("client", self.client.is_some()),
        ];
        for (k, on) in flags {
            if on {
                mark_key(root, k);
            }
        }
        if let Some(hosts) = root.get_mut("host").and_then(Item::as_table_mut) {
            if self.legacy_mirrors {
                for m in self.mirrors.iter().flatten() {
                    if let Some(t) = hosts.get_mut(&m.url).and_then(Item::as_table_mut) {
                        t.decor_mut().set_prefix(format!("\n{CARRIED_MARK}\n"));
                    }
                }
            }
            for mt in &self.mirror_tls {
                if let Some(t) = hosts.get_mut(&mt.url).and_then(Item::as_table_mut) {
                    if mt.ca {
                        mark_key(t, "ca");
                    }
                    if mt.skip_verify {
                        mark_key(t, "skip_verify");
                    }
                }
            }
        }
        doc.to_string()
    }
    /// Adds what `other` carried that this record has not.
    pub(super) fn absorb(&mut self, other: Carried) {
        if self.scheme.is_none() {
            self.scheme = other.scheme;
        }
        if self.ca_file.is_empty() {
            self.ca_file = other.ca_file;
        }
        self.skip_verify |= other.skip_verify;
        if self.client.is_none() {
            self.client = other.client;
        }
        if self.mirrors.is_none() {
            self.mirrors = other.mirrors;
            self.legacy_mirrors = other.legacy_mirrors;
            self.mirror_tls = other.mirror_tls;
        }
        self.items.extend(other.items);
    }
}

fn mark_key(t: &mut Table, key: &str) {
    if let Some(mut k) = t.key_mut(key) {
        k.leaf_decor_mut().set_prefix(format!("{CARRIED_MARK}\n"));
    }
}

fn marked_key(t: &Table, key: &str) -> bool {
    t.key(key).and_then(|k| k.leaf_decor().prefix()).and_then(|p| p.as_str()).is_some_and(|p| p.contains(CARRIED_MARK))
}

fn marked_table(t: &Table) -> bool {
    t.decor().prefix().and_then(|p| p.as_str()).is_some_and(|p| p.contains(CARRIED_MARK))
}

/// What an existing hosts.toml of registry `index` says an earlier apply carried into it
/// ([`CARRIED_MARK`]) that `r`, the form's registry, still does not set (by the same rules as
/// carrying from config.toml); empty when the text is not TOML or has no marks.
pub fn kept(existing: &str, index: usize, r: &Registry, hosts_toml: &str) -> Carried {
    let mut c = Carried {
        registry: index,
        host: r.host.trim().to_owned(),
        hosts_toml: hosts_toml.to_owned(),
        ..Carried::default()
    };
    let Ok(doc) = existing.parse::<DocumentMut>() else { return c };
    let root = doc.as_table();
    let form_ca = !r.ca_file.trim().is_empty() || !r.ca_pem.trim().is_empty();
    let form_tls = form_ca || !r.client_cert.trim().is_empty() || r.skip_verify;
    let item = |c: &mut Carried, what: String| c.items.push(what);
    if marked_key(root, "server")
        && r.scheme == Scheme::Https
        && !form_tls
        && root.get("server").and_then(Item::as_str).is_some_and(|s| s.starts_with("http://"))
    {
        c.scheme = Some(Scheme::Http);
        item(&mut c, "scheme http".to_owned());
    }
    let http = c.scheme == Some(Scheme::Http) || r.scheme == Scheme::Http;
    if !http {
        if marked_key(root, "ca") && !form_ca {
            if let Some(ca) = root.get("ca").and_then(Item::as_str) {
                c.ca_file = ca.to_owned();
                item(&mut c, format!("ca = {ca:?}"));
            }
        }
        if marked_key(root, "skip_verify")
            && !form_ca
            && !r.skip_verify
            && root.get("skip_verify").and_then(Item::as_bool) == Some(true)
        {
            c.skip_verify = true;
            item(&mut c, "skip_verify = true".to_owned());
        }
        if marked_key(root, "client") && r.client_cert.trim().is_empty() && r.client_key.trim().is_empty() {
            let pair = root.get("client").and_then(Item::as_array).and_then(|a| a.get(0)).and_then(|p| p.as_array());
            if let Some((Some(cert), Some(key))) =
                pair.map(|p| (p.get(0).and_then(|v| v.as_str()), p.get(1).and_then(|v| v.as_str())))
            {
                c.client = Some((cert.to_owned(), key.to_owned()));
                item(&mut c, format!("client = [[{cert:?}, {key:?}]]"));
            }
        }
    }
    let Some(hosts) = root.get("host").and_then(Item::as_table) else { return c };
    let form_mirrors = r.mirrors.iter().any(|m| !m.url.trim().is_empty());
    let mut mirrors: Vec<Mirror> = if form_mirrors { r.mirrors.clone() } else { Vec::new() };
    for (url, t) in hosts.iter() {
        let Some(t) = t.as_table() else { continue };
        if !form_mirrors && marked_table(t) {
            let override_path = t.get("override_path").and_then(Item::as_bool) == Some(true);
            mirrors.push(Mirror { url: url.to_owned(), override_path, ..Mirror::default() });
            c.legacy_mirrors = true;
            item(&mut c, format!("the mirror [host.{url:?}]"));
        }
        let same = |m: &Mirror| Endpoint::parse(m.url.trim()).is_ok_and(|e| e.url() == url);
        let Some(m) = mirrors.iter_mut().find(|m| same(m)) else { continue };
        let mut mt = MirrorTls { url: url.to_owned(), ..MirrorTls::default() };
        let own_ca = !m.ca_file.trim().is_empty();
        if marked_key(t, "ca") && !own_ca {
            if let Some(ca) = t.get("ca").and_then(Item::as_str) {
                m.ca_file = ca.to_owned();
                mt.ca = true;
                item(&mut c, format!("ca = {ca:?} for the mirror [host.{url:?}]"));
            }
        }
        if marked_key(t, "skip_verify") && !own_ca && !m.skip_verify {
            m.skip_verify = true;
            mt.skip_verify = true;
            item(&mut c, format!("skip_verify = true for the mirror [host.{url:?}]"));
        }
        if mt.ca || mt.skip_verify {
            c.mirror_tls.push(mt);
        }
    }
    if c.legacy_mirrors || !c.mirror_tls.is_empty() {
        c.mirrors = Some(mirrors);
    }
    c
}

/// Adds `more` (kept from an existing hosts.toml) to `carried`, under the record of the same
/// registry when there is one: what config.toml's legacy tables carried comes first.
pub(in crate::merge) fn absorb(carried: &mut Vec<Carried>, more: Carried) {
    if more.is_empty() {
        return;
    }
    match carried.iter_mut().find(|c| c.registry == more.registry) {
        Some(c) => c.absorb(more),
        None => carried.push(more),
    }
}
