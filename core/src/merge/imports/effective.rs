//! What containerd 2.x takes from config.toml and its drop-ins together, for the keys pullfix
//! writes (the sandbox image, the registry's `config_path`), and what becomes of a version 2
//! drop-in's CRI settings under a version 3 config.toml.
//!
//! containerd 2.0-2.2 (`LoadConfig`, `mergeConfig`) merges every file into one map key by key,
//! the last file winning for each key (an empty string or `false` included: verified on 2.1.9,
//! a drop-in's `config_path = ""` empties config.toml's), takes the last non-zero `version` of
//! the files, and only then migrates: at version 2 the CRI plugins' `ConfigMigration`
//! (`plugins/cri/images/plugin.go`, `plugins/cri/runtime/plugin.go`) moves the merged
//! `plugins."io.containerd.grpc.v1.cri"` keys to version 3's plugins. The images side
//! overrides (`sandbox_image` -> `pinned_images.sandbox`; `registry` replaces the whole version 3
//! registry table), the runtime side only fills in keys the version 3 tables do not have (a
//! `containerd.runtimes` table there drops the drop-in's runc options). At version 3 the
//! version 2 keys are ignored (`Ignoring unknown key in TOML for plugin`). All of it is verified
//! with the real 2.1.9 in tests/containerd_oracle.rs (`releases_2_x_*`).
//!
//! 2.3+ migrates each file on load, before merging (containerd#12608): modelled as the last file
//! that sets a key winning, whatever its version (not checked with a 2.3 binary).

use toml_edit::{DocumentMut, Item};

use crate::config_file::{display_path, V3_IMAGE_CONTAINERD_KEYS, V3_IMAGE_KEYS, V3_RUNTIME_PLUGIN};
use crate::toml_table::TableRef;
use crate::version::Target;

const GRPC: &str = "io.containerd.grpc.v1.cri";
const IMAGES: &str = "io.containerd.cri.v1.images";

/// One key's value and the file it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The file that sets it (config.toml or a drop-in).
    pub file: String,
    /// Its TOML key path there (`plugins."io.containerd.cri.v1.images".pinned_images.sandbox`).
    pub key: String,
    /// Its value.
    pub value: String,
}

/// What containerd 2.x uses, see the module's documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    /// The merged config version (the last file's non-zero `version`).
    pub version: i64,
    /// The sandbox image in effect, when a file sets one.
    pub sandbox: Option<Setting>,
    /// The registry `config_path` in effect, when a file sets one.
    pub config_path: Option<Setting>,
    /// At a merged version 2 on 2.0-2.2: the last file with a version 2 `registry` table,
    /// which replaces the version 3 registry table whole.
    pub registry_from_v2: Option<String>,
}

/// The value at `path` (a string) in `doc`.
fn string_at(doc: &DocumentMut, path: &[&str]) -> Option<String> {
    item_at(doc, path).and_then(Item::as_str).map(str::to_owned)
}

/// The item at `path` in `doc`.
pub(super) fn item_at<'d>(doc: &'d DocumentMut, path: &[&str]) -> Option<&'d Item> {
    crate::merge::edit::get(doc, path)
}

/// The config version a file sets (0: no line).
pub(super) fn version_of(doc: &DocumentMut) -> i64 {
    doc.get("version").and_then(Item::as_integer).unwrap_or(0)
}

/// The last of `files` (path, parsed text; config.toml first, then the drop-ins in load order)
/// that sets the string at one of `paths` (tried in order per file), with `ok` saying whether
/// a file's version lets it count.
fn last_set(files: &[(&str, &DocumentMut)], paths: &[&[&str]], ok: impl Fn(&DocumentMut) -> bool) -> Option<Setting> {
    files.iter().rev().filter(|(_, doc)| ok(doc)).find_map(|(file, doc)| {
        paths.iter().find_map(|p| {
            string_at(doc, p).map(|value| Setting { file: (*file).to_owned(), key: display_path(p), value })
        })
    })
}

