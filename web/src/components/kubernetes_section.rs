//! The cluster side: the pull Secret and the objects that must reference it.

use yew::prelude::*;

use crate::components::action_button::action_button;
use crate::components::input::{input, row};
use crate::components::patch_row::patch_row;
use crate::key::Key;
use crate::state::{Action, Item, State};

/// Secret name, namespaces, email, patch targets (a view: see
/// [`crate::components::node_section::node_section`]).
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn kubernetes_section(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    html! {
        <section class="card" aria-labelledby="k8s-heading">
            <h2 id="k8s-heading">{ t.section_kubernetes }</h2>
            { row(page, "row", &[Key::SecretName.into(), Key::Namespaces.into()]) }
            { input(page, Key::Email.into()) }
            <fieldset class="group">
                <legend>{ t.patches_legend }</legend>
                <p class="hint">{ t.patches_hint }</p>
                { for (0..page.form.kubernetes.patches.len()).map(|i| patch_row(page, i)) }
                { action_button(page, "add-patch".into(), "add", t.add_patch.into(),
                    Action::Add(Item::Patch, 0)) }
            </fieldset>
        </section>
    }
}
