//! One finding of the diagnose box: the excerpt, what it means, the fix, and the button
//! that applies its form changes.

use yew::prelude::*;

use crate::components::action_button::action_button;
use crate::components::with_class::with_attr;
use crate::i18n::Text;
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
    let present = has_credentials(&done.form, registry.as_deref());
    let label = html! {
        <>
            { t.apply_prefill }
            if let Some(r) = registry { { page.lang.pick([" (", "（"]) }<code>{ r }</code>{ page.lang.pick([")", "）"]) } }
        </>
    };
    let asks = f.prefill.credentials_needed;
    let en = page.lang.en();
    let title = format!("finding-{i}-title");
    html! {
        <li class="finding" data-code={f.code}>
            <h3 lang={en} id={title.clone()}>{ &f.title }</h3>
            <blockquote class="excerpt"><code>{ &f.excerpt }</code></blockquote>
            <p class="explanation" lang={en}>{ &f.explanation }</p>
            <p class="diag-fix"><span class="diag-fix-label">{ t.fix_prefix }</span>{ " " }<span lang={en}>{ &f.fix }</span></p>
            if done.does_something() {
                // Tied to its finding: several buttons read alike (review 12 A1).
                { with_attr(action_button(page, format!("apply-prefill-{i}"), "apply-prefill",
                    label, Action::ApplyPrefill(i)), "aria-describedby", title) }
            }
            if let Some((hint, class)) = credentials_hint(t, asks, done.credentials, present, done.form.registries.len()) {
                <p class={classes!("hint", class)}>{ hint }</p>
            }
        </li>
    }
}

/// The hint under a finding that needs credentials, and its class: the button leads to
/// the registry's user name; else, with no registry in the form, add it first; with
/// several, pick the one the image comes from (review 7 L3: not "add it first" then).
fn credentials_hint(
    t: &Text,
    asks: bool,
    credentials: Option<usize>,
    present: bool,
    registries: usize,
) -> Option<(&'static str, &'static str)> {
    match (asks, credentials) {
        (false, _) => None,
        (true, Some(_)) => Some((t.credentials_go, "go-to-registry")),
        // The named registry already has a user name and a password (review 11 web N1).
        (true, None) if present => Some((t.credentials_present, "credentials-present")),
        (true, None) if registries == 0 => Some((t.credentials_add_registry, "add-registry-first")),
        (true, None) => Some((t.credentials_pick_registry, "pick-registry")),
    }
}

/// Whether the form's registry `host` has a user name and a password (or token).
fn has_credentials(form: &pullfix_core::Form, host: Option<&str>) -> bool {
    host.is_some_and(|h| {
        form.registries.iter().any(|r| {
            r.host.trim().eq_ignore_ascii_case(h)
                && !r.username.trim().is_empty()
                && (!r.password.is_empty() || !r.identity_token.trim().is_empty())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_401_naming_no_registry_asks_to_add_one_only_when_there_is_none() {
        for lang in [Lang::En, Lang::Zh] {
            let t = lang.text();
            assert_eq!(credentials_hint(t, false, None, false, 2), None);
            assert_eq!(credentials_hint(t, true, Some(0), false, 1), Some((t.credentials_go, "go-to-registry")));
            assert_eq!(
                credentials_hint(t, true, None, false, 0),
                Some((t.credentials_add_registry, "add-registry-first"))
            );
            // Review 11 web N1: the named registry already has its credentials.
            assert_eq!(credentials_hint(t, true, None, true, 1), Some((t.credentials_present, "credentials-present")));
            for several in [2, 3] {
                let (hint, class) = credentials_hint(t, true, None, false, several).expect("a hint");
                assert_eq!((hint, class), (t.credentials_pick_registry, "pick-registry"));
            }
        }
        let en = Lang::En.text().credentials_pick_registry;
        assert!(en.contains("pick the registry this image comes from") && !en.contains("add the registry"), "{en}");
        let zh = Lang::Zh.text().credentials_pick_registry;
        assert!(!zh.contains("添加"), "{zh}");
    }
}
