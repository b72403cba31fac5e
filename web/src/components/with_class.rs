//! Class names computed at run time, set on an element `html!` made.

use yew::prelude::*;

/// `node` (an element just made, so not shared) with its `class` attribute set to `class`. `html!` turns every
/// non-literal `class={...}` into yew's `Classes`, an ordered hash set whose code costs
/// the page's wasm; the few computed class names here are plain strings instead.
pub fn with_class(mut node: Html, class: impl Into<AttrValue>) -> Html {
    if let Some(tag) = match &mut node {
        Html::VTag(tag) => std::rc::Rc::get_mut(tag),
        _ => None,
    } {
        tag.add_attribute("class", class);
    }
    node
}
