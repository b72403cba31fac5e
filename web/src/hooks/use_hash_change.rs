//! Follows the URL fragment, so a share link pasted into an open tab loads its form.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::browser;

/// Calls `on_change` with the new fragment's pairs on every `hashchange`.
#[hook]
pub fn use_hash_change(on_change: Callback<Vec<(String, String)>>) {
    use_effect_with((), move |_| {
        let listener = Closure::<dyn Fn()>::new(move || on_change.emit(browser::fragment_pairs()));
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
            }
        }
    });
}
