//! The cluster side: the pull Secret and the objects that must reference it.

use yew::prelude::*;

use crate::components::patch_row::PatchRow;
use crate::components::text_field::TextField;
use crate::field;
use crate::hooks::use_page;
use crate::state::{Action, KubeText};

/// Secret name, namespaces, email, patch targets.
#[function_component]
pub fn KubernetesSection() -> Html {
    let page = use_page();
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
                <TextField path={field::kubernetes("secret_name")} label={t.secret_name_label}
                    hint={t.secret_name_hint} value={k.secret_name.clone()} oninput={set(KubeText::SecretName)}
                    placeholder={pullfix_core::form::DEFAULT_SECRET_NAME} />
                <TextField path={ns_path} label={t.namespaces_label} hint={t.namespaces_hint}
                    value={namespaces} oninput={set(KubeText::Namespaces)} placeholder="default, ci" />
            </div>
            <TextField path={field::kubernetes("email")} label={t.email_label} hint={t.email_hint}
                value={k.email.clone()} oninput={set(KubeText::Email)} />
            <fieldset class="group">
                <legend>{ t.patches_legend }</legend>
                <p class="hint">{ t.patches_hint }</p>
                { for (0..k.patches.len()).map(|i| html! { <PatchRow key={i} index={i} /> }) }
                <button type="button" class="add" id="add-patch" onclick={add}>{ "+ " }{ t.add_patch }</button>
            </fieldset>
        </section>
    }
}
