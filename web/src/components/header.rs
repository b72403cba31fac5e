//! The page's header: name, what it does, the privacy promise, the language switch.

use yew::prelude::*;

use crate::components::lang_switch::lang_switch;
use crate::state::State;

/// The page header (a view: a component of its own would cost more wasm than re-rendering
/// these few elements does).
pub fn header(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    html! {
        <header class="top">
            <div class="brand">
                <h1>{ t.app_title }</h1>
                <p class="tagline">{ t.tagline }</p>
            </div>
            { lang_switch(page) }
            <p class="privacy">{ t.privacy }</p>
        </header>
    }
}
