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
    !keys_ignored_when_leaving(doc, Dialect::V2).is_empty()
}

/// The top-level keys of the file's CRI tables in `from`'s dialect that a file in another
/// dialect no longer reads, as display paths (`plugins."io.containerd.grpc.v1.cri".containerd`).
pub fn keys_ignored_when_leaving(doc: &DocumentMut, from: Dialect) -> Vec<String> {
    let plugins = match doc.as_table().get("plugins").and_then(TableRef::of) {
        Some(p) => p,
        None => return Vec::new(),
    };
    let mut out = Vec::new();
    let mut list = |plugin: &str, keep: &[&str]| {
        if let Some(t) = plugins.get(plugin).and_then(TableRef::of) {
            for (k, _) in t.entries() {
                if !keep.contains(&k) {
                    out.push(display_path(&["plugins", plugin, k]));
                }
            }
        }
    };
    match from {
        Dialect::V1 => list(from.cri_plugin(), &[]),
        Dialect::V2 => list(from.cri_plugin(), V3_GRPC_CRI_KEYS),
        Dialect::V3 => {
            list(from.cri_plugin(), &[]);
            list("io.containerd.cri.v1.runtime", &[]);
        }
    }
    out
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
    fn names_and_parse_errors() {
        assert_eq!(Dialect::V1.cri_table_name(), "plugins.cri");
        assert_eq!(Dialect::V2.cri_table_name(), "plugins.\"io.containerd.grpc.v1.cri\"");
        let text = "a = 1\n[b]\n[b]\n";
        let e = text.parse::<DocumentMut>().unwrap_err();
        assert_eq!((ParseError::new(text, &e).line, ParseError::new(text, &e).column), (3, 2));
        assert!(toml_error(text, &e).starts_with("line 3: "), "{}", toml_error(text, &e));
    }
}
