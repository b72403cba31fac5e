//! The cluster side: the pull Secret and the objects that must reference it.

use yew::prelude::*;

use crate::components::patch_row::patch_row;
use crate::components::text_field::TextField;
use crate::field;
use crate::state::{Action, KubeText, State};

/// Secret name, namespaces, email, patch targets (a view: see
/// [`crate::components::node_section::node_section`]).
pub fn kubernetes_section(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let k = &page.form.kubernetes;
    let set = |f: KubeText| {
        let p = page.clone();
        Callback::from(move |v: String| p.dispatch(Action::SetKubeText(f, v)))
    };
    let add = {
        let p = page.clone();
        Callback::from(move |_: MouseEvent| p.dispatch(Action::AddPatch))
    };
    let ns_path = field::kubernetes("namespaces");
    let namespaces = page.list_text(&ns_path, &k.namespaces);
    html! {
        <section class="card" aria-labelledby="k8s-heading">
            <h2 id="k8s-heading">{ t.section_kubernetes }</h2>
            <div class="row">
                { TextField::new(field::kubernetes("secret_name"), t.secret_name_label, t.secret_name_hint,
                    k.secret_name.clone(), set(KubeText::SecretName))
                    .placeholder(pullfix_core::form::DEFAULT_SECRET_NAME).view(page) }
                { TextField::new(ns_path, t.namespaces_label, t.namespaces_hint, namespaces, set(KubeText::Namespaces))
                    .placeholder("default, ci").view(page) }
            </div>
            { TextField::new(field::kubernetes("email"), t.email_label, t.email_hint, k.email.clone(),
                set(KubeText::Email)).view(page) }
            <fieldset class="group">
                <legend>{ t.patches_legend }</legend>
                <p class="hint">{ t.patches_hint }</p>
                { for (0..k.patches.len()).map(|i| patch_row(page, i)) }
                <button type="button" class="add" id="add-patch" onclick={add}>{ "+ " }{ t.add_patch }</button>
            </fieldset>
        </section>
    }
}
