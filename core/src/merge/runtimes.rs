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
//! Only runc has a default there: another default runtime (`default_runtime_name = "crun"`)
//! with an options-only table gets `runtime_type = ""` on 2.1.9 too, and every pod fails
//! (RunPodSandbox, review 9 M9).

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

/// The errors for a CRI section, in a file read as config `version` by containerd `major`
/// (`None`: not known; a version 3+ file is read by 2.x only), one per runtime table
/// (`containerd.runtimes.<name>`: the default runtime, `runc` unless the file names another,
/// and every RuntimeClass handler) that exists without `runtime_type`, except runc's on
/// containerd 2.x (which keeps runc's default type). Pods of such a runtime fail (review 9
/// M9, review 10 M1: a handler's pods on 1.7.24 and 2.1.9).
pub fn check(doc: &DocumentMut, version: i64, major: Option<u32>) -> Vec<Diagnostic> {
    check_named(doc, version, major).into_iter().map(|(_, d)| d).collect()
}

/// [`check`], each error with the name of its runtime (`runc`, `nvidia`).
pub fn check_named(doc: &DocumentMut, version: i64, major: Option<u32>) -> Vec<(String, Diagnostic)> {
    let mut plugin = runtime_plugin_path(version);
    plugin.push("containerd".to_owned());
    let Some(containerd) = edit::get(doc, &plugin).and_then(TableRef::of) else { return Vec::new() };
    let default = containerd.get("default_runtime_name").and_then(Item::as_str).unwrap_or("runc").to_owned();
    let on_2x = major.map_or(version >= 3, |m| m >= 2);
    let Some(runtimes) = containerd.get("runtimes").and_then(TableRef::of) else { return Vec::new() };
    let mut out = Vec::new();
    for (name, item) in runtimes.entries() {
        // 2.x keeps runc's default runtime_type, and only runc's.
        if on_2x && name == "runc" {
            continue;
        }
        let Some(runtime) = TableRef::of(item) else { continue };
        if runtime.get("runtime_type").is_some() {
            continue;
        }
        let mut path = plugin.clone();
        path.extend(["runtimes".to_owned(), name.to_owned()]);
        let table = display_path(&path);
        let why = if on_2x {
            "containerd 2.x fills in a default type for runc only, so this runtime gets none"
        } else {
            "containerd 1.x builds that runtime from the file alone"
        };
        let (what, fails) = if name == default {
            (format!("the default runtime, {name:?}"), "every pod fails")
        } else {
            (format!("the runtime of RuntimeClass handler {name:?}"), "every pod of that RuntimeClass fails")
        };
        out.push((name.to_owned(), Diagnostic::error(
            existing_config_field(),
            CODE,
            format!(
                "[{table}] ({what}) has no runtime_type: {why}, with runtime_type = \"\" (its own settings, SystemdCgroup included, are then ignored), so {fails}: container.Runtime.Name must be set."
            ),
            format!(
                "Add `runtime_type = \"{RUNC_V2}\"` to [{table}] (write that table above its .options table: [{table}] runtime_type = \"{RUNC_V2}\", then its [{table}.options]), restart containerd and check with `containerd config dump`."
            ),
        )));
    }
    out
}

/// The code of [`default_missing`]'s error.
pub const DEFAULT_MISSING_CODE: &str = "merge.default-runtime-missing";