/// What containerd `target` (2.x) uses from `files`: config.toml first, then its drop-ins in
/// load order. `None` on 1.x (whole plugin tables are replaced: `cri_owner`) or when the merged
/// version is 1 (the CRI settings of a version 1 file are ignored on 2.x).
pub fn effective(target: &Target, files: &[(&str, &DocumentMut)]) -> Option<Effective> {
    if target.major < 2 {
        return None;
    }
    let version = files.iter().rev().map(|(_, d)| version_of(d)).find(|v| *v != 0).unwrap_or(0);
    if version < 2 {
        return None;
    }
    let sandbox3: &[&str] = &["plugins", IMAGES, "pinned_images", "sandbox"];
    let sandbox2: &[&str] = &["plugins", GRPC, "sandbox_image"];
    let config_path = registry_setting(target, files, &["config_path"]);
    if target.max_config_version() > 3 {
        // Each file migrated on load: a version 2 file's keys count as their new ones.
        let v2 = |d: &DocumentMut| version_of(d) == 2;
        let pick = |new: &[&str], old: &[&str]| {
            files.iter().rev().find_map(|(file, doc)| {
                let old = if v2(doc) { string_at(doc, old).map(|v| (old, v)) } else { None };
                string_at(doc, new).map(|v| (new, v)).or(old).map(|(p, value)| Setting {
                    file: (*file).to_owned(),
                    key: display_path(p),
                    value,
                })
            })
        };
        return Some(Effective { version, sandbox: pick(sandbox3, sandbox2), config_path, registry_from_v2: None });
    }
    if version >= 3 {
        return Some(Effective {
            version,
            sandbox: last_set(files, &[sandbox3], |_| true),
            config_path,
            registry_from_v2: None,
        });
    }
    // Merged version 2: the merged version 2 keys are migrated over the version 3 ones.
    let registry_from_v2 = files
        .iter()
        .rev()
        .find(|(_, doc)| item_at(doc, &["plugins", GRPC, "registry"]).is_some())
        .map(|(file, _)| (*file).to_owned());
    let sandbox = last_set(files, &[sandbox2], |_| true).or_else(|| last_set(files, &[sandbox3], |_| true));
    Some(Effective { version, sandbox, config_path, registry_from_v2 })
}

/// The string at `rel` under the CRI registry table (`["configs", host, "auth", "username"]`)
/// that containerd `target` (2.x) uses from `files` (config.toml first, then its drop-ins in
/// load order), and the file it comes from: last file wins key by key at version 3; at a merged
/// version 2 on 2.0-2.2 the merged version 2 registry table, when any file has one, replaces
/// the version 3 one whole; 2.3+ migrates each file on load. `None` on 1.x, at a merged
/// version 1, or when no file sets it.
pub fn registry_setting(target: &Target, files: &[(&str, &DocumentMut)], rel: &[&str]) -> Option<Setting> {
    if target.major < 2 {
        return None;
    }
    let version = files.iter().rev().map(|(_, d)| version_of(d)).find(|v| *v != 0).unwrap_or(0);
    if version < 2 {
        return None;
    }
    let v3: Vec<&str> = [&["plugins", IMAGES, "registry"][..], rel].concat();
    let v2: Vec<&str> = [&["plugins", GRPC, "registry"][..], rel].concat();
    if target.max_config_version() > 3 {
        return files.iter().rev().find_map(|(file, doc)| {
            let old = if version_of(doc) == 2 { string_at(doc, &v2).map(|v| (&v2, v)) } else { None };
            string_at(doc, &v3).map(|v| (&v3, v)).or(old).map(|(p, value)| Setting {
                file: (*file).to_owned(),
                key: display_path(p),
                value,
            })
        });
    }
    let from_v2 = version == 2 && files.iter().any(|(_, doc)| item_at(doc, &["plugins", GRPC, "registry"]).is_some());
    last_set(files, &[if from_v2 { &v2 } else { &v3 }], |_| true)
}

/// What happens to one version 2 CRI setting of a drop-in under a version 3 config.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Merged version 3: ignored.
    Ignored,
    /// Merged version 2, an images key: overrides the version 3 value (`registry` replaces the
    /// whole version 3 registry table).
    Overrides,
    /// Merged version 2, a runtime key the version 3 tables already have: dropped.
    Dropped,
    /// Merged version 2, a runtime key the version 3 tables lack: applied.
    Applied,
    /// Merged version 2, `containerd.snapshotter` without a version 2 `containerd.runtimes`
    /// table in any file: the migration drops it (2.1.9, tests/containerd_oracle/
    /// drop_in_snapshotter.rs; [`crate::merge::runtimes::snapshotter_lost`]).
    Lost,
}

