//! Fleet rollout: the DaemonSet (validated by kubernetes-validate, its container script
//! run by `sh` against temp dirs) and node-setup.sh (bash -n, shellcheck, and a real
//! run with ROOT and stubbed systemctl/crictl, fed hostile values). ROOT makes the
//! script a preview that restarts nothing and pulls nothing (tests/node_preview.rs runs it
//! both ways); these runs check what it writes and where it stops.

#[path = "fleet/support.rs"]
mod support;

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use pullfix_core::node_script::{self, Plan};
use pullfix_core::rollout;
use pullfix_core::{FileKind, OutputFile};
use serde_yaml::Value;
use support::*;

fn rollout_yaml(form_toml: &str, files: &[OutputFile]) -> OutputFile {
    let form = form(form_toml);
    let (checked, mut d) = checked(&form);
    let r = rollout::check(&form.rollout, &mut d);
    let out = rollout::render(&checked, &r, files, &mut d);
    assert_eq!(out.len(), 1, "{d:?}");
    out.into_iter().next().unwrap()
}

fn docs(yaml: &str) -> Vec<Value> {
    use serde::Deserialize as _;
    serde_yaml::Deserializer::from_str(yaml).map(|d| Value::deserialize(d).unwrap()).collect()
}

#[test]
fn daemonset_configmap_and_secret_pass_kubernetes_validate_strict() {
    let files = engine_like_files();
    for form_toml in [
        "containerd = \"1.7\"",
        r#"containerd = "2.1"
           config_path = "/etc/containerd/certs.d"
           [rollout]
           namespace = "pullfix"
           name = "registry-files"
           image = "harbor.example.net/library/busybox:1.36"
           image_pull_secret = "regcred"
           sync_seconds = 30
           node_selector = { "node-role.kubernetes.io/worker" = "", "kubernetes.io/os" = "linux" }
           [[rollout.toleration]]
           key = "node-role.kubernetes.io/control-plane"
           operator = "Exists"
           effect = "NoSchedule"
           [[rollout.toleration]]
           key = "dedicated"
           value = "gpu"
           effect = "NoExecute""#,
    ] {
        let out = rollout_yaml(form_toml, &files);
        assert_eq!(out.kind, FileKind::Kubernetes);
        assert!(out.sensitive, "the client key travels in a Secret");
        kubernetes_validate(&out.path, &out.contents);
        let mut d = docs(&out.contents);
        let kinds: Vec<&str> = d.iter().map(|d| d["kind"].as_str().unwrap()).collect();
        if form_toml.contains("[rollout]") {
            // A namespace clusters do not have comes first, at the level hostPath pods need.
            assert_eq!(kinds, ["Namespace", "ConfigMap", "Secret", "DaemonSet"]);
            let ns = d.remove(0);
            assert_eq!(ns["apiVersion"].as_str(), Some("v1"));
            assert_eq!(ns["metadata"]["name"].as_str(), Some("pullfix"));
            assert!(ns["metadata"].get("namespace").is_none(), "a Namespace is cluster-scoped");
            for mode in ["enforce", "audit", "warn"] {
                let label = format!("pod-security.kubernetes.io/{mode}");
                assert_eq!(ns["metadata"]["labels"][label.as_str()].as_str(), Some("privileged"), "{mode}");
            }
            assert!(out.instructions.contains("creates namespace pullfix first"), "{}", out.instructions);
            // kubectl itself reads the file (offline) as these objects, in this order.
            assert_eq!(
                kubectl_reads(&out.contents),
                [
                    ("Namespace".to_owned(), "pullfix".to_owned(), "privileged".to_owned()),
                    ("ConfigMap".to_owned(), "registry-files".to_owned(), String::new()),
                    ("Secret".to_owned(), "registry-files".to_owned(), String::new()),
                    ("DaemonSet".to_owned(), "registry-files".to_owned(), String::new()),
                ]
            );
        } else {
            assert_eq!(kinds, ["ConfigMap", "Secret", "DaemonSet"]);
            assert!(!out.instructions.contains("creates namespace"), "{}", out.instructions);
        }
        let pod = &d[2]["spec"]["template"]["spec"];
        assert_eq!(pod["containers"][0]["command"][2].as_str().unwrap(), rollout::SYNC_SCRIPT);
        if form_toml.contains("[rollout]") {
            assert_eq!(d[2]["metadata"]["namespace"].as_str(), Some("pullfix"));
            assert_eq!(pod["tolerations"].as_sequence().unwrap().len(), 2);
            assert_eq!(pod["nodeSelector"]["node-role.kubernetes.io/worker"].as_str(), Some(""));
            assert_eq!(pod["imagePullSecrets"][0]["name"].as_str(), Some("regcred"));
            assert_eq!(pod["containers"][0]["image"].as_str(), Some("harbor.example.net/library/busybox:1.36"));
        } else {
            assert_eq!(d[2]["metadata"]["namespace"].as_str(), Some("kube-system"));
            assert_eq!(pod["tolerations"][0]["operator"].as_str(), Some("Exists"));
            assert_eq!(pod["nodeSelector"]["kubernetes.io/os"].as_str(), Some("linux"));
            assert_eq!(pod["containers"][0]["image"].as_str(), Some(rollout::DEFAULT_IMAGE));
        }
        // hostPath volumes: certs.d, and the one directory outside it.
        let host_paths: Vec<&str> =
            pod["volumes"].as_sequence().unwrap().iter().filter_map(|v| v["hostPath"]["path"].as_str()).collect();
        assert_eq!(host_paths, ["/etc/containerd/certs.d", &format!("/{}", HOSTILE_PATH.rsplit_once('/').unwrap().0)]);
        assert!(out.instructions.contains("config_path"), "{}", out.instructions);
        assert!(out.instructions.contains("systemctl restart containerd"));
    }
}

