//! One generated file: where it goes, what to do with it, its contents and a copy button.

use pullfix_core::{AfterApply, FileKind, OutputFile};
use yew::prelude::*;

use crate::hooks::{use_clipboard, use_page, CopyState};
use crate::i18n::{fill, Text};

/// Props of [`OutputCard`].
#[derive(Properties, PartialEq, Debug)]
pub struct OutputCardProps {
    /// Which file of the rendered output.
    pub index: usize,
}

/// Where the file goes: in the cluster (`k8s/...`), or on every node at `/<path>`.
pub fn placement(file: &OutputFile) -> (bool, String) {
    if file.kind == FileKind::Kubernetes || file.path.starts_with("k8s/") {
        (false, file.path.clone())
    } else {
        (true, format!("/{}", file.path))
    }
}

/// The after-apply note and its class.
pub fn after_note(t: &Text, after: AfterApply) -> (&'static str, &'static str) {
    match after {
        AfterApply::RestartContainerd => (t.after_restart, "restart"),
        AfterApply::NothingPickedUpOnPull => (t.after_nothing, "no-restart"),
        AfterApply::KubectlApply => (t.after_kubectl, "kubectl-apply"),
        AfterApply::Run => (t.after_run, "run"),
        AfterApply::SeeNotes => (t.after_see_notes, "see-notes"),
    }
}

/// One output file (WEB-CONTRACT.md: `.output-file[data-path]`, `pre.file-contents`, `button.copy`).
#[function_component]
pub fn OutputCard(props: &OutputCardProps) -> Html {
    let page = use_page();
    let t = page.lang.text();
    let file = page.rendered.files.get(props.index);
    let contents = AttrValue::from(file.map(|f| f.contents.clone()).unwrap_or_default());
    let (copy_state, on_copy) = use_clipboard(contents.clone());
    let Some(file) = file else { return html! {} };
    let (on_node, shown_path) = placement(file);
    let (after, after_class) = after_note(t, file.after);
    let copy_text = match copy_state {
        CopyState::Idle => t.copy,
        CopyState::Copied => t.copied,
        CopyState::Failed => t.copy_failed,
    };
    let path_id = format!("out-{}-path", props.index);
    html! {
        <article class={classes!("output-file", file.sensitive.then_some("sensitive"))} data-path={file.path.clone()}
            data-sensitive={file.sensitive.to_string()} aria-labelledby={format!("out-{}-title", props.index)}>
            <div class="card-head">
                <h3 id={format!("out-{}-title", props.index)}>{ &file.title }</h3>
                <button type="button" class={classes!("copy", (copy_state == CopyState::Copied).then_some("done"))}
                    onclick={on_copy} title={fill(t.copy_label, "path", &shown_path)} aria-describedby={path_id.clone()}
                    aria-live="polite">
                    { copy_text }
                </button>
            </div>
            <p class="file-path" id={path_id}>
                <span class={classes!("where", if on_node { "node" } else { "cluster" })}>
                    { if on_node { t.on_node } else { t.in_cluster } }
                </span>
                <code>{ shown_path.clone() }</code>
            </p>
            if file.sensitive {
                <p class="badge-sensitive">{ t.sensitive }</p>
            }
            if !file.instructions.is_empty() {
                <p class="instructions">{ &file.instructions }</p>
            }
            <p class={classes!("after", format!("after-{after_class}"))}>{ after }</p>
            <pre class="file-contents" tabindex="0">{ contents }</pre>
        </article>
    }
}
