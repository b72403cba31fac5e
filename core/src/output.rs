//! What `render` produces: files to put on nodes or into the cluster.

use serde::Serialize;

use crate::diagnostic::Diagnostic;

/// Everything a form renders to. Always produced, even for a half-typed form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Rendered {
    /// The files, in the order an operator applies them.
    pub files: Vec<OutputFile>,
    /// Problems, each attached to a form field.
    pub diagnostics: Vec<Diagnostic>,
}

/// What a file is, so front ends can group, label and icon it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// A block for `/etc/containerd/config.toml`.
    ContainerdConfig,
    /// A `certs.d/<namespace>/hosts.toml`.
    HostsToml,
    /// A PEM certificate to place on the node.
    Certificate,
    /// A Kubernetes object (Secret, patch) as YAML.
    Kubernetes,
    /// Shell commands to run.
    Script,
    /// Anything else (other distributions' files).
    Other,
}

/// What has to happen after the file is in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AfterApply {
    /// `systemctl restart containerd` (config.toml is read at start only).
    RestartContainerd,
    /// Nothing: containerd re-reads hosts.toml and certificates on every pull.
    NothingPickedUpOnPull,
    /// `kubectl apply -f` (or the command shown in the file).
    KubectlApply,
    /// Run it.
    Run,
    /// See the file's notes.
    SeeNotes,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputFile {
    /// Relative path without leading slash. Node files mirror the node's layout
    /// (`etc/containerd/config.toml`), cluster files live under `k8s/`.
    pub path: String,
    /// The exact contents.
    pub contents: String,
    /// What it is.
    pub kind: FileKind,
    /// One line: what the file is (`containerd config block for 1.7 (config version 2)`).
    pub title: String,
    /// What to do with it, in an operator's words (where it goes, what to merge, commands).
    pub instructions: String,
    /// What must happen afterwards.
    pub after: AfterApply,
    /// Holds credentials or keys: write with mode 0600, never share.
    pub sensitive: bool,
}

impl OutputFile {
    /// The mode to write the file with on a node.
    pub fn mode(&self) -> u32 {
        if self.sensitive {
            0o600
        } else {
            0o644
        }
    }
}

/// Reports files that would land on the same path (a `ca_file` pointing at another
/// output, say): the later one would overwrite the earlier.
pub fn check_paths(files: &[OutputFile], diags: &mut Vec<Diagnostic>) {
    for (n, f) in files.iter().enumerate() {
        if let Some(first) = files[..n].iter().find(|g| g.path == f.path) {
            diags.push(Diagnostic::error(
                crate::diagnostic::Field::root("files"),
                "files.same-path",
                format!("Two outputs go to /{}: {} and {}.", f.path, first.title, f.title),
                "Point ca_file (or config_path) somewhere else so that every file has its own path.",
            ));
        }
    }
}
