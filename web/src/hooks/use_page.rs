//! The page state from the context that the app provides to every component.

use yew::prelude::*;

use crate::state::State;

/// The page state and its dispatcher.
#[hook]
pub fn use_page() -> UseReducerHandle<State> {
    use_context::<UseReducerHandle<State>>().expect("components are rendered inside the App's ContextProvider")
}
