//! The registries, each in its own card, and the button that adds one.

use yew::prelude::*;

use crate::components::action_button::action_button;
use crate::components::registry_card::registry_card;
use crate::state::{Action, Item, State};

/// Every registry of the form (a view: see [`crate::components::node_section::node_section`]).
pub fn registry_list(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let count = page.form.registries.len();
    html! {
        <section class="registries" aria-labelledby="registries-heading">
            <h2 id="registries-heading">{ t.section_registries }</h2>
            if count == 0 {
                <p class="empty">{ t.registries_empty }</p>
            }
            { for (0..count).map(|i| registry_card(page, i)) }
            { action_button(page, "add-registry".into(), "add", t.add_registry.into(),
                Action::Add(Item::Registry, 0)) }
        </section>
    }
}
