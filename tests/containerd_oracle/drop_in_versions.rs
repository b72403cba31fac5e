//! Review 10: config.toml and its drop-ins as the real 1.6.20, 1.7.24 and 2.1.9 load them
//! together (their `version` lines, version 3 tables merged at version 2, a drop-in's node
//! credentials, the relative-glob fix, the version 3 rewrite), against what pullfix reports;
//! the commands pullfix prints are run as printed.

use super::*;
use pullfix_core::merge::imports::{self, DropIn};
use pullfix_core::Severity;

/// A node in a temporary directory: `etc/containerd/config.toml` is `main` with `IMPORTS`
/// replaced by an `imports` line naming the drop-ins (absolute paths, in order), which are
/// written to `etc/containerd/conf.d/<name>`.
pub(super) struct Node {
    _tmp: tempfile::TempDir,
    pub(super) etc: PathBuf,
    pub(super) config: PathBuf,
    pub(super) main: String,
    pub(super) drop_ins: Vec<DropIn>,
}

impl Node {
    pub(super) fn new(main: &str, drop_ins: &[(&str, &str)]) -> Node {
        let tmp = tempfile::tempdir().expect("tmp");
        let etc = tmp.path().join("etc/containerd");
        fs::create_dir_all(etc.join("conf.d")).expect("mkdir");
        let mut read = Vec::new();
        for (name, text) in drop_ins {
            let p = etc.join("conf.d").join(name);
            fs::write(&p, text).expect("write");
            read.push(DropIn { path: p.display().to_string(), text: Some((*text).to_owned()) });
        }
        let list: Vec<String> = read.iter().map(|d| format!("{:?}", d.path)).collect();
        let main = main.replace("IMPORTS", &format!("imports = [{}]", list.join(", ")));
        let config = etc.join("config.toml");
        fs::write(&config, &main).expect("write");
        Node { _tmp: tmp, etc, config, main, drop_ins: read }
    }

    /// pullfix's drop-in findings for containerd `v`, config.toml's config_path `cp`.
    pub(super) fn check(&self, v: &Target) -> Vec<imports::Finding> {
        imports::check_at(
            Some(&v.to_string()),
            &self.config.display().to_string(),
            &self.main,
            Some("/etc/containerd/certs.d"),
            &self.drop_ins,
        )
    }

    /// `pullfix doctor`'s checks of the node for containerd `v`.
    pub(super) fn doctor(&self, v: &Target) -> Vec<pullfix_core::doctor::Check> {
        let files = pullfix_core::doctor::NodeFiles {
            containerd: Some(v.to_string()),
            config_file: self.config.display().to_string(),
            config: Some(self.main.clone()),
            certs_dir: self.etc.join("certs.d").display().to_string(),
            ..Default::default()
        };
        pullfix_core::doctor::check_node(&files, &self.drop_ins)
    }

    /// Runs `pullfix apply` (`--dry-run` first when `dry_run`) of the form file `form` into
    /// `config` (config.toml or one of the drop-ins), certs.d under the node's `etc`.
    pub(super) fn apply(&self, form: &Path, config: &Path, dry_run: bool) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_pullfix"))
            .arg("apply")
            .args(dry_run.then_some("--dry-run"))
            .arg("--form")
            .arg(form)
            .arg("--config")
            .arg(config)
            .arg("--certs-dir")
            .arg(self.etc.join("certs.d"))
            .output()
            .expect("pullfix")
    }

    /// Re-reads the drop-ins from disk (after a printed command changed one).
    pub(super) fn reread(&mut self) {
        for d in &mut self.drop_ins {
            d.text = fs::read_to_string(&d.path).ok();
        }
    }
}

pub(super) fn codes(f: &[imports::Finding]) -> Vec<(Severity, &'static str)> {
    let mut c: Vec<_> = f.iter().map(|f| (f.diagnostic.severity, f.diagnostic.code)).collect();
    c.sort_unstable();
    c
}

