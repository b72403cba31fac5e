//! "Paste your error": the diagnose box at the top of the form, its findings, and the
//! buttons that apply a finding's form changes.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::components::finding::finding;
use crate::state::{Action, State};

/// `#diagnose-input`, then one `.finding` per problem with its `.apply-prefill` button. A view: see
/// [`crate::components::node_section::node_section`].
pub fn diagnose_box(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let oninput = {
        let p = page.clone();
        Callback::from(move |e: InputEvent| {
            p.dispatch(Action::SetDiagnoseText(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
        })
    };
    let diagnosis = &page.diagnosis;
    let pasted = !page.diagnose_text.trim().is_empty();
    html! {
        <section class="card diagnose" aria-labelledby="diagnose-heading">
            <h2 id="diagnose-heading">{ t.diagnose_heading }</h2>
            <label for="diagnose-input">{ t.diagnose_label }</label>
            <textarea id="diagnose-input" rows="4" spellcheck="false" autocomplete="off"
                aria-describedby="diagnose-hint" placeholder={t.diagnose_placeholder}
                value={page.diagnose_text.clone()} {oninput} />
            <p class="hint" id="diagnose-hint">{ t.diagnose_hint }</p>
            if pasted && diagnosis.findings.is_empty() {
                <p class="empty" role="status">{ t.diagnose_none }</p>
            }
            if !diagnosis.findings.is_empty() {
                <ol class="findings" aria-live="polite">
                    { for (0..diagnosis.findings.len()).map(|i| finding(page, i)) }
                </ol>
            }
        </section>
    }
}
