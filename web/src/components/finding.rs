//! One finding of the diagnose box: the excerpt, what it means, the fix, and the button
//! that applies its form changes.

use yew::prelude::*;

use crate::components::action_button::action_button;
use crate::state::{Action, State};

/// Finding `i` of the current diagnosis as `li.finding` with its `.apply-prefill` button.
/// Out of line: the first render shows no findings, so it need not compile this.
#[inline(never)]
pub fn finding(page: &UseReducerHandle<State>, i: usize) -> Html {
    let t = page.lang.text();
    let Some(f) = page.diagnosis.findings.get(i) else { return html! {} };
    // No button that changes nothing (a prefill the form already holds, the version
    // kept); a 401 naming no registry leads to the only one, else asks to add it first.
    let Some(done) = page.prefilled(i) else { return html! {} };
    let registry = f.prefill.registry().or_else(|| {
        done.credentials
            .and_then(|r| done.form.registries.get(r))
            .map(|r| r.host.trim().to_owned())
            .filter(|h| !h.is_empty())
    });
    let label = html! {
        <>
            { t.apply_prefill }
            if let Some(r) = registry { { " (" }<code>{ r }</code>{ ")" } }
        </>
    };
    let asks = f.prefill.credentials_needed;
    html! {
        <li class="finding" data-code={f.code}>
            <h3>{ &f.title }</h3>
            <blockquote class="excerpt"><code>{ &f.excerpt }</code></blockquote>
            <p class="explanation">{ &f.explanation }</p>
            <p class="diag-fix"><span class="diag-fix-label">{ t.fix_prefix }</span>{ " " }{ &f.fix }</p>
            if done.does_something() {
                { action_button(page, format!("apply-prefill-{i}"), "apply-prefill",
                    label, Action::ApplyPrefill(i)) }
            }
            if asks && done.credentials.is_some() {
                <p class="hint">{ t.credentials_go }</p>
            } else if asks {
                <p class="hint add-registry-first">{ t.credentials_add_registry }</p>
            }
        </li>
    }
}
