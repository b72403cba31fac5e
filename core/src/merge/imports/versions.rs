//! The `version` lines of config.toml and its drop-ins taken together: containerd merges
//! `version` like any key (the last file that sets one decides), and only then checks it.
//!
//! - A drop-in whose version is above what the release reads: 1.7 and 2.x do not start
//!   (1.7.24: `failed to load TOML from <drop-in>: unsupported config version `3``); 1.6 starts
//!   and its tables mean nothing to it (review 10, H3).
//! - containerd 1.x checks every plugin key of a merged version 2+ config for a full id
//!   (`ValidateV2`): a version 1 config.toml (`[plugins.cri]`) under any `version = 2` drop-in,
//!   or a drop-in's `[plugins.cri]` under a version 2 config.toml, stops 1.6.20 and 1.7.24
//!   (`invalid plugin key URI "cri" expect io.containerd.x.vx`, naming the last file loaded, not
//!   the one with the short name); 2.x renames them and starts (review 10, H2).
//!
//! Verified with the real releases in tests/containerd_oracle.rs (`releases_*_version_*`).

use toml_edit::{DocumentMut, Item};

use super::effective::version_of;
use super::{DropIn, Finding};
use crate::diagnostic::Diagnostic;
use crate::toml_table::TableRef;
use crate::version::Target;

/// The drop-ins whose `version` is above what containerd `t` reads.
pub(super) fn too_new(t: &Target, parsed: &[(&DropIn, DocumentMut)]) -> Vec<Finding> {
    let max = t.max_config_version();
    let mut out = Vec::new();
    for (d, doc) in parsed {
        let v = version_of(doc);
        if v <= max {
            continue;
        }
        let (message, fix) = if t.major == 1 && t.minor < 7 {
            (
                format!(
                    "The drop-in {} says version = {v}, and containerd {t} knows at most {max}. It starts anyway (1.6.20 does; 1.7 refuses), but the drop-in's version {v} tables (plugins.\"io.containerd.cri.v1.runtime\", plugins.\"io.containerd.cri.v1.images\") mean nothing to it: none of its settings apply.",
                    d.path
                ),
                format!(
                    "If the drop-in is meant for containerd 2.x nodes, keep it off this node (or upgrade containerd first); if this node needs its settings, put them into config.toml at version {max} paths (plugins.\"io.containerd.grpc.v1.cri\"), not into a drop-in: on containerd 1.x a drop-in with a CRI table replaces config.toml's whole CRI section."
                ),
            )
        } else {
            let words = if t.major >= 2 {
                format!("`expected containerd config version equal to or less than `{max}`, got `{v}``")
            } else {
                format!(
                    "`containerd config version `{v}` is not supported, the max version is `{max}``, then `failed to load TOML from {}: unsupported config version `{v}``",
                    d.path
                )
            };
            (
                format!(
                    "The drop-in {} that config.toml imports says version = {v}, and containerd {t} reads at most {max}: containerd merges every file's version, so it refuses to start ({words}) and the kubelet sees no runtime, whatever config.toml says (pullfix checks config.toml's version too: it is not the problem).",
                    d.path
                ),
                format!(
                    "Remove {} from this node (a drop-in written for a newer containerd, e.g. a 2.x GPU runtime drop-in, belongs on nodes that run it){}; then check with `containerd config dump` and restart containerd.",
                    crate::shell::quote(&d.path),
                    if t.major == 1 {
                        format!(", and if this node needs its settings put them into config.toml at version {max} paths (plugins.\"io.containerd.grpc.v1.cri\"), not into a drop-in: on containerd 1.x a drop-in with a CRI table replaces config.toml's whole CRI section")
                    } else {
                        format!(", or rewrite it at version {max} with that version's plugin sections")
                    }
                ),
            )
        };
        let diag = if t.major == 1 && t.minor < 7 {
            Diagnostic::warning(super::super::existing_config_field(), "merge.import-version-too-new", message, fix)
        } else {
            Diagnostic::error(super::super::existing_config_field(), "merge.import-version-too-new", message, fix)
        };
        out.push(Finding { file: d.path.clone(), diagnostic: diag });
    }
    out
}