/// One version 2 CRI setting of a drop-in: its key path under
/// `plugins."io.containerd.grpc.v1.cri"`, the names of the values it holds, and its fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V2Setting {
    /// The key path under the CRI plugin (`["containerd", "runtimes"]`, `["sandbox_image"]`).
    pub rel: Vec<String>,
    /// The names of the values inside (`SystemdCgroup`), empty for a single value.
    pub leaves: Vec<String>,
    /// What containerd does with it.
    pub fate: Fate,
}

impl V2Setting {
    /// Its full key path, as TOML.
    pub fn path(&self) -> String {
        let mut p = vec!["plugins", GRPC];
        p.extend(self.rel.iter().map(String::as_str));
        display_path(&p)
    }

    /// Where it goes in a version 3 file (containerd's own migration).
    pub fn v3_path(&self) -> String {
        let rel: Vec<&str> = self.rel.iter().map(String::as_str).collect();
        let under = |plugin: &str, rel: &[&str]| {
            let mut p = vec!["plugins", plugin];
            p.extend_from_slice(rel);
            display_path(&p)
        };
        match rel.as_slice() {
            ["sandbox_image"] => under(IMAGES, &["pinned_images", "sandbox"]),
            ["containerd", k] if V3_IMAGE_CONTAINERD_KEYS.contains(k) => under(IMAGES, &[k]),
            [k, ..] if V3_IMAGE_KEYS.contains(k) => under(IMAGES, &rel),
            ["cni", "bin_dir"] => under(V3_RUNTIME_PLUGIN, &["cni", "bin_dirs"]) + " (a list)",
            _ => under(V3_RUNTIME_PLUGIN, &rel),
        }
    }

    /// Its path with the values it holds: `plugins."io.containerd.grpc.v1.cri".containerd.runtimes (SystemdCgroup)`.
    pub fn described(&self) -> String {
        if self.leaves.is_empty() {
            self.path()
        } else {
            format!("{} ({})", self.path(), self.leaves.join(", "))
        }
    }
}

/// The version 2 CRI settings of `drop_in` (streaming server keys aside, which version 3 keeps
/// under the same plugin) and their fate when containerd merges them at `merged_version` with
/// `files` (every file, for the version 3 runtime keys they have and the version 2 runtimes
/// tables a version 2 snapshotter needs to survive). Runtime keys are taken at the
/// depth containerd's migration compares them: top-level keys, `containerd.<key>`, `cni.<key>`.
pub fn v2_settings(drop_in: &DocumentMut, merged_version: i64, files: &[&DocumentMut]) -> Vec<V2Setting> {
    let Some(cri) = item_at(drop_in, &["plugins", GRPC]).and_then(TableRef::of) else { return Vec::new() };
    let has_v3_runtime = |rel: &[&str]| {
        let mut p = vec!["plugins", V3_RUNTIME_PLUGIN];
        p.extend_from_slice(rel);
        files.iter().any(|d| item_at(d, &p).is_some())
    };
    let has_v2_runtimes = files.iter().any(|d| item_at(d, &["plugins", GRPC, "containerd", "runtimes"]).is_some());
    let mut out = Vec::new();
    let mut push = |rel: Vec<&str>, item: &Item, image: bool| {
        let mut leaves = Vec::new();
        if let Some(t) = TableRef::of(item) {
            crate::config_file::collect_leaves(t, &mut leaves);
        }
        let fate = if merged_version >= 3 {
            Fate::Ignored
        } else if rel == ["containerd", "snapshotter"] && !has_v2_runtimes {
            Fate::Lost
        } else if image {
            Fate::Overrides
        } else if rel == ["cni", "bin_dir"] && has_v3_runtime(&["cni", "bin_dirs"]) || has_v3_runtime(&rel) {
            Fate::Dropped
        } else {
            Fate::Applied
        };
        out.push(V2Setting { rel: rel.into_iter().map(str::to_owned).collect(), leaves, fate });
    };
    for (k, item) in cri.entries() {
        if crate::config_file::V3_GRPC_CRI_KEYS.contains(&k) {
            continue;
        }
        match (k, TableRef::of(item)) {
            ("containerd" | "cni", Some(sub)) => {
                for (k2, item2) in sub.entries() {
                    let image = k == "containerd" && V3_IMAGE_CONTAINERD_KEYS.contains(&k2);
                    push(vec![k, k2], item2, image);
                }
            }
            _ => push(vec![k], item, k == "sandbox_image" || V3_IMAGE_KEYS.contains(&k)),
        }
    }
    out
}

