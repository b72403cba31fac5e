//! The page's entry point, built by Trunk: mounts [`pullfix_web::App`] on `<body>`.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    /// `performance.mark(name)`: start-up milestones for scripts/bench-web.sh, next to the
    /// ones web/loader.js sets (`pullfix:modules-loaded`, `pullfix:started`).
    #[wasm_bindgen(js_namespace = performance)]
    fn mark(name: &str);
}

fn main() {
    // The wasm is compiled and instantiated; what follows is the first render (Yew runs
    // it right after this function returns, compiling each function on its first call).
    mark("pullfix:main");
    yew::Renderer::<pullfix_web::App>::new().render();
}
