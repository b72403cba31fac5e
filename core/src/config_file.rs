//! Which config version an existing containerd `config.toml` is, which plugin paths (dialect)
//! it uses, and where it fails to parse. Shared by `merge` (which edits the file) and
//! `node_config` / `doctor` (which read it).
//!
//! containerd reads a file without a `version` line as version 1 (REFERENCE.md, verified on
//! 1.6.20): every `plugins."io.containerd.grpc.v1.cri"` table in it is then silently ignored.

use serde::Serialize;
use toml_edit::{DocumentMut, Item, Key, TomlError};

use crate::toml_table::TableRef;

/// The plugin paths a config version uses for the CRI image and registry settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// `version = 1` or no line: `[plugins.cri]`.
    V1,
    /// `version = 2` (containerd 1.3 - 1.7): `[plugins."io.containerd.grpc.v1.cri"]`.
    V2,
    /// `version = 3` (2.0+) and `version = 4` (2.3+): `[plugins."io.containerd.cri.v1.images"]`.
    V3,
}

impl Dialect {
    /// Every dialect, oldest first.
    pub const ALL: [Dialect; 3] = [Dialect::V1, Dialect::V2, Dialect::V3];

    /// The dialect of a config version number.
    pub fn of_version(version: i64) -> Dialect {
        match version {
            i64::MIN..=1 => Dialect::V1,
            2 => Dialect::V2,
            _ => Dialect::V3,
        }
    }

    /// The id of the CRI plugin that holds the image and registry settings.
    pub const fn cri_plugin(self) -> &'static str {
        match self {
            Dialect::V1 => "cri",
            Dialect::V2 => "io.containerd.grpc.v1.cri",
            Dialect::V3 => "io.containerd.cri.v1.images",
        }
    }

    /// The table holding `sandbox_image` (v1, v2) or `pinned_images` (v3) and `registry`.
    pub fn cri_table(self) -> [&'static str; 2] {
        ["plugins", self.cri_plugin()]
    }

    /// That table as TOML writes it: `plugins."io.containerd.grpc.v1.cri"`.
    pub fn cri_table_name(self) -> String {
        display_path(&self.cri_table())
    }

    /// The key path of the CRI `registry` table.
    pub fn registry_path(self) -> Vec<String> {
        let mut p: Vec<String> = self.cri_table().iter().map(|s| (*s).to_owned()).collect();
        p.push("registry".into());
        p
    }
}

/// What a config file says about its own version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileVersion {
    /// The `version` line's number, whatever integer it is; `None` when there is no line
    /// (or it is not an integer).
    pub line: Option<i64>,
    /// The `version` line exists but is not an integer 1 - 4.
    pub unusable_line: bool,
    /// The file has no version line but holds `plugins."io.containerd.grpc.v1.cri"` settings
    /// beyond the streaming server: it was written for version 2 and lost its line.
    pub v2_tables_without_line: bool,
}

impl FileVersion {
    /// The version containerd reads the file as: the line when it is 1 - 4, else 1.
    pub fn version(&self) -> i64 {
        self.line.filter(|v| (1..=4).contains(v)).unwrap_or(1)
    }

    /// The plugin paths of that version.
    pub fn dialect(&self) -> Dialect {
        Dialect::of_version(self.version())
    }
}

/// Reads the `version` line and looks at the CRI tables present.
pub fn detect(doc: &DocumentMut) -> FileVersion {
    let raw = doc.as_table().get("version");
    let line = raw.and_then(Item::as_integer);
    let unusable_line = raw.is_some() && !line.is_some_and(|v| (1..=4).contains(&v));
    let v2_tables_without_line = raw.is_none() && has_v2_cri_settings(doc);
    FileVersion { line, unusable_line, v2_tables_without_line }
}

/// The keys `plugins."io.containerd.grpc.v1.cri"` keeps under version 3 (the streaming server).
pub const V3_GRPC_CRI_KEYS: &[&str] = &[
    "disable_tcp_service",
    "stream_server_address",
    "stream_server_port",
    "stream_idle_timeout",
    "enable_tls_streaming",
    "x509_key_pair_streaming",
];

