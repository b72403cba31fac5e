//! A version 2 `containerd.snapshotter` with drop-ins on 2.1.9, which merges config.toml and its
//! drop-ins key by key before it migrates the merged tree at the merged version: whether its
//! `config dump` keeps the snapshotter, against what `pullfix doctor` and `pullfix apply`
//! (dry run) report, case by case. Recorded on 2.1.9: (a) config.toml's runtimes with a drop-in's
//! snapshotter, kept; (b) config.toml's snapshotter with a drop-in's runtimes (or an empty
//! runtimes table), kept; (c) no runtimes table in any file, dropped (overlayfs); (d) a version 3
//! drop-in (merged version 3), dropped whatever runtimes config.toml has, as its whole version 2
//! section is ignored.

use super::drop_in_versions::{command, sh, Node};
use super::*;
use pullfix_core::doctor::Check;

const GRPC: &str = "io.containerd.grpc.v1.cri";
const SNAP: &str = "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"native\"\n";
const RUNC: &str =
    "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n";
const SANDBOX: &str =
    "[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"harbor.example.net/library/pause:3.10\"\n";
const V3_SANDBOX: &str =
    "version = 3\n[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n  sandbox = \"harbor.example.net/library/pause:3.10\"\n";

/// config.toml at version 2 with `IMPORTS` and `body`.
fn main_v2(body: &str) -> String {
    format!("version = 2\nIMPORTS\n{body}")
}

/// Whether doctor says the snapshotter is lost: its own warning, or the version 3 drop-in's
/// error naming it.
fn doctor_says_lost(checks: &[Check]) -> bool {
    checks.iter().any(|c| {
        c.code == "config.snapshotter_not_migrated"
            || c.code == "merge.import-raises-version" && c.message.contains("snapshotter = \"native\" is ignored too")
    })
}

/// `pullfix apply --dry-run` of a registry form for containerd `v` on the node: its stderr.
fn apply_dry_run(node: &Node, v: &Target) -> String {
    let form = node.etc.join("form.toml");
    fs::write(
        &form,
        format!("containerd = \"{v}\"\n[[registry]]\nhost = \"harbor.example.net\"\nskip_verify = true\n"),
    )
    .expect("form");
    let o = node.apply(&form, &node.config, true);
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Whether apply's output says the snapshotter is lost (the warning's words, or the error's).
fn apply_says_lost(err: &str) -> bool {
    err.contains("sets snapshotter = \"native\" without a runtimes table")
        || err.contains("snapshotter = \"native\" is ignored too")
}

/// The cases, with the file whose snapshotter doctor names where 2.1.9 drops it.
#[test]
fn releases_2_x_a_version_2_snapshotter_with_drop_ins_is_judged_as_2_x_merges() {
    let [_, _, v21] = releases();
    let v = &v21.target;
    let empty_runtimes = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes]\n".to_owned();
    let main3_runc = "version = 3\nIMPORTS\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n";
    let cases: Vec<(&str, String, String, bool)> = vec![
        ("(a) runtimes in config.toml, snapshotter in a drop-in", main_v2(RUNC), format!("version = 2\n{SNAP}"), true),
        ("(b) snapshotter in config.toml, runtimes in a drop-in", main_v2(SNAP), format!("version = 2\n{RUNC}"), true),
        ("(b') the drop-in's runtimes without a version line", main_v2(SNAP), RUNC.to_owned(), true),
        ("(b'') an empty runtimes table in a drop-in", main_v2(SNAP), empty_runtimes, true),
        ("(c) no runtimes anywhere", main_v2(SNAP), format!("version = 2\n{SANDBOX}"), false),
        (
            "(c') the drop-in's snapshotter, no runtimes anywhere",
            main_v2(SANDBOX),
            format!("version = 2\n{SNAP}"),
            false,
        ),
        ("(d) a version 3 drop-in", main_v2(SNAP), V3_SANDBOX.to_owned(), false),
        (
            "(d') a version 3 drop-in, runtimes in config.toml",
            main_v2(&format!("{SNAP}{RUNC}")),
            V3_SANDBOX.to_owned(),
            false,
        ),
        (
            "a version 2 drop-in's snapshotter under a version 3 config.toml",
            main3_runc.to_owned(),
            format!("version = 2\n{SNAP}"),
            false,
        ),
        (
            "the same with the drop-in's version 2 runtimes",
            main3_runc.to_owned(),
            format!("version = 2\n{SNAP}{RUNC}"),
            true,
        ),
    ];
    for (case, main, drop_in, recorded) in cases {
        let node = Node::new(&main, &[("10-x.toml", drop_in.as_str())]);
        let d = v21.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{case}: {e}"));
        let kept = v21.images(&d)["snapshotter"].as_str() == Some("native");
        assert_eq!(kept, recorded, "{case}: 2.1.9's dump changed: {}", v21.images(&d)["snapshotter"]);
        let checks = node.doctor(v);
        assert_eq!(doctor_says_lost(&checks), !kept, "{case}: doctor vs 2.1.9 (kept: {kept}): {checks:#?}");
        let err = apply_dry_run(&node, v);
        assert_eq!(apply_says_lost(&err), !kept, "{case}: apply vs 2.1.9 (kept: {kept}): {err}");
        // A version 2 drop-in under a version 3 config.toml: its finding tells the same fate.
        let lowers = checks.iter().find(|c| c.code == "merge.import-lowers-version");
        assert_eq!(lowers.is_some(), main.starts_with("version = 3"), "{case}: {checks:#?}");
        if let Some(c) = lowers {
            assert!(c.message.contains("containerd.snapshotter"), "{case}: {}", c.message);
            assert_eq!(c.message.contains("so it drops this one"), !kept, "{case}: {}", c.message);
            assert_eq!(c.message.contains("override config.toml's version 3 values"), kept, "{case}: {}", c.message);
        }
        // Where 2.1.9 drops it, one report says so, not two.
        let n = checks.iter().filter(|c| c.code == "config.snapshotter_not_migrated").count();
        assert!(n <= 1, "{case}: {checks:#?}");
        assert!(err.matches("sets snapshotter = \"native\" without a runtimes table").count() <= 1, "{case}: {err}");
    }
}

