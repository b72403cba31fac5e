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
    /// `kubectl apply -f` (or the command shown in the file): the file is an object.
    KubectlApply,
    /// `kubectl patch ... --patch-file <file>` as the notes show: the file is a patch
    /// body, which `kubectl apply` rejects (it has no `kind`).
    KubectlPatch,
    /// Run it.
    Run,
    /// See the file's notes.
    SeeNotes,
}

/// Where a file goes: what the operator does with it, and on which machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// On every node, at `/<path>` (the download mirrors the node's layout).
    Node,
    /// Copied to each node and run there (`node-setup.sh`).
    RunOnNode,
    /// Into the cluster with kubectl, from wherever kubectl reaches it (`k8s/`).
    Cluster,
    /// Stays on the workstation that runs the distribution's tool (`kind`,
    /// `talosctl`, `minikube`), at its path in the download.
    Workstation,
    /// Into the Kubespray inventory on the Ansible controller.
    AnsibleController,
    /// To read, nowhere to install (the merge's diff).
    Review,
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
    /// Where it goes.
    pub placement: Placement,
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