/// The error for a CRI section (of a file read as config `version` by containerd `major`)
/// without a `containerd.runtimes` table for its default runtime (`default_runtime_name`,
/// `runc` unless set): containerd does not load its CRI plugin at all ("invalid plugin
/// config: no corresponding runtime configured in containerd.runtimes", review 11, N11). containerd 1.x builds the runtimes map
/// from the file alone when it has one (1.6.20's and 1.7.24's `config dump` of a file with only
/// `runtimes.nvidia` has no runc); 2.x keeps its default runc beside the file's.
pub fn default_missing(doc: &DocumentMut, version: i64, major: Option<u32>) -> Option<Diagnostic> {
    let mut plugin = runtime_plugin_path(version);
    plugin.push("containerd".to_owned());
    let containerd = edit::get(doc, &plugin).and_then(TableRef::of)?;
    let default = containerd.get("default_runtime_name").and_then(Item::as_str).unwrap_or("runc").to_owned();
    let on_2x = major.map_or(version >= 3, |m| m >= 2);
    let runtimes = containerd.get("runtimes").and_then(TableRef::of);
    let mut names: Vec<String> =
        runtimes.map(|r| r.entries().into_iter().map(|(k, _)| k.to_owned()).collect()).unwrap_or_default();
    if on_2x || runtimes.is_none() {
        names.push("runc".to_owned());
    }
    if names.contains(&default) {
        return None;
    }
    let mut table = plugin.clone();
    table.extend(["runtimes".to_owned(), default.clone()]);
    let table = display_path(&table);
    let has = if names.is_empty() {
        "none".to_owned()
    } else {
        names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
    };
    let why = if on_2x {
        format!("containerd keeps only its default runc beside the tables the files have, and none is {default:?}")
    } else {
        "containerd 1.x builds the runtimes from this section's runtimes tables alone, without its default runc"
            .to_owned()
    };
    Some(Diagnostic::error(
        existing_config_field(),
        DEFAULT_MISSING_CODE,
        format!(
            "The default runtime is {default:?} but the CRI section's containerd.runtimes has no {default:?} table (it has {has}): {why}, so containerd does not load its CRI plugin at all (its log: `failed to load plugin io.containerd.grpc.v1.cri ... no corresponding runtime configured in containerd.runtimes for containerd default_runtime_name = \"{default}\"`) and the kubelet gets `unknown service runtime.v1.RuntimeService`: no pod runs and no image is pulled."
        ),
        format!(
            "Add [{table}] with `runtime_type = \"{RUNC_V2}\"` (and its [{table}.options], e.g. SystemdCgroup = true on a systemd node) to the CRI section containerd uses, restart containerd and check with `containerd config dump | grep -n 'runtimes'`."
        ),
    ))
}

/// The code of [`snapshotter_lost`]'s warning.
pub const SNAPSHOTTER_CODE: &str = "merge.snapshotter-not-migrated";

