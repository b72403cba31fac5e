//! The default runtime's table without `runtime_type`: on containerd 1.x every pod fails.
//!
//! containerd 1.x decodes the CRI section onto its default config, but an entry of the
//! `containerd.runtimes` map that the file has is built from scratch: a file with only
//! `[...containerd.runtimes.runc.options] SystemdCgroup = true` (the usual cgroup-driver
//! snippet, the one containerd's own docs/cri/config.md shows for 1.x) gives runc
//! `runtime_type = ""` (`containerd config dump`, verified on 1.6.20; containerd#6964 shows
//! the same dump), and every `RunPodSandbox` then fails with `container.Runtime.Name must be
//! set` (reproduced live, operator review 8, H1). For 2.x the same docs give the options-only
//! table as the way to set the cgroup driver, and 2.x decodes plugin configs with another TOML
//! library; pullfix has not run a 2.x binary on it, so on 2.x this is a warning.

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

/// The error (containerd `major` 1, or `None`: not known, for a version 1 or 2 file) or
/// warning (2.x, or a version 3+ file) for a CRI
/// section, in a file read as config `version`, whose default runtime's table
/// (`containerd.runtimes.<default_runtime_name>`, `runc` unless the file names another)
/// exists without `runtime_type`. `None` when the file has no such table or it sets one.
pub fn check(doc: &DocumentMut, version: i64, major: Option<u32>) -> Option<Diagnostic> {
    let mut plugin = runtime_plugin_path(version);
    plugin.push("containerd".to_owned());
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
    // A version 3+ file is read by 2.x only.
    if major.map_or(version >= 3, |m| m >= 2) {
        Some(Diagnostic::warning(
            existing_config_field(),
            CODE,
            format!(
                "[{table}] (the default runtime, {name:?}) has no runtime_type. containerd 1.x builds that runtime from the file alone, so there every pod fails (`container.Runtime.Name must be set`); containerd's docs give this table without runtime_type for 2.x's cgroup driver, but pullfix has not checked 2.x's decoding on a 2.x binary."
            ),
            fix,
        ))
    } else {
        Some(Diagnostic::error(
            existing_config_field(),
            CODE,
            format!(
                "[{table}] (the default runtime, {name:?}) has no runtime_type: containerd 1.x builds that runtime from the file alone, with runtime_type = \"\" (its own settings, SystemdCgroup included, are then ignored), so every pod fails: container.Runtime.Name must be set."
            ),
            fix,
        ))
    }
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
    fn the_options_only_runc_table_is_an_error_on_1x_and_a_warning_on_2x() {
        let d = check(&doc(OPTIONS_ONLY), 2, Some(1)).expect("reported");
        assert_eq!(d.severity, Severity::Error);
        assert!(d.message.contains("every pod fails: container.Runtime.Name must be set"), "{}", d.message);
        assert!(
            d.fix.starts_with("Add `runtime_type = \"io.containerd.runc.v2\"` to [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]"),
            "{}",
            d.fix
        );
        assert_eq!(check(&doc(OPTIONS_ONLY), 2, None).unwrap().severity, Severity::Error);
        assert_eq!(check(&doc(OPTIONS_ONLY), 2, Some(2)).unwrap().severity, Severity::Warning);
        // Version 1's plugins.cri, dotted keys and version 3's runtime plugin.
        let v1 = "[plugins.cri.containerd.runtimes.runc.options]\nSystemdCgroup = true\n";
        assert!(check(&doc(v1), 1, Some(1)).unwrap().fix.contains("[plugins.cri.containerd.runtimes.runc]"));
        let dotted = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\ncontainerd.runtimes.runc.options.SystemdCgroup = true\n";
        assert!(check(&doc(dotted), 2, Some(1)).is_some());
        let v3 = "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n";
        assert_eq!(check(&doc(v3), 3, None).unwrap().severity, Severity::Warning);
        let d = check(&doc(v3), 3, Some(2)).unwrap();
        assert!(d.fix.contains("[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]"), "{}", d.fix);
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
