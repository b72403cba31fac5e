//! The pullfix web page: the form, its outputs updated on every keystroke, presets, a
//! share link, English and 简体中文, the docs. A thin view over `pullfix_core::render`
//! (yew's function_todomvc layout: a reducer in `state.rs`, one component or view per
//! file). The binary (`main.rs`) only mounts [`App`]; the component tests in `web/tests/`
//! mount it too.

pub mod browser;
pub mod components;
pub mod field;
pub mod i18n;
pub mod key;
pub mod presets;
pub mod share;
pub mod state;
pub mod value;
pub mod zip;

pub use components::app::App;
