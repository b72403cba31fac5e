//! The page's header: name, what it does, the privacy promise, the language switch.

use yew::prelude::*;

use crate::components::lang_switch::{LangSwitch, LangSwitchProps};

/// The page header (props: the language and the dispatcher, so typing in the form does
/// not re-render it).
#[function_component]
pub fn Header(props: &LangSwitchProps) -> Html {
    let t = props.lang.text();
    html! {
        <header class="top">
            <div class="brand">
                <h1>{ t.app_title }</h1>
                <p class="tagline">{ t.tagline }</p>
            </div>
            <LangSwitch lang={props.lang} dispatch={props.dispatch.clone()} />
            <p class="privacy">{ t.privacy }</p>
        </header>
    }
}