/// The first backtick-quoted command in `fix` that starts with `start`.
pub(super) fn command<'f>(fix: &'f str, start: &str) -> &'f str {
    let i = fix.find(&format!("`{start}")).unwrap_or_else(|| panic!("no `{start}` in {fix}")) + 1;
    &fix[i..i + fix[i..].find('`').expect("closing backtick")]
}

pub(super) fn sh(command: &str) {
    let o = Command::new("sh").args(["-c", command]).output().expect("sh");
    assert!(o.status.success(), "{command}: {}", String::from_utf8_lossy(&o.stderr));
}

fn at<'d>(d: &'d DocumentMut, path: &[&str]) -> Option<&'d Item> {
    path.iter().try_fold(d.as_item(), |item, k| item.get(k))
}

pub(super) const V2_MAIN: &str = "version = 2\nIMPORTS\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"harbor.example.net/library/pause:3.10\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".auth]\n  username = \"robot$ci\"\n  password = \"S3cret\"\n";

const V1_MAIN: &str = "IMPORTS\n[plugins.cri]\n  sandbox_image = \"harbor.example.net/library/pause:3.10\"\n[plugins.cri.containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.cri.containerd.runtimes.runc.options]\n  SystemdCgroup = true\n[plugins.cri.registry]\n  config_path = \"/etc/containerd/certs.d\"\n";

const GPU_V3: &str = "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia]\n  runtime_type = 'io.containerd.runc.v2'\n[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia.options]\n  BinaryName = '/usr/bin/nvidia-container-runtime'\n";

/// H2: a version 1 config.toml under any `version = 2` drop-in, and a version 1 `plugins.cri`
/// drop-in under a version 2 config.toml: 1.6.20 and 1.7.24 do not start, 2.1.9 does;
/// pullfix's error matches, names the file with the short name, and the `pullfix apply` it
/// prints (and a plain `pullfix apply`, which now converts by itself) gives a config.toml all
/// three start with.
#[test]
fn releases_version_1_names_under_a_version_2_merge_stop_1_x() {
    for ctd in releases() {
        let v = &ctd.target;
        // Shape 1: version 1 config.toml, a metrics drop-in with `version = 2`.
        let mut node = Node::new(V1_MAIN, &[("10-metrics.toml", "version = 2\n[metrics]\n  address = \"\"\n")]);
        let dump = ctd.dump_text_at(&node.config);
        let f = node.check(v);
        if v.major == 1 {
            let e = dump.expect_err("1.x does not start");
            assert!(e.contains("invalid plugin key URI \"cri\""), "{v}: {e}");
            assert_eq!(codes(&f), [(Severity::Error, "merge.import-short-plugin-ids")], "{v}");
            assert_eq!(f[0].file, node.config.display().to_string(), "{v}");
            let d = &f[0].diagnostic;
            assert!(d.message.contains("10-metrics.toml says version = 2"), "{v}: {}", d.message);
            assert!(d.message.contains("invalid plugin key URI \"cri\""), "{v}: {}", d.message);
            // The fix, as printed, with a form for this release.
            let cmd = command(&d.fix, "pullfix apply");
            let form = node.etc.join("form.toml");
            fs::write(&form, format!("containerd = \"{v}\"\nsandbox_image = \"harbor.example.net/library/pause:3.10\"\n[[registry]]\nhost = \"harbor.example.net\"\n")).expect("form");
            // Review 11, N6: as printed, with the form's path for `<your form>` (and the test's
            // certs.d instead of the machine's /etc/containerd/certs.d).
            assert!(cmd.starts_with("pullfix apply --form <your form> --convert-version --config "), "{v}: {cmd}");
            let cmd = format!(
                "{} --certs-dir {}",
                cmd.replacen("pullfix", env!("CARGO_BIN_EXE_pullfix"), 1)
                    .replace("<your form>", &form.display().to_string()),
                node.etc.join("certs.d").display()
            );
            sh(&cmd);
            let d = ctd.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{v}: after the fix: {e}"));
            assert_eq!(ctd.sandbox(&d), Some("harbor.example.net/library/pause:3.10"), "{v}");
            assert_eq!(ctd.runc(&d)["options"]["SystemdCgroup"].as_bool(), Some(true), "{v}");
            node.main = fs::read_to_string(&node.config).expect("config.toml");
            assert_eq!(codes(&node.check(v)), [], "{v}: {}", node.main);

            // A plain `pullfix apply` (no --convert-version) converts by itself now.
            let plain = Node::new(V1_MAIN, &[("10-metrics.toml", "version = 2\n")]);
            let o = plain.apply(&form, &plain.config, false);
            assert!(o.status.success(), "{v}: {}", String::from_utf8_lossy(&o.stderr));
            assert!(String::from_utf8_lossy(&o.stderr).contains("10-metrics.toml says version = 2"), "{v}");
            let d = ctd.dump_text_at(&plain.config).unwrap_or_else(|e| panic!("{v}: after apply: {e}"));
            assert_eq!(ctd.runc(&d)["options"]["SystemdCgroup"].as_bool(), Some(true), "{v}");
        } else {
            let d = dump.unwrap_or_else(|e| panic!("{v}: {e}"));
            assert_eq!(ctd.sandbox(&d), Some("harbor.example.net/library/pause:3.10"), "{v}: applies the v1 tables");
            assert_eq!(codes(&f), [], "{v}");
        }
        // Shape 2: a version 2 config.toml and an old version-less `plugins.cri` drop-in.
        let node = Node::new(V2_MAIN, &[("20-snap.toml", "[plugins.cri.containerd]\n  snapshotter = \"native\"\n")]);
        let dump = ctd.dump_text_at(&node.config);
        let f = node.check(v);
        let short: Vec<_> = f.iter().filter(|f| f.diagnostic.code == "merge.import-short-plugin-ids").collect();
        if v.major == 1 {
            let e = dump.expect_err("1.x does not start");
            assert!(e.contains("invalid plugin key URI \"cri\""), "{v}: {e}");
            assert_eq!(short.len(), 1, "{v}: {f:?}");
            assert_eq!(short[0].file, node.drop_ins[0].path, "{v}");
            assert_eq!(short[0].diagnostic.severity, Severity::Error, "{v}");
        } else {
            dump.unwrap_or_else(|e| panic!("{v}: {e}"));
            assert!(short.is_empty(), "{v}: {f:?}");
        }
    }
}

