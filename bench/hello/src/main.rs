//! A minimal Yew page: the baseline pullfix's start-up time is compared with.

use yew::prelude::*;

#[function_component]
fn App() -> Html {
    html! { <h1 id="hello">{ "Hello" }</h1> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
