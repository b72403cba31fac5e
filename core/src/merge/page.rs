//! What front ends show when the operator pasted a config.toml: the merged file and its
//! diff as output files, beside the hosts.toml and CA files rendered for the directory the
//! merged file names.

use serde::Serialize;

use super::{diff::unified_diff, merge_with, MergeOptions, MergeResult};
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
    /// The merge itself: changes, versions, parse error.
    pub merge: MergeResult,
}

/// Renders the form and merges it into `existing` (the pasted config.toml). When the pasted
/// text is not TOML, the standalone block stays and the error is among the diagnostics.
pub fn render_merged(form: &Form, existing: &str, options: MergeOptions) -> MergedRender {
    let merge = merge_with(existing, form, options);
    let mut rendered = crate::render(&merge.form_for_files(form));
    merge.mark_files(&mut rendered.files);
    merge.drop_carried_ca_notes(form, &mut rendered.diagnostics);
    if let Some(text) = &merge.text {
        rendered.files.retain(|f| f.kind != FileKind::ContainerdConfig);
        rendered.files.splice(0..0, merged_files(existing, text, &merge));
    }
    rendered.diagnostics.extend(merge.diagnostics.iter().cloned());
    MergedRender { rendered, merge }
}

fn merged_files(existing: &str, text: &str, merge: &MergeResult) -> Vec<OutputFile> {
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
            instructions: format!(
                "{summary} Back up /etc/containerd/config.toml, replace it with this file{}, then run `sudo systemctl restart containerd` (or let `pullfix apply` do all of it).",
                if merge.sensitive { " (it holds credentials: chmod 600)" } else { "" }
            ),
            after: restart,
            placement: Placement::Node,
            sensitive: merge.sensitive,
        },
        OutputFile {
            path: DIFF_PATH.to_owned(),
            contents: diff,
            kind: FileKind::Other,
            title: "What the merge changes in your config.toml (unified diff)".to_owned(),
            instructions: "For review; `patch /etc/containerd/config.toml < config.toml.diff` applies it.".to_owned(),
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

        let bad = render_merged(&form, "[x\n", MergeOptions::default());
        assert!(bad.rendered.files.iter().any(|f| f.path == "etc/containerd/config.toml"));
        assert!(bad.rendered.diagnostics.iter().any(|d| d.code == "merge.invalid-toml"));
    }
}
