//! Review 11: what the real 1.6.20, 1.7.24 and 2.1.9 make of config.toml and its drop-ins
//! together where `pullfix doctor` used to look at one file: runtime tables merged key by key
//! on 2.x (N3), a 1.x drop-in without the default runtime's table (N11), config.toml's legacy
//! mirrors beside a drop-in's config_path after the upgrade (N9), a drop-in that turns the
//! merged version to 1 (N2), short plugin names checked at the merged version (N12, N13, N7),
//! and a CRI-disabling drop-in's fix (N1). Where `config dump` cannot show it (a plugin that
//! does not load), the daemon is started (`boot_log`).

use super::drop_in_versions::{codes, command, sh, Node, V2_MAIN};
use super::*;
use pullfix_core::doctor::Check;
use pullfix_core::Severity;

/// The check with `code`, if any.
fn find<'c>(checks: &'c [Check], code: &str) -> Option<&'c Check> {
    checks.iter().find(|c| c.code == code)
}

/// The errors' codes.
fn errors(checks: &[Check]) -> Vec<&'static str> {
    checks.iter().filter(|c| c.severity == Severity::Error).map(|c| c.code).collect()
}

/// A version 3 config.toml as pullfix writes it for 2.x, runc with SystemdCgroup.
const V3_MAIN: &str = "version = 3\nIMPORTS\n[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n  sandbox = \"harbor.example.net/library/pause:3.10\"\n[plugins.\"io.containerd.cri.v1.images\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";

const RUNTIME3: &str = "io.containerd.cri.v1.runtime";

/// N3: on 2.1.9 a drop-in's options-only crun table with `default_runtime_name = "crun"` (one
/// drop-in or two) gives crun `runtime_type = ""` (every pod fails), and an options-only
/// handler table the same for its pods: doctor reports the table on the drop-in, and with the
/// line its fix names the dump has the type and doctor is quiet.
#[test]
fn releases_2_x_a_drop_in_runtime_without_type_is_found_in_the_merged_tables() {
    let crun_opts = format!(
        "version = 3\n[plugins.\"{RUNTIME3}\".containerd.runtimes.crun.options]\n  BinaryName = \"/usr/bin/crun\"\n"
    );
    let default = format!("version = 3\n[plugins.\"{RUNTIME3}\".containerd]\n  default_runtime_name = \"crun\"\n");
    let one = format!("{default}{}", crun_opts.trim_start_matches("version = 3\n"));
    let nvidia = format!("version = 3\n[plugins.\"{RUNTIME3}\".containerd.runtimes.nvidia.options]\n  BinaryName = \"/usr/bin/nvidia-container-runtime\"\n");
    for ctd in releases().into_iter().filter(|c| c.target.major >= 2) {
        let v = &ctd.target;
        for (layout, drop_ins, table) in [
            ("one drop-in", vec![("10-crun.toml", one.as_str())], "crun"),
            ("two drop-ins", vec![("10-crun.toml", crun_opts.as_str()), ("20-default.toml", default.as_str())], "crun"),
            ("a handler", vec![("10-nv.toml", nvidia.as_str())], "nvidia"),
        ] {
            let mut node = Node::new(V3_MAIN, &drop_ins);
            let d = ctd.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{v} {layout}: {e}"));
            let rt = &d["plugins"][RUNTIME3]["containerd"]["runtimes"][table];
            assert_eq!(rt["runtime_type"].as_str(), Some(""), "{v} {layout}: real dump");
            let checks = node.doctor(v);
            assert_eq!(errors(&checks), ["config.runtime_type_missing"], "{v} {layout}: {checks:#?}");
            let c = find(&checks, "config.runtime_type_missing").expect("reported");
            assert_eq!(c.file, node.drop_ins[0].path, "{v} {layout}");
            assert!(c.message.contains(&format!("runtimes.{table}]")), "{v} {layout}: {}", c.message);
            if layout == "two drop-ins" {
                assert!(c.message.contains("default_runtime_name comes from"), "{v}: {}", c.message);
                assert!(c.message.contains("20-default.toml"), "{v}: {}", c.message);
            }
            assert!(c.fix.contains(&format!("The table is in {}", node.drop_ins[0].path)), "{v}: {}", c.fix);
            // The fix: runtime_type in that table, in that drop-in.
            let path = node.drop_ins[0].path.clone();
            let text = fs::read_to_string(&path).expect("drop-in");
            let fixed = format!(
                "{text}[plugins.\"{RUNTIME3}\".containerd.runtimes.{table}]\n  runtime_type = \"io.containerd.runc.v2\"\n"
            );
            fs::write(&path, fixed).expect("write");
            node.reread();
            let d = ctd.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{v} {layout}: after the fix: {e}"));
            let rt = &d["plugins"][RUNTIME3]["containerd"]["runtimes"][table];
            assert_eq!(rt["runtime_type"].as_str(), Some("io.containerd.runc.v2"), "{v} {layout}");
            assert_eq!(errors(&node.doctor(v)), Vec::<&str>::new(), "{v} {layout}");
        }
    }
}