/// Case (c) and (c'): doctor names the file that sets the snapshotter, and its fix (runc's table
/// in that file) keeps the snapshotter in 2.1.9's dump; doctor is then quiet.
#[test]
fn releases_2_x_the_merged_snapshotter_fix_works_in_the_file_it_names() {
    let [_, _, v21] = releases();
    let v = &v21.target;
    for (main, drop_in, in_drop_in) in [
        (main_v2(SNAP), format!("version = 2\n{SANDBOX}"), false),
        (main_v2(SANDBOX), format!("version = 2\n{SNAP}"), true),
    ] {
        let mut node = Node::new(&main, &[("10-x.toml", drop_in.as_str())]);
        let checks = node.doctor(v);
        let c = checks.iter().find(|c| c.code == "config.snapshotter_not_migrated").expect("reported");
        let file = if in_drop_in { node.drop_ins[0].path.clone() } else { node.config.display().to_string() };
        assert_eq!(c.file, file, "{checks:#?}");
        let named = if in_drop_in { file.as_str() } else { "config.toml" };
        assert!(c.message.contains(&format!("the snapshotter comes from {named}")), "{}", c.message);
        let table = format!(
            "[plugins.\"{GRPC}\".containerd.runtimes.runc] with `runtime_type = \"io.containerd.runc.v2\"` to {named}"
        );
        assert!(c.fix.starts_with(&format!("Add {table}")), "{}", c.fix);
        // The fix, in that file.
        let text = fs::read_to_string(&file).expect("read");
        fs::write(&file, format!("{text}{RUNC}")).expect("write");
        node.main = fs::read_to_string(&node.config).expect("read");
        node.reread();
        let d = v21.dump_text_at(&node.config).unwrap_or_else(|e| panic!("after the fix: {e}"));
        assert_eq!(v21.images(&d)["snapshotter"].as_str(), Some("native"), "after the fix in {file}");
        assert!(!doctor_says_lost(&node.doctor(v)), "after the fix in {file}");
    }
}

/// Case (d): the version 3 drop-in's error names the snapshotter, and its fix as printed (runc's
/// table into config.toml first, then the migration of config.toml without its imports) gives a
/// config.toml whose dump keeps it; the migration alone would not.
#[test]
fn releases_2_x_a_version_3_drop_in_ignores_the_snapshotter_and_the_fix_keeps_it() {
    let [_, _, v21] = releases();
    let v = &v21.target;
    let mut node = Node::new(&main_v2(SNAP), &[("10-x.toml", V3_SANDBOX)]);
    let checks = node.doctor(v);
    let c = checks.iter().find(|c| c.code == "merge.import-raises-version").expect("reported");
    assert!(c.message.contains("Its snapshotter = \"native\" is ignored too"), "{}", c.message);
    assert!(
        c.fix.contains(&format!("first add [plugins.\"{GRPC}\".containerd.runtimes.runc] with `runtime_type = \"io.containerd.runc.v2\"` to config.toml")),
        "{}",
        c.fix
    );
    let commands = command(&c.fix, "awk ");
    let scratch = node.etc.join("config-noimports.toml");
    let commands = commands
        .replace("/tmp/config-noimports.toml", &scratch.display().to_string())
        .replace("containerd -c", &format!("{} -c", v21.bin.display()));
    let new = node.etc.join("config.toml.new");
    // Without the first step the migration drops the snapshotter too.
    sh(&commands);
    let d = v21.dump_text_at(&new).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v21.images(&d)["snapshotter"].as_str(), Some("overlayfs"), "the migration alone");
    // With it: kept.
    let text = fs::read_to_string(&node.config).expect("read");
    fs::write(&node.config, format!("{text}{RUNC}")).expect("write");
    sh(&commands);
    let d = v21.dump_text_at(&new).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v21.images(&d)["snapshotter"].as_str(), Some("native"), "{}", fs::read_to_string(&new).unwrap());
    // And as config.toml, beside the version 3 drop-in, 2.1.9 keeps it.
    fs::copy(&new, &node.config).expect("copy");
    node.main = fs::read_to_string(&node.config).expect("read");
    let d = v21.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v21.images(&d)["snapshotter"].as_str(), Some("native"));
    assert!(!doctor_says_lost(&node.doctor(v)), "{:#?}", node.doctor(v));
}
