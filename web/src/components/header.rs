//! The page's header: name, what it does, the privacy promise, the language switch.

use yew::prelude::*;

use crate::components::lang_switch::LangSwitch;
use crate::hooks::use_page;

/// The page header.
#[function_component]
pub fn Header() -> Html {
    let page = use_page();
    let t = page.lang.text();
    html! {
        <header class="top">
            <div class="brand">
                <h1>{ t.app_title }</h1>
                <p class="tagline">{ t.tagline }</p>
            </div>
            <LangSwitch />
            <p class="privacy">{ t.privacy }</p>
        </header>
    }
}
