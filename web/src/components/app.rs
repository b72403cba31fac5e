//! The page: state, context, layout.

use yew::prelude::*;

use crate::browser;
use crate::components::diagnose_box::diagnose_box;
use crate::components::docs::docs;
use crate::components::existing_config::existing_config;
use crate::components::fleet_section::fleet_section;
use crate::components::header::header;
use crate::components::kubernetes_section::kubernetes_section;
use crate::components::node_section::node_section;
use crate::components::outputs::outputs;
use crate::components::preset_bar::preset_bar;
use crate::components::registry_list::registry_list;
use crate::field;
use crate::state::{Action, State};

/// The whole page.
#[function_component]
pub fn App() -> Html {
    let state = use_reducer(|| State::open(browser::initial_lang(), browser::fragment_pairs()));
    // Once: `<html lang>` (the language buttons set it from then on), follow the fragment
    // (a link pasted into the open tab), and show the rest of the page in the next task:
    // the form and its outputs come first, the fleet options and the docs (a third of the
    // page's elements) once the first screen is up. One effect, not one hook each: every
    // hook instance costs the page wasm.
    {
        let (dispatch, lang) = (state.dispatcher(), state.lang);
        use_effect_with((), move |_| {
            browser::set_document_lang(lang);
            let later = dispatch.clone();
            browser::later(move || later.dispatch(Action::ShowRest));
            browser::on_hash_change(move |pairs| dispatch.dispatch(Action::OpenLink(pairs)))
        });
    }
    // A diagnose finding asked for a registry's credentials: put the cursor into its user
    // name once the registry is on the page.
    // The first credential still missing: a preset may have filled the user name already.
    let wants = state.wants_credentials.map(|i| {
        let filled = state.form.registries.get(i).is_some_and(|r| !r.username.trim().is_empty());
        (i, if filled { "password" } else { "username" })
    });
    use_effect_with(wants, move |wants| {
        if let Some((i, key)) = *wants {
            browser::focus_first(&[field::dom_id(&field::registry(i, key))]);
        }
    });
    let rest = state.rest;
    let t = state.lang.text();
    let skip = Callback::from(|e: MouseEvent| {
        e.prevent_default();
        browser::focus_first(&["outputs".to_owned()]);
    });
    let dismiss = {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::DismissLinkCheck))
    };
    html! {
        <>
            <a class="skip" href="#outputs" onclick={skip}>{ t.skip_to_outputs }</a>
            { header(&state) }
            if let Some(note) = &state.link_note {
                <p class="banner" role="alert">{ note.text(t) }</p>
            }
            if state.from_link {
                <p class="banner link-check" role="note">
                    { t.link_check }
                    <button type="button" id="dismiss-link-check" onclick={dismiss}>{ t.dismiss }</button>
                </p>
            }
            // Always on the page, so that screen readers announce it (review 12 A1).
            <p class="link-status" role="status">{ if state.passwords_dropped { t.link_passwords_dropped } else { "" } }</p>
            <main class="layout">
                <div class="form-col">
                    { diagnose_box(&state) }
                    { preset_bar(&state) }
                    { node_section(&state) }
                    if rest { { existing_config(&state) } }
                    { registry_list(&state) }
                    if rest { { kubernetes_section(&state) } }
                    if rest { { fleet_section(&state) } }
                </div>
                <div class="out-col">
                    { outputs(&state) }
                </div>
            </main>
            if rest { { docs(&state) } }
        </>
    }
}
