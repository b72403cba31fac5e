//! One registry: host and protocol, TLS, credentials, mirrors.

use yew::prelude::*;

use crate::components::action_button::action_button;
use crate::components::diags::diags;
use crate::components::input::{input, row};
use crate::components::mirror_card::mirror_card;
use crate::components::with_class::with_class;
use crate::field;
use crate::i18n::fill;
use crate::key::Key;
use crate::state::{Action, Item, State};

/// Registry `i` of the form (a view: see [`crate::components::node_section::node_section`]).
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn registry_card(page: &UseReducerHandle<State>, i: usize) -> Html {
    let t = page.lang.text();
    let Some(r) = page.form.registries.get(i) else { return html! {} };
    let n = (i + 1).to_string();
    let at = |key: Key| input(page, key.at(i, 0));
    // A diagnose finding asked for this registry's credentials: highlight them (the app
    // puts the cursor into the user name).
    let wants_credentials = page.wants_credentials == Some(i) && !r.has_credentials();
    let path = field::registry(i, "");
    let heading_id = format!("registry-{i}-heading");
    html! {
        <fieldset class="card registry" id={field::dom_id(&path)} tabindex="-1" aria-labelledby={heading_id.clone()}>
            <div class="card-head">
                <h3 id={heading_id}>
                    { fill(t.registry_n, "n", &n) }
                    if !r.host.trim().is_empty() { <code class="card-sub">{ r.host.trim() }</code> }
                </h3>
                { action_button(page, format!("remove-registry-{i}"), "remove",
                    fill(t.remove_registry, "n", &n).into(), Action::Remove(Item::Registry, i, 0)) }
            </div>
            { diags(page, &path) }
            { row(page, "row", &[Key::Host.at(i, 0), Key::Scheme.at(i, 0)]) }
            <fieldset class="group">
                <legend>{ t.tls_legend }</legend>
                { at(Key::CaFile) }
                { at(Key::CaPem) }
                { row(page, "row", &[Key::ClientCert.at(i, 0), Key::ClientKey.at(i, 0)]) }
                { at(Key::SkipVerify) }
            </fieldset>
            { with_class(html! {
            <fieldset>
                <legend>{ t.credentials_legend }</legend>
                // Always on the page, so that screen readers announce it.
                <p class="wanted-note" role="status">{ if wants_credentials { t.credentials_needed } else { "" } }</p>
                { row(page, "row", &[Key::Username.at(i, 0), Key::Password.at(i, 0)]) }
                { at(Key::IdentityToken) }
                { at(Key::NodeAuth) }
            </fieldset>
            }, if wants_credentials { "group wanted" } else { "group" }) }
            <fieldset class="group">
                <legend>{ t.mirrors_legend }</legend>
                <p class="hint">{ t.mirrors_hint }</p>
                { for (0..r.mirrors.len()).map(|j| mirror_card(page, i, j)) }
                { action_button(page, format!("add-mirror-{i}"), "add",
                    t.add_mirror.into(), Action::Add(Item::Mirror, i)) }
                { at(Key::MirrorOnly) }
            </fieldset>
        </fieldset>
    }
}
