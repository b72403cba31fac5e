//! Kubernetes distributions: which node files a form renders to on each.
//!
//! Plain kubeadm nodes take the containerd `config.toml` block and `certs.d` files the
//! engine renders, plus the fleet tools ([`crate::node_script`], [`crate::rollout`]).
//! Other distributions generate containerd's configuration themselves from their own
//! files; for them [`apply`] replaces the node-side containerd files with the
//! distribution's format and reports, as diagnostics, what that format cannot say.
//! Kubernetes objects (the pull Secret, the patches) are kept for every flavour.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Field};
use crate::output::{FileKind, OutputFile};
use crate::validate::Checked;

pub mod kind;
pub mod kubespray;
pub mod minikube;
pub mod registries_yaml;
pub mod talos;

/// The Kubernetes distribution the nodes run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavor {
    /// containerd configured by hand (`/etc/containerd/config.toml` + `certs.d`), as kubeadm clusters are.
    #[default]
    Kubeadm,
    /// k3s: `/etc/rancher/k3s/registries.yaml`.
    K3s,
    /// RKE2: `/etc/rancher/rke2/registries.yaml`.
    Rke2,
    /// kind: `containerdConfigPatches` and `extraMounts` in the cluster config.
    Kind,
    /// Talos Linux: a `machine.registries` machine config patch.
    Talos,
    /// Kubespray: `containerd_registries_mirrors` and friends in group vars.
    Kubespray,
    /// minikube: `minikube start` flags, where they suffice.
    Minikube,
}

/// Every flavour, in the order front ends list them.
pub const ALL: [Flavor; 7] =
    [Flavor::Kubeadm, Flavor::K3s, Flavor::Rke2, Flavor::Kind, Flavor::Talos, Flavor::Kubespray, Flavor::Minikube];

impl Flavor {
    /// Whether this is the default (then it is left out of serialized forms).
    pub fn is_default(&self) -> bool {
        *self == Flavor::Kubeadm
    }

