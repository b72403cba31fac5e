//! Doctor rule for the CRI section's default runtime: its table without `runtime_type`
//! makes every pod fail on containerd 1.x ([`crate::merge::runtimes`]).

use toml_edit::DocumentMut;

use super::{Check, NodeFiles};
use crate::merge::imports::CriOwner;
use crate::version::Target;

/// The code of the check.
pub const CODE: &str = "config.runtime_type_missing";

/// The code of the check for a snapshotter 2.x's migration drops ([`crate::merge::runtimes::snapshotter_lost`]).
pub const SNAPSHOTTER_CODE: &str = "config.snapshotter_not_migrated";

/// Checks the CRI section containerd uses: the owning drop-in's on 1.x when one replaces
/// config.toml's (`owner`), else config.toml's.
pub(super) fn check_runtime_type(files: &NodeFiles, owner: Option<&CriOwner>, out: &mut Vec<Check>) {
    let target = files.containerd.as_deref().and_then(|v| Target::parse(v).ok());
    let (file, text, version) = match owner {
        Some(o) => {
            // A drop-in without a `version` line takes the merged one.
            let own = o.text.parse::<DocumentMut>().ok().and_then(|d| crate::config_file::detect(&d).line);
            (o.path.clone(), o.text.as_str(), own.unwrap_or(o.version).max(1))
        }
        None => {
            let Some(text) = files.config.as_deref() else { return };
            let Ok(doc) = text.parse::<DocumentMut>() else { return };
            (files.config_file.clone(), text, crate::config_file::detect(&doc).version())
        }
    };
    let Ok(doc) = text.parse::<DocumentMut>() else { return };
    for d in crate::merge::runtimes::check(&doc, version, target.map(|t| t.major)) {
        out.push(Check { severity: d.severity, code: CODE, file: file.clone(), message: d.message, fix: d.fix });
    }
    if let Some(d) = crate::merge::runtimes::snapshotter_lost(&doc, version, target.map(|t| t.major)) {
        out.push(Check { severity: d.severity, code: SNAPSHOTTER_CODE, file, message: d.message, fix: d.fix });
    }
}
