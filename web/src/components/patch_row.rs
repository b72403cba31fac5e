//! One object that must list the Secret in its imagePullSecrets.

use pullfix_core::patch::ALL_KINDS;
use yew::prelude::*;

use crate::components::diags::diags;
use crate::components::select_field::SelectField;
use crate::components::text_field::TextField;
use crate::field;
use crate::i18n::fill;
use crate::state::{Action, PatchText, State};

/// Kind, name and namespace of patch target `i` (a view: see
/// [`crate::components::node_section::node_section`]).
pub fn patch_row(page: &UseReducerHandle<State>, i: usize) -> Html {
    let t = page.lang.text();
    let Some(p) = page.form.kubernetes.patches.get(i) else { return html! {} };
    let n = (i + 1).to_string();
    let set = |f: PatchText| {
        let page = page.clone();
        Callback::from(move |v: String| page.dispatch(Action::SetPatchText(i, f, v)))
    };
    let remove = {
        let page = page.clone();
        Callback::from(move |_: MouseEvent| page.dispatch(Action::RemovePatch(i)))
    };
    let path = field::patch(i, "");
    let mut options: Vec<(AttrValue, AttrValue)> =
        ALL_KINDS.iter().map(|k| (k.as_str().into(), k.as_str().into())).collect();
    if p.kind.is_empty() {
        options.insert(0, ("".into(), t.kind_other.into()));
    }
    html! {
        <div key={i} class="patch" id={field::dom_id(&path)} tabindex="-1">
            <div class="card-head">
                <h4>{ fill(t.patch_n, "n", &n) }</h4>
                <button type="button" class="remove" id={format!("remove-patch-{i}")} onclick={remove}>
                    { fill(t.remove_patch, "n", &n) }
                </button>
            </div>
            { diags(page, &path) }
            <div class="row three">
                { SelectField::new(field::patch(i, "kind"), t.kind_label, t.kind_hint, options, p.kind.clone(),
                    set(PatchText::Kind)).view(page) }
                { TextField::new(field::patch(i, "name"), t.name_label, t.name_hint, p.name.clone(),
                    set(PatchText::Name)).placeholder("default").view(page) }
                { TextField::new(field::patch(i, "namespace"), t.patch_namespace_label, t.patch_namespace_hint,
                    p.namespace.clone(), set(PatchText::Namespace)).placeholder("default").view(page) }
            </div>
        </div>
    }
}