/// The warning for a version 2 file read by containerd 2.x (`major`, `None`: not known) whose
/// CRI `containerd` table sets `snapshotter` but has no `runtimes` table: 2.x's migration
/// carries the snapshotter over only together with the runtimes, so it drops it without a
/// word and unpacks images with overlayfs (`containerd config migrate` and `config dump` on
/// 2.1.9, tests/containerd_oracle.rs).
pub fn snapshotter_lost(doc: &DocumentMut, version: i64, major: Option<u32>) -> Option<Diagnostic> {
    if version != 2 || major.is_none_or(|m| m < 2) {
        return None;
    }
    let mut path = runtime_plugin_path(2);
    path.push("containerd".to_owned());
    let containerd = edit::get(doc, &path).and_then(TableRef::of)?;
    let snapshotter = containerd.get("snapshotter").and_then(Item::as_str)?.to_owned();
    if containerd.get("runtimes").is_some() || snapshotter.is_empty() || snapshotter == "overlayfs" {
        return None;
    }
    let table = display_path(&path);
    let mut runc = path;
    runc.extend(["runtimes".to_owned(), "runc".to_owned()]);
    let runc = display_path(&runc);
    Some(Diagnostic::warning(
        existing_config_field(),
        SNAPSHOTTER_CODE,
        format!(
            "[{table}] sets snapshotter = {snapshotter:?} without a runtimes table: containerd 2.x migrates a version 2 file's snapshotter only together with its runtimes, so it drops this one without a warning and unpacks images with overlayfs."
        ),
        format!(
            "Add [{runc}] with `runtime_type = \"{RUNC_V2}\"` to the file (2.x then carries the snapshotter over), or convert the file to version 3 and set `snapshotter = {snapshotter:?}` under [plugins.\"io.containerd.cri.v1.images\"]; check with `containerd config dump`."
        ),
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
        let d = check(&doc(OPTIONS_ONLY), 2, Some(1)).into_iter().next().expect("reported");
        assert_eq!(d.severity, Severity::Error);
        assert!(d.message.contains("every pod fails: container.Runtime.Name must be set"), "{}", d.message);
        assert!(
            d.fix.starts_with("Add `runtime_type = \"io.containerd.runc.v2\"` to [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]"),
            "{}",
            d.fix
        );
        assert_eq!(check(&doc(OPTIONS_ONLY), 2, None).into_iter().next().unwrap().severity, Severity::Error);
        // 2.x (2.1.9's config dump) fills runc's runtime_type in, also in a version 2 file it
        // migrates; another default runtime gets none there either.
        assert!(check(&doc(OPTIONS_ONLY), 2, Some(2)).is_empty());
        let crun = "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd]\ndefault_runtime_name = \"crun\"\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.crun.options]\nBinaryName = \"/usr/bin/crun\"\n";
        let d = check(&doc(crun), 3, Some(2)).into_iter().next().expect("crun reported on 2.x");
        assert_eq!(d.severity, Severity::Error);
        assert!(d.message.contains("for runc only"), "{}", d.message);
        // Version 1's plugins.cri and dotted keys.
        let v1 = "[plugins.cri.containerd.runtimes.runc.options]\nSystemdCgroup = true\n";
        assert!(check(&doc(v1), 1, Some(1))
            .into_iter()
            .next()
            .unwrap()
            .fix
            .contains("[plugins.cri.containerd.runtimes.runc]"));
        let dotted = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\ncontainerd.runtimes.runc.options.SystemdCgroup = true\n";
        assert!(!check(&doc(dotted), 2, Some(1)).is_empty());
        let v3 = "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n";
        assert!(check(&doc(v3), 3, None).is_empty());
        assert!(check(&doc(v3), 3, Some(2)).is_empty());
    }

    #[test]
    fn a_runtime_type_or_no_default_runtime_table_is_fine() {
        let with = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\nruntime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n";
        assert!(check(&doc(with), 2, Some(1)).is_empty());
        assert!(check(
            &doc("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\nsnapshotter = \"overlayfs\"\n"),
            2,
            Some(1)
        )
        .is_empty());
        assert!(check(&doc(""), 2, Some(1)).is_empty());
        // Another default runtime: its table counts as the default's; runc's is a RuntimeClass
        // handler's then, whose pods fail the same way (review 10, M1).
        let crun = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\ndefault_runtime_name = \"crun\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.crun.options]\nSystemdCgroup = true\n";
        let found = check(&doc(crun), 2, Some(1));
        assert_eq!(found.len(), 2, "{found:?}");
        let d = found.iter().find(|d| d.message.contains("runtimes.crun]")).expect("crun reported");
        assert!(
            d.message.contains("the default runtime, \"crun\"") && d.message.contains("every pod fails"),
            "{}",
            d.message
        );
        let h = found.iter().find(|d| d.message.contains("runtimes.runc]")).expect("runc reported");
        assert!(h.message.contains("RuntimeClass handler \"runc\""), "{}", h.message);
        // A handler on 2.x (nvidia, options only): its pods fail too.
        let nvidia = "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.nvidia.options]\nBinaryName = \"/usr/bin/nvidia-container-runtime\"\n";
        let found = check(&doc(nvidia), 3, Some(2));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("every pod of that RuntimeClass fails"), "{}", found[0].message);
        // A version 2 table in a version 3 file is not the one containerd reads.
        assert!(check(&doc(OPTIONS_ONLY), 3, Some(2)).is_empty());
    }

    /// Review 11, N11: a section with runtimes but none for the default runtime.
    #[test]
    fn a_default_runtime_without_a_table_stops_cri() {
        let nvidia = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\nruntime_type = \"io.containerd.runc.v2\"\n";
        let d = default_missing(&doc(nvidia), 2, Some(1)).expect("1.x has no runc then");
        assert_eq!((d.severity, d.code), (Severity::Error, DEFAULT_MISSING_CODE));
        assert!(d.message.contains("it has \"nvidia\""), "{}", d.message);
        assert!(d.fix.contains("runtimes.runc] with `runtime_type = \"io.containerd.runc.v2\"`"), "{}", d.fix);
        // 2.x keeps its runc; no runtimes table on 1.x keeps the default one.
        assert!(default_missing(&doc(nvidia), 2, Some(2)).is_none());
        assert!(default_missing(&doc(OPTIONS_ONLY), 2, Some(1)).is_none());
        assert!(default_missing(
            &doc("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\nsnapshotter = \"x\"\n"),
            2,
            Some(1)
        )
        .is_none());
        // A default runtime named without a table: no release has it.
        let crun =
            "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd]\ndefault_runtime_name = \"crun\"\n";
        assert!(default_missing(&doc(crun), 3, Some(2)).is_some());
    }
}
