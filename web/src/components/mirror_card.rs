//! One mirror of a registry.

use yew::prelude::*;

use crate::components::check_field::CheckField;
use crate::components::diags::diags;
use crate::components::text_field::TextField;
use crate::field;
use crate::i18n::fill;
use crate::state::{Action, MirrorFlag, MirrorText, State};

/// Mirror `j` of registry `i`: URL, override_path, capabilities, its own TLS settings
/// (a view: see [`crate::components::node_section::node_section`]).
pub fn mirror_card(page: &UseReducerHandle<State>, i: usize, j: usize) -> Html {
    let t = page.lang.text();
    let Some(m) = page.form.registries.get(i).and_then(|r| r.mirrors.get(j)) else { return html! {} };
    let n = (j + 1).to_string();
    let text = |f: MirrorText| {
        let p = page.clone();
        Callback::from(move |v: String| p.dispatch(Action::SetMirrorText(i, j, f, v)))
    };
    let flag = |f: MirrorFlag| {
        let p = page.clone();
        Callback::from(move |b: bool| p.dispatch(Action::SetMirrorFlag(i, j, f, b)))
    };
    let remove = {
        let p = page.clone();
        Callback::from(move |_: MouseEvent| p.dispatch(Action::RemoveMirror(i, j)))
    };
    let path = field::mirror(i, j, "");
    let caps_path = field::mirror(i, j, "capabilities");
    let caps = page.list_text(&caps_path, &m.capabilities);
    html! {
        <div key={j} class="mirror" id={field::dom_id(&path)} tabindex="-1">
            <div class="card-head">
                <h4>{ fill(t.mirror_n, "n", &n) }</h4>
                <button type="button" class="remove" id={format!("remove-mirror-{i}-{j}")} onclick={remove}>
                    { fill(t.remove_mirror, "n", &n) }
                </button>
            </div>
            { diags(page, &path) }
            { TextField::new(field::mirror(i, j, "url"), t.mirror_url_label, t.mirror_url_hint, m.url.clone(),
                text(MirrorText::Url)).placeholder("https://harbor.example.net/v2/dockerhub-proxy").view(page) }
            { CheckField::new(field::mirror(i, j, "override_path"), t.override_path_label, t.override_path_hint,
                m.override_path, flag(MirrorFlag::OverridePath)).view(page) }
            <div class="row">
                { TextField::new(caps_path, t.capabilities_label, t.capabilities_hint, caps,
                    text(MirrorText::Capabilities)).placeholder("pull, resolve").view(page) }
                { TextField::new(field::mirror(i, j, "ca_file"), t.mirror_ca_file_label, t.mirror_ca_file_hint,
                    m.ca_file.clone(), text(MirrorText::CaFile)).view(page) }
            </div>
            { CheckField::new(field::mirror(i, j, "skip_verify"), t.mirror_skip_verify_label, t.skip_verify_hint,
                m.skip_verify, flag(MirrorFlag::SkipVerify)).view(page) }
        </div>
    }
}
