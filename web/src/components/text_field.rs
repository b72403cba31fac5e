//! A labelled text input (or textarea) with its hint and diagnostics.

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::diags::Diags;
use crate::field;
use crate::hooks::use_page;

/// Props of [`TextField`].
#[derive(Properties, PartialEq, Debug)]
pub struct TextFieldProps {
    /// The form field's path (`registry[0].host`); the input's id derives from it.
    pub path: AttrValue,
    /// The label.
    pub label: AttrValue,
    /// The short hint under the input.
    pub hint: AttrValue,
    /// The current value.
    pub value: AttrValue,
    /// Called with the new value on every input event.
    pub oninput: Callback<String>,
    /// An example shown while empty.
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    /// A password: hidden while typed, never autofilled into or saved by the browser.
    #[prop_or_default]
    pub secret: bool,
    /// Several lines (a PEM certificate).
    #[prop_or_default]
    pub multiline: bool,
}

/// A labelled text input with its hint and diagnostics.
#[function_component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let page = use_page();
    let id = field::dom_id(&props.path);
    let hint_id = format!("{id}-hint");
    let described = format!("{hint_id} {id}-diags");
    let invalid = page
        .rendered
        .diagnostics
        .iter()
        .any(|d| d.severity == pullfix_core::Severity::Error && field::belongs_to(d.field.as_str(), &props.path));
    let input = if props.multiline {
        let oninput = props.oninput.reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
        html! {
            <textarea id={id.clone()} rows="5" spellcheck="false" autocomplete="off"
                aria-describedby={described} aria-invalid={invalid.to_string()}
                placeholder={props.placeholder.clone()} value={props.value.clone()} {oninput} />
        }
    } else {
        let oninput = props.oninput.reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
        let (kind, autocomplete) = if props.secret { ("password", "new-password") } else { ("text", "off") };
        html! {
            <input id={id.clone()} type={kind} {autocomplete} spellcheck="false" autocapitalize="off"
                aria-describedby={described} aria-invalid={invalid.to_string()}
                placeholder={props.placeholder.clone()} value={props.value.clone()} {oninput} />
        }
    };
    html! {
        <div class="field">
            <label for={id}>{ props.label.clone() }</label>
            { input }
            <p class="hint" id={hint_id}>{ props.hint.clone() }</p>
            <Diags path={props.path.clone()} />
        </div>
    }
}
