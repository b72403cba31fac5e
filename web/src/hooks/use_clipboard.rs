//! A copy button's state: idle, copied or failed, back to idle when the text changes.

use yew::prelude::*;

use crate::browser;

/// What the last click on a copy button did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyState {
    /// Not clicked since the text last changed.
    Idle,
    /// The text is on the clipboard.
    Copied,
    /// Neither clipboard API worked.
    Failed,
}

/// Copies `text` on click; the state says how it went until `text` changes.
#[hook]
pub fn use_clipboard(text: AttrValue) -> (CopyState, Callback<MouseEvent>) {
    let state = use_state_eq(|| CopyState::Idle);
    {
        let state = state.clone();
        use_effect_with(text.clone(), move |_| state.set(CopyState::Idle));
    }
    let onclick = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let state = state.clone();
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let ok = browser::copy_text(&text).await;
                state.set(if ok { CopyState::Copied } else { CopyState::Failed });
            });
        })
    };
    (*state, onclick)
}