/// The objects kubectl reads from a multi-document file, offline (`kubectl patch --local`
/// with an empty patch prints each one): kind, name and the Pod Security `enforce` label.
fn kubectl_reads(yaml: &str) -> Vec<(String, String, String)> {
    let dir = tempdir();
    let file = dir.path().join("rollout.yaml");
    std::fs::write(&file, yaml).unwrap();
    let out = Command::new("kubectl")
        .env("PATH", tools_path())
        .args(["patch", "--local", "--type=merge", "-p", "{}", "-o", "json", "-f"])
        .arg(&file)
        .output()
        .expect("kubectl not found: run scripts/setup.sh");
    assert!(out.status.success(), "kubectl: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    serde_json::Deserializer::from_str(&text)
        .into_iter::<serde_json::Value>()
        .map(|o| {
            let o = o.unwrap();
            let field = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
            let enforce = &o["metadata"]["labels"]["pod-security.kubernetes.io/enforce"];
            (field(&o["kind"]), field(&o["metadata"]["name"]), field(enforce))
        })
        .collect()
}

#[test]
fn namespaces_every_cluster_has_are_neither_created_nor_relabelled() {
    let files = engine_like_files();
    for ns in rollout::BUILT_IN_NAMESPACES {
        let out = rollout_yaml(&format!("[rollout]\nnamespace = \"{ns}\""), &files);
        kubernetes_validate(&out.path, &out.contents);
        let d = docs(&out.contents);
        let kinds: Vec<&str> = d.iter().map(|d| d["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["ConfigMap", "Secret", "DaemonSet"], "{ns}");
        assert!(d.iter().all(|d| d["metadata"]["namespace"].as_str() == Some(ns)));
        // Outside kube-system the note says what the namespace must allow.
        assert_eq!(out.instructions.contains("must allow privileged pods"), ns != "kube-system", "{ns}");
    }
}

#[test]
fn no_daemonset_for_targets_without_hosts_toml() {
    let files = engine_like_files();
    for toml in ["containerd = \"1.4\"", "containerd = \"1.6\"\nlegacy_config = true"] {
        let form = form(toml);
        let (checked, mut d) = checked(&form);
        let r = rollout::check(&form.rollout, &mut d);
        assert!(rollout::render(&checked, &r, &files, &mut d).is_empty());
        assert!(d.iter().any(|d| d.code == "rollout.needs-hosts-toml"), "{d:?}");
    }
}

/// Lays the ConfigMap and Secret out as the kubelet projects them.
fn project(d: &[Value], cm_dir: &Path, secret_dir: &Path) {
    for (dir, doc, key) in [(cm_dir, &d[0], "data"), (secret_dir, &d[1], "stringData")] {
        std::fs::create_dir_all(dir).unwrap();
        for e in std::fs::read_dir(dir).unwrap() {
            std::fs::remove_file(e.unwrap().path()).unwrap();
        }
        for (k, v) in doc[key].as_mapping().unwrap() {
            std::fs::write(dir.join(k.as_str().unwrap()), v.as_str().unwrap()).unwrap();
        }
    }
}

fn run_sync(script: &str, cm: &Path, secret: &Path, root: &Path) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("PULLFIX_SRC", cm)
        .env("PULLFIX_SECRETS", secret)
        .env("PULLFIX_ROOT", root)
        .env("PULLFIX_ONCE", "1")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(!text.contains("could not") && !text.contains("incomplete"), "{text}");
    text
}

fn expected_tree(files: &[&OutputFile], state: &str) -> Vec<(String, Vec<u8>, u32)> {
    let mut t: Vec<(String, Vec<u8>, u32)> =
        files.iter().map(|f| (f.path.clone(), f.contents.as_bytes().to_vec(), f.mode())).collect();
    t.push(("etc/containerd/certs.d/.pullfix-managed".into(), state.as_bytes().to_vec(), 0o644));
    t.sort();
    t
}

/// The DaemonSet of a 1.7 form over `files`, its ConfigMap and Secret projected into temp
/// dirs as the kubelet would, and the container's script.
struct Synced {
    d: Vec<Value>,
    script: String,
    tmp: tempfile::TempDir,
    cm: std::path::PathBuf,
    secret: std::path::PathBuf,
    root: std::path::PathBuf,
}

fn sync_setup(files: &[pullfix_core::OutputFile]) -> Synced {
    let out = rollout_yaml("containerd = \"1.7\"", files);
    let d = docs(&out.contents);
    let script = d[2]["spec"]["template"]["spec"]["containers"][0]["command"][2].as_str().unwrap().to_owned();
    let tmp = tempdir();
    let (cm, secret, root) = (tmp.path().join("cm"), tmp.path().join("secret"), tmp.path().join("host"));
    project(&d, &cm, &secret);
    Synced { d, script, tmp, cm, secret, root }
}

#[test]
fn the_container_installs_exactly_the_rendered_files_and_keeps_them_in_sync() {
    let files = engine_like_files();
    let installed = rollout::node_files(&files);
    let Synced { d, script, tmp: _tmp, cm, secret, root } = sync_setup(&files);
    // A hand-written hosts.toml already on the node: replaced, and kept as a backup.
    let harbor = root.join("etc/containerd/certs.d/harbor.example.net/hosts.toml");
    std::fs::create_dir_all(harbor.parent().unwrap()).unwrap();
    std::fs::write(&harbor, "server = \"https://old\"\n").unwrap();
    let log = run_sync(&script, &cm, &secret, &root);
    assert!(log.contains("backed up /etc/containerd/certs.d/harbor.example.net/hosts.toml"), "{log}");
    let backup = harbor.with_file_name("hosts.toml.pullfix-backup");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), "server = \"https://old\"\n");
    std::fs::remove_file(&backup).unwrap();
    let state: String = installed.iter().map(|f| format!("/{}\n", f.path)).collect();
    assert_eq!(tree(&root), expected_tree(&installed, &state));

    // A second pass changes nothing.
    let log = run_sync(&script, &cm, &secret, &root);
    assert!(!log.contains("installed"), "{log}");
    assert_eq!(tree(&root), expected_tree(&installed, &state));

    // The ConfigMap changes: one file edited, one gone. The node follows.
    let mut d2 = d.clone();
    let data = d2[0]["data"].as_mapping_mut().unwrap();
    let manifest = data[&Value::from("manifest")].as_str().unwrap().to_owned();
    let (gone_line, kept): (Vec<&str>, Vec<&str>) = manifest.lines().partition(|l| l.contains("10.50.1.104"));
    assert_eq!(gone_line.len(), 1);
    let gone_key = gone_line[0].split(' ').next().unwrap().to_owned();
    data.remove(Value::from(gone_key.as_str()));
    data.insert(Value::from("manifest"), Value::from(kept.iter().map(|l| format!("{l}\n")).collect::<String>()));
    let edited_key =
        kept.iter().find(|l| l.contains("harbor.example.net/hosts.toml")).unwrap().split(' ').next().unwrap();
    data.insert(Value::from(edited_key), Value::from("server = \"https://harbor.example.net\"\n# edited\n"));
    project(&d2, &cm, &secret);
    let log = run_sync(&script, &cm, &secret, &root);
    assert!(log.contains("removed /etc/containerd/certs.d/10.50.1.104:5000/hosts.toml"), "{log}");
    assert!(!root.join("etc/containerd/certs.d/10.50.1.104:5000/hosts.toml").exists());
    assert_eq!(std::fs::read_to_string(&harbor).unwrap(), "server = \"https://harbor.example.net\"\n# edited\n");
    assert!(!backup.exists(), "a file the DaemonSet wrote itself is not backed up");
}

