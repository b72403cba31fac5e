//! node-setup.sh's preview (review 12, H1). With `ROOT` set the script writes below ROOT
//! only: it restarts nothing, pulls nothing, and says what it would do. Without ROOT (and
//! with `ROOT=/`) it acts on the node: it restarts containerd and verifies with
//! `crictl pull`. Here "the node" is a private mount namespace whose /etc is a temp dir.
//! systemctl, crictl and containerd are stand-ins on PATH that log every call (containerd's
//! then runs the real one where it is installed), so each test can fail both ways.

#[path = "fleet/support.rs"]
mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use pullfix_core::node_script::CONTAINERD_SOCKET;
use support::{generate_out, shellcheck, tempdir, tree};

const IMAGE: &str = "harbor.example.net/library/busybox:1.36";

/// Only /etc/containerd files on the node, so that a bind mount over /etc holds them all.
const FORM: &str = concat!(
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
[rollout]
node_script = true
verify_image = "harbor.example.net/library/busybox:1.36"
"#
);

/// `pullfix generate` for [`FORM`] (its node-setup.sh shellcheck-clean): the output directory.
fn generate(tmp: &Path) -> PathBuf {
    let out = generate_out(tmp, FORM);
    shellcheck(&out.join("node-setup.sh"), "bash");
    out
}

/// The node files `generate` wrote (the config.toml block included), relative to `/`.
fn node_files(out: &Path) -> Vec<(String, Vec<u8>)> {
    tree(out).into_iter().filter(|(p, _, _)| p.starts_with("etc/")).map(|(p, b, _)| (p, b)).collect()
}