/// The version 1 short plugin names (`plugins.cri`, `plugins.opt`) of config.toml and its
/// drop-ins when the merged config is version 2 or later: containerd 1.x does not start. One
/// error per file that has them.
pub(super) fn short_plugin_keys(
    t: &Target,
    main_path: &str,
    main: &DocumentMut,
    parsed: &[(&DropIn, DocumentMut)],
) -> Vec<Finding> {
    if t.major != 1 {
        return Vec::new();
    }
    let mut files: Vec<(&str, &DocumentMut)> = vec![(main_path, main)];
    files.extend(parsed.iter().map(|(d, doc)| (d.path.as_str(), doc)));
    let Some((from, version)) =
        files.iter().rev().find_map(|(p, d)| Some((*p, version_of(d))).filter(|(_, v)| *v != 0))
    else {
        return Vec::new();
    };
    if version < 2 {
        return Vec::new();
    }
    let last = files.last().map_or(main_path, |(p, _)| *p);
    let mut out = Vec::new();
    for (path, doc) in &files {
        let short: Vec<String> = doc
            .get("plugins")
            .and_then(TableRef::of)
            .map(|t| {
                t.entries()
                    .into_iter()
                    .map(|(k, _)| k)
                    .filter(|k| crate::plugin_ids::is_short(k))
                    .collect::<Vec<&str>>()
            })
            .unwrap_or_default()
            .into_iter()
            .map(|k| crate::config_file::display_path(&["plugins", k]))
            .collect();
        if short.is_empty() {
            continue;
        }
        let is_main = *path == main_path;
        let first = short.first().map(|k| k.trim_start_matches("plugins.").trim_matches('"')).unwrap_or("cri");
        let naming =
            if last == *path { String::new() } else { ", naming the last file it loaded, not this one".to_owned() };
        let refuses = format!(
            "containerd {t} does not start (`failed to load TOML from {last}: invalid plugin key URI \"{first}\" expect io.containerd.x.vx`{naming}), so the kubelet sees no runtime"
        );
        let (message, fix) = if is_main {
            let how = if from == main_path {
                format!("config.toml says version = {version}")
            } else {
                format!(
                    "config.toml has {} but the drop-in {from} says version = {version}: containerd merges every file's `version` line (the last one wins), so the merged config is version {version}",
                    if version_of(doc) == 0 { "no `version` line (version 1)".to_owned() } else { format!("version = {}", version_of(doc)) }
                )
            };
            (
                format!(
                    "{how}, and a version 2+ config names plugins by their full id, but config.toml uses the version 1 names {}: {refuses}.",
                    short.join(", ")
                ),
                format!(
                    "Rewrite config.toml at version 2 with the plugins' full ids: `pullfix apply --form <your form> --convert-version --config {}` does it (`containerd config default` lists the ids, e.g. io.containerd.grpc.v1.cri); then check with `containerd config dump` and restart containerd.",
                    crate::shell::quote(main_path)
                ),
            )
        } else {
            (
                format!(
                    "The drop-in {path} names plugins by their version 1 names {}, but the merged config is version {version} ({}'s `version` line; a drop-in without one takes it), which wants full plugin ids: {refuses}.",
                    short.join(", "),
                    if from == main_path { "config.toml" } else { from }
                ),
                format!(
                    "Move the drop-in's settings into config.toml under the plugins' full ids (plugins.cri is plugins.\"io.containerd.grpc.v1.cri\"; on containerd 1.x a drop-in with a CRI table would replace config.toml's whole CRI section, so not into another drop-in), then delete {} (or remove it from `imports`), check with `containerd config dump` and restart containerd.",
                    crate::shell::quote(path)
                ),
            )
        };
        out.push(Finding::error(path, "merge.import-short-plugin-ids", message, fix));
    }
    out
}

/// The drop-in that raises a config.toml without a version 2+ line (`main`) to version 2 or
/// later on containerd 1.x, when one does: its path and the merged version. `pullfix apply`
/// then writes config.toml at version 2 with the plugins' full ids (1.x does not start with a
/// version 1 config.toml under it).
pub fn raises_version_1(containerd: Option<&str>, main: &str, drop_ins: &[DropIn]) -> Option<(String, i64)> {
    let t = containerd.and_then(|v| Target::parse(v).ok()).filter(|t| t.major == 1)?;
    let main_doc = main.parse::<DocumentMut>().ok()?;
    let short = main_doc
        .get("plugins")
        .and_then(Item::as_table_like)
        .is_some_and(|p| p.iter().any(|(k, _)| crate::plugin_ids::is_short(k)));
    if version_of(&main_doc) >= 2 || !short {
        return None;
    }
    let last = drop_ins
        .iter()
        .filter_map(|d| Some((d, d.text.as_deref()?.parse::<DocumentMut>().ok()?)))
        .map(|(d, doc)| (d.path.clone(), version_of(&doc)))
        .rfind(|(_, v)| *v != 0)?;
    (last.1 >= 2 && last.1 <= t.max_config_version()).then_some(last)
}