// ---- node-setup.sh ----

fn hostile_plan_files() -> (Vec<OutputFile>, OutputFile) {
    let files = engine_like_files();
    let merged = node_file(
        node_script::MERGED_PATH,
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".auth]\n  username = \"robot$ci\"\n  password = \"pa'ss$(touch PWNED_PW)`id` \\\"x\\\" ü\"\n",
        FileKind::ContainerdConfig,
        true,
    );
    (files, merged)
}

fn script_for(files: &[OutputFile], merged: Option<&OutputFile>, verify: Option<&str>) -> String {
    let installed = rollout::node_files(files);
    node_script::script(&Plan {
        target: "1.7",
        files: &installed,
        merged_config: merged,
        config_block: files.iter().find(|f| f.kind == FileKind::ContainerdConfig),
        config_path: Some("/etc/containerd/certs.d"),
        refuses_legacy_tls: true,
        block_extras: false,
        verify_image: verify,
    })
}

#[test]
fn node_script_passes_bash_n_and_shellcheck() {
    let (files, merged) = hostile_plan_files();
    for script in [
        script_for(&files, Some(&merged), Some("harbor.example.net/library/busybox:1.36")),
        script_for(&files, None, None),
    ] {
        let dir = tempdir();
        let path = dir.path().join("node-setup.sh");
        std::fs::write(&path, &script).unwrap();
        let out = Command::new("bash").arg("-n").arg(&path).output().unwrap();
        assert!(out.status.success(), "bash -n: {}", String::from_utf8_lossy(&out.stderr));
        shellcheck(&path, "bash");
    }
}

struct Run {
    calls: String,
    stdout: String,
    stderr: String,
    ok: bool,
}

fn run_node_script(script: &str, root: &Path, cwd: &Path, stubs: &Path) -> Run {
    let run = try_node_script(script, root, cwd, stubs);
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    run
}

