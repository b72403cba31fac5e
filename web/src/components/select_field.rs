//! A labelled select with its hint and diagnostics.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::diags::diags;
use crate::field;
use crate::state::State;

/// A select to show (a view, not a component: see [`diags`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SelectField {
    path: String,
    label: &'static str,
    hint: &'static str,
    options: Vec<(AttrValue, AttrValue)>,
    value: AttrValue,
    onchange: Callback<String>,
}

impl SelectField {
    /// The select of the field at `path`: `(value, label)` of every option, the selected
    /// value (added as an option when none has it, so nothing is hidden), and what to
    /// call with the chosen value.
    pub fn new(
        path: impl Into<String>,
        label: &'static str,
        hint: &'static str,
        options: Vec<(AttrValue, AttrValue)>,
        value: impl Into<AttrValue>,
        onchange: Callback<String>,
    ) -> SelectField {
        SelectField { path: path.into(), label, hint, options, value: value.into(), onchange }
    }

    /// The label, the select, the hint and the field's diagnostics.
    pub fn view(self, page: &State) -> Html {
        let id = field::dom_id(&self.path);
        let hint_id = format!("{id}-hint");
        let onchange = self.onchange.reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
        let mut options = self.options;
        if !options.iter().any(|(v, _)| *v == self.value) {
            options.push((self.value.clone(), self.value.clone()));
        }
        html! {
            <div class="field">
                <label for={id.clone()}>{ self.label }</label>
                <select id={id.clone()} {onchange} aria-describedby={format!("{hint_id} {id}-diags")}>
                    { for options.into_iter().map(|(v, l)| {
                        let selected = v == self.value;
                        html! { <option value={v} {selected}>{ l }</option> }
                    }) }
                </select>
                <p class="hint" id={hint_id}>{ self.hint }</p>
                { diags(page, &self.path) }
            </div>
        }
    }
}
