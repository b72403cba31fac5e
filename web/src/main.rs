//! The pullfix web page: the form, its outputs updated on every keystroke, presets, a
//! share link, English and 简体中文, the docs. A thin view over `pullfix_core::render`
//! (yew's function_todomvc layout: a reducer in `state.rs`, one component per file).

mod browser;
mod components;
mod field;
mod hooks;
mod i18n;
mod presets;
mod share;
mod state;
mod zip;

fn main() {
    yew::Renderer::<components::app::App>::new().render();
}
