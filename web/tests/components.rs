//! Component tests of the page in headless Chromium (wasm-bindgen-test): the root
//! component mounted into a `<div>`, driven through the DOM contract (web/WEB-CONTRACT.md)
//! and checked against `pullfix_core::render`.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON=web/webdriver.json
//! cargo test -p pullfix-web --target wasm32-unknown-unknown` (scripts/test.sh does).
#![cfg(target_arch = "wasm32")]

use pullfix_core::{render, Form, Registry};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// Lets Yew's scheduler run (a macrotask turn).
async fn tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().expect("window").set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Polls `find` for up to ~5 s of scheduler turns.
async fn wait_for<T>(what: &str, mut find: impl FnMut() -> Option<T>) -> T {
    for _ in 0..500 {
        if let Some(v) = find() {
            return v;
        }
        tick().await;
    }
    panic!("timed out waiting for {what}");
}

/// A fresh App in its own `<div>`.
async fn mount() -> Element {
    let root = document().create_element("div").expect("div");
    document().body().expect("body").append_child(&root).expect("append");
    yew::Renderer::<pullfix_web::App>::with_root(root.clone()).render();
    let probe = root.clone();
    wait_for("the form (#add-registry)", move || probe.query_selector("#add-registry").ok().flatten()).await;
    root
}

fn find(root: &Element, css: &str) -> Option<Element> {
    root.query_selector(css).ok().flatten()
}

fn click(root: &Element, css: &str) {
    find(root, css).unwrap_or_else(|| panic!("no {css}")).dyn_into::<HtmlElement>().expect("an HTML element").click();
}

/// Sets an input's value and fires `input` as typing does.
fn type_value(root: &Element, id: &str, value: &str) {
    let input: HtmlInputElement =
        find(root, &format!("#{id}")).unwrap_or_else(|| panic!("no #{id}")).dyn_into().expect("an <input>");
    input.set_value(value);
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict("input", &init).expect("input event");
    input.dispatch_event(&event).expect("dispatch");
}

async fn first_registry(root: &Element) {
    if find(root, "#f-registry-0-host").is_none() {
        click(root, "#add-registry");
    }
    let probe = root.clone();
    wait_for("#f-registry-0-host", move || find(&probe, "#f-registry-0-host")).await;
}

/// The text of the card for `path`, if shown.
fn card(root: &Element, path: &str) -> Option<String> {
    let css = format!(".output-file[data-path=\"{path}\"] pre.file-contents");
    find(root, &css).and_then(|pre| pre.text_content())
}

fn core_file(host: &str, path: &str) -> String {
    let form = Form { registries: vec![Registry { host: host.into(), ..Registry::default() }], ..Form::default() };
    render(&form)
        .files
        .into_iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("core renders no {path}"))
        .contents
}

#[wasm_bindgen_test]
async fn typing_a_host_shows_its_hosts_toml_as_core_renders_it() {
    let root = mount().await;
    first_registry(&root).await;
    type_value(&root, "f-registry-0-host", "harbor.example.net:8443");
    let path = "etc/containerd/certs.d/harbor.example.net:8443/hosts.toml";
    let probe = root.clone();
    let shown = wait_for("the hosts.toml card", move || card(&probe, path)).await;
    assert_eq!(shown, core_file("harbor.example.net:8443", path));
}

#[wasm_bindgen_test]
async fn a_bad_host_gets_its_diagnostic_beside_the_field() {
    let root = mount().await;
    first_registry(&root).await;
    type_value(&root, "f-registry-0-host", "harbor example.net");
    let form = Form {
        registries: vec![Registry { host: "harbor example.net".into(), ..Registry::default() }],
        ..Form::default()
    };
    let want: Vec<_> =
        render(&form).diagnostics.into_iter().filter(|d| d.field.as_str() == "registry[0].host").collect();
    assert!(!want.is_empty(), "core reports nothing for a host with a space");
    let (probe, message) = (root.clone(), want[0].message.clone());
    // The empty host had its own diagnostic: wait for the one about what was typed.
    let diag = wait_for("the .diag for the typed registry[0].host", move || {
        find(&probe, ".diag[data-field=\"registry[0].host\"]")
            .filter(|d| d.text_content().unwrap_or_default().contains(&message))
    })
    .await;
    assert_eq!(diag.get_attribute("data-severity").as_deref(), Some("error"));
    let shown = root.query_selector_all(".diag[data-field=\"registry[0].host\"]").map(|l| l.length()).unwrap_or(0);
    assert_eq!(shown as usize, want.len(), "diagnostics shown for registry[0].host, core reports {want:?}");
    // Beside the field: the diagnostic and the input share their closest container.
    let input = find(&root, "#f-registry-0-host").expect("input");
    let container = input.parent_element().expect("the input's parent");
    let near = container.contains(Some(&diag)) || container.parent_element().is_some_and(|p| p.contains(Some(&diag)));
    assert!(near, "the diagnostic is not next to #f-registry-0-host");
}

#[wasm_bindgen_test]
async fn outputs_never_go_blank_while_typing() {
    let root = mount().await;
    first_registry(&root).await;
    let host = "10.50.1.104:5000";
    for end in 1..=host.len() {
        type_value(&root, "f-registry-0-host", &host[..end]);
        tick().await;
        let cards = root.query_selector_all(".output-file").map(|l| l.length()).unwrap_or(0);
        assert!(cards > 0, "no output card after typing {:?}", &host[..end]);
    }
    let path = "etc/containerd/certs.d/10.50.1.104:5000/hosts.toml";
    let probe = root.clone();
    let shown = wait_for("the hosts.toml card", move || card(&probe, path)).await;
    assert_eq!(shown, core_file(host, path));
}
