//! A button that dispatches one [`Action`]: add and remove buttons, presets, findings.

use yew::prelude::*;

use crate::components::with_class::with_class;
use crate::state::{Action, State};

/// `<button type="button" id class>` with `text` that dispatches `action` on click.
pub fn action_button(
    dispatch: UseReducerDispatcher<State>,
    id: String,
    class: &'static str,
    text: Html,
    action: Action,
) -> Html {
    let onclick = Callback::from(move |_: MouseEvent| dispatch.dispatch(action.clone()));
    let button = html! { <button type="button" {id} {onclick}>{ text }</button> };
    if class.is_empty() {
        button
    } else {
        with_class(button, class)
    }
}