/// Stand-ins for systemctl, crictl and containerd that append `<tool> <args>` to `log`;
/// containerd's then runs the real containerd found on the test's PATH (exit 127 without).
fn stand_ins(dir: &Path, log: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let path = std::env::var("PATH").unwrap();
    for tool in ["systemctl", "crictl", "containerd"] {
        let mut text = format!("#!/bin/sh\nprintf '%s\\n' \"{tool} $*\" >> '{}'\n", log.display());
        if tool == "containerd" {
            text.push_str(&format!("PATH='{path}' exec containerd \"$@\"\n"));
        }
        let p = dir.join(tool);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

struct Run {
    calls: String,
    stdout: String,
    stderr: String,
}

/// Runs `command` (bash and the script) with the stand-ins first on PATH and `root` as
/// ROOT (unset for `None`); the run must succeed.
fn run_script(mut command: Command, root: Option<&str>, cwd: &Path, stubs: &Path, log: &Path) -> Run {
    command.current_dir(cwd).env("PATH", format!("{}:{}", stubs.display(), std::env::var("PATH").unwrap()));
    command.env("TMPDIR", cwd);
    match root {
        Some(r) => command.env("ROOT", r),
        None => command.env_remove("ROOT"),
    };
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stdout}{stderr}");
    let calls = std::fs::read_to_string(log).unwrap_or_default();
    let _ = std::fs::remove_file(log);
    Run { calls, stdout, stderr }
}

/// A generated node-setup.sh to preview: its ROOT (`try`, not created), a working directory
/// and logging stand-ins for systemctl, crictl and containerd, in one temporary directory.
struct Preview {
    tmp: tempfile::TempDir,
    out: PathBuf,
    script: PathBuf,
    root: PathBuf,
    cwd: PathBuf,
    stubs: PathBuf,
    log: PathBuf,
}

fn preview() -> Preview {
    let tmp = tempdir();
    let out = generate(tmp.path());
    let script = out.join("node-setup.sh");
    let (root, cwd, stubs, log) =
        (tmp.path().join("try"), tmp.path().join("cwd"), tmp.path().join("stubs"), tmp.path().join("calls.log"));
    std::fs::create_dir_all(&cwd).unwrap();
    stand_ins(&stubs, &log);
    Preview { tmp, out, script, root, cwd, stubs, log }
}

fn crictl_pull() -> String {
    pullfix_core::shell::command(["crictl", "--runtime-endpoint", CONTAINERD_SOCKET, "pull", IMAGE])
}

#[test]
fn with_root_the_script_writes_below_root_only_and_restarts_and_pulls_nothing() {
    let Preview { tmp, out, script, root, cwd, stubs, log } = preview();
    let r = root.display().to_string();
    let bash = || {
        let mut c = Command::new("bash");
        c.arg(&script);
        c
    };

    // An empty ROOT: the block is installed there as config.toml.
    let run = run_script(bash(), Some(&r), &cwd, &stubs, &log);
    assert!(!run.calls.contains("restart") && !run.calls.contains("pull"), "acted on the node: {}", run.calls);
    assert_eq!(run.calls, "", "no config.toml below ROOT: containerd is not even asked");
    let written: Vec<(String, Vec<u8>)> = tree(&root).into_iter().map(|(p, b, _)| (p, b)).collect();
    let expected = node_files(&out);
    assert_eq!(written, expected, "every node file, below ROOT");
    assert_eq!(expected.len(), 4, "two hosts.toml, a CA file, config.toml: {expected:?}");
    let mode = std::fs::metadata(root.join("etc/containerd/config.toml")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(tree(&cwd).is_empty(), "nothing is written outside ROOT");
    assert!(!cwd.join("PWNED").exists());
    let said = &run.stdout;
    assert!(said.starts_with(&format!("PREVIEW (ROOT={r}): files are written below {r} only;")), "{said}");
    assert!(said.contains(&format!("wrote: {r}/etc/containerd/config.toml (mode 0600)\n")), "{said}");
    assert!(said.contains(&format!("wrote: {r}/etc/containerd/certs.d/harbor.example.net/ca.crt (mode 0644)\n")));
    assert!(
        said.contains(&format!("No /etc/containerd/config.toml under {r} (this node's own is not read)")),
        "{said}"
    );
    assert!(said.contains("\nwould restart containerd (config.toml changed)\n"), "{said}");
    assert!(said.contains(&format!("\n4 file(s) changed under {r}.\n")), "{said}");
    assert!(said.ends_with(&format!("would verify with: {}\n", crictl_pull())), "{said}");
    for live in ["on this node:", "restarting containerd", "verifying:", "the node can pull"] {
        assert!(!said.contains(live), "{live:?} in a preview: {said}");
    }
    // Whether this host has a config.toml of its own decides the note, which says how to
    // preview against it.
    let own = Path::new("/etc/containerd/config.toml").exists();
    assert_eq!(said.contains("Note: this node has its own /etc/containerd/config.toml"), own, "{said}");
    if own {
        assert!(said.contains(&format!("cp -p /etc/containerd/config.toml {r}/etc/containerd/")), "{said}");
    }

    // Again, with a trailing slash: nothing changed, so nothing to restart either.
    let run = run_script(bash(), Some(&format!("{r}/")), &cwd, &stubs, &log);
    assert_eq!(run.calls, "");
    assert!(run.stdout.contains(&format!("unchanged: {r}/etc/containerd/config.toml\n")), "{}", run.stdout);
    assert!(!run.stdout.contains("would restart"), "{}", run.stdout);
    assert!(run.stdout.ends_with(&format!("would verify with: {}\n", crictl_pull())), "{}", run.stdout);

    // A ROOT holding a copy of a node's config.toml that lists config_path: checked
    // (read-only, with this host's containerd where it is installed), left alone, and
    // still neither restarted nor pulled.
    let own_config =
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
    let root2 = tmp.path().join("copy");
    std::fs::create_dir_all(root2.join("etc/containerd")).unwrap();
    std::fs::write(root2.join("etc/containerd/config.toml"), own_config).unwrap();
    let r2 = root2.display().to_string();
    let run = run_script(bash(), Some(&r2), &cwd, &stubs, &log);
    assert!(!run.calls.contains("restart") && !run.calls.contains("pull"), "acted on the node: {}", run.calls);
    let config = format!("{r2}/etc/containerd/config.toml");
    for call in run.calls.lines() {
        assert_eq!(call, format!("containerd --config {config} config dump"), "{}", run.calls);
    }
    assert!(!run.calls.is_empty(), "the check asks containerd");
    let said = &run.stdout;
    assert!(said.contains(&format!("checking {config} with this host's containerd")), "{said}{}", run.stderr);
    assert!(said.contains(&format!("\n{config} already sets config_path")), "{said}");
    assert!(!said.contains("would restart"), "{said}");
    assert!(said.ends_with(&format!("would verify with: {}\n", crictl_pull())), "{said}");
    assert_eq!(std::fs::read_to_string(root2.join("etc/containerd/config.toml")).unwrap(), own_config);
}

/// `unshare --mount`, with a user namespace where the test is not root.
fn unshare() -> Command {
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    let mut c = Command::new("unshare");
    c.arg("--mount");
    if !root {
        c.arg("--map-root-user");
    }
    c
}

/// [`unshare`] running bash: the host's /etc replaced by `etc` for this process only,
/// then the script.
fn on_the_node(etc: &Path, script: &Path) -> Command {
    let mut c = unshare();
    c.args(["bash", "-c", "mount --bind \"$1\" /etc && exec bash \"$2\"", "on-the-node"]).arg(etc).arg(script);
    c
}

#[test]
fn without_root_the_script_restarts_containerd_and_pulls_on_the_node() {
    let tmp = tempdir();
    let out = generate(tmp.path());
    let script = out.join("node-setup.sh");
    let (cwd, stubs, log) = (tmp.path().join("cwd"), tmp.path().join("stubs"), tmp.path().join("calls.log"));
    std::fs::create_dir_all(&cwd).unwrap();
    stand_ins(&stubs, &log);
    let probe = unshare().arg("true").status();
    assert!(
        probe.is_ok_and(|s| s.success()),
        "this test needs `unshare --mount` (root, or user namespaces) to give the script a private /etc"
    );
    let expected: Vec<(String, Vec<u8>)> =
        node_files(&out).into_iter().map(|(p, b)| (p.strip_prefix("etc/").unwrap().to_owned(), b)).collect();
    let pull = crictl_pull();
    // ROOT unset and ROOT=/ both mean the node itself.
    for root in [None, Some("/")] {
        let etc = tmp.path().join(format!("etc-{}", root.is_some()));
        std::fs::create_dir_all(&etc).unwrap();
        let run1 = run_script(on_the_node(&etc, &script), root, &cwd, &stubs, &log);
        let case = format!("ROOT={root:?}");
        assert_eq!(run1.calls, format!("systemctl restart containerd\n{pull}\n"), "{case}: {}", run1.stdout);
        let written: Vec<(String, Vec<u8>)> = tree(&etc).into_iter().map(|(p, b, _)| (p, b)).collect();
        assert_eq!(written, expected, "{case}");
        let said = &run1.stdout;
        assert!(said.starts_with("wrote: /etc/containerd/certs.d/"), "{case}: {said}");
        assert!(said.contains("\nNo /etc/containerd/config.toml on this node: installing"), "{case}: {said}");
        assert!(said.contains("\nwrote: /etc/containerd/config.toml (mode 0600)\n"), "{case}: {said}");
        assert!(said.contains("\nconfig.toml changed: restarting containerd\n"), "{case}: {said}");
        assert!(said.contains("\n4 file(s) changed on this node.\n"), "{case}: {said}");
        assert!(said.contains(&format!("\nverifying: {pull}\n")), "{case}: {said}");
        assert!(said.ends_with(&format!("pulled {IMAGE}: the node can pull from the registry.\n")), "{case}: {said}");
        assert!(!said.contains("PREVIEW") && !said.contains("would "), "{case}: {said}");
        assert!(run1.stderr.is_empty(), "{case}: {}", run1.stderr);
        // Again: nothing changed, so no restart, but the verify pull runs.
        let run2 = run_script(on_the_node(&etc, &script), root, &cwd, &stubs, &log);
        assert_eq!(run2.calls, format!("{pull}\n"), "{case}: {}", run2.stdout);
        assert!(run2.stdout.contains("unchanged: /etc/containerd/config.toml\n"), "{case}: {}", run2.stdout);
    }
    assert!(!cwd.join("PWNED").exists());
}

/// Review 13, L-1: under `umask 000` (sudo may keep it) the script still makes every
/// directory 0755 and every file its mode; a directory that exists keeps its mode.
#[test]
fn under_umask_000_the_script_makes_0755_directories_and_keeps_file_modes() {
    use std::os::unix::fs::MetadataExt;
    let Preview { tmp: _tmp, out: _, script, root, cwd, stubs, log } = preview();
    // An existing /etc with its own (stricter) mode.
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::set_permissions(root.join("etc"), std::fs::Permissions::from_mode(0o750)).unwrap();
    let mut bash = Command::new("bash");
    bash.arg("-c").arg("umask 000; exec bash \"$0\"").arg(&script);
    run_script(bash, Some(&root.display().to_string()), &cwd, &stubs, &log);

    let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().mode() & 0o7777;
    assert_eq!(mode(&root.join("etc")), 0o750, "an existing directory keeps its mode");
    let mut dirs = Vec::new();
    let mut stack = vec![root.join("etc")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if std::fs::symlink_metadata(&p).unwrap().is_dir() {
                stack.push(p.clone());
                dirs.push(p);
            }
        }
    }
    dirs.sort();
    let got: Vec<(String, u32)> =
        dirs.iter().map(|d| (d.strip_prefix(&root).unwrap().display().to_string(), mode(d))).collect();
    let want: Vec<(String, u32)> = [
        "etc/containerd",
        "etc/containerd/certs.d",
        "etc/containerd/certs.d/docker.io",
        "etc/containerd/certs.d/harbor.example.net",
    ]
    .iter()
    .map(|d| (d.to_string(), 0o755))
    .collect();
    assert_eq!(got, want);
    let files: Vec<(String, u32)> = tree(&root).into_iter().map(|(p, _, m)| (p, m)).collect();
    assert_eq!(
        files,
        vec![
            ("etc/containerd/certs.d/docker.io/hosts.toml".to_owned(), 0o644),
            ("etc/containerd/certs.d/harbor.example.net/ca.crt".to_owned(), 0o644),
            ("etc/containerd/certs.d/harbor.example.net/hosts.toml".to_owned(), 0o644),
            ("etc/containerd/config.toml".to_owned(), 0o600),
        ]
    );
}
