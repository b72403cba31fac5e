//! One button per preset.

use yew::prelude::*;

use crate::components::action_button::action_button;
use crate::components::lang_switch::LangSwitchProps;
use crate::presets::Preset;
use crate::state::Action;

/// The presets that fill the form (props: the language and the dispatcher, so typing in
/// the form does not re-render it).
#[function_component]
pub fn PresetBar(props: &LangSwitchProps) -> Html {
    let t = props.lang.text();
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
                    action_button(props.dispatch.clone(), p.dom_id().into(), "", label(p).into(), Action::Preset(p))
                }) }
            </div>
            <p class="hint">{ t.presets_hint }</p>
        </section>
    }
}
