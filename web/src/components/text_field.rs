//! A labelled text input (or textarea) with its hint and diagnostics.

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::diags::diags;
use crate::field;
use crate::state::State;

/// A text field to show (a view, not a component: see [`diags`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TextField {
    path: String,
    label: &'static str,
    hint: &'static str,
    value: AttrValue,
    oninput: Callback<String>,
    placeholder: Option<AttrValue>,
    secret: bool,
    multiline: bool,
}

impl TextField {
    /// The field at `path` (`registry[0].host`; the input's id derives from it) with its
    /// label, hint, value, and what to call with the new value on every input event.
    pub fn new(
        path: impl Into<String>,
        label: &'static str,
        hint: &'static str,
        value: impl Into<AttrValue>,
        oninput: Callback<String>,
    ) -> TextField {
        TextField {
            path: path.into(),
            label,
            hint,
            value: value.into(),
            oninput,
            placeholder: None,
            secret: false,
            multiline: false,
        }
    }

    /// An example shown while empty.
    pub fn placeholder(mut self, text: impl Into<AttrValue>) -> TextField {
        self.placeholder = Some(text.into());
        self
    }

    /// A password: hidden while typed, never autofilled into.
    pub fn secret(mut self, yes: bool) -> TextField {
        self.secret = yes;
        self
    }

    /// Several lines (a PEM certificate).
    pub fn multiline(mut self, yes: bool) -> TextField {
        self.multiline = yes;
        self
    }

    /// The label, the input, the hint and the field's diagnostics.
    pub fn view(self, page: &State) -> Html {
        let id = field::dom_id(&self.path);
        let hint_id = format!("{id}-hint");
        let described = format!("{hint_id} {id}-diags");
        let invalid =
            page.rendered.diagnostics.iter().any(|d| {
                d.severity == pullfix_core::Severity::Error && field::belongs_to(d.field.as_str(), &self.path)
            });
        let input = if self.multiline {
            let oninput = self.oninput.reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
            html! {
                <textarea id={id.clone()} rows="5" spellcheck="false" autocomplete="off"
                    aria-describedby={described} aria-invalid={invalid.to_string()}
                    placeholder={self.placeholder} value={self.value} {oninput} />
            }
        } else {
            let oninput = self.oninput.reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
            let (kind, autocomplete) = if self.secret { ("password", "new-password") } else { ("text", "off") };
            html! {
                <input id={id.clone()} type={kind} {autocomplete} spellcheck="false" autocapitalize="off"
                    aria-describedby={described} aria-invalid={invalid.to_string()}
                    placeholder={self.placeholder} value={self.value} {oninput} />
            }
        };
        html! {
            <div class="field">
                <label for={id}>{ self.label }</label>
                { input }
                <p class="hint" id={hint_id}>{ self.hint }</p>
                { diags(page, &self.path) }
            </div>
        }
    }
}
