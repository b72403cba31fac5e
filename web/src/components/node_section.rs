//! The node side: containerd version, hosts.toml directory, sandbox image, legacy keys.

use pullfix_core::version::SUPPORTED;
use pullfix_core::Target;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::check_field::CheckField;
use crate::components::text_field::TextField;
use crate::state::{Action, State, TopText};

/// The node-wide settings (a view, not a component: each component costs the page
/// kilobytes of wasm, and this one re-renders with every change of the page anyway).
pub fn node_section(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let form = &page.form;
    let set = |f: TopText| {
        let page = page.clone();
        Callback::from(move |v: String| page.dispatch(Action::SetTop(f, v)))
    };
    let target = Target::parse(&form.containerd).ok();
    let line = target.map(|t| format!("{}.{}", t.major, t.minor)).unwrap_or_default();
    let on_line = {
        let page = page.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if !v.is_empty() {
                page.dispatch(Action::SetTop(TopText::Containerd, v));
            }
        })
    };
    let on_legacy = {
        let page = page.clone();
        Callback::from(move |b: bool| page.dispatch(Action::SetLegacyConfig(b)))
    };
    let default_pause = target.unwrap_or(Target::new(1, 7)).default_pause_image();
    html! {
        <section class="card" aria-labelledby="node-heading">
            <h2 id="node-heading">{ t.section_node }</h2>
            <div class="row">
                <div class="field">
                    <label for="containerd-line">{ t.containerd_line_label }</label>
                    <select id="containerd-line" onchange={on_line} aria-describedby="containerd-line-hint">
                        { for SUPPORTED.iter().rev().map(|(a, b)| {
                            let v = format!("{a}.{b}");
                            let selected = v == line;
                            html! { <option value={v.clone()} {selected}>{ v }</option> }
                        }) }
                        <option value="" selected={line.is_empty()}>{ t.containerd_line_other }</option>
                    </select>
                    <p class="hint" id="containerd-line-hint">{ t.containerd_line_hint }</p>
                </div>
                { TextField::new("containerd", t.containerd_label, t.containerd_hint, form.containerd.clone(),
                    set(TopText::Containerd)).placeholder("1.6.20").view(page) }
            </div>
            { TextField::new("sandbox_image", t.sandbox_image_label, t.sandbox_image_hint, form.sandbox_image.clone(),
                set(TopText::SandboxImage)).placeholder(default_pause).view(page) }
            { TextField::new("config_path", t.config_path_label, t.config_path_hint, form.config_path.clone(),
                set(TopText::ConfigPath)).placeholder(pullfix_core::form::DEFAULT_CONFIG_PATH).view(page) }
            { CheckField::new("legacy_config", t.legacy_config_label, t.legacy_config_hint, form.legacy_config,
                on_legacy).view(page) }
        </section>
    }
}
