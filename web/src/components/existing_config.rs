//! The merge box: the node's current config.toml, pasted; the form is merged into it and
//! the merged file and its diff replace the config.toml block among the outputs.

use pullfix_core::flavor::Flavor;
use pullfix_core::merge::existing_config_field;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::diags::diags;
use crate::components::docs::print_config_command;
use crate::i18n::{fill, Lang, Text};
use crate::state::{Action, State};

/// The box's hint: paste the whole file, printed the way the flavour reaches the node
/// (`minikube ssh -- 'sudo cat …'` on minikube, the review's L3).
pub fn merge_hint(t: &Text, flavor: Flavor) -> String {
    fill(t.merge_hint, "command", &print_config_command(flavor))
}

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
                <p class="hint" id="existing-config-hint">{ merge_hint(t, page.form.flavor) }</p>
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
                if m.changed() && page.lang != Lang::En {
                    <p class="hint">{ t.merge_reasons_english }</p>
                }
                if m.changed() {
                    <ul class="changes">
                        { for m.changes.iter().map(|c| html! {
                            <li class="change">
                                <code>{ &c.key_path }</code>{ ": " }
                                <span class="old">{ c.old.as_deref().unwrap_or("—") }</span>{ " → " }
                                <span class="new">{ c.new.as_deref().unwrap_or("—") }</span>
                                { " " }<span class="why" lang={page.lang.en()}>{ &c.why }</span>
                            </li>
                        }) }
                    </ul>
                }
            }
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On minikube the hint prints the file through `minikube ssh`, as the Apply block
    /// does; elsewhere with `cat` on the node (both languages).
    #[test]
    fn the_hint_prints_the_file_the_way_the_flavour_reaches_the_node() {
        for lang in [Lang::En, Lang::Zh] {
            let t = lang.text();
            let mini = merge_hint(t, Flavor::Minikube);
            assert!(mini.contains("minikube ssh -- 'sudo cat /etc/containerd/config.toml'"), "{mini}");
            assert!(!mini.contains("{command}"), "{mini}");
            let kubeadm = merge_hint(t, Flavor::Kubeadm);
            assert!(kubeadm.contains("cat /etc/containerd/config.toml") && !kubeadm.contains("minikube"), "{kubeadm}");
        }
    }
}
