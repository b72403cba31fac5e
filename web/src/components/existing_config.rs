//! The merge box: the node's current config.toml, pasted; the form is merged into it and
//! the merged file and its diff replace the config.toml block among the outputs.

use pullfix_core::merge::existing_config_field;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::diags::diags;
use crate::i18n::fill;
use crate::state::{Action, State};

/// `#existing-config` with `#merge-convert-version`, the merge's diagnostics and changes. A view: see
/// [`crate::components::node_section::node_section`].
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn existing_config(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let oninput = {
        let p = page.clone();
        Callback::from(move |e: InputEvent| {
            p.dispatch(Action::SetExistingConfig(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
        })
    };
    let on_convert = {
        let p = page.clone();
        Callback::from(move |e: Event| {
            p.dispatch(Action::SetConvertVersion(e.target_unchecked_into::<HtmlInputElement>().checked()))
        })
    };
    let path = existing_config_field().to_string();
    html! {
        <details class="card merge" open={!page.existing_config.is_empty()}>
            <summary><h2>{ t.merge_heading }</h2></summary>
            <div class="field">
                <label for="existing-config">{ t.merge_label }</label>
                <textarea id="existing-config" rows="6" spellcheck="false" autocomplete="off"
                    aria-describedby="existing-config-hint f-existing_config-diags"
                    placeholder="version = 2" value={page.existing_config.clone()} {oninput} />
                <p class="hint" id="existing-config-hint">{ t.merge_hint }</p>
                { diags(page, &path) }
            </div>
            // Nothing is merged on a flavour that writes config.toml itself: no version to convert.
            if pullfix_core::merge::page::merges_config_toml(page.form.flavor) {
            <div class="field check">
                <input type="checkbox" id="merge-convert-version" checked={page.convert_version} onchange={on_convert}
                    aria-describedby="merge-convert-version-hint" />
                <label for="merge-convert-version">{ t.merge_convert_version_label }</label>
                <p class="hint" id="merge-convert-version-hint">{ t.merge_convert_version_hint }</p>
            </div>
            }
            if let Some(m) = page.merge.as_ref().filter(|m| m.text.is_some()) {
                <p class="merge-summary" role="status">
                    { if m.changed() { fill(t.merge_changes, "n", &m.changes.len().to_string()) }
                      else { t.merge_unchanged.to_owned() } }
                </p>
                if m.changed() {
                    <ul class="changes">
                        { for m.changes.iter().map(|c| html! {
                            <li class="change">
                                <code>{ &c.key_path }</code>{ ": " }
                                <span class="old">{ c.old.as_deref().unwrap_or("—") }</span>{ " → " }
                                <span class="new">{ c.new.as_deref().unwrap_or("—") }</span>
                                <span class="why">{ " " }{ &c.why }</span>
                            </li>
                        }) }
                    </ul>
                }
            }
        </details>
    }
}
