//! Which config version a containerd `config.toml` is, and which plugin paths (dialect) it uses.
//!
//! containerd reads a file without a `version` line as version 1 (REFERENCE.md, verified on
//! 1.6.20): every `plugins."io.containerd.grpc.v1.cri"` table in it is then silently ignored.

use toml_edit::{DocumentMut, Item, Value};

use crate::version::Target;

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
    /// The dialect of a config version number.
    pub fn of_version(version: i64) -> Dialect {
        match version {
            i64::MIN..=1 => Dialect::V1,
            2 => Dialect::V2,
            _ => Dialect::V3,
        }
    }

    /// The table holding `sandbox_image` (v1, v2) or `pinned_images` (v3) and `registry`.
    pub fn cri_table(self) -> [&'static str; 2] {
        match self {
            Dialect::V1 => ["plugins", "cri"],
            Dialect::V2 => ["plugins", "io.containerd.grpc.v1.cri"],
            Dialect::V3 => ["plugins", "io.containerd.cri.v1.images"],
        }
    }

    /// The key path of the sandbox (pause) image setting.
    pub fn sandbox_path(self) -> Vec<String> {
        let mut p: Vec<String> = self.cri_table().iter().map(|s| (*s).to_owned()).collect();
        match self {
            Dialect::V1 | Dialect::V2 => p.push("sandbox_image".into()),
            Dialect::V3 => p.extend(["pinned_images".to_owned(), "sandbox".to_owned()]),
        }
        p
    }

    /// The key path of the CRI `registry` table.
    pub fn registry_path(self) -> Vec<String> {
        let mut p: Vec<String> = self.cri_table().iter().map(|s| (*s).to_owned()).collect();
        p.push("registry".into());
        p
    }
}

/// The highest config version a target containerd reads (2.3+ reads 4, 2.0 - 2.2 read 3,
/// 1.3 - 1.7 read 2, older read 1).
pub fn max_readable_version(target: &Target) -> i64 {
    match (target.major, target.minor) {
        (2, m) if m >= 3 => 4,
        (2.., _) => 3,
        (1, 3..) => 2,
        _ => 1,
    }
}

/// What a config file says about its own version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileVersion {
    /// The `version` line's number; `None` when there is no line (or it is not an integer).
    pub line: Option<i64>,
    /// The `version` line exists but is not an integer 1 - 4.
    pub unusable_line: bool,
    /// The version containerd reads the file as: the line, or 1 without one.
    pub version: i64,
    /// The plugin paths of that version.
    pub dialect: Dialect,
    /// The file has no version line but holds `plugins."io.containerd.grpc.v1.cri"` settings
    /// beyond the streaming server: it was written for version 2 and lost its line.
    pub v2_tables_without_line: bool,
}

/// Reads the `version` line and looks at the CRI tables present.
pub fn detect(doc: &DocumentMut) -> FileVersion {
    let raw = doc.as_table().get("version");
    let (line, unusable_line) = match raw {
        None => (None, false),
        Some(Item::Value(Value::Integer(i))) if (1..=4).contains(i.value()) => (Some(*i.value()), false),
        Some(_) => (None, true),
    };
    let version = line.unwrap_or(1);
    let v2_tables_without_line = raw.is_none() && has_v2_cri_settings(doc);
    FileVersion { line, unusable_line, version, dialect: Dialect::of_version(version), v2_tables_without_line }
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
    let plugins = match doc.as_table().get("plugins").and_then(Item::as_table_like) {
        Some(p) => p,
        None => return Vec::new(),
    };
    let mut out = Vec::new();
    let mut list = |plugin: &str, keep: &[&str]| {
        if let Some(t) = plugins.get(plugin).and_then(Item::as_table_like) {
            for (k, _) in t.iter() {
                if !keep.contains(&k) {
                    out.push(super::display_path(&["plugins", plugin, k]));
                }
            }
        }
    };
    match from {
        Dialect::V1 => list("cri", &[]),
        Dialect::V2 => list("io.containerd.grpc.v1.cri", V3_GRPC_CRI_KEYS),
        Dialect::V3 => {
            list("io.containerd.cri.v1.images", &[]);
            list("io.containerd.cri.v1.runtime", &[]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> FileVersion {
        detect(&s.parse::<DocumentMut>().unwrap())
    }

    #[test]
    fn versions() {
        assert_eq!(d("").version, 1);
        assert_eq!(d("version = 2").dialect, Dialect::V2);
        assert_eq!(d("version = 3").dialect, Dialect::V3);
        assert_eq!(d("version = 4").dialect, Dialect::V3);
        assert!(d("version = '2'").unusable_line);
        assert!(d("version = 7").unusable_line);
    }

    #[test]
    fn v2_tables_without_a_line() {
        assert!(d("[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = 'x'").v2_tables_without_line);
        assert!(!d("[plugins.\"io.containerd.grpc.v1.cri\"]\nstream_server_port = '0'").v2_tables_without_line);
        assert!(!d("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = 'x'").v2_tables_without_line);
    }

    #[test]
    fn readable_versions() {
        let m = |s| max_readable_version(&Target::parse(s).unwrap());
        assert_eq!((m("1.2"), m("1.6"), m("2.0"), m("2.2"), m("2.3")), (1, 2, 3, 3, 4));
    }
}
