//! Class names computed at run time, set on an element `html!` made.

use yew::prelude::*;

/// `node` (an element just made, so not shared) with its `class` attribute set to `class`. `html!` turns every
/// non-literal `class={...}` into yew's `Classes`, an ordered hash set whose code costs
/// the page's wasm; the few computed class names here are plain strings instead.
pub fn with_class(node: Html, class: impl Into<AttrValue>) -> Html {
    with_attr(node, "class", class)
}

/// `node` (an element just made) with the attribute `name` set to `value`.
pub fn with_attr(mut node: Html, name: &'static str, value: impl Into<AttrValue>) -> Html {
    if let Some(tag) = match &mut node {
        Html::VTag(tag) => std::rc::Rc::get_mut(tag),
        _ => None,
    } {
        tag.add_attribute(name, value);
    }
    node
}