/// H3: a `version = 3` drop-in (a 2.x GPU runtime drop-in) under the version 2 config.toml of a
/// 1.x node: 1.7.24 does not start (`unsupported config version`), 1.6.20 starts and ignores
/// its tables, 2.1.9 reads it; pullfix: an error on 1.7, a warning on 1.6, and no version
/// finding on 2.x.
#[test]
fn releases_a_version_3_drop_in_stops_1_7_only() {
    for ctd in releases() {
        let v = &ctd.target;
        let node = Node::new(V2_MAIN, &[("90-gpu.toml", &format!("version = 3\n{GPU_V3}"))]);
        let dump = ctd.dump_text_at(&node.config);
        let f = node.check(v);
        let too_new: Vec<_> = f.iter().filter(|f| f.diagnostic.code == "merge.import-version-too-new").collect();
        match (v.major, v.minor) {
            (1, 7) => {
                let e = dump.expect_err("1.7 does not start");
                assert!(e.contains("unsupported config version `3`"), "{v}: {e}");
                assert_eq!(too_new.len(), 1, "{v}: {f:?}");
                assert_eq!(too_new[0].diagnostic.severity, Severity::Error);
                assert_eq!(too_new[0].file, node.drop_ins[0].path);
                assert!(too_new[0].diagnostic.message.contains("unsupported config version `3`"));
            }
            (1, _) => {
                let d = dump.unwrap_or_else(|e| panic!("{v}: {e}"));
                assert_eq!(ctd.runc(&d)["options"]["SystemdCgroup"].as_bool(), Some(true), "{v}");
                assert!(
                    at(&d, &["plugins", "io.containerd.cri.v1.runtime"]).is_none_or(|t| t.get("containerd").is_none())
                );
                assert_eq!(too_new.len(), 1, "{v}: {f:?}");
                assert_eq!(too_new[0].diagnostic.severity, Severity::Warning);
            }
            _ => {
                dump.unwrap_or_else(|e| panic!("{v}: {e}"));
                assert!(too_new.is_empty(), "{v}: {f:?}");
            }
        }
    }
}

