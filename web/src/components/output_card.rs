//! One generated file: where it goes, what to do with it, its contents and a copy button.

use pullfix_core::merge::page::{DIFF_PATH, MERGED_PATH};
use pullfix_core::node_script::CONFIG_TOML;
use pullfix_core::{AfterApply, FileKind, OutputFile};
use yew::prelude::*;

use crate::browser;
use crate::components::with_class::with_class;
use crate::i18n::{fill, Text};
use crate::state::{Action, State};

/// Where a file goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// On every node.
    Node,
    /// Into the cluster (`kubectl apply`).
    Cluster,
    /// Nowhere: to read (the merge's diff).
    Review,
}

/// Where the file goes and the path shown: the merged config.toml replaces the node's
/// `/etc/containerd/config.toml`, its diff is for review, `k8s/...` goes into the cluster,
/// anything else on every node at `/<path>`.
pub fn placement(file: &OutputFile) -> (Place, String) {
    if file.path == MERGED_PATH {
        (Place::Node, CONFIG_TOML.to_owned())
    } else if file.path == DIFF_PATH {
        (Place::Review, "config.toml.diff".to_owned())
    } else if file.kind == FileKind::Kubernetes || file.path.starts_with("k8s/") {
        (Place::Cluster, file.path.clone())
    } else {
        (Place::Node, format!("/{}", file.path))
    }
}

/// The after-apply note and its class.
pub fn after_note(t: &Text, after: AfterApply) -> (&'static str, &'static str) {
    match after {
        AfterApply::RestartContainerd => (t.after_restart, "restart"),
        AfterApply::NothingPickedUpOnPull => (t.after_nothing, "no-restart"),
        AfterApply::KubectlApply => (t.after_kubectl, "kubectl-apply"),
        AfterApply::KubectlPatch => (t.after_kubectl_patch, "kubectl-patch"),
        AfterApply::Run => (t.after_run, "run"),
        AfterApply::SeeNotes => (t.after_see_notes, "see-notes"),
    }
}

/// Output file `index` (web/WEB-CONTRACT.md: `.output-file[data-path]`, `pre.file-contents`,
/// `button.copy`). A view: the copy button's outcome is page state (`State::copied`,
/// dropped when the file's contents change), so no component or hook is needed.
pub fn output_card(page: &UseReducerHandle<State>, index: usize) -> Html {
    let t = page.lang.text();
    let Some(file) = page.rendered.files.get(index) else { return html! {} };
    let (place, shown_path) = placement(file);
    let (after, after_class) = after_note(t, file.after);
    let copied = page.copied.as_ref().filter(|(p, _)| *p == file.path).map(|(_, ok)| *ok);
    let copy_text = match copied {
        None => t.copy,
        Some(true) => t.copied,
        Some(false) => t.copy_failed,
    };
    let on_copy = {
        let (dispatch, rendered) = (page.dispatcher(), page.rendered.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(file) = rendered.files.get(index) else { return };
            let (dispatch, path) = (dispatch.clone(), file.path.clone());
            browser::copy_text(&file.contents, move |ok| dispatch.dispatch(Action::Copied(path, ok)));
        })
    };
    let path_id = format!("out-{index}-path");
    let title_id = format!("out-{index}-title");
    let copy = with_class(
        html! {
            <button type="button" onclick={on_copy} title={fill(t.copy_label, "path", &shown_path)}
                aria-describedby={path_id.clone()} aria-live="polite">
                { copy_text }
            </button>
        },
        if copied == Some(true) { "copy done" } else { "copy" },
    );
    let (place_text, place_class) = match place {
        Place::Node => (t.on_node, "where node"),
        Place::Cluster => (t.in_cluster, "where cluster"),
        Place::Review => (t.for_review, "where review"),
    };
    let place = with_class(html! { <span>{ place_text }</span> }, place_class);
    let after = with_class(html! { <p>{ after }</p> }, format!("after after-{after_class}"));
    let card = html! {
        <article key={file.path.clone()} data-path={file.path.clone()} data-sensitive={if file.sensitive { "true" } else { "false" }}
            aria-labelledby={title_id.clone()}>
            <div class="card-head">
                <h3 id={title_id}>{ &file.title }</h3>
                { copy }
            </div>
            <p class="file-path" id={path_id}>
                { place }
                <code>{ shown_path }</code>
            </p>
            if file.sensitive {
                <p class="badge-sensitive">{ t.sensitive }</p>
            }
            if !file.instructions.is_empty() {
                <p class="instructions">{ &file.instructions }</p>
            }
            { after }
            <pre class="file-contents" tabindex="0">{ &file.contents }</pre>
        </article>
    };
    with_class(card, if file.sensitive { "output-file sensitive" } else { "output-file" })
}