fn has_v2_cri_settings(doc: &DocumentMut) -> bool {
    !ignored_entries(doc, Dialect::V2).is_empty()
}

/// The top-level keys of the file's CRI tables in `from`'s dialect that a file in another
/// dialect no longer reads, as display paths (`plugins."io.containerd.grpc.v1.cri".containerd`).
pub fn keys_ignored_when_leaving(doc: &DocumentMut, from: Dialect) -> Vec<String> {
    ignored_entries(doc, from).into_iter().map(|e| display_path(&["plugins", e.plugin, e.key.as_str()])).collect()
}

/// One top-level entry of a CRI plugin table: `plugins.<plugin>.<key>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginEntry {
    /// The plugin id (`io.containerd.grpc.v1.cri`).
    pub plugin: &'static str,
    /// The key under it (`containerd`, `sandbox_image`).
    pub key: String,
    /// It is a table (`containerd`, `registry`, `cni`), not a single value.
    pub is_table: bool,
    /// The names of the values inside it, depth first, each once (`SystemdCgroup`, `snapshotter`).
    pub leaves: Vec<String>,
}

/// The entries [`keys_ignored_when_leaving`] names, with what they hold.
pub fn ignored_entries(doc: &DocumentMut, from: Dialect) -> Vec<PluginEntry> {
    let plugins = match doc.as_table().get("plugins").and_then(TableRef::of) {
        Some(p) => p,
        None => return Vec::new(),
    };
    let mut out = Vec::new();
    let mut list = |plugin: &'static str, keep: &[&str]| {
        if let Some(t) = plugins.get(plugin).and_then(TableRef::of) {
            for (k, item) in t.entries() {
                if !keep.contains(&k) {
                    let mut leaves = Vec::new();
                    let sub = TableRef::of(item);
                    if let Some(sub) = sub {
                        collect_leaves(sub, &mut leaves);
                    }
                    out.push(PluginEntry { plugin, key: k.to_owned(), is_table: sub.is_some(), leaves });
                }
            }
        }
    };
    match from {
        Dialect::V1 => list(from.cri_plugin(), &[]),
        Dialect::V2 => list(from.cri_plugin(), V3_GRPC_CRI_KEYS),
        Dialect::V3 => {
            list(from.cri_plugin(), &[]);
            list(V3_RUNTIME_PLUGIN, &[]);
        }
    }
    out
}

/// The names of every leaf (non-table) key under `t`, each once, in order.
pub(crate) fn collect_leaves(t: TableRef<'_>, out: &mut Vec<String>) {
    for (k, item) in t.entries() {
        match TableRef::of(item) {
            Some(sub) => collect_leaves(sub, out),
            None => {
                if !out.iter().any(|l| l == k) {
                    out.push(k.to_owned());
                }
            }
        }
    }
}

/// The version 3 CRI runtime plugin: what `plugins."io.containerd.grpc.v1.cri"` held besides
/// the images and the streaming server (`containerd`, `cni`, `enable_selinux`, ...).
pub const V3_RUNTIME_PLUGIN: &str = "io.containerd.cri.v1.runtime";

/// The top-level `plugins."io.containerd.grpc.v1.cri"` keys containerd 2.x moves to the images
/// plugin when it migrates a version 2 file (`plugins/cri/images/plugin.go`, `migrateConfig`).
pub const V3_IMAGE_KEYS: &[&str] = &[
    "registry",
    "image_decryption",
    "max_concurrent_downloads",
    "image_pull_progress_timeout",
    "image_pull_with_sync_fs",
    "stats_collect_period",
];

/// The keys of `plugins."io.containerd.grpc.v1.cri".containerd` that migration moves to the
/// images plugin; the rest of that table goes to the runtime plugin.
pub const V3_IMAGE_CONTAINERD_KEYS: &[&str] =
    &["snapshotter", "disable_snapshot_annotations", "discard_unpacked_layers"];