/// H1: on 2.1.9 a drop-in without a `version` line at version 3 paths under a version 2
/// config.toml: config.toml's runc table (SystemdCgroup) is dropped, or the drop-in's own
/// version 3 registry credentials are; pullfix's `merge.import-v3-under-v2` says which, and the
/// `printf` it prints, run as printed, makes 2.1.9 apply both files' settings.
#[test]
fn releases_2_x_version_3_tables_merged_at_version_2() {
    let [_, _, v21] = releases();
    let v = &v21.target;
    let quay = "[plugins.'io.containerd.cri.v1.images'.registry.configs.'quay.example.net'.auth]\n  username = 'quayrobot'\n  password = 'q'\n[plugins.'io.containerd.cri.v1.images'.pinned_images]\n  sandbox = 'quay.example.net/pause:3.10'\n";
    for (name, text, dropped) in [("90-gpu.toml", GPU_V3, "SystemdCgroup"), ("80-quay.toml", quay, "registry")] {
        let mut node = Node::new(V2_MAIN, &[(name, text)]);
        let state = |node: &Node| {
            let d = v21.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{name}: {e}"));
            let runtimes = ["plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes"];
            let reg = ["plugins", "io.containerd.cri.v1.images", "registry"];
            (
                at(&d, &[&runtimes[..], &["runc", "options", "SystemdCgroup"]].concat()).and_then(Item::as_bool),
                at(&d, &[&runtimes[..], &["nvidia", "runtime_type"]].concat()).is_some(),
                at(&d, &[&reg[..], &["configs", "quay.example.net", "auth", "username"]].concat()).is_some(),
                v21.sandbox(&d).map(str::to_owned),
                at(&d, &[&reg[..], &["config_path"]].concat()).and_then(Item::as_str).map(str::to_owned),
                at(&d, &[&reg[..], &["configs", "harbor.example.net", "auth", "username"]].concat())
                    .and_then(Item::as_str)
                    .map(str::to_owned),
            )
        };
        let before = state(&node);
        let harbor = (
            Some("harbor.example.net/library/pause:3.10".to_owned()),
            Some("/etc/containerd/certs.d".to_owned()),
            Some("robot$ci".to_owned()),
        );
        assert_eq!((before.3.clone(), before.4.clone(), before.5.clone()), harbor, "{name}");
        if dropped == "SystemdCgroup" {
            assert_eq!((before.0, before.1), (Some(false), true), "{name}: 2.1.9 drops config.toml's runc options");
        } else {
            assert!(!before.2, "{name}: 2.1.9 replaces the drop-in's registry table");
        }
        let f = node.check(v);
        assert_eq!(codes(&f), [(Severity::Error, "merge.import-v3-under-v2")], "{name}");
        let d = &f[0].diagnostic;
        assert!(
            d.message.contains(if dropped == "SystemdCgroup" { "SystemdCgroup)" } else { ".registry (replaced whole" }),
            "{name}: {}",
            d.message
        );
        sh(command(&d.fix, "printf"));
        node.reread();
        let after = state(&node);
        assert_eq!((after.3.clone(), after.4.clone(), after.5.clone()), harbor, "{name}: config.toml's settings");
        if dropped == "SystemdCgroup" {
            assert_eq!((after.0, after.1), (Some(true), true), "{name}: both runtimes");
        } else {
            assert!(after.2, "{name}: the drop-in's credentials apply");
            assert!(d.fix.contains("pinned_images.sandbox = 'quay.example.net/pause:3.10'"), "{}", d.fix);
        }
        assert_eq!(codes(&node.check(v)), [], "{name}: {:?}", node.drop_ins);
    }
}