/// The usual 1.x GPU drop-in: only `runtimes.nvidia`.
const GPU_V2: &str = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia.options]\n  BinaryName = \"/usr/bin/nvidia-container-runtime\"\n";

/// N11: 1.6.20 and 1.7.24 replace config.toml's CRI section with the GPU drop-in's, whose
/// runtimes have no runc: the CRI plugin does not load (the daemon says so). doctor says so
/// too, `pullfix apply` on the drop-in (the old fix) now refuses, and the fix doctor gives
/// (the drop-in's tables moved into config.toml) loads CRI with runc's SystemdCgroup and
/// nvidia. 2.1.9 keeps its runc: nothing to report.
#[test]
fn releases_1_x_a_gpu_drop_in_without_runc_stops_cri_and_doctor_says_so() {
    for ctd in releases() {
        let v = &ctd.target;
        let mut node = Node::new(V2_MAIN, &[("90-gpu.toml", GPU_V2)]);
        let d = ctd.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{v}: {e}"));
        let log = ctd.boot_log(&node.config);
        let checks = node.doctor(v);
        if v.major >= 2 {
            // 2.1.9 migrates both files and keeps its runc beside nvidia.
            let runtimes = &d["plugins"][RUNTIME3]["containerd"]["runtimes"];
            assert!(runtimes.get("runc").is_some() && runtimes.get("nvidia").is_some(), "{v}: {runtimes}");
            assert!(!log.contains("no corresponding runtime configured"), "{v}: {log}");
            assert!(find(&checks, "config.default_runtime_missing").is_none(), "{v}: {checks:#?}");
            continue;
        }
        let runtimes = &d["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"];
        // Real: no runc, and the CRI plugin does not load.
        assert!(runtimes.get("runc").is_none() && runtimes.get("nvidia").is_some(), "{v}: {runtimes}");
        assert!(log.contains("no corresponding runtime configured"), "{v}: {log}");
        let c = find(&checks, "config.default_runtime_missing").expect("reported");
        assert_eq!((c.severity, c.file.as_str()), (Severity::Error, node.drop_ins[0].path.as_str()), "{v}");
        let r = find(&checks, "merge.import-replaces-cri").expect("reported");
        assert_eq!(r.severity, Severity::Error, "{v}");
        assert!(r.message.contains("does not load its CRI plugin at all"), "{v}: {}", r.message);
        assert!(r.message.contains("runc's SystemdCgroup = true"), "{v}: {}", r.message);
        assert!(
            !r.fix.contains(&format!("--config {}", node.drop_ins[0].path)),
            "{v}: no apply on the drop-in: {}",
            r.fix
        );
        // The old fix, `pullfix apply` on the drop-in: refused now (it would leave no runc).
        let err = apply_on_the_drop_in_is_refused(&node, v);
        assert!(err.contains("no \"runc\" table"), "{v}: {err}");
        // The fix as given: the drop-in's CRI tables into config.toml, out of the drop-in.
        let moved = format!("{}{}", node.main, GPU_V2.trim_start_matches("version = 2\n"));
        fs::write(&node.config, &moved).expect("write");
        fs::write(&node.drop_ins[0].path, "version = 2\n").expect("write");
        node.main = moved;
        node.reread();
        let d = ctd.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{v}: after the fix: {e}"));
        let runtimes = &d["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"];
        assert_eq!(runtimes["runc"]["options"]["SystemdCgroup"].as_bool(), Some(true), "{v}");
        assert_eq!(runtimes["nvidia"]["runtime_type"].as_str(), Some("io.containerd.runc.v2"), "{v}");
        let log = ctd.boot_log(&node.config);
        assert!(!log.contains("failed to load plugin io.containerd.grpc.v1.cri"), "{v}: {log}");
        assert_eq!(errors(&node.doctor(v)), Vec::<&str>::new(), "{v}");
    }
}