/// Runs the script with ROOT and the stubs first on PATH, whatever its exit status.
fn try_node_script(script: &str, root: &Path, cwd: &Path, stubs: &Path) -> Run {
    let log = stubs.join("calls.log");
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(cwd)
        .env("ROOT", root)
        .env("PULLFIX_TEST_LOG", &log)
        .env("PATH", format!("{}:{}", stubs.display(), std::env::var("PATH").unwrap()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    Run { calls, stdout, stderr, ok: out.status.success() }
}

fn stub_dir(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for tool in ["systemctl", "crictl"] {
        let p = dir.join(tool);
        std::fs::write(&p, format!("#!/bin/sh\nprintf '%s\\n' \"{tool} $*\" >> \"$PULLFIX_TEST_LOG\"\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// The script stopped before containerd's restart and the verify pull, and its preview
/// does not claim it would do them either.
#[track_caller]
fn assert_stopped_before_acting(run: &Run, case: &str) {
    assert!(run.calls.is_empty(), "{case}: no restart and no verify pull: {}", run.calls);
    assert!(!run.stdout.contains("would restart") && !run.stdout.contains("would verify"), "{case}: {}", run.stdout);
}

/// What a preview prints instead of pulling `image`.
fn would_verify(image: &str) -> String {
    format!("would verify with: crictl --runtime-endpoint {} pull {image}\n", node_script::CONTAINERD_SOCKET)
}

const WOULD_RESTART: &str = "would restart containerd (config.toml changed)\n";

fn assert_no_pwned(dir: &Path) {
    for (path, _, _) in tree(dir) {
        assert!(!path.contains("PWNED") || path.contains("$(touch PWNED_PATH)"), "a value was executed: {path}");
    }
}

#[test]
fn node_script_writes_every_file_with_its_mode_and_expands_nothing() {
    let (files, merged) = hostile_plan_files();
    let image = "harbor.example.net/library/busybox:1.36";
    let script = script_for(&files, Some(&merged), Some(image));
    let tmp = tempdir();
    let (root, cwd, stubs) = (tmp.path().join("root"), tmp.path().join("cwd"), tmp.path().join("stubs"));
    std::fs::create_dir_all(&cwd).unwrap();
    stub_dir(&stubs);
    // An existing config.toml: backed up before it is replaced.
    std::fs::create_dir_all(root.join("etc/containerd")).unwrap();
    std::fs::write(root.join("etc/containerd/config.toml"), "version = 2\n# old\n").unwrap();

    let run = run_node_script(&script, &root, &cwd, &stubs);
    assert_eq!(run.calls, "", "a preview (ROOT) restarts nothing and pulls nothing");
    assert!(run.stdout.contains(WOULD_RESTART) && run.stdout.contains(&would_verify(image)), "{}", run.stdout);
    let config = format!("{}/etc/containerd/config.toml", root.display());
    assert!(run.stdout.contains(&format!("backed up: {config} -> {config}.pullfix-backup-")), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("wrote: {config} (mode 0600)")), "{}", run.stdout);
    let mut expected: BTreeMap<String, (Vec<u8>, u32)> = rollout::node_files(&files)
        .iter()
        .map(|f| (f.path.clone(), (f.contents.as_bytes().to_vec(), f.mode())))
        .collect();
    expected.insert("etc/containerd/config.toml".into(), (merged.contents.as_bytes().to_vec(), 0o600));
    let mut backups = Vec::new();
    let mut got = BTreeMap::new();
    for (path, bytes, mode) in tree(&root) {
        if path.contains(".pullfix-backup-") {
            backups.push((path, bytes));
        } else {
            got.insert(path, (bytes, mode));
        }
    }
    assert_eq!(got, expected);
    assert_eq!(backups.len(), 1);
    assert!(backups[0].0.starts_with("etc/containerd/config.toml.pullfix-backup-"));
    assert_eq!(backups[0].1, b"version = 2\n# old\n");
    if unsafe_is_root() {
        let md = std::fs::metadata(root.join("etc/containerd/config.toml")).unwrap();
        assert_eq!((md.uid(), md.gid()), (0, 0));
    }
    assert_no_pwned(&root);
    assert_no_pwned(&cwd);
    assert!(tree(&cwd).is_empty(), "nothing is written outside ROOT");

    // Run again: nothing changed, so no restart and no new backup; still verifies.
    let run = run_node_script(&script, &root, &cwd, &stubs);
    assert_eq!(run.calls, "");
    assert!(!run.stdout.contains("would restart") && run.stdout.contains(&would_verify(image)), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("unchanged: {config}\n")), "{}", run.stdout);
    assert_eq!(tree(&root).iter().filter(|(p, _, _)| p.contains(".pullfix-backup-")).count(), 1);
}

#[test]
fn without_a_merged_config_a_config_toml_with_config_path_is_left_alone() {
    let (files, _) = hostile_plan_files();
    let script = script_for(&files, None, None);
    let tmp = tempdir();
    let (root, stubs) = (tmp.path().join("root"), tmp.path().join("stubs"));
    stub_dir(&stubs);
    let own = "version = 2\n# the node's own\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/docker/certs.d:/etc/containerd/certs.d/\"\n";
    std::fs::create_dir_all(root.join("etc/containerd")).unwrap();
    std::fs::write(root.join("etc/containerd/config.toml"), own).unwrap();
    let run = run_node_script(&script, &root, tmp.path(), &stubs);
    assert_eq!(run.calls, "");
    assert!(run.stdout.contains("already sets config_path"), "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(root.join("etc/containerd/config.toml")).unwrap(), own);
    assert_eq!(tree(&root).len(), rollout::node_files(&files).len() + 1);
}

fn unsafe_is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false)
}

// ---- the whole pipeline: `pullfix generate`, then the DaemonSet and the node script ----

const PIPELINE_FORM: &str = concat!(
    r#"containerd = "1.7"
[[registry]]
host = "harbor.example.net"
ca_pem = """"#,
    include_str!("fixtures/certs/example-harbor-ca.pem"),
    r#""""
username = "robot$ci"
password = "p'w $(touch PWNED)"
node_auth = true
[[registry]]
host = "docker.io"
[[registry.mirror]]
url = "https://harbor.example.net/v2/dockerhub-proxy"
override_path = true
[[registry]]
host = "10.50.1.104:5000"
scheme = "http"
[[registry]]
host = "quay.io"
ca_file = "/opt/pullfix certs/it's-ü.crt"
ca_pem = """"#,
    include_str!("fixtures/certs/example-harbor-ca.pem"),
    r#""""
[rollout]
daemonset = true
node_script = true
verify_image = "harbor.example.net/library/busybox:1.36"
"#
);

#[test]
fn generate_daemonset_and_node_script_put_the_same_files_on_a_node() {
    let tmp = tempdir();
    let out_dir = generate_out(tmp.path(), PIPELINE_FORM);

    // What generate wrote for the node's certs.d and CA files (config.toml is a block to merge).
    let rendered = pullfix_core::render(&form(PIPELINE_FORM));
    let node: Vec<String> = rollout::node_files(&rendered.files).iter().map(|f| f.path.clone()).collect();
    assert_eq!(node.len(), 6, "four hosts.toml and two CA files: {node:?}");
    let generated: Vec<(String, Vec<u8>, u32)> =
        tree(&out_dir).into_iter().filter(|(p, _, _)| node.contains(p)).collect();
    assert_eq!(generated.len(), node.len());

    // Every Kubernetes object (YAML) generate wrote passes kubernetes-validate --strict.
    let k8s: Vec<_> =
        tree(&out_dir).into_iter().filter(|(p, _, _)| p.starts_with("k8s/") && p.ends_with(".yaml")).collect();
    assert!(k8s.iter().any(|(p, _, _)| p == "k8s/rollout/pullfix-node-files.yaml"));
    for (path, bytes, _) in &k8s {
        kubernetes_validate(path, std::str::from_utf8(bytes).unwrap());
    }

    // The DaemonSet's container, run against a temp dir standing for the hostPath.
    let yaml = std::fs::read_to_string(out_dir.join("k8s/rollout/pullfix-node-files.yaml")).unwrap();
    let d = docs(&yaml);
    assert_eq!(d.len(), 2, "no Secret: nothing sensitive among the node files");
    let script = d[1]["spec"]["template"]["spec"]["containers"][0]["command"][2].as_str().unwrap();
    let (cm, secret, host) = (tmp.path().join("cm"), tmp.path().join("secret"), tmp.path().join("host"));
    std::fs::create_dir_all(&cm).unwrap();
    for (k, v) in d[0]["data"].as_mapping().unwrap() {
        std::fs::write(cm.join(k.as_str().unwrap()), v.as_str().unwrap()).unwrap();
    }
    run_sync(script, &cm, &secret, &host);
    let by_daemonset: Vec<_> = tree(&host).into_iter().filter(|(p, _, _)| !p.ends_with(".pullfix-managed")).collect();
    assert_eq!(by_daemonset, generated);

    // The node script, run with ROOT and stubbed systemctl/crictl.
    let stubs = tmp.path().join("stubs");
    stub_dir(&stubs);
    let script = std::fs::read_to_string(out_dir.join("node-setup.sh")).unwrap();
    shellcheck(&out_dir.join("node-setup.sh"), "bash");
    // A fresh node (no config.toml): the block is installed as the node's config.toml.
    let root = tmp.path().join("root");
    let run = run_node_script(&script, &root, tmp.path(), &stubs);
    let block = std::fs::read(out_dir.join("etc/containerd/config.toml")).unwrap();
    let mut expected = generated.clone();
    expected.push(("etc/containerd/config.toml".to_owned(), block, 0o600));
    expected.sort();
    assert_eq!(tree(&root), expected);
    assert_eq!(run.calls, "", "a preview (ROOT) restarts nothing and pulls nothing");
    assert!(run.stdout.contains(WOULD_RESTART), "{}", run.stdout);
    assert!(run.stdout.contains(&would_verify("harbor.example.net/library/busybox:1.36")), "{}", run.stdout);
    assert!(!tmp.path().join("PWNED").exists());
}

#[test]
fn daemonset_script_passes_sh_n_and_shellcheck() {
    let dir = tempdir();
    let path = dir.path().join("sync.sh");
    std::fs::write(&path, rollout::SYNC_SCRIPT).unwrap();
    let out = Command::new("sh").arg("-n").arg(&path).output().unwrap();
    assert!(out.status.success(), "sh -n: {}", String::from_utf8_lossy(&out.stderr));
    shellcheck(&path, "sh");
}

#[test]
fn a_merged_config_from_the_merge_feature_is_installed_and_restarts_containerd() {
    let form = form(PIPELINE_FORM);
    let rendered = pullfix_core::render(&form);
    let merged =
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
    let f = node_script::with_merged_config(&form, &rendered.files, merged, true).expect("a script");
    assert_eq!(f.path, "node-setup.sh");
    assert!(f.sensitive);
    let tmp = tempdir();
    let (root, stubs) = (tmp.path().join("root"), tmp.path().join("stubs"));
    stub_dir(&stubs);
    let run = run_node_script(&f.contents, &root, tmp.path(), &stubs);
    assert_eq!(run.calls, "", "a preview (ROOT) restarts nothing and pulls nothing");
    assert!(run.stdout.contains(WOULD_RESTART), "{}", run.stdout);
    let md = std::fs::metadata(root.join("etc/containerd/config.toml")).unwrap();
    assert_eq!(md.permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::read_to_string(root.join("etc/containerd/config.toml")).unwrap(), merged);
    assert_eq!(tree(&root).len(), rollout::node_files(&rendered.files).len() + 1);
}

// ---- node-setup.sh from `pullfix generate`: config_path on fresh and default nodes (review M8) ----

/// The installed containerd's `config dump` of a config file (the installed 1.6 reads
/// every version 2 file, whatever 1.x the form targets).
fn containerd_dump(path: &Path) -> toml_edit::DocumentMut {
    let o = Command::new("containerd").arg("--config").arg(path).args(["config", "dump"]).output().unwrap();
    assert!(o.status.success(), "containerd refuses {}: {}", path.display(), String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().parse().unwrap()
}

#[test]
fn generated_node_script_installs_the_block_on_a_fresh_node_and_is_sensitive() {
    let tmp = tempdir();
    let out_dir = generate_out(tmp.path(), PIPELINE_FORM);
    let script_path = out_dir.join("node-setup.sh");
    let mode = std::fs::metadata(&script_path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the script carries the node credentials of the config block");
    let script = std::fs::read_to_string(&script_path).unwrap();
    let stubs = tmp.path().join("stubs");
    stub_dir(&stubs);
    let root = tmp.path().join("root");
    run_node_script(&script, &root, tmp.path(), &stubs);
    // What containerd reads on that node: config_path on, the node credentials, and
    // containerd's defaults for everything else (a complete config, not a fragment).
    let dump = containerd_dump(&root.join("etc/containerd/config.toml"));
    let cri = &dump["plugins"]["io.containerd.grpc.v1.cri"];
    assert_eq!(cri["registry"]["config_path"].as_str(), Some("/etc/containerd/certs.d"));
    assert_eq!(cri["registry"]["configs"]["harbor.example.net"]["auth"]["username"].as_str(), Some("robot$ci"));
    assert_eq!(cri["containerd"]["snapshotter"].as_str(), Some("overlayfs"));
    assert_eq!(dump["grpc"]["address"].as_str(), Some("/run/containerd/containerd.sock"));
    // Second run: nothing changes, no restart.
    let run = run_node_script(&script, &root, tmp.path(), &stubs);
    assert!(
        run.stdout.contains(&format!("unchanged: {}/etc/containerd/config.toml\n", root.display())),
        "{}",
        run.stdout
    );
    assert!(!run.calls.contains("systemctl") && !run.stdout.contains("would restart"), "{}{}", run.calls, run.stdout);
    assert_eq!(tree(&root).iter().filter(|(p, _, _)| p.contains("pullfix-backup")).count(), 0);
}

/// A node root under `run_dir` whose /etc/containerd/config.toml is `config`, and the stub
/// directory for its commands; with `hide_containerd` the stub `containerd` fails (exit
/// 127), so the script reads the file's text instead of asking containerd.
fn node_with_config(run_dir: &Path, config: &[u8], hide_containerd: bool) -> (PathBuf, PathBuf) {
    let (root, stubs) = (run_dir.join("root"), run_dir.join("stubs"));
    stub_dir(&stubs);
    if hide_containerd {
        let p = stubs.join("containerd");
        std::fs::write(&p, "#!/bin/sh\nexit 127\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::create_dir_all(root.join("etc/containerd")).unwrap();
    std::fs::write(root.join("etc/containerd/config.toml"), config).unwrap();
    (root, stubs)
}

#[test]
fn generated_node_script_stops_before_the_verify_pull_when_config_path_is_off() {
    let tmp = tempdir();
    let out_dir = generate_out(tmp.path(), PIPELINE_FORM);
    let script = std::fs::read_to_string(out_dir.join("node-setup.sh")).unwrap();
    // containerd 1.6's own `config default`: config_path = "".
    let default = Command::new("containerd").args(["config", "default"]).output().unwrap();
    assert!(default.status.success());
    for hide_containerd in [false, true] {
        let run_dir = tmp.path().join(format!("run-{hide_containerd}"));
        let (root, stubs) = node_with_config(&run_dir, &default.stdout, hide_containerd);
        let run = try_node_script(&script, &root, &run_dir, &stubs);
        assert!(!run.ok, "must fail: {}", run.stdout);
        assert!(run.stderr.contains("does not set config_path = \"/etc/containerd/certs.d\""), "{}", run.stderr);
        assert_stopped_before_acting(&run, &format!("containerd hidden: {hide_containerd}"));
        assert_eq!(std::fs::read(root.join("etc/containerd/config.toml")).unwrap(), default.stdout, "left alone");
    }
    // A version-less file with the v2 keys: containerd ignores the section, and so does the check.
    let root = tmp.path().join("root-v1");
    let stubs = tmp.path().join("stubs-v1");
    stub_dir(&stubs);
    std::fs::create_dir_all(root.join("etc/containerd")).unwrap();
    std::fs::write(
        root.join("etc/containerd/config.toml"),
        "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n",
    )
    .unwrap();
    let run = try_node_script(&script, &root, tmp.path(), &stubs);
    assert!(!run.ok, "{}{}", run.stdout, run.stderr);
    assert_stopped_before_acting(&run, "version-less");
    // config_path with inline mirrors beside it: containerd does not load its CRI plugin.
    let registry =
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
    for file in [
        format!("{registry}[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\n  endpoint = [\"https://m.example\"]\n"),
        format!("{registry}  mirrors.'docker.io'.endpoint = [\"https://m.example\"]\n"),
    ] {
        file.parse::<toml_edit::DocumentMut>().expect("valid TOML");
        let root = tmp.path().join("root-mixed");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("etc/containerd")).unwrap();
        std::fs::write(root.join("etc/containerd/config.toml"), &file).unwrap();
        let run = try_node_script(&script, &root, tmp.path(), &stubs);
        assert!(!run.ok, "{}{}", run.stdout, run.stderr);
        assert_stopped_before_acting(&run, "inline mirrors");
        assert!(run.stderr.contains("inline registry.mirrors"), "{}", run.stderr);
    }
}

/// The review's node-setup.sh cases (review4 story L1): what containerd refuses beside
/// `config_path` (any `mirrors` entry; on 1.x any `configs.<host>.tls`) in every TOML
/// spelling, and what it does not (comments, auth, an empty `mirrors`), checked through
/// `containerd config dump` and, with containerd hidden, through the file's text alike.
#[test]
fn generated_node_script_stops_for_every_legacy_setting_refused_beside_config_path() {
    let tmp = tempdir();
    let form = "containerd = \"1.6.20\"\n[[registry]]\nhost = \"harbor.example.net\"\nskip_verify = true\n[rollout]\nnode_script = true\n";
    let script = std::fs::read_to_string(generate_out(tmp.path(), form).join("node-setup.sh")).unwrap();
    std::fs::create_dir_all(tmp.path().join("2x")).unwrap();
    let script_2x = std::fs::read_to_string(
        generate_out(&tmp.path().join("2x"), &form.replace("1.6.20", "2.1")).join("node-setup.sh"),
    )
    .unwrap();
    for s in [&script, &script_2x] {
        let path = tmp.path().join("check.sh");
        std::fs::write(&path, s).unwrap();
        shellcheck(&path, "bash");
    }
    // containerd 1.6's own `config default` with config_path set, as on the review's nodes.
    let default = Command::new("containerd").args(["config", "default"]).output().unwrap();
    assert!(default.status.success());
    let default = String::from_utf8(default.stdout)
        .unwrap()
        .replace("config_path = \"\"", "config_path = \"/etc/containerd/certs.d\"");
    let after = |table: &str, add: &str| {
        let header = format!("[plugins.\"io.containerd.grpc.v1.cri\".registry.{table}]\n");
        assert!(default.contains(&header), "{header}");
        default.replacen(&header, &format!("{header}{add}"), 1)
    };
    let small = |add: &str| {
        format!("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n{add}")
    };
    let tls = "[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".tls]\n  insecure_skip_verify = true\n";
    // (name, config.toml, refused by 1.x, refused by 2.x)
    let cases = [
        ("nsroot-tls", after("configs", tls), true, false),
        ("nsroot-inline", after("mirrors", "  \"docker.io\" = { endpoint = [\"https://docker.mirrors.ustc.edu.cn\"] }\n"), true, true),
        (
            "nsroot-comment",
            after("mirrors", "  # [plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\n  #   endpoint = [\"https://registry-1.docker.io\"]\n"),
            false,
            false,
        ),
        ("dotted-tls", small("  configs.\"harbor.example.net\".tls.insecure_skip_verify = true\n"), true, false),
        ("inline-tls", small("  configs = { \"harbor.example.net\" = { tls = { ca_file = \"/ca.pem\" } } }\n"), true, false),
        (
            "host-table-tls",
            small("[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\"]\n  tls = { insecure_skip_verify = true }\n"),
            true,
            false,
        ),
        ("inline-mirrors", small("  mirrors = { \"docker.io\" = { endpoint = [\"https://m.example\"] } }\n"), true, true),
        ("empty-mirrors", small("  mirrors = {}\n"), false, false),
        (
            "auth-only",
            small("[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"tls.example.net\".auth]\n  username = \"u\"\n  password = \"p\"\n"),
            false,
            false,
        ),
    ];
    for (name, text, refused_1x, refused_2x) in cases {
        text.parse::<toml_edit::DocumentMut>().unwrap_or_else(|e| panic!("{name}: {e}"));
        for (script, refused, target) in [(&script, refused_1x, "1.6.20"), (&script_2x, refused_2x, "2.1")] {
            for hide_containerd in [false, true] {
                let run_dir = tmp.path().join(format!("{name}-{target}-{hide_containerd}"));
                let (root, stubs) = node_with_config(&run_dir, text.as_bytes(), hide_containerd);
                let run = try_node_script(script, &root, &run_dir, &stubs);
                let case = format!("{name} on {target} (containerd hidden: {hide_containerd})");
                assert_eq!(!run.ok, refused, "{case}:\n{}{}", run.stdout, run.stderr);
                assert!(run.calls.is_empty(), "{case}: no restart: {}", run.calls);
                assert!(!run.stdout.contains("would restart"), "{case}: {}", run.stdout);
                if refused {
                    assert!(run.stderr.contains("does not load its CRI plugin"), "{case}: {}", run.stderr);
                    assert!(
                        run.stderr.contains("\n  plugins.\"io.containerd.grpc.v1.cri\".registry."),
                        "{case}: {}",
                        run.stderr
                    );
                } else {
                    assert!(run.stdout.contains("already sets config_path"), "{case}: {}", run.stdout);
                }
            }
        }
    }
}

#[test]
fn a_file_leaving_the_configmap_gives_the_node_its_hand_written_original_back() {
    let files = engine_like_files();
    let Synced { d, script, tmp: _tmp, cm, secret, root } = sync_setup(&files);
    let harbor = root.join("etc/containerd/certs.d/harbor.example.net/hosts.toml");
    let original = "server = \"https://harbor.example.net\"\n# written by hand\n";
    std::fs::create_dir_all(harbor.parent().unwrap()).unwrap();
    std::fs::write(&harbor, original).unwrap();
    run_sync(&script, &cm, &secret, &root);
    assert_ne!(std::fs::read_to_string(&harbor).unwrap(), original);
    // The harbor entry leaves the ConfigMap.
    let mut d2 = d.clone();
    let data = d2[0]["data"].as_mapping_mut().unwrap();
    let manifest = data[&Value::from("manifest")].as_str().unwrap().to_owned();
    let kept: String =
        manifest.lines().filter(|l| !l.ends_with("/harbor.example.net/hosts.toml")).map(|l| format!("{l}\n")).collect();
    assert_eq!(kept.lines().count() + 1, manifest.lines().count());
    data.insert(Value::from("manifest"), Value::from(kept));
    project(&d2, &cm, &secret);
    let log = run_sync(&script, &cm, &secret, &root);
    assert!(log.contains("restored /etc/containerd/certs.d/harbor.example.net/hosts.toml"), "{log}");
    assert_eq!(std::fs::read_to_string(&harbor).unwrap(), original);
    assert!(!harbor.with_file_name("hosts.toml.pullfix-backup").exists());
    // A file the DaemonSet created itself (no original) is simply removed, as before.
    let mut d3 = d2.clone();
    let data = d3[0]["data"].as_mapping_mut().unwrap();
    let manifest = data[&Value::from("manifest")].as_str().unwrap().to_owned();
    let kept: String = manifest.lines().filter(|l| !l.contains("10.50.1.104")).map(|l| format!("{l}\n")).collect();
    data.insert(Value::from("manifest"), Value::from(kept));
    project(&d3, &cm, &secret);
    let log = run_sync(&script, &cm, &secret, &root);
    assert!(log.contains("removed /etc/containerd/certs.d/10.50.1.104:5000/hosts.toml"), "{log}");
    assert!(!root.join("etc/containerd/certs.d/10.50.1.104:5000/hosts.toml").exists());
    // A third pass: the restored original stays, and is not backed up or touched again.
    let log = run_sync(&script, &cm, &secret, &root);
    assert!(!log.contains("harbor.example.net/hosts.toml"), "{log}");
    assert_eq!(std::fs::read_to_string(&harbor).unwrap(), original);
}

/// Review 10, L3: with a containerd on the node that cannot load config.toml (1.7.24 and a
/// version 3 file: it would not start), node-setup.sh stops with containerd's own error
/// instead of reading the file's text.
#[test]
fn generated_node_script_stops_when_containerd_cannot_load_config_toml() {
    let tmp = tempdir();
    let out_dir = generate_out(tmp.path(), PIPELINE_FORM);
    let script = std::fs::read_to_string(out_dir.join("node-setup.sh")).unwrap();
    let bin = std::env::var("PULLFIX_CONTAINERD_1_7").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/pullfix-tools/containerd/1.7.24/bin")
    });
    assert!(bin.join("containerd").exists(), "containerd 1.7.24 (scripts/setup.sh) at {}", bin.display());
    let v3 = "version = 3\n[plugins.\"io.containerd.cri.v1.images\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
    let (root, stubs) = node_with_config(tmp.path(), v3.as_bytes(), false);
    std::os::unix::fs::symlink(bin.join("containerd"), stubs.join("containerd")).unwrap();
    let run = try_node_script(&script, &root, tmp.path(), &stubs);
    assert!(!run.ok, "{}", run.stdout);
    assert!(run.stderr.contains("containerd cannot load"), "{}", run.stderr);
    assert!(run.stderr.contains("unsupported config version `3`"), "{}", run.stderr);
    assert_stopped_before_acting(&run, "version 3 on 1.7.24");
}