/// M3: a drop-in's node credentials for a host config.toml has credentials for win key by key
/// on 2.1.9 (version 3 and version 2 files alike): `merge.import-auth`; the same credentials,
/// or none, are fine, and deleting the table the fix names brings config.toml's back.
#[test]
fn releases_2_x_a_drop_in_s_node_credentials_win() {
    let [_, _, v21] = releases();
    let v = &v21.target;
    let main3 = "version = 3\nIMPORTS\n[plugins.\"io.containerd.cri.v1.images\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n[plugins.\"io.containerd.cri.v1.images\".registry.configs.\"harbor.example.net\".auth]\n  username = \"robot$ci\"\n  password = \"S3cret\"\n";
    let old3 = "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry.configs.'harbor.example.net'.auth]\n  username = 'robot$old'\n  password = 'expired'\n";
    let same3 = "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry.configs.'harbor.example.net'.auth]\n  username = 'robot$ci'\n";
    let other3 = "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry.configs.'quay.example.net'.auth]\n  username = 'q'\n";
    let old2 = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".auth]\n  username = \"robot$old\"\n  password = \"expired\"\n";
    for (i, (main, drop_in, wins)) in
        [(main3, old3, true), (main3, same3, false), (main3, other3, false), (V2_MAIN, old2, true)]
            .into_iter()
            .enumerate()
    {
        let mut node = Node::new(main, &[("50-auth.toml", drop_in)]);
        let user = |node: &Node| {
            let d = v21.dump_text_at(&node.config).unwrap_or_else(|e| panic!("case {i}: {e}"));
            at(
                &d,
                &[
                    "plugins",
                    "io.containerd.cri.v1.images",
                    "registry",
                    "configs",
                    "harbor.example.net",
                    "auth",
                    "username",
                ],
            )
            .and_then(Item::as_str)
            .map(str::to_owned)
        };
        assert_eq!(user(&node).as_deref(), Some(if wins { "robot$old" } else { "robot$ci" }), "case {i}");
        let f = node.check(v);
        let auth: Vec<_> = f.iter().filter(|f| f.diagnostic.code == "merge.import-auth").collect();
        assert_eq!(auth.len(), usize::from(wins), "case {i}: {f:?}");
        if let Some(a) = auth.first() {
            assert_eq!(a.diagnostic.severity, Severity::Error);
            assert!(a.diagnostic.message.contains("\"robot$old\"") && !a.diagnostic.message.contains("expired"));
            // The fix: delete the table it names.
            let start = a.diagnostic.fix.find("Delete the [").expect("table") + "Delete the [".len();
            let table = &a.diagnostic.fix[start..start + a.diagnostic.fix[start..].find("] table").expect("]")];
            let mut doc: DocumentMut = drop_in.parse().expect("TOML");
            let key: DocumentMut = format!("[{table}]\n").parse().expect("the named table is a TOML key");
            let mut path = Vec::new();
            let mut item = key.as_item();
            while let Some((k, next)) = item.as_table_like().and_then(|t| t.iter().next()) {
                path.push(k.to_owned());
                item = next;
            }
            let (last, parents) = path.split_last().expect("path");
            let parent = parents.iter().try_fold(doc.as_item_mut(), |i, k| i.get_mut(k)).expect("parent");
            parent.as_table_like_mut().expect("table").remove(last).expect("removed");
            fs::write(&node.drop_ins[0].path, doc.to_string()).expect("write");
            node.reread();
            assert_eq!(user(&node).as_deref(), Some("robot$ci"), "case {i}");
            assert!(node.check(v).iter().all(|f| f.diagnostic.code != "merge.import-auth"), "case {i}");
        }
    }
}