/// Where the setting `entry` (of `from`'s CRI tables) belongs in a file of `to`'s dialect, as
/// containerd's own migrations move it (2.x's CRI images and runtime plugins for 2 -> 3, the
/// plugin renames for 1 -> 2), in words: `plugins."io.containerd.cri.v1.images".pinned_images.sandbox`,
/// with a note where a table splits.
pub fn counterpart(entry: &PluginEntry, from: Dialect, to: Dialect) -> String {
    let key = entry.key.as_str();
    // The path under a version 2 CRI table (`plugins."io.containerd.grpc.v1.cri"`).
    let v2_rel: Vec<&str> = match from {
        Dialect::V1 | Dialect::V2 => vec![key],
        Dialect::V3 if entry.plugin == V3_RUNTIME_PLUGIN => vec![key],
        Dialect::V3 => match key {
            "pinned_images" => vec!["sandbox_image"],
            "runtime_platform" => vec!["containerd", "runtimes"],
            k if V3_IMAGE_CONTAINERD_KEYS.contains(&k) => vec!["containerd", k],
            k => vec![k],
        },
    };
    let v2_note = match (from, key) {
        (Dialect::V3, "pinned_images") if entry.plugin != V3_RUNTIME_PLUGIN => {
            " (its `sandbox`; other pinned images have no older key)"
        }
        (Dialect::V3, "runtime_platform") if entry.plugin != V3_RUNTIME_PLUGIN => " (each runtime's `snapshotter`)",
        _ => "",
    };
    let under = |plugin: &str, rel: &[&str]| {
        let mut p = vec!["plugins", plugin];
        p.extend_from_slice(rel);
        display_path(&p)
    };
    if to != Dialect::V3 {
        return format!("{}{v2_note}", under(to.cri_plugin(), &v2_rel));
    }
    let images = Dialect::V3.cri_plugin();
    match v2_rel.as_slice() {
        ["sandbox_image"] => under(images, &["pinned_images", "sandbox"]),
        ["containerd", k] if V3_IMAGE_CONTAINERD_KEYS.contains(k) => under(images, &[k]),
        ["containerd", ..] => format!(
            "{} (its {} go to {})",
            under(V3_RUNTIME_PLUGIN, &v2_rel),
            V3_IMAGE_CONTAINERD_KEYS.join(", "),
            under(images, &[])
        ),
        ["cni"] => format!("{} (`bin_dir` becomes the list `bin_dirs`)", under(V3_RUNTIME_PLUGIN, &v2_rel)),
        [k, ..] if V3_IMAGE_KEYS.contains(k) => under(images, &v2_rel),
        _ => under(V3_RUNTIME_PLUGIN, &v2_rel),
    }
}

/// A key path as TOML writes it: `plugins."io.containerd.grpc.v1.cri".registry`.
pub fn display_path<S: AsRef<str>>(path: &[S]) -> String {
    // The generic part stays a bare loop; the work is in `push_key`, once in the page's wasm.
    let mut out = String::new();
    for (i, p) in path.iter().enumerate() {
        push_key(&mut out, i > 0, p.as_ref());
    }
    out
}

/// Appends `key` as TOML writes it, after a `.` when it is not the first.
#[inline(never)]
fn push_key(out: &mut String, dot: bool, key: &str) {
    if dot {
        out.push('.');
    }
    out.push_str(&Key::new(key).display_repr());
}

/// Where a config file fails to parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The parser's message.
    pub message: String,
}

impl ParseError {
    /// Locates a `toml_edit` error in the text it came from (line 1, column 1 when the
    /// error has no position).
    pub fn new(text: &str, e: &TomlError) -> ParseError {
        let offset = e.span().map_or(0, |s| s.start).min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        ParseError {
            line: before.matches('\n').count() + 1,
            column: before.rsplit('\n').next().unwrap_or("").chars().count() + 1,
            message: e.message().trim().to_owned(),
        }
    }
}

