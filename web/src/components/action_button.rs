//! A button that dispatches one [`Action`]: add and remove buttons, presets, findings.

use yew::prelude::*;

use crate::browser;
use crate::components::with_class::with_class;
use crate::state::{Action, State};

/// `<button type="button" id class>` with `text` that dispatches `action` on click, then
/// moves the keyboard focus where [`State::focus_after`] says (an added or removed item),
/// once the page shows the change (yew renders in a microtask, `later` runs after it).
pub fn action_button(
    page: &UseReducerHandle<State>,
    id: String,
    class: &'static str,
    text: Html,
    action: Action,
) -> Html {
    let page = page.clone();
    let onclick = Callback::from(move |_: MouseEvent| {
        let focus = page.focus_after(&action);
        page.dispatch(action.clone());
        if let Some(id) = focus {
            browser::later(move || browser::focus_first(&[id]));
        }
    });
    let button = html! { <button type="button" {id} {onclick}>{ text }</button> };
    if class.is_empty() {
        button
    } else {
        with_class(button, class)
    }
}