/// M4: on 1.6.20 the relative-glob warning's fix (the pattern made absolute) makes containerd
/// load the README's cgroup drop-in, which replaces config.toml's whole CRI section: the
/// warning says so and names the drop-in; done as its fix says (the CRI tables moved into
/// config.toml first), config.toml's settings stay.
#[test]
fn releases_1_6_the_relative_glob_fix_names_a_cri_drop_in() {
    let [v16, _, _] = releases();
    let v = v16.target.to_string();
    let tmp = tempfile::tempdir().expect("tmp");
    let etc = tmp.path().join("etc/containerd");
    fs::create_dir_all(etc.join("conf.d")).expect("mkdir");
    let cgroup = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    let drop_in = etc.join("conf.d/99-cgroup.toml");
    fs::write(&drop_in, cgroup).expect("write");
    let main = "version = 2\nimports = [\"conf.d/*.toml\"]\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"harbor.example.net/library/pause:3.10\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
    let config = etc.join("config.toml");
    fs::write(&config, main).expect("write");
    let cp = |d: &DocumentMut| cri(d)["registry"]["config_path"].as_str().map(str::to_owned);
    let d = v16.dump_text_at(&config).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cp(&d).as_deref(), Some("/etc/containerd/certs.d"), "1.6.20 does not load conf.d/ (globbed from /)");
    let matching = |pattern: &str| -> Vec<DropIn> {
        let dir = Path::new(pattern).parent().expect("dir");
        let mut names: Vec<PathBuf> = fs::read_dir(dir)
            .map(|r| r.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect())
            .unwrap_or_default();
        names.sort();
        names.into_iter().map(|p| DropIn { text: fs::read_to_string(&p).ok(), path: p.display().to_string() }).collect()
    };
    let f = imports::relative_globs_loading(&config.display().to_string(), main, Some(&v), matching);
    assert_eq!(codes(&f), [(Severity::Warning, "merge.import-relative-glob")]);
    let d = &f[0].diagnostic;
    assert!(
        d.message.contains(&drop_in.display().to_string()) && d.message.contains("whole CRI section"),
        "{}",
        d.message
    );
    assert!(d.fix.starts_with("First move the CRI tables of"), "{}", d.fix);
    let line = command(&d.fix, "imports = ");
    // Only the absolute line, without the first step: the drop-in wipes the CRI section.
    fs::write(&config, main.replace("imports = [\"conf.d/*.toml\"]", line)).expect("write");
    let d = v16.dump_text_at(&config).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cp(&d).as_deref(), Some(""), "the warned-about consequence");
    assert_eq!(v16.sandbox(&d), Some("registry.k8s.io/pause:3.6"));
    // The first step too: the runc tables in config.toml, the drop-in deleted.
    let body: String = cgroup.lines().skip(1).map(|l| format!("{l}\n")).collect();
    fs::write(&config, format!("{}{body}", main.replace("imports = [\"conf.d/*.toml\"]", line))).expect("write");
    fs::remove_file(&drop_in).expect("rm");
    let d = v16.dump_text_at(&config).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cp(&d).as_deref(), Some("/etc/containerd/certs.d"));
    assert_eq!(v16.runc(&d)["options"]["SystemdCgroup"].as_bool(), Some(true));
    // Without a CRI drop-in there is no such warning text.
    let f = imports::relative_globs_loading(&config.display().to_string(), main, Some(&v), matching);
    assert!(!f[0].diagnostic.message.contains("whole CRI section"), "{}", f[0].diagnostic.message);
}

