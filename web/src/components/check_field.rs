//! A labelled check box with its hint and diagnostics.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::diags::diags;
use crate::field;
use crate::state::State;

/// A check box to show (a view, not a component: see [`diags`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckField {
    path: String,
    label: &'static str,
    hint: &'static str,
    checked: bool,
    onchange: Callback<bool>,
}

impl CheckField {
    /// The check box of the field at `path`, with its label, hint and state.
    pub fn new(
        path: impl Into<String>,
        label: &'static str,
        hint: &'static str,
        checked: bool,
        onchange: Callback<bool>,
    ) -> CheckField {
        CheckField { path: path.into(), label, hint, checked, onchange }
    }

    /// The check box, its label, the hint and the field's diagnostics.
    pub fn view(self, page: &State) -> Html {
        let id = field::dom_id(&self.path);
        let hint_id = format!("{id}-hint");
        let onchange = self.onchange.reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().checked());
        html! {
            <div class="field check">
                <input type="checkbox" id={id.clone()} checked={self.checked} {onchange}
                    aria-describedby={format!("{hint_id} {id}-diags")} />
                <label for={id}>{ self.label }</label>
                <p class="hint" id={hint_id}>{ self.hint }</p>
                { diags(page, &self.path) }
            </div>
        }
    }
}