/// `drop_in` rewritten as a version 3 drop-in: `version = 3`, each version 2 CRI setting at its
/// version 3 path ([`V2Setting::v3_path`], containerd's own migration), everything else as it
/// is, except `sandbox_image`, which is left out: at its version 3 path a drop-in's sandbox
/// image wins over config.toml's (pullfix's), and one that containerd ignores now must not come
/// back to life (review 10, M5: verified with 2.1.9). `None` when it has a `registry` table (its legacy mirrors and TLS belong in hosts.toml,
/// not at a new path) or a setting pullfix does not move (`cni.bin_dir`, which becomes a list).
pub fn rewritten_v3(drop_in: &DocumentMut) -> Option<String> {
    let settings = v2_settings(drop_in, 3, &[]);
    if settings.iter().any(|s| s.rel == ["registry"] || s.rel == ["cni", "bin_dir"]) {
        return None;
    }
    let mut out = DocumentMut::new();
    out["version"] = toml_edit::value(3);
    for (k, item) in drop_in.iter() {
        if k != "version" && k != "plugins" {
            out[k] = item.clone();
        }
    }
    let plugins = item_at(drop_in, &["plugins"]).and_then(TableRef::of).map(|t| t.entries()).unwrap_or_default();
    for (id, item) in plugins {
        if id != GRPC {
            insert(&mut out, &["plugins", id], item.clone());
            continue;
        }
        let Some(cri) = TableRef::of(item) else { continue };
        for (k, v) in cri.entries() {
            if crate::config_file::V3_GRPC_CRI_KEYS.contains(&k) {
                insert(&mut out, &["plugins", GRPC, k], v.clone());
            }
        }
    }
    for s in settings.iter().filter(|s| s.rel != ["sandbox_image"]) {
        let rel: Vec<&str> = s.rel.iter().map(String::as_str).collect();
        let Some(item) = item_at(drop_in, &[&["plugins", GRPC][..], &rel].concat()) else { continue };
        let to: Vec<&str> = match rel.as_slice() {
            ["sandbox_image"] => vec!["plugins", IMAGES, "pinned_images", "sandbox"],
            ["containerd", k] if V3_IMAGE_CONTAINERD_KEYS.contains(k) => vec!["plugins", IMAGES, k],
            [k, ..] if V3_IMAGE_KEYS.contains(k) => [&["plugins", IMAGES][..], &rel].concat(),
            _ => [&["plugins", V3_RUNTIME_PLUGIN][..], &rel].concat(),
        };
        insert(&mut out, &to, item.clone());
    }
    Some(out.to_string())
}

/// `drop_in`'s version 3 CRI tables (`plugins."io.containerd.cri.v1.runtime"`,
/// `plugins."io.containerd.cri.v1.images"`) rewritten at their version 2 paths with
/// `version = 2`, everything else as it is: merged with a version 2 config.toml, containerd
/// 2.0-2.2 migrates both together, so the drop-in's runtimes and config.toml's (SystemdCgroup)
/// all apply (review 10, H1: verified with 2.1.9). Left out, and named in the second value:
/// `pinned_images.sandbox` and `registry.config_path`, which would win over config.toml's
/// (pullfix's) and are not in effect now. `None` when a key has no version 2 path pullfix knows
/// (`cni.bin_dirs`, a list where version 2 has one `bin_dir`; other pinned images).
pub fn rewritten_v2(drop_in: &DocumentMut) -> Option<(String, Vec<String>)> {
    let mut out = DocumentMut::new();
    out["version"] = toml_edit::value(2);
    let mut left_out = Vec::new();
    for (k, item) in drop_in.iter() {
        if k != "version" && k != "plugins" {
            out[k] = item.clone();
        }
    }
    let plugins = item_at(drop_in, &["plugins"]).and_then(TableRef::of).map(|t| t.entries()).unwrap_or_default();
    for (id, item) in plugins {
        let Some(t) = TableRef::of(item).filter(|_| id == IMAGES || id == V3_RUNTIME_PLUGIN) else {
            insert(&mut out, &["plugins", id], item.clone());
            continue;
        };
        for (k, v) in t.entries() {
            if id == V3_RUNTIME_PLUGIN {
                if k == "cni" && TableRef::of(v).is_some_and(|c| c.get("bin_dirs").is_some()) {
                    return None;
                }
                insert(&mut out, &["plugins", GRPC, k], v.clone());
                continue;
            }
            match k {
                "pinned_images" => {
                    let p = TableRef::of(v)?;
                    for (name, image) in p.entries() {
                        if name != "sandbox" {
                            return None;
                        }
                        left_out.push(format!(
                            "{} = {}",
                            display_path(&["plugins", IMAGES, "pinned_images", "sandbox"]),
                            image.to_string().trim()
                        ));
                    }
                }
                "registry" => {
                    let mut reg = v.clone();
                    if let Some(t) = reg.as_table_like_mut() {
                        if let Some(cp) = t.remove("config_path") {
                            left_out.push(format!(
                                "{} = {}",
                                display_path(&["plugins", IMAGES, "registry", "config_path"]),
                                cp.to_string().trim()
                            ));
                        }
                    }
                    insert(&mut out, &["plugins", GRPC, "registry"], reg);
                }
                k if V3_IMAGE_CONTAINERD_KEYS.contains(&k) => {
                    insert(&mut out, &["plugins", GRPC, "containerd", k], v.clone())
                }
                k if V3_IMAGE_KEYS.contains(&k) => insert(&mut out, &["plugins", GRPC, k], v.clone()),
                _ => return None,
            }
        }
    }
    Some((out.to_string(), left_out))
}

