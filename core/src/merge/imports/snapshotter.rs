//! A version 2 `containerd.snapshotter` with drop-ins on containerd 2.0-2.2: containerd merges
//! config.toml and its drop-ins key by key first and migrates the merged tree at the merged
//! version ([`super::merged`]), so whether the snapshotter survives the migration
//! ([`crate::merge::runtimes::snapshotter_lost`]) depends on every file, not config.toml's
//! own tables. Verified with `containerd config dump` on 2.1.9 (tests/containerd_oracle/
//! drop_in_snapshotter.rs): a drop-in's snapshotter with config.toml's runtimes is kept,
//! config.toml's snapshotter with a drop-in's runtimes (or an empty runtimes table) is kept,
//! without a runtimes table in any file it is dropped, and under a version 3 drop-in (merged
//! version 3) config.toml's whole version 2 section is ignored (`merge.import-raises-version`
//! says so), whatever runtimes it has.

use toml_edit::DocumentMut;

use super::{merged, DropIn, Finding};
use crate::config_file::display_path;
use crate::merge::runtimes::{self, RUNC_V2};
use crate::version::Target;

/// The CRI `containerd` table of a version 2 file.
const CONTAINERD: [&str; 3] = ["plugins", "io.containerd.grpc.v1.cri", "containerd"];

