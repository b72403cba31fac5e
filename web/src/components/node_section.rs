//! The node side: containerd version, hosts.toml directory, sandbox image, legacy keys.

use pullfix_core::version::SUPPORTED;
use pullfix_core::Target;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::input::input;
use crate::i18n::Lang;
use crate::key::Key;
use crate::state::{Action, State};

/// The node-wide settings (a view, not a component: each component costs the page
/// kilobytes of wasm, and this one re-renders with every change of the page anyway).
pub fn node_section(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let target = Target::parse(&page.form.containerd).ok();
    let line = target.map(|t| (t.major, t.minor));
    let on_line = {
        let page = page.dispatcher();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if !v.is_empty() {
                page.dispatch(Action::Set(Key::Containerd.into(), v));
            }
        })
    };
    html! {
        <section class="card" aria-labelledby="node-heading">
            <h2 id="node-heading">{ t.section_node }</h2>
            if page.lang != Lang::En {
                <p class="hint">{ t.diags_english }</p>
            }
            <div class="row">
                <div class="field">
                    <label for="containerd-line">{ t.containerd_line_label }</label>
                    <select id="containerd-line" onchange={on_line} aria-describedby="containerd-line-hint">
                        { for SUPPORTED.iter().rev().map(|&(a, b)| {
                            let v = format!("{a}.{b}");
                            let selected = line == Some((a, b));
                            html! { <option value={v.clone()} {selected}>{ v }</option> }
                        }) }
                        <option value="" selected={line.is_none()}>{ t.containerd_line_other }</option>
                    </select>
                    <p class="hint" id="containerd-line-hint">{ t.containerd_line_hint }</p>
                </div>
                { input(page, Key::Containerd.into()) }
            </div>
            { input(page, Key::SandboxImage.into()) }
            { input(page, Key::ConfigPath.into()) }
            { input(page, Key::LegacyConfig.into()) }
        </section>
    }
}
