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

/// What the crate's unit tests share.
#[cfg(test)]
mod test_support {
    /// A real CA certificate (CN = Example Harbor CA): core checks a pasted CA's DER, so a
    /// made-up body would be reported and no ca.crt written.
    pub const CA_PEM: &str = include_str!("../../tests/fixtures/certs/example-harbor-ca.pem");
}
