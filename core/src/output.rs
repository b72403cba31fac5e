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

/// The errors whose message says no files are written until they are fixed (the
/// files shown are a preview of a guess), and the files each one touches.
const WITHHOLDING: [(&str, Withheld); 5] = [
    ("containerd.malformed", Withheld::All),
    ("containerd.unsupported", Withheld::All),
    ("config_path.list", Withheld::AllButPullSecret),
    ("legacy_config.tls-ignored", Withheld::AllButPullSecret),
    ("kubernetes.secret-name", Withheld::PullSecret),
];

#[derive(Clone, Copy)]
enum Withheld {
    All,
    AllButPullSecret,
    PullSecret,
}

impl Rendered {
    /// The error that makes `file` only a preview, not to be applied: an invalid
    /// containerd version or config_path list (every file, or all but the pull Secret's),
    /// legacy TLS keys that 2.x ignores, an invalid Secret name (the Secret, its patches
    /// and commands). These say "no files until it is fixed", as the CLI writes none; a
    /// front end that still shows the files marks them and keeps them from being copied.
    ///
    /// The merge box's `merged/config.toml` and its diff are also withheld by any error on
    /// the pasted file (`existing_config`): each says the merged file must not be installed
    /// as it is (legacy tables beside `config_path` stop containerd's CRI plugin, a key
    /// that could not be set, settings left where the version ignores them).
    pub fn withheld_by(&self, file: &OutputFile) -> Option<&Diagnostic> {
        // The pull Secret side: `k8s/` except the fleet DaemonSet under `k8s/rollout/`.
        let pull_secret = file.placement == Placement::Cluster && !file.path.starts_with("k8s/rollout/");
        let merged = file.path == crate::merge::page::MERGED_PATH || file.path == crate::merge::page::DIFF_PATH;
        let pasted = crate::merge::existing_config_field();
        self.diagnostics.iter().find(|d| {
            d.severity == crate::diagnostic::Severity::Error
                && (merged && d.field == pasted
                    || WITHHOLDING.iter().any(|(code, scope)| {
                        *code == d.code
                            && match scope {
                                Withheld::All => true,
                                Withheld::AllButPullSecret => !pull_secret,
                                Withheld::PullSecret => pull_secret,
                            }
                    }))
        })
    }
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

#[cfg(test)]
mod tests {
    use crate::form::{Form, Kubernetes, Registry};

    fn form() -> Form {
        Form {
            registries: vec![Registry {
                host: "harbor.example.net".into(),
                username: "robot$ci".into(),
                password: "pw".into(),
                ..Registry::default()
            }],
            ..Form::default()
        }
    }

    /// The files each "no files until it is fixed" error withholds: `(path, withheld)`.
    fn withheld(f: &Form) -> Vec<(String, bool)> {
        let r = crate::render(f);
        r.files.iter().map(|file| (file.path.clone(), r.withheld_by(file).is_some())).collect()
    }

    #[test]
    fn errors_that_promise_no_files_withhold_the_files_they_touch() {
        let cases = [
            Form { containerd: "2.4".into(), ..form() },
            Form { containerd: "abc".into(), ..form() },
            Form { config_path: "/etc/containerd/certs.d:/etc/docker/certs.d".into(), ..form() },
            Form { kubernetes: Kubernetes { secret_name: "Bad_Name".into(), ..Kubernetes::default() }, ..form() },
        ];
        for (i, f) in cases.into_iter().enumerate() {
            let r = crate::render(&f);
            let d = r
                .diagnostics
                .iter()
                .find(|d| d.message.to_lowercase().contains("no files until it is fixed"))
                .unwrap_or_else(|| panic!("case {i}: {:?}", r.diagnostics));
            let files = withheld(&f);
            assert!(files.iter().any(|(_, w)| *w), "case {i} ({}): nothing withheld", d.code);
            for (path, w) in files {
                let secret_side = path.starts_with("k8s/");
                let want = match d.code {
                    "kubernetes.secret-name" => secret_side,
                    "config_path.list" => !secret_side,
                    _ => true,
                };
                assert_eq!(w, want, "case {i} ({}): {path}", d.code);
            }
        }
        // legacy TLS keys on 2.x: the node files, not the Secret.
        let mut legacy = form();
        legacy.containerd = "2.0".into();
        legacy.legacy_config = true;
        legacy.registries[0].skip_verify = true;
        let files = withheld(&legacy);
        assert!(files.iter().all(|(p, w)| *w != p.starts_with("k8s/")), "{files:?}");
        // A valid form withholds nothing, warnings and other errors included.
        let mut other = form();
        other.registries.push(Registry { host: "https://bad".into(), ..Registry::default() });
        assert!(withheld(&other).iter().all(|(_, w)| !w));
    }

    /// Every error that says "no files until it is fixed" is one [`super::WITHHOLDING`]
    /// knows (else the page would show its files as usable).
    #[test]
    fn every_no_files_error_is_known() {
        let mut f = form();
        f.containerd = "2.0".into();
        f.legacy_config = true;
        f.registries[0].skip_verify = true;
        f.config_path = "/a,/b".into();
        f.kubernetes.secret_name = "Bad_Name".into();
        let mut seen = Vec::new();
        for containerd in ["2.0", "abc", "2.4"] {
            f.containerd = containerd.into();
            for d in crate::render(&f).diagnostics {
                if d.message.to_lowercase().contains("no files until it is fixed") {
                    assert!(super::WITHHOLDING.iter().any(|(c, _)| *c == d.code), "{}: {}", d.code, d.message);
                    seen.push(d.code);
                }
            }
        }
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), super::WITHHOLDING.len(), "{seen:?}");
    }

    /// The review's M2: an error on the pasted config.toml (here: a legacy Docker Hub mirror
    /// the form does not configure, which stops the CRI plugin beside config_path) makes
    /// the merged file and its diff previews; the hosts.toml and the Secret stay usable,
    /// and the merged file is usable again once the form takes docker.io over.
    #[test]
    fn an_error_on_the_pasted_file_withholds_the_merged_file() {
        use crate::merge::page::{render_merged, DIFF_PATH, MERGED_PATH};
        let story = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".tls]\ninsecure_skip_verify = true\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\nendpoint = [\"https://mirror.gcr.io\", \"https://registry-1.docker.io\"]\n";
        let out = render_merged(&form(), story, Default::default()).rendered;
        let error = out
            .diagnostics
            .iter()
            .find(|d| d.field.as_str() == "existing_config" && d.severity == crate::diagnostic::Severity::Error)
            .unwrap_or_else(|| panic!("{:?}", out.diagnostics));
        for f in &out.files {
            let want = f.path == MERGED_PATH || f.path == DIFF_PATH;
            assert_eq!(out.withheld_by(f).map(|d| d.code), want.then_some(error.code), "{}", f.path);
        }
        assert!(out.files.iter().any(|f| f.path == MERGED_PATH));
        // A warning or info on the pasted file withholds nothing.
        let mut fixed = form();
        fixed.registries.push(Registry { host: "docker.io".into(), ..Registry::default() });
        let out = render_merged(&fixed, story, Default::default()).rendered;
        assert!(out.diagnostics.iter().any(|d| d.field.as_str() == "existing_config"), "{:?}", out.diagnostics);
        assert!(out.files.iter().all(|f| out.withheld_by(f).is_none()), "{:?}", out.diagnostics);
    }
}
