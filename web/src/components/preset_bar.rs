//! One button per preset.

use yew::prelude::*;

use crate::components::action_button::action_button;
use crate::presets::Preset;
use crate::state::{Action, State};

/// The presets that fill the form (a view: see [`crate::components::header::header`]).
pub fn preset_bar(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let label = |p: Preset| match p {
        Preset::Harbor => t.preset_harbor,
        Preset::HttpIp => t.preset_http_ip,
        Preset::DockerhubProxy => t.preset_dockerhub_proxy,
        Preset::PauseMirror => t.preset_pause_mirror,
    };
    html! {
        <section class="presets" aria-labelledby="presets-heading">
            <h2 id="presets-heading">{ t.presets_heading }</h2>
            <div class="preset-buttons">
                { for Preset::ALL.into_iter().map(|p| {
                    action_button(page, p.dom_id().into(), "", label(p).into(), Action::Preset(p))
                }) }
            </div>
            <p class="hint">{ t.presets_hint }</p>
        </section>
    }
}
