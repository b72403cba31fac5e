//! English / 简体中文, remembered in localStorage (`pullfix.lang`, the only stored item).

use yew::prelude::*;

use crate::browser;
use crate::i18n::Lang;
use crate::state::{Action, State};

/// Props of [`LangSwitch`] (and of the header around it).
#[derive(Properties, PartialEq, Debug)]
pub struct LangSwitchProps {
    /// The page's language.
    pub lang: Lang,
    /// Where the choice goes.
    pub dispatch: UseReducerDispatcher<State>,
}

/// Two buttons, `#lang-en` and `#lang-zh`; the current one is pressed.
#[function_component]
pub fn LangSwitch(props: &LangSwitchProps) -> Html {
    let button = |lang: Lang, id: &'static str, name: &'static str| {
        let dispatch = props.dispatch.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            browser::store_lang(lang);
            dispatch.dispatch(Action::SetLang(lang));
        });
        let pressed = props.lang == lang;
        html! {
            <button type="button" {id} lang={lang.code()} aria-pressed={pressed.to_string()}
                class={classes!(pressed.then_some("on"))} {onclick}>{ name }</button>
        }
    };
    html! {
        <div class="lang" role="group" aria-label={props.lang.text().lang_label}>
            { button(Lang::En, "lang-en", "English") }
            { button(Lang::Zh, "lang-zh", "简体中文") }
        </div>
    }
}