/// config.toml of an old 1.x node: legacy mirrors, the public pause image.
const OLD_MAIN: &str = "version = 2\nIMPORTS\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"registry.k8s.io/pause:3.8\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\n  endpoint = [\"https://registry-1.docker.io\"]\n";

/// The drop-in `pullfix apply --config <drop-in>` left on it (1.x).
const CRI_DROP_IN: &str = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"harbor.example.net/library/pause:3.10\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";

/// N9: the same files load on 1.x (the drop-in's section replaces config.toml's) and on
/// 2.1.9 the mirrors meet the drop-in's config_path: the CRI images plugin does not load.
/// doctor: a warning about the upgrade on 1.x, an error on config.toml on 2.1.9 whose
/// printed command (run as printed, with a form) removes the mirrors: then 2.1.9 loads it.
#[test]
fn releases_2_x_config_tomls_mirrors_meet_a_drop_ins_config_path() {
    for ctd in releases() {
        let v = &ctd.target;
        let mut node = Node::new(OLD_MAIN, &[("50-cri.toml", CRI_DROP_IN)]);
        // The node's hosts.toml directory is the test's own.
        let certs = node.etc.join("certs.d").display().to_string();
        fs::write(&node.drop_ins[0].path, CRI_DROP_IN.replace("/etc/containerd/certs.d", &certs)).expect("write");
        node.reread();
        let log = ctd.boot_log(&node.config);
        let checks = node.doctor(v);
        let refused = log.contains("`mirrors` cannot be set when `config_path` is provided");
        assert_eq!(refused, v.major >= 2, "{v}: {log}");
        if v.major == 1 {
            let r = find(&checks, "merge.import-replaces-cri").expect("reported");
            assert_eq!(r.severity, Severity::Warning, "{v}");
            assert!(r.message.contains("after an upgrade they come back"), "{v}: {}", r.message);
            assert!(r.message.contains("registry.mirrors for docker.io"), "{v}: {}", r.message);
            continue;
        }
        let c = find(&checks, "merge.main-mirrors-beside-config-path").expect("reported");
        assert_eq!((c.severity, c.file.as_str()), (Severity::Error, node.config.to_str().unwrap_or_default()), "{v}");
        assert!(c.message.contains("50-cri.toml"), "{v}: {}", c.message);
        // merge.import-sandbox no longer tells to put the public pause back.
        if let Some(s) = find(&checks, "merge.import-sandbox") {
            assert!(!s.fix.contains("or set it to \"registry.k8s.io/pause:3.8\""), "{v}: {}", s.fix);
        }
        // The printed command, as printed (the form for `<your form>`, the test's certs.d).
        let form = node.etc.join("form.toml");
        fs::write(&form, format!("containerd = \"{v}\"\nsandbox_image = \"harbor.example.net/library/pause:3.10\"\n[[registry]]\nhost = \"harbor.example.net\"\n[[registry]]\nhost = \"docker.io\"\n")).expect("form");
        assert!(c.fix.contains("add docker.io to the form as [[registry]] entries"), "{v}: {}", c.fix);
        let cmd = command(&c.fix, "pullfix apply");
        let cmd = format!(
            "{} --certs-dir {}",
            cmd.replacen("pullfix", env!("CARGO_BIN_EXE_pullfix"), 1)
                .replace("<your form>", &form.display().to_string()),
            node.etc.join("certs.d").display()
        );
        sh(&cmd);
        node.main = fs::read_to_string(&node.config).expect("config.toml");
        let log = ctd.boot_log(&node.config);
        assert!(!log.contains("cannot be set when"), "{v}: {log}");
        let d = ctd.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{v}: {e}"));
        assert!(ctd.images(&d)["registry"].get("mirrors").and_then(|m| m.get("docker.io")).is_none(), "{v}");
        let checks = node.doctor(v);
        assert!(find(&checks, "merge.main-mirrors-beside-config-path").is_none(), "{v}: {checks:#?}");
    }
}

/// N2: a `version = 1` metrics drop-in under a version 2 config.toml: 1.x ignore config.toml's
/// CRI section (real dump: no config_path, default pause), 2.1.9 does not. pullfix: an error
/// on the drop-in on 1.x (apply refuses too), whose fix (no version line) gives the dump back.
#[test]
fn releases_1_x_a_version_1_drop_in_turns_config_toml_to_version_1() {
    for ctd in releases() {
        let v = &ctd.target;
        let mut node = Node::new(V2_MAIN, &[("50.toml", "version = 1\n[metrics]\n  address = \"127.0.0.1:1338\"\n")]);
        let d = ctd.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{v}: {e}"));
        let f = node.check(v);
        let cp = ctd.images(&d)["registry"]["config_path"].as_str().map(str::to_owned);
        if v.major >= 2 {
            assert_eq!(cp.as_deref(), Some("/etc/containerd/certs.d"), "{v}");
            assert_eq!(codes(&f), [], "{v}");
            continue;
        }
        assert_eq!(cp.as_deref(), Some(""), "{v}: real dump");
        assert_eq!(ctd.runc(&d)["options"]["SystemdCgroup"].as_bool(), Some(false), "{v}");
        assert_eq!(codes(&f), [(Severity::Error, "merge.import-lowers-to-1")], "{v}");
        assert_eq!(f[0].file, node.drop_ins[0].path, "{v}");
        let form = node.etc.join("form.toml");
        fs::write(&form, format!("containerd = \"{v}\"\nsandbox_image = \"harbor.example.net/library/pause:3.10\"\n[[registry]]\nhost = \"harbor.example.net\"\n")).expect("form");
        let o = node.apply(&form, &node.config, true);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{v}: {err}");
        assert!(err.contains("the merged config is version 1"), "{v}: {err}");
        // The fix: delete the drop-in's `version = 1` line.
        assert!(f[0].diagnostic.fix.starts_with("Delete the `version = 1` line from"), "{v}");
        fs::write(&node.drop_ins[0].path, "[metrics]\n  address = \"127.0.0.1:1338\"\n").expect("write");
        node.reread();
        let d = ctd.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{v}: {e}"));
        assert_eq!(ctd.images(&d)["registry"]["config_path"].as_str(), Some("/etc/containerd/certs.d"), "{v}");
        assert_eq!(ctd.runc(&d)["options"]["SystemdCgroup"].as_bool(), Some(true), "{v}");
        assert_eq!(codes(&node.check(v)), [], "{v}");
    }
}

/// N12: a version-less drop-in's short `disabled_plugins` name under a version 2 config.toml:
/// 1.x checks the merged version 2 and does not start; 2.1.9 checks the file at its own
/// version 1 and starts. doctor agrees; the full id as its fix says starts on every release.
#[test]
fn releases_1_x_a_version_less_drop_ins_short_disabled_plugin_stops_containerd() {
    for ctd in releases() {
        let v = &ctd.target;
        for (short, full) in [("zfs", "io.containerd.snapshotter.v1.zfs"), ("cri", "io.containerd.grpc.v1.cri")] {
            let mut node = Node::new(V2_MAIN, &[("50-x.toml", &format!("disabled_plugins = [\"{short}\"]\n"))]);
            let dump = ctd.dump_text_at(&node.config);
            let checks = node.doctor(v);
            let reported = find(&checks, "config.short_plugin_name");
            if v.major >= 2 {
                dump.unwrap_or_else(|e| panic!("{v}: {e}"));
                assert!(reported.is_none(), "{v}: {checks:#?}");
                continue;
            }
            let e = dump.expect_err("1.x does not start");
            assert!(e.contains(&format!("invalid disabled plugin URI \"{short}\"")), "{v}: {e}");
            let c = reported.expect("reported");
            assert_eq!((c.severity, c.file.as_str()), (Severity::Error, node.drop_ins[0].path.as_str()), "{v}");
            assert!(c.fix.contains(&format!("\"{short}\" -> \"{full}\"")), "{v}: {}", c.fix);
            assert!(!c.fix.contains("pullfix apply"), "{v}: {}", c.fix);
            if short == "cri" {
                let d = find(&checks, "config.cri_disabled").expect("reported");
                assert!(d.message.contains("containerd does not even start"), "{v}: {}", d.message);
            }
            fs::write(&node.drop_ins[0].path, format!("disabled_plugins = [\"{full}\"]\n")).expect("write");
            node.reread();
            ctd.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{v}: after the fix: {e}"));
            assert!(find(&node.doctor(v), "config.short_plugin_name").is_none(), "{v}");
        }
    }
}

/// N13: 2.1.9 ignores `[plugins.cri...]` tables read at version 3 (a version-less drop-in
/// under a version 3 config.toml, or the config.toml itself): runc stays on cgroupfs. pullfix
/// reports the file; the version 3 path its fix gives applies.
#[test]
fn releases_2_x_short_cri_tables_at_version_3_are_ignored_and_reported() {
    let main = "version = 3\nIMPORTS\n[plugins.\"io.containerd.cri.v1.images\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
    let short = "[plugins.cri.containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    let full = format!("[plugins.\"{RUNTIME3}\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n");
    for ctd in releases().into_iter().filter(|c| c.target.major >= 2) {
        let v = &ctd.target;
        for in_main in [false, true] {
            let mut node = if in_main {
                Node::new(&format!("{main}{short}"), &[])
            } else {
                Node::new(main, &[("99-cgroup.toml", short)])
            };
            let d = ctd.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{v}: {e}"));
            assert_eq!(ctd.runc(&d)["options"]["SystemdCgroup"].as_bool(), Some(false), "{v} in_main={in_main}");
            let f = node.check(v);
            assert_eq!(codes(&f), [(Severity::Error, "merge.short-plugin-ids-at-3")], "{v} in_main={in_main}");
            let file = if in_main { node.config.display().to_string() } else { node.drop_ins[0].path.clone() };
            assert_eq!(f[0].file, file, "{v}");
            assert!(
                f[0].diagnostic.fix.contains(&full.replace("\n  ", " ").trim_end().to_owned()),
                "{v}: {}",
                f[0].diagnostic.fix
            );
            // The fix: the version 3 path.
            if in_main {
                node.main = node.main.replace(short, &full);
                fs::write(&node.config, &node.main).expect("write");
            } else {
                fs::write(&node.drop_ins[0].path, &full).expect("write");
                node.reread();
            }
            let d = ctd.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{v}: {e}"));
            assert_eq!(ctd.runc(&d)["options"]["SystemdCgroup"].as_bool(), Some(true), "{v} in_main={in_main}");
            assert_eq!(codes(&node.check(v)), [], "{v}");
        }
    }
}

/// N7: a version 2 config.toml with `[plugins.cri]` (no drop-ins): 1.x does not start and
/// doctor gives one error that says so, naming this file, without a version 3 alternative.
#[test]
fn releases_1_x_a_version_2_file_with_plugins_cri_is_one_error() {
    let text = "version = 2\n[plugins.cri]\n  sandbox_image = \"harbor.example.net/library/pause:3.10\"\n[plugins.cri.registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
    for ctd in releases() {
        let v = &ctd.target;
        let node = Node::new(text, &[]);
        let dump = ctd.dump_text_at(&node.config);
        let checks = node.doctor(v);
        if v.major >= 2 {
            dump.unwrap_or_else(|e| panic!("{v}: {e}"));
            assert_eq!(errors(&checks), ["config.wrong_dialect"], "{v}: {checks:#?}");
            continue;
        }
        let e = dump.expect_err("1.x does not start");
        assert!(e.contains("invalid plugin key URI \"cri\""), "{v}: {e}");
        assert_eq!(errors(&checks), ["merge.import-short-plugin-ids"], "{v}: {checks:#?}");
        let c = &checks[0];
        assert!(c.message.contains("does not start"), "{v}: {}", c.message);
        assert!(!c.message.contains("last file it loaded"), "{v}: {}", c.message);
        assert!(!c.fix.contains("version = 3"), "{v}: {}", c.fix);
    }
}

/// N1: a drop-in that only disables CRI: on 1.x its fix is the edit alone (the form applied to
/// the drop-in would replace config.toml's CRI section); done, 1.x loads CRI with config.toml's
/// runc SystemdCgroup. 2.x may apply the form to it (key by key).
#[test]
fn releases_a_cri_disabling_drop_ins_fix_keeps_config_tomls_section() {
    for ctd in releases() {
        let v = &ctd.target;
        let mut node = Node::new(
            V2_MAIN,
            &[("50-disable.toml", "version = 2\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n")],
        );
        let checks = node.doctor(v);
        let c = find(&checks, "config.cri_disabled").expect("reported");
        if v.major >= 2 {
            assert!(c.fix.contains("`pullfix apply --form <your form> --config "), "{v}: {}", c.fix);
            continue;
        }
        assert!(!c.fix.contains("pullfix apply"), "{v}: {}", c.fix);
        assert!(c.fix.contains("Do not apply the form to the drop-in"), "{v}: {}", c.fix);
        // The old alternative, `pullfix apply --config <drop-in>`: refused now, nothing written.
        let err = apply_on_the_drop_in_is_refused(&node, v);
        assert!(err.contains("has no CRI table"), "{v}: {err}");
        fs::write(&node.drop_ins[0].path, "version = 2\ndisabled_plugins = []\n").expect("write");
        node.reread();
        let d = ctd.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{v}: {e}"));
        assert_eq!(ctd.runc(&d)["options"]["SystemdCgroup"].as_bool(), Some(true), "{v}");
        let log = ctd.boot_log(&node.config);
        assert!(!log.contains("failed to load plugin io.containerd.grpc.v1.cri"), "{v}: {log}");
        assert!(log.contains("containerd successfully booted"), "{v}: {log}");
        assert_eq!(errors(&node.doctor(v)), Vec::<&str>::new(), "{v}");
    }
}

/// `pullfix apply --form <a Harbor form> --config <the node's first drop-in>`, which must be
/// refused (exit 1, nothing written); its standard error.
fn apply_on_the_drop_in_is_refused(node: &Node, v: &pullfix_core::Target) -> String {
    let form = node.etc.join("form.toml");
    fs::write(&form, format!("containerd = \"{v}\"\nsandbox_image = \"harbor.example.net/library/pause:3.10\"\n[[registry]]\nhost = \"harbor.example.net\"\n")).expect("form");
    let o = node.apply(&form, Path::new(&node.drop_ins[0].path), false);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{v}: {err}");
    err
}
