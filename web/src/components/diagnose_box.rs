//! "Paste your error": the diagnose box at the top of the form, its findings, and the
//! buttons that apply a finding's form changes.

use pullfix_core::Form;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::components::finding::finding;
use crate::components::with_class::with_class;
use crate::i18n::{fill, Lang};
use crate::key::{Loc, Scope};
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
    let (result, class) = match diagnosis.findings.len() {
        _ if !pasted => (String::new(), "diagnose-status"),
        0 => (t.diagnose_none.to_owned(), "diagnose-status empty"),
        n => (fill(t.diagnose_found, "n", &n.to_string()), "diagnose-status"),
    };
    html! {
        <section class="card diagnose" aria-labelledby="diagnose-heading">
            <h2 id="diagnose-heading">{ t.diagnose_heading }</h2>
            <label for="diagnose-input">{ t.diagnose_label }</label>
            <textarea id="diagnose-input" rows="4" spellcheck="false" autocomplete="off"
                aria-describedby="diagnose-hint" placeholder={t.diagnose_placeholder}
                value={page.diagnose_text.clone()} {oninput} />
            <p class="hint" id="diagnose-hint">{ t.diagnose_hint }</p>
            // Status lines are always on the page, so that screen readers announce what
            // they come to say: the result of a paste, what a finding changed.
            { with_class(html! { <p role="status">{ result }</p> }, class) }
            <p class="prefill-status" role="status">{ applied_text(page.lang, &page.form, &page.applied) }</p>
            if !diagnosis.findings.is_empty() {
                <ol class="findings">
                    { for (0..diagnosis.findings.len()).map(|i| finding(page, i)) }
                </ol>
            }
        </section>
    }
}

/// "Applied to the form: Registry host (hub.mooc.com), CA certificate path on the node
/// (hub.mooc.com)." for the fields an applied finding changed; empty when none did.
pub fn applied_text(lang: Lang, form: &Form, changed: &[Loc]) -> String {
    if changed.is_empty() {
        return String::new();
    }
    let t = lang.text();
    let fields: Vec<String> = changed
        .iter()
        .map(|loc| {
            let label = t.field(loc.key).0;
            match loc.key.scope() {
                Scope::Registry | Scope::Mirror => {
                    let host = form.registries.get(loc.i).map(|r| r.host.trim()).unwrap_or_default();
                    let whose = if host.is_empty() {
                        fill(t.registry_n, "n", &(loc.i + 1).to_string())
                    } else {
                        host.to_owned()
                    };
                    match lang {
                        Lang::En => format!("{label} ({whose})"),
                        Lang::Zh => format!("{label}（{whose}）"),
                    }
                }
                _ => label.to_owned(),
            }
        })
        .collect();
    let sep = match lang {
        Lang::En => ", ",
        Lang::Zh => "、",
    };
    fill(t.prefill_applied, "fields", &fields.join(sep))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::Key;
    use pullfix_core::Registry;

    /// The status line names the changed fields and their registry, in both languages.
    #[test]
    fn the_status_line_says_what_a_finding_changed() {
        let form = Form {
            registries: vec![Registry { host: "hub.mooc.com".into(), ..Registry::default() }],
            ..Form::default()
        };
        let changed = [Key::Host.at(0, 0), Key::CaFile.at(0, 0), Key::SandboxImage.at(0, 0)];
        assert_eq!(
            applied_text(Lang::En, &form, &changed),
            "Applied to the form: Registry host (hub.mooc.com), CA certificate path on the node (hub.mooc.com), \
             Sandbox (pause) image."
        );
        assert_eq!(
            applied_text(Lang::Zh, &form, &changed),
            "已应用到表单：仓库地址（hub.mooc.com）、节点上的 CA 证书路径（hub.mooc.com）、沙箱（pause）镜像。"
        );
        assert_eq!(applied_text(Lang::En, &form, &[]), "");
    }
}
