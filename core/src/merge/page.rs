//! What front ends show when the operator pasted a config.toml: the merged file and its
//! diff as output files, beside the hosts.toml and CA files rendered for the directory the
//! merged file names. Only where the operator owns that file (kubeadm-style nodes,
//! minikube's node): a distribution that writes containerd's config.toml itself gets its
//! own files and an info saying where the pasted file's settings belong instead.

use serde::Serialize;

use super::{diff::unified_diff, existing_config_field, merge_with, MergeOptions, MergeResult};
use crate::diagnostic::Diagnostic;
use crate::flavor::Flavor;
use crate::form::Form;
use crate::output::{AfterApply, FileKind, OutputFile, Placement, Rendered};

/// The path of the merged config.toml among the outputs.
pub const MERGED_PATH: &str = "merged/config.toml";
/// The path of its unified diff against the pasted file.
pub const DIFF_PATH: &str = "merged/config.toml.diff";

/// [`render_merged`]'s result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergedRender {
    /// Every output: render's files (for the merged file's hosts.toml directory) with the
    /// standalone config.toml block replaced by [`MERGED_PATH`] and [`DIFF_PATH`]; the form's
    /// diagnostics followed by the merge's.
    pub rendered: Rendered,
    /// The merge itself: changes, versions, parse error. `None` when the flavour writes
    /// containerd's config.toml itself ([`merges_config_toml`]): nothing was merged.
    pub merge: Option<MergeResult>,
}

/// Whether the operator installs containerd's config.toml on this flavour's nodes, so
/// that a merged file is something to apply: kubeadm-style nodes and minikube's node.
/// k3s and RKE2 regenerate it from registries.yaml at every start, kind's nodes come
/// from cluster.yaml, Talos has no shell and Kubespray rewrites it on every playbook run.
pub fn merges_config_toml(flavor: Flavor) -> bool {
    matches!(flavor, Flavor::Kubeadm | Flavor::Minikube)
}

/// Renders the form and merges it into `existing` (the pasted config.toml). When the pasted
/// text is not TOML, the standalone block stays and the error is among the diagnostics.
/// On a flavour that writes config.toml itself nothing is merged: the flavour's files,
/// and an info (`merge.not-for-flavor`) on what to do with the pasted file instead.
pub fn render_merged(form: &Form, existing: &str, options: MergeOptions) -> MergedRender {
    if !merges_config_toml(form.flavor) {
        let mut rendered = crate::render(form);
        rendered.diagnostics.push(not_for_flavor(form.flavor));
        return MergedRender { rendered, merge: None };
    }
    let merge = merge_with(existing, form, options);
    let mut rendered = crate::render(&merge.form_for_files(form));
    merge.mark_files(&mut rendered.files);
    merge.drop_carried_ca_notes(form, &mut rendered.diagnostics);
    merge.rehome_carried_diagnostics(form, &mut rendered.diagnostics);
    merge.drop_default_sandbox_note(&mut rendered.diagnostics);
    if let Some(text) = &merge.text {
        rendered.files.retain(|f| f.kind != FileKind::ContainerdConfig);
        rendered.files.splice(0..0, merged_files(form.flavor, existing, text, &merge));
    }
    rendered.diagnostics.extend(merge.diagnostics.iter().cloned());
    // The page has the one pasted file: its drop-ins may undo what is merged here.
    rendered.diagnostics.extend(super::imports::not_seen_here(existing, Some(&form.containerd)));
    MergedRender { rendered, merge: Some(merge) }
}

/// The info for a flavour that writes containerd's config.toml itself: the pasted file is
/// not merged, and where its settings go instead.
fn not_for_flavor(flavor: Flavor) -> Diagnostic {
    let (message, fix) = match flavor {
        Flavor::K3s | Flavor::Rke2 => (
            format!(
                "{flavor} writes containerd's config.toml itself, from /etc/rancher/{flavor}/registries.yaml, at every start: a merged file would be overwritten, so none is made."
            ),
            format!(
                "Install the registries.yaml below instead. Registries the pasted file configures (mirrors, TLS, credentials) reach it only once they are in the form; other settings belong in config.toml.tmpl beside {flavor}'s generated file."
            ),
        ),
        Flavor::Kind => (
            "kind's node containers get containerd's config.toml from the node image and kind/cluster.yaml's containerdConfigPatches: there is no file of yours to merge into.".to_owned(),
            "Create the cluster with kind/cluster.yaml below. Registries the pasted file configures reach it only once they are in the form; other settings go into its containerdConfigPatches.".to_owned(),
        ),
        Flavor::Talos => (
            "Talos generates containerd's configuration from the machine config and has no shell to replace a file with: there is nothing to merge into.".to_owned(),
            "Apply talos/registries-patch.yaml below with talosctl. Registries the pasted file configures reach it only once they are in the form; other CRI settings go into a machine.files entry for /etc/cri/conf.d/20-customization.part.".to_owned(),
        ),
        _ => (
            "Kubespray writes /etc/containerd/config.toml from its group_vars on every playbook run: a merged file would be overwritten, so none is made.".to_owned(),
            "Merge the group_vars below into your inventory. Registries the pasted file configures reach it only once they are in the form; other settings go into Kubespray's containerd_* variables.".to_owned(),
        ),
    };
    Diagnostic::info(existing_config_field(), "merge.not-for-flavor", message, fix)
}

