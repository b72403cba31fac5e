//! The registries, each in its own card, and the button that adds one.

use yew::prelude::*;

use crate::components::registry_card::registry_card;
use crate::state::{Action, State};

/// Every registry of the form (a view: see [`crate::components::node_section::node_section`]).
pub fn registry_list(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let add = {
        let page = page.clone();
        Callback::from(move |_: MouseEvent| page.dispatch(Action::AddRegistry))
    };
    let count = page.form.registries.len();
    html! {
        <section class="registries" aria-labelledby="registries-heading">
            <h2 id="registries-heading">{ t.section_registries }</h2>
            if count == 0 {
                <p class="empty">{ t.registries_empty }</p>
            }
            { for (0..count).map(|i| registry_card(page, i)) }
            <button type="button" id="add-registry" class="add" onclick={add}>{ "+ " }{ t.add_registry }</button>
        </section>
    }
}