/// A TOML parser error on one line: `line 4: duplicate key` (only the message when the
/// error has no position).
pub fn toml_error(text: &str, e: &TomlError) -> String {
    let p = ParseError::new(text, e);
    if e.span().is_some() {
        format!("line {}: {}", p.line, p.message)
    } else {
        p.message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> FileVersion {
        detect(&s.parse::<DocumentMut>().unwrap())
    }

    #[test]
    fn versions() {
        assert_eq!(d("").version(), 1);
        assert_eq!(d("version = 2").dialect(), Dialect::V2);
        assert_eq!(d("version = 3").dialect(), Dialect::V3);
        assert_eq!(d("version = 4").dialect(), Dialect::V3);
        assert!(d("version = '2'").unusable_line);
        assert!(d("version = 7").unusable_line);
        assert_eq!((d("version = 7").line, d("version = 7").version()), (Some(7), 1));
    }

    #[test]
    fn v2_tables_without_a_line() {
        assert!(d("[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = 'x'").v2_tables_without_line);
        assert!(!d("[plugins.\"io.containerd.grpc.v1.cri\"]\nstream_server_port = '0'").v2_tables_without_line);
        assert!(!d("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = 'x'").v2_tables_without_line);
    }

    #[test]
    fn counterparts_follow_containerds_migration() {
        let doc: DocumentMut = concat!(
            "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = 'p'\nenable_cdi = true\nstream_server_port = '0'\n",
            "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\nsnapshotter = 'overlayfs'\n",
            "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n",
            "[plugins.\"io.containerd.grpc.v1.cri\".registry]\nconfig_path = ''\n",
        )
        .parse()
        .unwrap();
        let entries = ignored_entries(&doc, Dialect::V2);
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["sandbox_image", "enable_cdi", "containerd", "registry"], "streaming keys stay");
        assert_eq!(entries[2].leaves, ["snapshotter", "SystemdCgroup"]);
        assert!(entries[2].is_table && !entries[0].is_table);
        let to3: Vec<String> = entries.iter().map(|e| counterpart(e, Dialect::V2, Dialect::V3)).collect();
        assert_eq!(to3[0], "plugins.\"io.containerd.cri.v1.images\".pinned_images.sandbox");
        assert_eq!(to3[1], "plugins.\"io.containerd.cri.v1.runtime\".enable_cdi");
        assert!(
            to3[2].starts_with("plugins.\"io.containerd.cri.v1.runtime\".containerd (its snapshotter"),
            "{}",
            to3[2]
        );
        assert_eq!(to3[3], "plugins.\"io.containerd.cri.v1.images\".registry");
        let v3 =
            |plugin: &'static str, key: &str| PluginEntry { plugin, key: key.into(), is_table: false, leaves: vec![] };
        let images = Dialect::V3.cri_plugin();
        assert_eq!(
            counterpart(&v3(images, "snapshotter"), Dialect::V3, Dialect::V2),
            "plugins.\"io.containerd.grpc.v1.cri\".containerd.snapshotter"
        );
        assert_eq!(
            counterpart(&v3(V3_RUNTIME_PLUGIN, "containerd"), Dialect::V3, Dialect::V1),
            "plugins.cri.containerd"
        );
        assert!(counterpart(&v3(images, "pinned_images"), Dialect::V3, Dialect::V2)
            .starts_with("plugins.\"io.containerd.grpc.v1.cri\".sandbox_image"));
    }

    #[test]
    fn names_and_parse_errors() {
        assert_eq!(Dialect::V1.cri_table_name(), "plugins.cri");
        assert_eq!(Dialect::V2.cri_table_name(), "plugins.\"io.containerd.grpc.v1.cri\"");
        let text = "a = 1\n[b]\n[b]\n";
        let e = text.parse::<DocumentMut>().unwrap_err();
        assert_eq!((ParseError::new(text, &e).line, ParseError::new(text, &e).column), (3, 2));
        assert!(toml_error(text, &e).starts_with("line 3: "), "{}", toml_error(text, &e));
    }
}