fn merged_files(flavor: Flavor, existing: &str, text: &str, merge: &MergeResult) -> Vec<OutputFile> {
    let changed = merge.changed();
    let restart = if changed { AfterApply::RestartContainerd } else { AfterApply::NothingPickedUpOnPull };
    let summary = if changed {
        format!("{} change(s); every other line of your file is kept as it was.", merge.changes.len())
    } else {
        "Your file already has these settings: nothing to change, no restart needed.".to_owned()
    };
    let diff = unified_diff(existing, text, "config.toml (yours)", "config.toml (merged)");
    vec![
        OutputFile {
            path: MERGED_PATH.to_owned(),
            contents: text.to_owned(),
            kind: FileKind::ContainerdConfig,
            title: "Your config.toml with the settings merged in".to_owned(),
            instructions: if flavor == Flavor::Minikube {
                format!(
                    "{summary} In the minikube node: back up /etc/containerd/config.toml, put this file in its place with minikube cp{}, then restart containerd there (the Apply steps below). A later minikube start sets sandbox_image back to its own pause image.",
                    if merge.sensitive { " (it holds credentials: chmod 600)" } else { "" }
                )
            } else {
                format!(
                    "{summary} Back up /etc/containerd/config.toml, replace it with this file{}, then run `sudo systemctl restart containerd` (or let `pullfix apply` do all of it).",
                    if merge.sensitive { " (it holds credentials: chmod 600)" } else { "" }
                )
            },
            after: restart,
            placement: Placement::Node,
            sensitive: merge.sensitive,
        },
        OutputFile {
            path: DIFF_PATH.to_owned(),
            contents: diff,
            kind: FileKind::Other,
            title: "What the merge changes in your config.toml (unified diff)".to_owned(),
            instructions: if flavor == Flavor::Minikube {
                format!(
                    "For review; in the unzipped download, `minikube cp {DIFF_PATH} /tmp/config.toml.diff` then `minikube ssh -- 'sudo patch /etc/containerd/config.toml < /tmp/config.toml.diff'` applies it in the minikube node."
                )
            } else {
                format!(
                    "For review; `sudo patch /etc/containerd/config.toml < {DIFF_PATH}` applies it (in the unzipped download)."
                )
            },
            after: AfterApply::SeeNotes,
            placement: Placement::Review,
            sensitive: merge.sensitive,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Registry;

    #[test]
    fn a_pasted_file_with_imports_says_its_drop_ins_are_not_seen() {
        let form = Form {
            containerd: "1.6.20".into(),
            registries: vec![Registry { host: "harbor.example.net".into(), ..Registry::default() }],
            ..Form::default()
        };
        let code = |text: &str| {
            render_merged(&form, text, MergeOptions::default())
                .rendered
                .diagnostics
                .iter()
                .any(|d| d.code == "merge.imports-not-seen" && d.field.as_str() == "existing_config")
        };
        assert!(code("version = 2\nimports = [\"/etc/containerd/conf.d/*.toml\"]\n"));
        assert!(!code("version = 2\n"));
    }

    #[test]
    fn merged_files_replace_the_block() {
        let form = Form {
            containerd: "1.7".into(),
            registries: vec![Registry { host: "harbor.example.net".into(), ..Registry::default() }],
            ..Form::default()
        };
        let out = render_merged(&form, "version = 2\n", MergeOptions::default());
        let paths: Vec<&str> = out.rendered.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths[..2], [MERGED_PATH, DIFF_PATH]);
        assert!(!paths.contains(&"etc/containerd/config.toml"), "{paths:?}");
        assert!(paths.contains(&"etc/containerd/certs.d/harbor.example.net/hosts.toml"), "{paths:?}");
        assert!(out.rendered.files[1].contents.contains("+config_path = \"/etc/containerd/certs.d\""));

        // The merge box shows the hosts.toml with what the removed legacy tables said (review4 H1).
        let legacy = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".tls]\ninsecure_skip_verify = true\n";
        let out = render_merged(&form, legacy, MergeOptions::default());
        let hosts = out.rendered.files.iter().find(|f| f.kind == FileKind::HostsToml).expect("hosts.toml");
        assert!(
            hosts.contents.contains(&format!("{}\nskip_verify = true\n", crate::merge::carry::CARRIED_MARK)),
            "{}",
            hosts.contents
        );
        assert!(out.rendered.diagnostics.iter().any(|d| d.code == "merge.legacy-carried"));
        // The carried skip_verify's warning is the pasted file's: the form's box is unticked
        // (operator review 5, L4).
        let skip: Vec<_> = out.rendered.diagnostics.iter().filter(|d| d.message.contains("skip")).collect();
        assert!(skip.iter().all(|d| !d.field.as_str().starts_with("registry[")), "{skip:?}");
        assert!(
            skip.iter().any(|d| d.field == existing_config_field()
                && d.message.starts_with("From the pasted config.toml")
                && !d.fix.contains("turn skip_verify off")
                && d.fix.contains("a CA in the form replaces a carried skip_verify")),
            "{skip:?}"
        );

        let bad = render_merged(&form, "[x\n", MergeOptions::default());
        assert!(bad.rendered.files.iter().any(|f| f.path == "etc/containerd/config.toml"));
        assert!(bad.rendered.diagnostics.iter().any(|d| d.code == "merge.invalid-toml"));
    }

    /// The review's M1: k3s, RKE2, kind, Talos and Kubespray write containerd's config.toml
    /// themselves: no merged file to install (nor its carry notes), their own files, and an
    /// info on the box; minikube and kubeadm keep the merge.
    #[test]
    fn only_flavours_whose_config_toml_is_yours_get_a_merged_file() {
        let legacy = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".tls]\ninsecure_skip_verify = true\n";
        for flavor in crate::flavor::ALL {
            let form = Form {
                flavor,
                registries: vec![Registry { host: "harbor.example.net".into(), ..Registry::default() }],
                ..Form::default()
            };
            let out = render_merged(&form, legacy, MergeOptions::default());
            let paths: Vec<&str> = out.rendered.files.iter().map(|f| f.path.as_str()).collect();
            let info = out.rendered.diagnostics.iter().filter(|d| d.code == "merge.not-for-flavor").count();
            if merges_config_toml(flavor) {
                assert_eq!(paths[..2], [MERGED_PATH, DIFF_PATH], "{flavor}");
                assert!(out.merge.is_some() && info == 0, "{flavor}");
            } else {
                assert!(paths.iter().all(|p| !p.starts_with("merged/")), "{flavor}: {paths:?}");
                assert_eq!(out.rendered, {
                    let mut r = crate::render(&form);
                    r.diagnostics.push(not_for_flavor(flavor));
                    r
                });
                assert!(out.merge.is_none(), "{flavor}");
                assert!(
                    out.rendered
                        .diagnostics
                        .iter()
                        .all(|d| !d.code.starts_with("merge.legacy") && !d.message.contains("/etc/containerd/certs.d")),
                    "{flavor}: {:?}",
                    out.rendered.diagnostics
                );
                let d = out.rendered.diagnostics.iter().find(|d| d.code == "merge.not-for-flavor").expect("the info");
                assert_eq!(d.severity, crate::diagnostic::Severity::Info);
                assert_eq!(d.field, existing_config_field());
                let own = match flavor {
                    Flavor::K3s => "registries.yaml",
                    Flavor::Rke2 => "/etc/rancher/rke2/registries.yaml",
                    Flavor::Kind => "kind/cluster.yaml",
                    Flavor::Talos => "talos/registries-patch.yaml",
                    _ => "group_vars",
                };
                assert!(d.message.contains(own) || d.fix.contains(own), "{flavor}: {d:?}");
            }
        }
        let minikube = Form {
            flavor: Flavor::Minikube,
            registries: vec![Registry { host: "harbor.example.net".into(), ..Registry::default() }],
            ..Form::default()
        };
        let out = render_merged(&minikube, "version = 2\n", MergeOptions::default());
        assert!(out.rendered.files[0].instructions.contains("minikube cp"), "{}", out.rendered.files[0].instructions);
        // The diff is applied in the node, never to the workstation's own file (review 7 L1).
        let diff = &out.rendered.files[1].instructions;
        assert!(
            diff.contains("minikube ssh -- 'sudo patch /etc/containerd/config.toml < /tmp/config.toml.diff'")
                && diff.contains("minikube cp merged/config.toml.diff /tmp/config.toml.diff")
                && !diff.contains("`sudo patch"),
            "{diff}"
        );
    }
}
