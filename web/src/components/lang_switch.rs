//! English / 简体中文, remembered in localStorage (`pullfix.lang`, the only stored item).

use yew::prelude::*;

use crate::browser;
use crate::components::with_class::with_class;
use crate::i18n::Lang;
use crate::state::{Action, State};

/// Two buttons, `#lang-en` and `#lang-zh`; the current one is pressed.
pub fn lang_switch(page: &UseReducerHandle<State>) -> Html {
    let button = |lang: Lang, id: &'static str, name: &'static str| {
        let dispatch = page.dispatcher();
        let onclick = Callback::from(move |_: MouseEvent| {
            browser::store_lang(lang);
            browser::set_document_lang(lang);
            dispatch.dispatch(Action::SetLang(lang));
        });
        let pressed = page.lang == lang;
        let button = html! {
            <button type="button" {id} lang={lang.code()} aria-pressed={if pressed { "true" } else { "false" }} {onclick}>{ name }</button>
        };
        if pressed {
            with_class(button, "on")
        } else {
            button
        }
    };
    html! {
        <div class="lang" role="group" aria-label={page.lang.text().lang_label}>
            { button(Lang::En, "lang-en", "English") }
            { button(Lang::Zh, "lang-zh", "简体中文") }
        </div>
    }
}
