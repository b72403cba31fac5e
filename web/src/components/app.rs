//! The page: state, context, layout.

use yew::prelude::*;

use crate::browser;
use crate::components::diagnose_box::DiagnoseBox;
use crate::components::docs::Docs;
use crate::components::existing_config::ExistingConfig;
use crate::components::fleet_section::FleetSection;
use crate::components::header::Header;
use crate::components::kubernetes_section::KubernetesSection;
use crate::components::node_section::NodeSection;
use crate::components::outputs::Outputs;
use crate::components::preset_bar::PresetBar;
use crate::components::registry_list::RegistryList;
use crate::hooks::{use_document_lang, use_hash_change};
use crate::i18n::fill;
use crate::state::{Action, State};

/// The whole page.
#[function_component]
pub fn App() -> Html {
    let state = use_reducer(|| State::open(browser::initial_lang(), &browser::location_hash()));
    use_document_lang(state.lang);
    {
        let state = state.clone();
        use_hash_change(Callback::from(move |fragment: String| state.dispatch(Action::OpenLink(fragment))));
    }
    let t = state.lang.text();
    let skip = Callback::from(|e: MouseEvent| {
        e.prevent_default();
        browser::focus_first(&["outputs".to_owned()]);
    });
    html! {
        <ContextProvider<UseReducerHandle<State>> context={state.clone()}>
            <a class="skip" href="#outputs" onclick={skip}>{ t.skip_to_outputs }</a>
            <Header lang={state.lang} dispatch={state.dispatcher()} />
            if let Some(e) = &state.load_error {
                <p class="banner" role="alert">{ fill(t.share_load_failed, "error", e) }</p>
            }
            <main class="layout">
                <div class="form-col">
                    <DiagnoseBox />
                    <PresetBar lang={state.lang} dispatch={state.dispatcher()} />
                    <NodeSection />
                    <ExistingConfig />
                    <RegistryList />
                    <KubernetesSection />
                    <FleetSection />
                </div>
                <div class="out-col">
                    <Outputs />
                </div>
            </main>
            <Docs lang={state.lang} />
        </ContextProvider<UseReducerHandle<State>>>
    }
}