/// The snapshotter warning for config.toml (`main`, at `main_path`) and its `drop_ins` (in load
/// order) merged as containerd `containerd` does: `None` when the merged view is not the one
/// that decides (no drop-in read, an unknown version, 1.x, or 2.3+ where each file is migrated
/// on load; the caller then checks config.toml alone), else the warning if the merged tree
/// loses its snapshotter (none when it is kept or the merged version is not 2).
pub fn merged_loss(containerd: Option<&str>, main_path: &str, main: &str, drop_ins: &[DropIn]) -> Option<Vec<Finding>> {
    let t = containerd.and_then(|v| Target::parse(v).ok())?;
    if t.major < 2 || t.max_config_version() > 3 {
        return None;
    }
    let main_doc = main.parse::<DocumentMut>().ok()?;
    let docs: Vec<(&str, DocumentMut)> = drop_ins
        .iter()
        .filter_map(|d| Some((d.path.as_str(), d.text.as_deref()?.parse::<DocumentMut>().ok()?)))
        .collect();
    if docs.is_empty() {
        return None;
    }
    let mut all: Vec<(&str, &DocumentMut)> = vec![(main_path, &main_doc)];
    all.extend(docs.iter().map(|(p, d)| (*p, d)));
    let tree = merged::key_by_key(&all.iter().map(|(_, d)| *d).collect::<Vec<_>>());
    let version = crate::config_file::detect(&tree).version();
    let Some(d) = runtimes::snapshotter_lost(&tree, version, Some(t.major)) else { return Some(Vec::new()) };
    let name_of = |p: &str| if p == main_path { "config.toml".to_owned() } else { p.to_owned() };
    let holders = merged::holders(&all, &[&CONTAINERD[..], &["snapshotter"]].concat());
    let file = holders.last().copied().unwrap_or(main_path);
    let files = all.iter().map(|(p, _)| name_of(p)).collect::<Vec<_>>().join(", ");
    let runc = display_path(&[&CONTAINERD[..], &["runtimes", "runc"]].concat());
    let message = format!(
        "containerd {t} merges config.toml and its drop-ins key by key before it migrates them (merged version {version}); the snapshotter comes from {}, and none of the files ({files}) has a runtimes table under [{}]: {}",
        name_of(file),
        display_path(&CONTAINERD),
        d.message
    );
    let fix = format!(
        "Add [{runc}] with `runtime_type = \"{RUNC_V2}\"` to {} (the file that sets the snapshotter; a runtimes table in any of the merged files does it: containerd {t} then carries the snapshotter over), restart containerd and check with `containerd config dump | grep -n snapshotter`.",
        name_of(file)
    );
    Some(vec![Finding { file: file.to_owned(), diagnostic: crate::diagnostic::Diagnostic { message, fix, ..d } }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::merge::runtimes::SNAPSHOTTER_CODE;

    const MAIN: &str = "/etc/containerd/config.toml";
    const DROP: &str = "/etc/containerd/conf.d/10-x.toml";
    const SNAP: &str = "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"native\"\n";
    const RUNC: &str =
        "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n";
    const SANDBOX: &str = "[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"x/pause:3.10\"\n";

    fn v2(body: &str) -> String {
        format!("version = 2\n{body}")
    }

    fn run(v: &str, main: &str, drop_in: &str) -> Option<Vec<Finding>> {
        merged_loss(Some(v), MAIN, main, &[DropIn { path: DROP.to_owned(), text: Some(drop_in.to_owned()) }])
    }

    /// The four shapes of the oracle test (2.1.9's `config dump`), on 2.1.
    #[test]
    fn the_merged_tables_decide_as_on_2_1_9() {
        // (a) config.toml's runtimes, the drop-in's snapshotter: kept.
        assert_eq!(run("2.1.9", &v2(RUNC), &v2(SNAP)), Some(Vec::new()));
        // (b) config.toml's snapshotter, the drop-in's runtimes: kept; an empty runtimes table too.
        assert_eq!(run("2.1.9", &v2(SNAP), &v2(RUNC)), Some(Vec::new()));
        let empty = v2("[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes]\n");
        assert_eq!(run("2.1.9", &v2(SNAP), &empty), Some(Vec::new()));
        // A drop-in without a version line takes the merged one.
        assert_eq!(run("2.1.9", &v2(SNAP), RUNC), Some(Vec::new()));
        // (c) no runtimes anywhere: lost, reported on config.toml.
        let f = run("2.1.9", &v2(SNAP), &v2(SANDBOX)).expect("merged view");
        assert_eq!(f.len(), 1, "{f:?}");
        let d = &f[0].diagnostic;
        assert_eq!((f[0].file.as_str(), d.severity, d.code), (MAIN, Severity::Warning, SNAPSHOTTER_CODE));
        assert!(d.message.contains("the snapshotter comes from config.toml"), "{}", d.message);
        assert!(d.message.contains(&format!("none of the files (config.toml, {DROP})")), "{}", d.message);
        assert!(d.message.contains("merged version 2"), "{}", d.message);
        assert!(d.fix.contains("to config.toml (the file that sets the snapshotter"), "{}", d.fix);
        // The drop-in's snapshotter without runtimes anywhere: reported on the drop-in.
        let f = run("2.1.9", &v2(SANDBOX), &v2(SNAP)).expect("merged view");
        assert_eq!(f[0].file, DROP);
        assert!(f[0].diagnostic.message.contains(&format!("comes from {DROP}")), "{}", f[0].diagnostic.message);
        assert!(f[0].diagnostic.fix.contains(&format!("to {DROP} (the file")), "{}", f[0].diagnostic.fix);
        // (d) a version 3 drop-in: merged version 3, the whole version 2 section is ignored
        // (merge.import-raises-version's), not this warning.
        let v3 = "version = 3\n[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n  sandbox = \"x/pause:3.10\"\n";
        assert_eq!(run("2.1.9", &v2(SNAP), v3), Some(Vec::new()));
        // A version 2 drop-in's snapshotter under a version 3 config.toml: merged version 2,
        // and the version 3 runtime tables do not count (2.1.9 drops it).
        let main3 = "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n";
        assert_eq!(run("2.1.9", main3, &v2(SNAP)).map(|f| f.len()), Some(1));
    }

    #[test]
    fn elsewhere_config_toml_alone_decides() {
        // 1.x has no migration; 2.3+ migrates each file on load; an unknown version.
        assert_eq!(run("1.7.24", &v2(SNAP), &v2(SANDBOX)), None);
        assert_eq!(run("2.3.0", &v2(SNAP), &v2(SANDBOX)), None);
        assert_eq!(merged_loss(None, MAIN, &v2(SNAP), &[]), None);
        // No drop-in read (none, missing, not TOML).
        assert_eq!(merged_loss(Some("2.1.9"), MAIN, &v2(SNAP), &[]), None);
        let missing = DropIn { path: DROP.to_owned(), text: None };
        assert_eq!(merged_loss(Some("2.1.9"), MAIN, &v2(SNAP), &[missing]), None);
        assert_eq!(run("2.1.9", &v2(SNAP), "[x"), None);
        assert_eq!(run("2.1.9", "[x", &v2(SNAP)), None);
    }
}
