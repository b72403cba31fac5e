//! A labelled check box with its hint and diagnostics.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::diags::Diags;
use crate::field;

/// Props of [`CheckField`].
#[derive(Properties, PartialEq, Debug)]
pub struct CheckFieldProps {
    /// The form field's path; the input's id derives from it.
    pub path: AttrValue,
    /// The label.
    pub label: AttrValue,
    /// The short hint under it.
    pub hint: AttrValue,
    /// Checked or not.
    pub checked: bool,
    /// Called with the new state.
    pub onchange: Callback<bool>,
}

/// A labelled check box with its hint and diagnostics.
#[function_component]
pub fn CheckField(props: &CheckFieldProps) -> Html {
    let id = field::dom_id(&props.path);
    let hint_id = format!("{id}-hint");
    let onchange = props.onchange.reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().checked());
    html! {
        <div class="field check">
            <input type="checkbox" id={id.clone()} checked={props.checked} {onchange}
                aria-describedby={format!("{hint_id} {id}-diags")} />
            <label for={id}>{ props.label.clone() }</label>
            <p class="hint" id={hint_id}>{ props.hint.clone() }</p>
            <Diags path={props.path.clone()} />
        </div>
    }
}