/// M5: a `version = 3` drop-in with a version 2 `sandbox_image` that 2.1.9 ignores (and runc
/// options it ignores too): the rewrite pullfix prints, run as printed, applies SystemdCgroup
/// and leaves the sandbox image config.toml's.
#[test]
fn releases_2_x_the_version_3_rewrite_does_not_revive_a_sandbox_image() {
    let [_, _, v21] = releases();
    let v = &v21.target;
    let main3 = "version = 3\nIMPORTS\n[plugins.\"io.containerd.cri.v1.images\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n  sandbox = \"harbor.example.net/library/pause:3.10\"\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n";
    let drop_in = "version = 3\n[plugins.'io.containerd.grpc.v1.cri']\n  sandbox_image = 'registry.k8s.io/pause:3.9'\n[plugins.'io.containerd.grpc.v1.cri'.containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    let mut node = Node::new(main3, &[("99-cgroup.toml", drop_in)]);
    let state = |node: &Node| {
        let d = v21.dump_text_at(&node.config).unwrap_or_else(|e| panic!("{e}"));
        (v21.sandbox(&d).map(str::to_owned), v21.runc(&d)["options"]["SystemdCgroup"].as_bool())
    };
    assert_eq!(state(&node), (Some("harbor.example.net/library/pause:3.10".to_owned()), Some(false)));
    let f = node.check(v);
    assert_eq!(codes(&f), [(Severity::Error, "merge.import-lowers-version")]);
    let d = &f[0].diagnostic;
    assert!(d.fix.starts_with("Move the version 2 settings of"), "{}", d.fix);
    assert!(d.fix.contains("without its sandbox_image"), "{}", d.fix);
    sh(command(&d.fix, "printf"));
    node.reread();
    assert_eq!(state(&node), (Some("harbor.example.net/library/pause:3.10".to_owned()), Some(true)));
    assert_eq!(codes(&node.check(v)), []);
}

/// L3(b): node-setup.sh on a 2.1.9 node whose config.toml sets config_path and a drop-in
/// overrides it: the script (reading the real 2.1.9's `config dump`) says what containerd
/// loads, not that config.toml lacks it, and stops before restarting anything.
#[test]
fn releases_2_x_node_setup_names_a_drop_in_config_path() {
    let [_, _, v21] = releases();
    let tmp = tempfile::tempdir().expect("tmp");
    let form = tmp.path().join("form.toml");
    fs::write(
        &form,
        format!(
            "containerd = \"{}\"\n[[registry]]\nhost = \"harbor.example.net\"\n[rollout]\nnode_script = true\n",
            v21.target
        ),
    )
    .expect("form");
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["generate", "--out"])
        .arg(&out)
        .arg("--form")
        .arg(&form)
        .output()
        .expect("pullfix");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let script = fs::read_to_string(out.join("node-setup.sh")).expect("node-setup.sh");
    let root = tmp.path().join("root");
    let etc = root.join("etc/containerd");
    fs::create_dir_all(etc.join("conf.d")).expect("mkdir");
    let main = format!(
        "version = 3\nimports = [\"{}/conf.d/*.toml\"]\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'\n",
        etc.display()
    );
    fs::write(etc.join("config.toml"), &main).expect("write");
    fs::write(
        etc.join("conf.d/50-registry.toml"),
        "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/other.d'\n",
    )
    .expect("write");
    let stubs = tmp.path().join("stubs");
    fs::create_dir_all(&stubs).expect("mkdir");
    let log = tmp.path().join("calls.log");
    for tool in ["systemctl", "crictl"] {
        let p = stubs.join(tool);
        fs::write(&p, format!("#!/bin/sh\necho \"{tool} $*\" >> {}\n", log.display())).expect("stub");
        fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    }
    let bin = v21.bin.parent().expect("bin dir");
    let o = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(tmp.path())
        .env("ROOT", &root)
        .env("PATH", format!("{}:{}:{}", stubs.display(), bin.display(), std::env::var("PATH").expect("PATH")))
        .output()
        .expect("bash");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{stderr}");
    assert!(
        stderr.contains("the config containerd loads")
            && stderr
                .contains("does not set config_path = \"/etc/containerd/certs.d\" (it has: /etc/containerd/other.d)")
            && stderr.contains("a drop-in overrides it"),
        "{stderr}"
    );
    assert!(!log.exists(), "no restart, no pull: {}", fs::read_to_string(&log).unwrap_or_default());
    assert_eq!(fs::read_to_string(etc.join("config.toml")).expect("config.toml"), main, "left alone");
}
