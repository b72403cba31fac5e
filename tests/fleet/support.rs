//! Shared by tests/fleet.rs, tests/flavors.rs and tests/node_preview.rs: forms, stand-ins for the engine's
//! files, and the external tools the tests use as oracles.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use pullfix_core::diagnostic::Diagnostic;
use pullfix_core::validate::{check, Checked};
use pullfix_core::{AfterApply, FileKind, Form, FormFormat, OutputFile, Placement};

/// Parses a TOML form, panicking with the parser's message.
#[track_caller]
pub fn form(toml: &str) -> Form {
    pullfix_core::parse_form(toml, FormFormat::Toml).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs the shared checks, as `render` does.
pub fn checked(form: &Form) -> (Checked, Vec<Diagnostic>) {
    let mut d = Vec::new();
    let c = check(form, &mut d);
    (c, d)
}

/// A node file as the engine renders it.
pub fn node_file(path: &str, contents: &str, kind: FileKind, sensitive: bool) -> OutputFile {
    OutputFile {
        path: path.to_owned(),
        contents: contents.to_owned(),
        kind,
        title: String::new(),
        instructions: String::new(),
        after: AfterApply::NothingPickedUpOnPull,
        placement: Placement::Node,
        sensitive,
    }
}

/// PEM-looking text full of what a shell or a heredoc could trip over.
pub const HOSTILE_PEM: &str = "-----BEGIN CERTIFICATE-----\r\nMIIB $(touch PWNED_PEM) `touch PWNED_TICK` 'quote' \"dq\" \\back\r\nPULLFIX_EOF_0\nPULLFIX_EOF_1 ${HOME} $HOME ü 证书 🚀\n\n-----END CERTIFICATE-----";

/// A path with quotes, command substitutions, spaces and unicode.
pub const HOSTILE_PATH: &str = "etc/pki/it's $(touch PWNED_PATH) `touch PWNED_TICK2` ü/ca.pem";

/// Stand-ins for the engine's node files: hosts.toml, CA files (one at a hostile
/// path outside config_path), and a sensitive client key.
pub fn engine_like_files() -> Vec<OutputFile> {
    vec![
        node_file(
            "etc/containerd/config.toml",
            "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n",
            FileKind::ContainerdConfig,
            false,
        ),
        node_file(
            "etc/containerd/certs.d/harbor.example.net/hosts.toml",
            "server = \"https://harbor.example.net\"\nca = \"/etc/containerd/certs.d/harbor.example.net/ca.crt\"\n\n[host.\"https://harbor.example.net\"]\n  capabilities = [\"pull\", \"resolve\"]\n",
            FileKind::HostsToml,
            false,
        ),
        node_file("etc/containerd/certs.d/harbor.example.net/ca.crt", HOSTILE_PEM, FileKind::Certificate, false),
        node_file(
            "etc/containerd/certs.d/10.50.1.104:5000/hosts.toml",
            "server = \"http://10.50.1.104:5000\"\n",
            FileKind::HostsToml,
            false,
        ),
        node_file(HOSTILE_PATH, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", FileKind::Certificate, false),
        node_file(
            "etc/containerd/certs.d/harbor.example.net/client.key",
            "-----BEGIN PRIVATE KEY-----\nsecret'$(x)\n-----END PRIVATE KEY-----\n",
            FileKind::Certificate,
            true,
        ),
        node_file("k8s/secret-regcred-default.yaml", "apiVersion: v1\n", FileKind::Kubernetes, true),
    ]
}

/// A temporary directory, removed at the end of the test.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// The tool directory scripts/env.sh puts on PATH.
pub fn tools_path() -> String {
    let home = std::env::var("HOME").unwrap_or_default();
    let cache = std::env::var("XDG_CACHE_HOME").unwrap_or(format!("{home}/.cache"));
    let tools = std::env::var("PULLFIX_TOOLS").unwrap_or(format!("{cache}/pullfix-tools"));
    format!("{tools}/venv/bin:{tools}/bin:{}", std::env::var("PATH").unwrap_or_default())
}

/// Runs `kubernetes-validate --strict` on YAML text; panics with its output on failure.
#[track_caller]
pub fn kubernetes_validate(name: &str, yaml: &str) {
    let dir = tempdir();
    let file = dir.path().join(name.replace('/', "_"));
    std::fs::write(&file, yaml).unwrap();
    let out = Command::new("kubernetes-validate")
        .env("PATH", tools_path())
        .arg("--strict")
        .arg(&file)
        .output()
        .expect("kubernetes-validate not found: run scripts/setup.sh");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "kubernetes-validate --strict failed for {name}:\n{text}\n--- file:\n{yaml}");
    assert!(!text.contains("ERROR") && !text.to_lowercase().contains("failed"), "{text}");
}

/// Every regular file below `root`, as (path relative to root, contents, mode).
pub fn tree(root: &Path) -> Vec<(String, Vec<u8>, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let md = std::fs::symlink_metadata(&p).unwrap();
            if md.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap(), md.permissions().mode() & 0o7777));
            }
        }
    }
    out.sort();
    out
}

/// `pullfix generate --out <tmp>/out --form <tmp>/form.toml` for `form_text`; panics with its
/// standard error when it fails. The output directory.
#[track_caller]
pub fn generate_out(tmp: &Path, form_text: &str) -> PathBuf {
    let form_file = tmp.join("form.toml");
    std::fs::write(&form_file, form_text).unwrap();
    let out_dir = tmp.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["generate", "--out"])
        .arg(&out_dir)
        .arg("--form")
        .arg(&form_file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out_dir
}

/// `shellcheck --shell=<shell> --severity=style` on a script; panics with its findings.
#[track_caller]
pub fn shellcheck(path: &Path, shell: &str) {
    let out =
        Command::new("shellcheck").arg(format!("--shell={shell}")).arg("--severity=style").arg(path).output().unwrap();
    assert!(out.status.success(), "shellcheck:\n{}", String::from_utf8_lossy(&out.stdout));
}
