//! Doctor rules for the CRI runtimes containerd ends up with: a runtime table without
//! `runtime_type` (every pod of it fails, [`crate::merge::runtimes::check`]) and a default
//! runtime without a table (the CRI plugin does not load,
//! [`crate::merge::runtimes::default_missing`]).
//!
//! The tables checked are the ones containerd uses: on 1.x config.toml's CRI section, or the
//! last drop-in's that has one (it replaces config.toml's whole section); on 2.x config.toml
//! and every drop-in merged key by key at the merged version (review 11, N3: a drop-in's
//! options-only `runtimes.crun` with `default_runtime_name = "crun"` stops every pod on 2.1.9).
//! The same goes for a version 2 snapshotter that 2.x's migration drops without a runtimes
//! table: on 2.0-2.2 the merged tables decide ([`crate::merge::imports::snapshotter`]).

use toml_edit::DocumentMut;

use super::{Check, NodeFiles};
use crate::merge::imports::{merged, snapshotter, CriOwner, DropIn};
use crate::merge::runtimes;
use crate::version::Target;

/// The code of the check.
pub const CODE: &str = "config.runtime_type_missing";

/// The code of the check for a default runtime without a table.
pub const DEFAULT_CODE: &str = "config.default_runtime_missing";

/// The code of the check for a snapshotter 2.x's migration drops ([`crate::merge::runtimes::snapshotter_lost`]).
pub const SNAPSHOTTER_CODE: &str = "config.snapshotter_not_migrated";

/// Checks the runtimes containerd uses: the owning drop-in's CRI section on 1.x when one
/// replaces config.toml's (`owner`), config.toml and its `drop_ins` merged on a known 2.x,
/// else config.toml's.
pub(super) fn check_runtime_type(
    files: &NodeFiles,
    owner: Option<&CriOwner>,
    drop_ins: &[DropIn],
    out: &mut Vec<Check>,
) {
    let target = files.containerd.as_deref().and_then(|v| Target::parse(v).ok());
    let major = target.map(|t| t.major);
    let Some(main_doc) = files.config.as_deref().and_then(|t| t.parse::<DocumentMut>().ok()) else { return };
    if let (Some(t), false) = (target.filter(|t| t.major >= 2), drop_ins.is_empty()) {
        check_merged(files, &t, &main_doc, drop_ins, out);
    } else {
        let (file, doc, version, owned) = match owner {
            Some(o) => {
                let Ok(doc) = o.text.parse::<DocumentMut>() else { return };
                // A drop-in without a `version` line takes the merged one.
                let own = crate::config_file::detect(&doc).line;
                (o.path.clone(), doc, own.unwrap_or(o.version).max(1), true)
            }
            None => {
                let version = crate::config_file::detect(&main_doc).version();
                (files.config_file.clone(), main_doc.clone(), version, false)
            }
        };
        for d in runtimes::check(&doc, version, major) {
            out.push(Check { severity: d.severity, code: CODE, file: file.clone(), message: d.message, fix: d.fix });
        }
        if let Some(d) = runtimes::default_missing(&doc, version, major) {
            let message = if owned {
                format!(
                    "containerd 1.x uses this drop-in's CRI section instead of config.toml's (a drop-in with a CRI table replaces it whole), so config.toml's runtimes do not count. {}",
                    d.message
                )
            } else {
                d.message
            };
            let fix = if owned {
                format!(
                    "Move this drop-in's CRI tables into {} (which has the runtimes, runc's SystemdCgroup included) and delete them from {} (delete the drop-in when nothing is left), restart containerd and check with `containerd config dump | grep -n 'runtimes'`; or add the table to the drop-in: {}",
                    files.config_file, file, d.fix
                )
            } else {
                d.fix
            };
            out.push(Check { severity: d.severity, code: DEFAULT_CODE, file: file.clone(), message, fix });
        }
    }
    // 2.0-2.2 with drop-ins: the merged tables decide; else config.toml's alone.
    let main_text = files.config.as_deref().unwrap_or_default();
    if let Some(found) = snapshotter::merged_loss(files.containerd.as_deref(), &files.config_file, main_text, drop_ins)
    {
        out.extend(found.into_iter().map(|f| Check { code: SNAPSHOTTER_CODE, ..Check::from(f) }));
        return;
    }
    let version = crate::config_file::detect(&main_doc).version();
    if let Some(d) = runtimes::snapshotter_lost(&main_doc, version, major) {
        out.push(Check {
            severity: d.severity,
            code: SNAPSHOTTER_CODE,
            file: files.config_file.clone(),
            message: d.message,
            fix: d.fix,
        });
    }
}

/// containerd 2.x: config.toml and its drop-ins merged key by key, at the merged version.
fn check_merged(files: &NodeFiles, t: &Target, main_doc: &DocumentMut, drop_ins: &[DropIn], out: &mut Vec<Check>) {
    let docs: Vec<(&str, DocumentMut)> = drop_ins
        .iter()
        .filter_map(|d| Some((d.path.as_str(), d.text.as_deref()?.parse::<DocumentMut>().ok()?)))
        .collect();
    let mut all: Vec<(&str, &DocumentMut)> = vec![(files.config_file.as_str(), main_doc)];
    all.extend(docs.iter().map(|(p, d)| (*p, d)));
    let merged = merged::key_by_key(&all.iter().map(|(_, d)| *d).collect::<Vec<_>>());
    let version = crate::config_file::detect(&merged).version();
    let plugin = runtimes::runtime_plugin_path(version);
    let mut containerd: Vec<&str> = plugin.iter().map(String::as_str).collect();
    containerd.push("containerd");
    let name_of = |p: &str| if p == files.config_file { "config.toml".to_owned() } else { p.to_owned() };
    let default_from =
        merged::holders(&all, &[&containerd[..], &["default_runtime_name"]].concat()).last().map(|p| name_of(p));
    let merged_words =
        format!("containerd {t} merges config.toml and its drop-ins key by key (merged version {version}");
    for (name, d) in runtimes::check_named(&merged, version, Some(t.major)) {
        let holders = merged::holders(&all, &[&containerd[..], &["runtimes", name.as_str()]].concat());
        let file = holders.last().map_or_else(|| files.config_file.clone(), |p| (*p).to_owned());
        let from = holders.iter().map(|p| name_of(p)).collect::<Vec<_>>().join(", ");
        let default =
            default_from.as_ref().map(|f| format!("; default_runtime_name comes from {f}")).unwrap_or_default();
        out.push(Check {
            severity: d.severity,
            code: CODE,
            file: file.clone(),
            message: format!("{merged_words}; the table comes from {from}{default}): {}", d.message),
            fix: format!("{} The table is in {file}: add the line there.", d.fix),
        });
    }
    if let Some(d) = runtimes::default_missing(&merged, version, Some(t.major)) {
        let file = default_from.clone().unwrap_or_else(|| files.config_file.clone());
        let file = if file == "config.toml" { files.config_file.clone() } else { file };
        out.push(Check {
            severity: d.severity,
            code: DEFAULT_CODE,
            file,
            message: format!("{merged_words}): {}", d.message),
            fix: d.fix,
        });
    }
}