/// Puts `item` at `path` in `doc`, creating implicit tables on the way.
fn insert(doc: &mut DocumentMut, path: &[&str], mut item: Item) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut table = doc.as_table_mut();
    for k in parents {
        let entry = table.entry(k).or_insert_with(|| {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        let Some(t) = entry.as_table_mut() else { return };
        table = t;
    }
    if let Item::Table(t) = &mut item {
        t.decor_mut().clear();
        t.set_position(None);
    }
    table.insert(last, item);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &str) -> DocumentMut {
        s.parse().expect("TOML")
    }

    const MAIN3: &str = "version = 3\n[plugins.\"io.containerd.cri.v1.images\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n  sandbox = \"harbor.example.net/library/pause:3.10\"\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n";

    fn t(v: &str) -> Target {
        Target::parse(v).expect("version")
    }

    #[test]
    fn a_version_3_drop_in_wins_key_by_key() {
        let main = doc(MAIN3);
        let d = doc("version = 3\n[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n  sandbox = \"registry.k8s.io/pause:3.10\"\n");
        let e = effective(&t("2.1.9"), &[("/c.toml", &main), ("/d.toml", &d)]).expect("2.x");
        let s = e.sandbox.expect("set");
        assert_eq!((s.file.as_str(), s.value.as_str()), ("/d.toml", "registry.k8s.io/pause:3.10"));
        assert_eq!(e.config_path.expect("set").file, "/c.toml");
        // An empty value wins too.
        let d = doc("version = 3\n[plugins.\"io.containerd.cri.v1.images\".registry]\n  config_path = \"\"\n");
        let e = effective(&t("2.1"), &[("/c.toml", &main), ("/d.toml", &d)]).expect("2.x");
        assert_eq!(e.config_path.map(|s| (s.file, s.value)), Some(("/d.toml".to_owned(), String::new())));
        assert!(effective(&t("1.7.24"), &[("/c.toml", &main)]).is_none());
    }

    #[test]
    fn a_version_2_drop_in_under_a_version_3_file() {
        let main = doc(MAIN3);
        let cgroup = doc("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"x/pause:9\"\n  enable_cdi = true\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"quay.io\"]\n  endpoint = [\"https://q.example\"]\n");
        let e = effective(&t("2.1.9"), &[("/c.toml", &main), ("/d.toml", &cgroup)]).expect("2.x");
        assert_eq!(e.version, 2);
        assert_eq!(e.sandbox.map(|s| s.value), Some("x/pause:9".to_owned()));
        assert_eq!(e.registry_from_v2.as_deref(), Some("/d.toml"));
        assert_eq!(e.config_path, None, "the version 2 registry table has none");
        let s = v2_settings(&cgroup, 2, &[&main, &cgroup]);
        let fates: Vec<(String, Fate)> = s.iter().map(|s| (s.rel.join("."), s.fate.clone())).collect();
        assert_eq!(
            fates,
            [
                ("sandbox_image".to_owned(), Fate::Overrides),
                ("enable_cdi".to_owned(), Fate::Applied),
                ("containerd.runtimes".to_owned(), Fate::Dropped),
                ("registry".to_owned(), Fate::Overrides),
            ]
        );
        assert_eq!(s[2].described(), "plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes (SystemdCgroup)");
        assert_eq!(s[2].v3_path(), "plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes");
        assert_eq!(s[0].v3_path(), "plugins.\"io.containerd.cri.v1.images\".pinned_images.sandbox");
        // A later version 3 drop-in: merged version 3, every version 2 key ignored.
        let gpu = doc("version = 3\n");
        let e = effective(&t("2.1.9"), &[("/c.toml", &main), ("/d.toml", &cgroup), ("/g.toml", &gpu)]).expect("2.x");
        assert_eq!(e.version, 3);
        assert_eq!(e.sandbox.map(|s| s.file), Some("/c.toml".to_owned()));
        assert!(v2_settings(&cgroup, 3, &[&main]).iter().all(|s| s.fate == Fate::Ignored));
        // With a registry table there is no rewrite to give (mirrors belong in hosts.toml).
        assert_eq!(rewritten_v3(&cgroup), None);
    }

    /// 2.1.9 (tests/containerd_oracle/drop_in_snapshotter.rs): a version 2 drop-in's snapshotter
    /// under a version 3 config.toml survives the migration only beside a version 2 runtimes
    /// table, in any file.
    #[test]
    fn a_version_2_snapshotter_needs_a_version_2_runtimes_table() {
        let main = doc(MAIN3);
        let snap = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"native\"\n";
        let fate = |drop_in: &DocumentMut, files: &[&DocumentMut]| {
            v2_settings(drop_in, 2, files).into_iter().find(|s| s.rel == ["containerd", "snapshotter"]).map(|s| s.fate)
        };
        let alone = doc(snap);
        assert_eq!(fate(&alone, &[&main, &alone]), Some(Fate::Lost));
        let runc = "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n";
        let with = doc(&format!("{snap}{runc}"));
        assert_eq!(fate(&with, &[&main, &with]), Some(Fate::Overrides));
        // Another file's version 2 runtimes table counts too; merged version 3 ignores it.
        let other = doc(&format!("version = 2\n{runc}"));
        assert_eq!(fate(&alone, &[&main, &other, &alone]), Some(Fate::Overrides));
        assert_eq!(v2_settings(&alone, 3, &[&main, &alone])[0].fate, Fate::Ignored);
    }

    #[test]
    fn a_cgroup_drop_in_is_rewritten_at_version_3_paths() {
        let d = doc("# kept from 1.x\nversion = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"x/pause:9\"\n  enable_cdi = true\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"native\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n[plugins.\"io.containerd.snapshotter.v1.zfs\"]\n  root_path = \"/z\"\n");
        let text = rewritten_v3(&d).expect("rewritten");
        let out: DocumentMut = text.parse().expect("TOML");
        assert_eq!(out["version"].as_integer(), Some(3), "{text}");
        let at = |p: &[&str]| item_at(&out, p).map(|i| i.to_string().trim().to_owned());
        // Review 10, M5: the sandbox image is left out, not brought to its winning path.
        assert_eq!(at(&["plugins", IMAGES, "pinned_images", "sandbox"]), None, "{text}");
        assert!(!text.contains("x/pause:9"), "{text}");
        assert_eq!(at(&["plugins", IMAGES, "snapshotter"]).as_deref(), Some("\"native\""), "{text}");
        assert_eq!(at(&["plugins", V3_RUNTIME_PLUGIN, "enable_cdi"]).as_deref(), Some("true"), "{text}");
        assert_eq!(
            at(&["plugins", V3_RUNTIME_PLUGIN, "containerd", "runtimes", "runc", "options", "SystemdCgroup"])
                .as_deref(),
            Some("true"),
            "{text}"
        );
        assert!(item_at(&out, &["plugins", GRPC]).is_none(), "{text}");
        assert_eq!(
            at(&["plugins", "io.containerd.snapshotter.v1.zfs", "root_path"]).as_deref(),
            Some("\"/z\""),
            "{text}"
        );
    }
}
