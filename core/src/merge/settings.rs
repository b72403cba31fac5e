//! The settings a form asks of containerd's `config.toml`, as a flat list of
//! `(key path, value, why)`: what merge writes into an existing file.
//!
//! The list comes from the engine itself: [`crate::containerd_config::render`] renders the
//! block for the form's target, and this module flattens it into one [`Setting`] per key,
//! moved to another dialect's plugin paths when merge keeps a file's older version. So the
//! pasted-into file and the standalone block can never disagree.

use toml_edit::{DocumentMut, Item, Value};

use crate::config_file::Dialect;
use crate::containerd_config;
use crate::output::FileKind;
use crate::plan;
use crate::validate::{Checked, Style};

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

/// Everything merge needs to know about the form, for one dialect.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The keys to set, in the engine's order.
    pub settings: Vec<Setting>,
    /// The keys hold credentials.
    pub sensitive: bool,
    /// The registry hosts the form configures and every host containerd contacts for them
    /// (`host[:port]`): with hosts.toml, their legacy `mirrors` / `configs.tls` must go.
    pub hosts: Vec<String>,
}

/// Builds the plan for `dialect` from the engine's config.toml block.
pub fn plan(checked: &Checked, dialect: Dialect) -> Plan {
    let mut scratch = Vec::new();
    let block =
        containerd_config::render(checked, &mut scratch).into_iter().find(|f| f.kind == FileKind::ContainerdConfig);
    let (doc, sensitive) = match block {
        Some(f) => (f.contents.parse::<DocumentMut>().unwrap_or_default(), f.sensitive),
        None => (DocumentMut::new(), false),
    };
    let from = checked.target.dialect();
    let mut settings = Vec::new();
    flatten(&mut Vec::new(), doc.as_item(), &mut |path, value| {
        if path.len() == 1 && path[0] == "version" {
            return; // merge decides the version line itself
        }
        let path = translate(path, from, dialect);
        let why = why(&path, value, checked.style);
        settings.push(Setting { path, value: value.clone(), why });
    });
    let mut hosts = Vec::new();
    for (i, _, host) in checked.registries() {
        push_unique(&mut hosts, host.reference());
        for c in plan::contacts(checked, i) {
            push_unique(&mut hosts, c.host);
        }
    }
    Plan { settings, sensitive, hosts }
}

fn flatten(path: &mut Vec<String>, item: &Item, f: &mut dyn FnMut(&[String], &Value)) {
    match item {
        Item::Value(Value::InlineTable(t)) => {
            for (k, v) in t.iter() {
                path.push(k.to_owned());
                flatten(path, &Item::Value(v.clone()), f);
                path.pop();
            }
        }
        Item::Value(v) => f(path, v),
        Item::Table(t) => {
            for (k, v) in t.iter() {
                path.push(k.to_owned());
                flatten(path, v, f);
                path.pop();
            }
        }
        Item::ArrayOfTables(_) | Item::None => {}
    }
}

/// Moves a key path from one dialect's plugin table to another's (the sandbox image is
/// `sandbox_image` in versions 1 and 2, `pinned_images.sandbox` in 3 and 4).
pub fn translate(path: &[String], from: Dialect, to: Dialect) -> Vec<String> {
    let prefix = from.cri_table();
    if from == to || path.len() < 2 || path[0] != prefix[0] || path[1] != prefix[1] {
        return path.to_vec();
    }
    let rest = &path[2..];
    let mut out: Vec<String> = to.cri_table().iter().map(|s| (*s).to_owned()).collect();
    let is_v3 = |d: Dialect| d == Dialect::V3;
    if is_v3(from) && !is_v3(to) && rest == ["pinned_images", "sandbox"] {
        out.push("sandbox_image".into());
    } else if !is_v3(from) && is_v3(to) && rest == ["sandbox_image"] {
        out.extend(["pinned_images".to_owned(), "sandbox".to_owned()]);
    } else {
        out.extend(rest.iter().cloned());
    }
    out
}

fn why(path: &[String], value: &Value, style: Style) -> String {
    let has = |k: &str| path.iter().any(|p| p == k);
    let last = path.last().map(String::as_str).unwrap_or("");
    if last == "config_path" {
        return if value.as_str().is_some_and(|s| s.is_empty()) || style != Style::HostsToml {
            "Must stay empty with the inline registry keys: beside config_path, mirrors or configs.tls stop containerd's CRI plugin.".to_owned()
        } else {
            let dir = value.as_str().unwrap_or("");
            format!(
                "containerd reads each registry's hosts.toml under this one directory ({dir}/<registry>/hosts.toml); \
                 the hosts.toml files are re-read on every pull, this key only at start."
            )
        };
    }
    if last == "sandbox_image" || (has("pinned_images") && last == "sandbox") {
        return "The pause image every pod sandbox starts from; the kubelet never sends pull Secrets for it, so it must be reachable with node-level settings.".to_owned();
    }
    if has("mirrors") && last == "endpoint" {
        return "Where containerd pulls this registry's images from, tried in order, each URL with its scheme."
            .to_owned();
    }
    if has("tls") {
        return "TLS for this host in the inline keys (containerd 1.3 - 1.7; 2.x ignores them).".to_owned();
    }
    if has("auth") || has("auths") {
        return "Node-level credentials for a host containerd contacts: they serve the sandbox image and pods without imagePullSecrets.".to_owned();
    }
    "Set by the form.".to_owned()
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn translates_between_dialects() {
        let sandbox3 = p(&["plugins", "io.containerd.cri.v1.images", "pinned_images", "sandbox"]);
        assert_eq!(
            translate(&sandbox3, Dialect::V3, Dialect::V2),
            p(&["plugins", "io.containerd.grpc.v1.cri", "sandbox_image"])
        );
        let sandbox1 = p(&["plugins", "cri", "sandbox_image"]);
        assert_eq!(translate(&sandbox1, Dialect::V1, Dialect::V3), sandbox3);
        let cp = p(&["plugins", "io.containerd.cri.v1.images", "registry", "config_path"]);
        assert_eq!(translate(&cp, Dialect::V3, Dialect::V1), p(&["plugins", "cri", "registry", "config_path"]));
        assert_eq!(translate(&p(&["version"]), Dialect::V3, Dialect::V1), p(&["version"]));
    }
}