/// Review 11, N2: on containerd 1.x a drop-in's `version = 1` under a version 2+ config.toml
/// makes the merged config version 1 (the last file's `version` wins), so config.toml's
/// `plugins."io.containerd.grpc.v1.cri"` is ignored without a word (real 1.6.20 and 1.7.24
/// dumps: `config_path = ""`, the default pause image, `SystemdCgroup = false`). One error, on
/// the drop-in whose version 1 is the merged one.
pub(super) fn lowers_to_1(t: &Target, main: &DocumentMut, parsed: &[(&DropIn, DocumentMut)]) -> Vec<Finding> {
    if t.major != 1 || version_of(main) < 2 {
        return Vec::new();
    }
    let Some((d, doc)) = parsed.iter().rev().find(|(_, doc)| version_of(doc) != 0) else { return Vec::new() };
    if version_of(doc) != 1 {
        return Vec::new();
    }
    const GRPC: &str = "io.containerd.grpc.v1.cri";
    let ignored: Vec<String> = main
        .get("plugins")
        .and_then(TableRef::of)
        .map(|p| p.entries().into_iter().map(|(k, _)| k).filter(|k| k.contains('.')).collect::<Vec<&str>>())
        .unwrap_or_default()
        .into_iter()
        .map(|k| crate::config_file::display_path(&["plugins", k]))
        .collect();
    if ignored.is_empty() {
        return Vec::new();
    }
    let cri = ignored.iter().any(|k| k.contains(GRPC));
    // The CRI section first; the other plugin tables counted.
    let named = if cri {
        crate::config_file::display_path(&["plugins", GRPC])
    } else {
        ignored.first().cloned().unwrap_or_default()
    };
    let ignored =
        if ignored.len() > 1 { format!("{named} (and its {} other plugin tables)", ignored.len() - 1) } else { named };
    let short = doc
        .get("plugins")
        .and_then(Item::as_table_like)
        .is_some_and(|p| p.iter().any(|(k, _)| crate::plugin_ids::is_short(k)));
    let message = format!(
        "The drop-in {} says version = 1 under config.toml's version {}: containerd merges every file's `version` line (the last one wins), so the merged config is version 1, and containerd {t} ignores config.toml's {} without an error{}.",
        d.path,
        version_of(main),
        ignored,
        if cri {
            ": its CRI settings do not apply (no config_path, so hosts.toml is not read: x509; no node credentials: 401; containerd's default pause image; runc without SystemdCgroup, the cgroupfs driver)"
        } else {
            ""
        }
    );
    let fix = format!(
        "Delete the `version = 1` line from {} (or write `version = {}`){}; then check with `containerd config dump` (config_path and the sandbox image must be config.toml's) and restart containerd.",
        d.path,
        version_of(main),
        if short {
            ", and move its plugins.cri... tables into config.toml under plugins.\"io.containerd.grpc.v1.cri\" (at version 2 the short name stops containerd 1.x, and a drop-in with a CRI table would replace config.toml's whole CRI section)"
        } else {
            ""
        }
    );
    vec![Finding::error(&d.path, "merge.import-lowers-to-1", message, fix)]
}

/// Review 11, N13: on containerd 2.x, version 1 short-name tables (`[plugins.cri...]`) in a
/// file read at version 3 (config.toml's `version = 3`, or a drop-in without a `version` line
/// under one) are ignored (`Ignoring unknown key in TOML for plugin ... plugin=io.containerd.grpc.v1.cri`,
/// real 2.1.9: runc's SystemdCgroup stays false). One error per file.
pub(super) fn short_ids_at_3(
    t: &Target,
    main_path: &str,
    main: &DocumentMut,
    parsed: &[(&DropIn, DocumentMut)],
) -> Vec<Finding> {
    if t.major < 2 {
        return Vec::new();
    }
    let mut files: Vec<(&str, &DocumentMut)> = vec![(main_path, main)];
    files.extend(parsed.iter().map(|(d, doc)| (d.path.as_str(), doc)));
    let merged = files.iter().rev().map(|(_, d)| version_of(d)).find(|v| *v != 0).unwrap_or(0);
    if merged < 3 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (path, doc) in &files {
        let own = version_of(doc);
        if own != 0 && own < 3 {
            continue;
        }
        let Some(cri) = doc.get("plugins").and_then(TableRef::of).and_then(|p| p.get("cri")).and_then(TableRef::of)
        else {
            continue;
        };
        let keys: Vec<String> = cri.entries().into_iter().map(|(k, _)| format!("plugins.cri.{k}")).collect();
        let is_main = *path == main_path;
        let how = if own != 0 {
            format!("{} says version = {own}", if is_main { "config.toml" } else { path })
        } else {
            format!("the drop-in {path} has no `version` line and the merged config is version {merged}")
        };
        let message = format!(
            "{how}, and containerd {t} does not read version 1 short plugin names there: it ignores {} (`Ignoring unknown key in TOML for plugin ... plugin=io.containerd.grpc.v1.cri`), so these settings do not apply (runc's SystemdCgroup under plugins.cri, for one, leaves runc on the cgroupfs driver, a mismatch with a kubelet on the systemd driver).",
            keys.join(", ")
        );
        let fix = format!(
            "In {} write them at their version 3 paths: plugins.cri.containerd.* under [plugins.\"io.containerd.cri.v1.runtime\".containerd...] (e.g. [plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options] SystemdCgroup = true), plugins.cri.registry under [plugins.\"io.containerd.cri.v1.images\".registry], sandbox_image as [plugins.\"io.containerd.cri.v1.images\".pinned_images] sandbox; delete the plugins.cri tables, restart containerd and check with `containerd config dump`.",
            if is_main { "config.toml" } else { path }
        );
        out.push(Finding::error(path, "merge.short-plugin-ids-at-3", message, fix));
    }
    out
}
