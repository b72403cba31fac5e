//! The pullfix web page.

use yew::prelude::*;

#[function_component]
fn App() -> Html {
    html! { <h1>{ "pullfix" }</h1> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