    /// The name as forms and the CLI spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::Kubeadm => "kubeadm",
            Flavor::K3s => "k3s",
            Flavor::Rke2 => "rke2",
            Flavor::Kind => "kind",
            Flavor::Talos => "talos",
            Flavor::Kubespray => "kubespray",
            Flavor::Minikube => "minikube",
        }
    }

    /// Parses a flavour name (case-insensitive).
    pub fn parse(s: &str) -> Option<Flavor> {
        ALL.into_iter().find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Flavor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The parsed URL of `registry[i].mirror[j]`; `None` when the engine reported it
/// (empty, invalid or repeated), so flavours skip it without a second diagnostic.
pub(crate) fn mirror_endpoint(checked: &Checked, i: usize, j: usize) -> Option<&crate::host::Endpoint> {
    checked.mirrors.get(i)?.get(j)?.as_ref()
}

/// Whether a rendered file is a node-side containerd file (config block, hosts.toml,
/// certificate), as opposed to a Kubernetes object or the merge feature's output.
pub fn is_node_containerd_file(f: &OutputFile) -> bool {
    matches!(f.kind, FileKind::ContainerdConfig | FileKind::HostsToml | FileKind::Certificate) && is_node_path(&f.path)
}

/// Whether a rendered path stands for a path on the node (CA files may live anywhere:
/// `opt/certs/ca.pem`), as opposed to the cluster's `k8s/` or the merge feature's `merged/`.
pub fn is_node_path(path: &str) -> bool {
    !path.starts_with("k8s/") && !path.starts_with("merged/")
}

/// Turns the engine's files into the flavour's: adds the fleet tools on kubeadm,
/// replaces node-side containerd files on the others. Called once by [`crate::render()`],
/// after every other generator.
pub fn apply(checked: &Checked, files: &mut Vec<OutputFile>, diags: &mut Vec<Diagnostic>) {
    match checked.form.flavor {
        Flavor::Kubeadm => {
            let r = crate::rollout::check(&checked.form.rollout, diags);
            let script = if r.node_script { crate::node_script::render(checked, &r, files, diags) } else { Vec::new() };
            let daemonset = if r.daemonset { crate::rollout::render(checked, &r, files, diags) } else { Vec::new() };
            if !r.is_empty() && !r.node_script && !r.daemonset {
                diags.push(Diagnostic::info(
                    Field::root("rollout"),
                    "rollout.nothing-enabled",
                    "The [rollout] settings are set, but neither the DaemonSet nor the node script is switched on.",
                    "Add daemonset = true and/or node_script = true under [rollout].",
                ));
            }
            files.extend(script);
            files.extend(daemonset);
        }
        Flavor::K3s | Flavor::Rke2 => {
            let own = registries_yaml::render(checked, files, diags);
            replace_node_files(files, own, |_| true);
        }
        Flavor::Kind => {
            let own = kind::render(checked, files, diags);
            replace_node_files(files, own, |_| true);
        }
        Flavor::Talos => {
            let own = talos::render(checked, diags);
            replace_node_files(files, own, |_| true);
        }
        Flavor::Kubespray => {
            let own = kubespray::render(checked, diags);
            replace_node_files(files, own, |f| f.kind != FileKind::Certificate && !kubespray::keeps_engine_file(f));
        }
        Flavor::Minikube => {
            let own = minikube::render(checked, diags);
            minikube::place_config_block(files);
            files.extend(own);
        }
    }
    if checked.form.flavor != Flavor::Kubeadm && !checked.form.rollout.is_empty() {
        diags.push(Diagnostic::info(
            Field::root("rollout"),
            "rollout.not-for-flavor",
            format!(
                "The [rollout] settings (DaemonSet, node script) apply to kubeadm-style nodes; {} nodes get their registry files from the distribution's own configuration.",
                checked.form.flavor
            ),
            "Remove [rollout], or set flavor = \"kubeadm\" if the nodes run a hand-configured containerd.",
        ));
    }
}

/// Drops the node-side containerd files that `drop` selects, then appends the
/// flavour's own files.
fn replace_node_files(files: &mut Vec<OutputFile>, own: Vec<OutputFile>, drop: impl Fn(&OutputFile) -> bool) {
    files.retain(|f| !(is_node_containerd_file(f) && drop(f)));
    files.extend(own);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in ALL {
            assert_eq!(Flavor::parse(f.as_str()), Some(f));
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.as_str()));
        }
        assert_eq!(Flavor::parse(" K3S "), Some(Flavor::K3s));
        assert_eq!(Flavor::parse("openshift"), None);
    }

    /// Where each flavour's files go: only real node paths are `Placement::Node` (shown
    /// as `/<path>`); the tools' inputs stay on the workstation or the Ansible controller.
    #[test]
    fn files_are_placed_where_they_really_go() {
        use crate::form::{Form, Kubernetes, PatchTarget, Registry};
        use crate::output::Placement::{self, *};
        let form = |flavor| Form {
            flavor,
            registries: vec![Registry {
                host: "harbor.example.net".into(),
                ca_pem: include_str!("../../../tests/fixtures/certs/example-harbor-ca.pem").into(),
                username: "robot$ci".into(),
                password: "pw".into(),
                ..Registry::default()
            }],
            kubernetes: Kubernetes {
                patches: vec![PatchTarget {
                    kind: "ServiceAccount".into(),
                    name: "default".into(),
                    namespace: String::new(),
                }],
                ..Kubernetes::default()
            },
            ..Form::default()
        };
        let placed = |flavor| -> Vec<(String, Placement)> {
            crate::render(&form(flavor)).files.into_iter().map(|f| (f.path, f.placement)).collect()
        };
        let k8s = [
            ("k8s/secret-regcred-default.yaml", Cluster),
            ("k8s/patch-serviceaccount-default.yaml", Cluster),
            ("k8s/patch-serviceaccount-default-replace.yaml", Cluster),
            ("k8s/commands.sh", Cluster),
        ];
        let want = |own: &[(&str, Placement)]| -> Vec<(String, Placement)> {
            own.iter().chain(&k8s).map(|(p, w)| ((*p).to_owned(), *w)).collect()
        };
        let sorted = |mut v: Vec<(String, Placement)>| {
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };
        let cases: [(Flavor, &[(&str, Placement)]); 7] = [
            (
                Flavor::Kubeadm,
                &[
                    ("etc/containerd/config.toml", Node),
                    ("etc/containerd/certs.d/harbor.example.net/hosts.toml", Node),
                    ("etc/containerd/certs.d/harbor.example.net/ca.crt", Node),
                ],
            ),
            (
                Flavor::K3s,
                &[("etc/rancher/k3s/registries.yaml", Node), ("etc/rancher/k3s/certs/harbor.example.net/ca.crt", Node)],
            ),
            (
                Flavor::Rke2,
                &[
                    ("etc/rancher/rke2/registries.yaml", Node),
                    ("etc/rancher/rke2/certs/harbor.example.net/ca.crt", Node),
                ],
            ),
            (
                Flavor::Kind,
                &[
                    ("kind/cluster.yaml", Workstation),
                    ("kind/certs.d/harbor.example.net/hosts.toml", Workstation),
                    ("kind/certs.d/harbor.example.net/ca.crt", Workstation),
                ],
            ),
            (Flavor::Talos, &[("talos/registries-patch.yaml", Workstation)]),
            (
                Flavor::Kubespray,
                &[
                    ("kubespray/group_vars/all/containerd.yml", AnsibleController),
                    ("etc/containerd/certs.d/harbor.example.net/ca.crt", Node),
                ],
            ),
            (
                Flavor::Minikube,
                &[
                    ("etc/containerd/config.toml", Node),
                    ("etc/containerd/certs.d/harbor.example.net/hosts.toml", Node),
                    ("etc/containerd/certs.d/harbor.example.net/ca.crt", Node),
                    ("minikube/start.sh", Workstation),
                ],
            ),
        ];
        for (flavor, own) in cases {
            assert_eq!(sorted(placed(flavor)), sorted(want(own)), "{flavor}");
        }
        let mut fleet = form(Flavor::Kubeadm);
        fleet.rollout.node_script = true;
        fleet.rollout.daemonset = true;
        let files = placed_of(&fleet);
        assert!(files.contains(&("node-setup.sh".to_owned(), RunOnNode)), "{files:?}");
        assert!(files.iter().any(|(p, w)| p.starts_with("k8s/rollout/") && *w == Cluster), "{files:?}");
    }

    fn placed_of(form: &crate::form::Form) -> Vec<(String, crate::output::Placement)> {
        crate::render(form).files.into_iter().map(|f| (f.path, f.placement)).collect()
    }
}
