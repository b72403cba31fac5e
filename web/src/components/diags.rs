//! The diagnostics of one field, shown beside its input.

use pullfix_core::{Diagnostic, Severity};
use yew::prelude::*;

use crate::components::with_class::with_class;
use crate::field;
use crate::i18n::Text;
use crate::state::State;

/// The severity's word in the page's language.
pub fn severity_word(t: &Text, s: Severity) -> &'static str {
    match s {
        Severity::Error => t.severity_error,
        Severity::Warning => t.severity_warning,
        Severity::Info => t.severity_info,
    }
}

/// One diagnostic: `class="diag"`, `data-field`, `data-severity` (web/WEB-CONTRACT.md).
/// The core's English text carries `lang="en"` (`en`: [`crate::i18n::Lang::en`]); the
/// severity word and the fix label are separate nodes in the page's language.
pub fn diag_item(t: &Text, en: Option<&'static str>, d: &Diagnostic) -> Html {
    let severity = d.severity.to_string();
    let class = format!("diag diag-{severity}");
    let item = html! {
        <li data-field={d.field.to_string()}
            data-severity={severity.clone()} data-code={d.code}>
            <span class="diag-severity">{ severity_word(t, d.severity) }</span>{ " " }
            <span class="diag-message" lang={en}>{ &d.message }</span>
            if !d.fix.is_empty() {
                <span class="diag-fix"><span class="diag-fix-label">{ t.fix_prefix }</span>{ " " }<span lang={en}>{ &d.fix }</span></span>
            }
        </li>
    };
    with_class(item, class)
}

/// The diagnostics of the field at `path` (and of its list elements), errors first;
/// nothing when there are none. A view function, not a component: it is used beside
/// every input, and each component costs the page a few kilobytes of wasm.
pub fn diags(page: &State, path: &str) -> Html {
    let t = page.lang.text();
    let diags = field::worst_first(&page.rendered.diagnostics, Some(path));
    if diags.is_empty() {
        return html! {};
    }
    html! {
        // Not a live region: typing would announce every passing error. The input's
        // description reads it; the problem count is the page's status (review 12 A1).
        <ul class="diags" id={format!("{}-diags", field::dom_id(path))}>
            { for diags.iter().map(|d| diag_item(t, page.lang.en(), d)) }
        </ul>
    }
}
