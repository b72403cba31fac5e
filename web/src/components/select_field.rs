//! A labelled select with its hint and diagnostics.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::diags::Diags;
use crate::field;

/// Props of [`SelectField`].
#[derive(Properties, PartialEq, Debug)]
pub struct SelectFieldProps {
    /// The form field's path; the select's id derives from it.
    pub path: AttrValue,
    /// The label.
    pub label: AttrValue,
    /// The short hint under it.
    pub hint: AttrValue,
    /// `(value, label)` of every option.
    pub options: Vec<(AttrValue, AttrValue)>,
    /// The selected value; when no option has it, it is added, so nothing is hidden.
    pub value: AttrValue,
    /// Called with the chosen value.
    pub onchange: Callback<String>,
}

/// A labelled select with its hint and diagnostics.
#[function_component]
pub fn SelectField(props: &SelectFieldProps) -> Html {
    let id = field::dom_id(&props.path);
    let hint_id = format!("{id}-hint");
    let onchange = props.onchange.reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    let mut options = props.options.clone();
    if !options.iter().any(|(v, _)| *v == props.value) {
        options.push((props.value.clone(), props.value.clone()));
    }
    html! {
        <div class="field">
            <label for={id.clone()}>{ props.label.clone() }</label>
            <select id={id.clone()} {onchange} aria-describedby={format!("{hint_id} {id}-diags")}>
                { for options.into_iter().map(|(v, l)| {
                    let selected = v == props.value;
                    html! { <option value={v} {selected}>{ l }</option> }
                }) }
            </select>
            <p class="hint" id={hint_id}>{ props.hint.clone() }</p>
            <Diags path={props.path.clone()} />
        </div>
    }
}
