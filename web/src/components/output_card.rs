//! One generated file: where it goes, what to do with it, its contents and a copy button.

use pullfix_core::flavor::Flavor;
use pullfix_core::merge::page::MERGED_PATH;
use pullfix_core::node_script::CONFIG_TOML;
use pullfix_core::{AfterApply, OutputFile, Placement};
use yew::prelude::*;

use crate::browser;
use crate::components::docs::in_system_store;
use crate::components::with_class::with_class;
use crate::i18n::{fill, Text};
use crate::state::{Action, State};

/// Where the file goes (core's [`Placement`]) and the path shown: a node file at its
/// node path (`/<path>`; the merged config.toml replaces the node's
/// `/etc/containerd/config.toml`), anything else (the merge's diff too) at its path in the
/// download.
pub fn placement(file: &OutputFile) -> (Placement, String) {
    let shown = match file.placement {
        Placement::Node if file.path == MERGED_PATH => CONFIG_TOML.to_owned(),
        Placement::Node => format!("/{}", file.path),
        _ => file.path.clone(),
    };
    (file.placement, shown)
}

/// The label of a placement and its class.
pub fn place_label(t: &Text, place: Placement) -> (&'static str, &'static str) {
    match place {
        Placement::Node => (t.on_node, "where node"),
        Placement::RunOnNode => (t.run_on_node, "where run"),
        Placement::Cluster => (t.in_cluster, "where cluster"),
        Placement::Workstation => (t.on_workstation, "where workstation"),
        Placement::AnsibleController => (t.on_ansible_controller, "where controller"),
        Placement::Review => (t.for_review, "where review"),
    }
}

/// The after-apply note and its class. On minikube containerd runs in the node, so its
/// restart goes through `minikube ssh` (review 7 L1).
pub fn after_note(t: &Text, after: AfterApply, flavor: Flavor) -> (&'static str, &'static str) {
    match after {
        AfterApply::RestartContainerd if flavor == Flavor::Minikube => (t.after_restart_minikube, "restart"),
        AfterApply::RestartContainerd => (t.after_restart, "restart"),
        AfterApply::NothingPickedUpOnPull => (t.after_nothing, "no-restart"),
        AfterApply::KubectlApply => (t.after_kubectl, "kubectl-apply"),
        AfterApply::KubectlPatch => (t.after_kubectl_patch, "kubectl-patch"),
        AfterApply::Run => (t.after_run, "run"),
        AfterApply::SeeNotes => (t.after_see_notes, "see-notes"),
    }
}

/// The after-apply note of `file`: a CA in the system trust store (containerd 1.2) needs
/// `update-ca-certificates` before the restart (review 12 D1).
pub fn file_after_note(t: &Text, file: &OutputFile, flavor: Flavor) -> (&'static str, &'static str) {
    match after_note(t, file.after, flavor) {
        (_, class) if in_system_store(file) => (t.after_system_ca, class),
        note => note,
    }
}

/// Output file `index` (web/WEB-CONTRACT.md: `.output-file[data-path]`, `pre.file-contents`,
/// `button.copy`). A view: the copy button's outcome is page state (`State::copied`,
/// dropped when the file's contents change), so no component or hook is needed.
pub fn output_card(page: &UseReducerHandle<State>, index: usize) -> Html {
    let t = page.lang.text();
    let Some(file) = page.rendered.files.get(index) else { return html! {} };
    let (place, shown_path) = placement(file);
    let (after, after_class) = file_after_note(t, file, page.form.flavor);
    // An error that says "no files until it is fixed" stands: a preview, not to be applied.
    let preview = page.rendered.withheld_by(file).is_some();
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
            <button type="button" onclick={on_copy} title={fill(t.copy_label, "path", &shown_path)} disabled={preview}
                aria-describedby={path_id.clone()} aria-live="polite">
                { copy_text }
            </button>
        },
        if copied == Some(true) { "copy done" } else { "copy" },
    );
    let (place_text, place_class) = place_label(t, place);
    let place = with_class(html! { <span>{ place_text }</span> }, place_class);
    let after = with_class(html! { <p>{ after }</p> }, format!("after after-{after_class}"));
    let card = html! {
        <article key={file.path.clone()} data-path={file.path.clone()} data-sensitive={if file.sensitive { "true" } else { "false" }}
            data-preview={if preview { "true" } else { "false" }} aria-labelledby={title_id.clone()}>
            <div class="card-head">
                <h3 id={title_id.clone()} lang={page.lang.en()}>{ &file.title }</h3>
                { copy }
            </div>
            <p class="file-path" id={path_id}>
                { place }
                <code>{ shown_path }</code>
            </p>
            if preview {
                // The warning badge's style (web/style.css has no own rule for it yet).
                <p class="badge-sensitive preview-note">{ t.preview_only }</p>
            }
            if file.sensitive {
                <p class="badge-sensitive">{ t.sensitive }</p>
            }
            if !file.instructions.is_empty() {
                <p class="instructions" lang={page.lang.en()}>{ &file.instructions }</p>
            }
            { after }
            <pre class="file-contents" tabindex="0" aria-labelledby={title_id}>{ &file.contents }</pre>
        </article>
    };
    with_class(
        card,
        match (file.sensitive, preview) {
            (_, true) => "output-file sensitive preview",
            (true, false) => "output-file sensitive",
            (false, false) => "output-file",
        },
    )
}
