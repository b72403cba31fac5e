//! The page's entry point, built by Trunk: mounts [`pullfix_web::App`] on `<body>`.

fn main() {
    yew::Renderer::<pullfix_web::App>::new().render();
}
