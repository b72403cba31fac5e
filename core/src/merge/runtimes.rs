//! The default runtime's table without `runtime_type`: on containerd 1.x every pod fails.
//!
//! containerd 1.x decodes the CRI section onto its default config, but an entry of the
//! `containerd.runtimes` map that the file has is built from scratch: a file with only
//! `[...containerd.runtimes.runc.options] SystemdCgroup = true` (the usual cgroup-driver
//! snippet, the one containerd's own docs/cri/config.md shows for 1.x) gives runc
//! `runtime_type = ""` (`containerd config dump`, verified on 1.6.20; containerd#6964 shows
//! the same dump), and every `RunPodSandbox` then fails with `container.Runtime.Name must be
//! set` (reproduced live, operator review 8, H1). containerd 1.7.24 does the same. containerd
//! 2.x decodes the file onto its defaults key by key, so the same table keeps runc's
//! `runtime_type = "io.containerd.runc.v2"`: verified with `containerd config dump` on 2.1.9,
//! for a version 3 file and for a version 2 file it migrates (tests/containerd_oracle.rs).

use toml_edit::{DocumentMut, Item};

use super::{edit, existing_config_field};
use crate::config_file::{display_path, Dialect, V3_RUNTIME_PLUGIN};
use crate::diagnostic::Diagnostic;
use crate::toml_table::TableRef;

/// The code of the diagnostic.
pub const CODE: &str = "merge.runtime-type-missing";

/// The runtime type containerd's default runc runtime has (1.4+).
pub const RUNC_V2: &str = "io.containerd.runc.v2";

/// The path of the table that holds `containerd.runtimes` in a file of config `version`
/// (`plugins."io.containerd.grpc.v1.cri"`; `plugins."io.containerd.cri.v1.runtime"` from 3).
pub fn runtime_plugin_path(version: i64) -> Vec<String> {
    match Dialect::of_version(version) {
        Dialect::V3 => vec!["plugins".to_owned(), V3_RUNTIME_PLUGIN.to_owned()],
        d => d.cri_table().iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// The error for a CRI section, in a file read as config `version` by containerd `major` 1
/// (or `None`: not known, for a version 1 or 2 file), whose default runtime's table
/// (`containerd.runtimes.<default_runtime_name>`, `runc` unless the file names another)
/// exists without `runtime_type`. `None` when the file has no such table, it sets one, or
/// containerd 2.x reads it (a version 3+ file is read by 2.x only).
pub fn check(doc: &DocumentMut, version: i64, major: Option<u32>) -> Option<Diagnostic> {
    let mut plugin = runtime_plugin_path(version);
    plugin.push("containerd".to_owned());
    // 2.x keeps the default runtime_type (a version 3+ file is read by 2.x only).
    if major.map_or(version >= 3, |m| m >= 2) {
        return None;
    }
    let containerd = edit::get(doc, &plugin).and_then(TableRef::of)?;
    let name = containerd.get("default_runtime_name").and_then(Item::as_str).unwrap_or("runc").to_owned();
    let runtime = containerd.get("runtimes").and_then(TableRef::of)?.get(&name).and_then(TableRef::of)?;
    if runtime.get("runtime_type").is_some() {
        return None;
    }
    let mut path = plugin;
    path.extend(["runtimes".to_owned(), name.clone()]);
    let table = display_path(&path);
    let fix = format!(
        "Add `runtime_type = \"{RUNC_V2}\"` to [{table}] (write that table above its .options table: [{table}] runtime_type = \"{RUNC_V2}\", then [{table}.options] SystemdCgroup = true), restart containerd and check with `containerd config dump`."
    );
    Some(Diagnostic::error(
        existing_config_field(),
        CODE,
        format!(
            "[{table}] (the default runtime, {name:?}) has no runtime_type: containerd 1.x builds that runtime from the file alone, with runtime_type = \"\" (its own settings, SystemdCgroup included, are then ignored), so every pod fails: container.Runtime.Name must be set."
        ),
        fix,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    fn doc(s: &str) -> DocumentMut {
        s.parse().unwrap()
    }

    const OPTIONS_ONLY: &str =
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";

    #[test]
    fn the_options_only_runc_table_is_an_error_on_1x_and_fine_on_2x() {
        let d = check(&doc(OPTIONS_ONLY), 2, Some(1)).expect("reported");
        assert_eq!(d.severity, Severity::Error);
        assert!(d.message.contains("every pod fails: container.Runtime.Name must be set"), "{}", d.message);
        assert!(
            d.fix.starts_with("Add `runtime_type = \"io.containerd.runc.v2\"` to [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]"),
            "{}",
            d.fix
        );
        assert_eq!(check(&doc(OPTIONS_ONLY), 2, None).unwrap().severity, Severity::Error);
        // 2.x (2.1.9's config dump) fills runtime_type in, also in a version 2 file it migrates.
        assert_eq!(check(&doc(OPTIONS_ONLY), 2, Some(2)), None);
        // Version 1's plugins.cri and dotted keys.
        let v1 = "[plugins.cri.containerd.runtimes.runc.options]\nSystemdCgroup = true\n";
        assert!(check(&doc(v1), 1, Some(1)).unwrap().fix.contains("[plugins.cri.containerd.runtimes.runc]"));
        let dotted = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\ncontainerd.runtimes.runc.options.SystemdCgroup = true\n";
        assert!(check(&doc(dotted), 2, Some(1)).is_some());
        let v3 = "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n";
        assert_eq!(check(&doc(v3), 3, None), None);
        assert_eq!(check(&doc(v3), 3, Some(2)), None);
    }

    #[test]
    fn a_runtime_type_or_no_default_runtime_table_is_fine() {
        let with = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\nruntime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n";
        assert_eq!(check(&doc(with), 2, Some(1)), None);
        assert_eq!(
            check(
                &doc("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\nsnapshotter = \"overlayfs\"\n"),
                2,
                Some(1)
            ),
            None
        );
        assert_eq!(check(&doc(""), 2, Some(1)), None);
        // Another default runtime: its table counts, runc's does not.
        let crun = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\ndefault_runtime_name = \"crun\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.crun.options]\nSystemdCgroup = true\n";
        let d = check(&doc(crun), 2, Some(1)).expect("crun reported");
        assert!(d.message.contains("runtimes.crun]") && d.message.contains("\"crun\""), "{}", d.message);
        // A version 2 table in a version 3 file is not the one containerd reads.
        assert_eq!(check(&doc(OPTIONS_ONLY), 3, Some(2)), None);
    }
}
