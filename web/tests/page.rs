//! The page's own behaviour in headless Chromium (wasm-bindgen-test): language switch and
//! what is stored, share link round trip without secrets, the zip's contents, presets,
//! the copy button. Each test mounts its own App and destroys it afterwards.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON=web/webdriver.json
//! cargo test -p pullfix-web --target wasm32-unknown-unknown --test page`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, Uint8Array};
use pullfix_web::share;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement};
use yew::AppHandle;

wasm_bindgen_test_configure!(run_in_browser);

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

fn document() -> web_sys::Document {
    window().document().expect("a document")
}

async fn tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Polls `find` on every scheduler turn for up to 15 s (a busy machine, a debug build, a
/// clipboard call that may wait its 2 s timeout). Only a limit, never a measurement.
async fn wait_for<T>(what: &str, mut find: impl FnMut() -> Option<T>) -> T {
    let start = js_sys::Date::now();
    while js_sys::Date::now() - start < 15_000.0 {
        if let Some(v) = find() {
            return v;
        }
        tick().await;
    }
    panic!("timed out waiting for {what}");
}

struct Page {
    root: Element,
    handle: Option<AppHandle<pullfix_web::App>>,
}

impl Page {
    async fn mount() -> Page {
        let root = document().create_element("div").expect("div");
        document().body().expect("body").append_child(&root).expect("append");
        let handle = yew::Renderer::<pullfix_web::App>::with_root(root.clone()).render();
        let page = Page { root, handle: Some(handle) };
        wait_for("#add-registry", || page.find("#add-registry")).await;
        page
    }

    fn find(&self, css: &str) -> Option<Element> {
        self.root.query_selector(css).ok().flatten()
    }

    fn get(&self, css: &str) -> Element {
        self.find(css).unwrap_or_else(|| panic!("no {css}"))
    }

    fn click(&self, css: &str) {
        self.get(css).dyn_into::<HtmlElement>().expect("an HTML element").click();
    }

    fn input(&self, id: &str) -> HtmlInputElement {
        self.get(&format!("#{id}")).dyn_into().expect("an <input>")
    }

    /// The input's value, `None` while it is not on the page.
    fn value(&self, id: &str) -> Option<String> {
        self.find(&format!("#{id}")).and_then(|e| e.dyn_into::<HtmlInputElement>().ok()).map(|i| i.value())
    }

    fn type_value(&self, id: &str, value: &str) {
        let input = self.input(id);
        input.set_value(value);
        let init = EventInit::new();
        init.set_bubbles(true);
        input.dispatch_event(&Event::new_with_event_init_dict("input", &init).expect("event")).expect("dispatch");
    }

    fn text(&self, css: &str) -> String {
        self.get(css).text_content().unwrap_or_default()
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
        self.root.remove();
    }
}

fn clear_hash() {
    let _ = window().location().set_hash("");
}

#[wasm_bindgen_test]
async fn language_switch_translates_and_stores_only_the_choice() {
    let storage = window().local_storage().ok().flatten().expect("localStorage");
    storage.clear().expect("clear");
    let page = Page::mount().await;
    page.click("#lang-zh");
    wait_for("Chinese labels", || page.text("#add-registry").contains("添加仓库").then_some(())).await;
    let root = document().document_element().expect("<html>");
    assert_eq!(root.get_attribute("lang").as_deref(), Some("zh-CN"));
    assert_eq!(storage.length().ok(), Some(1), "only the language is stored");
    assert_eq!(storage.get_item("pullfix.lang").ok().flatten().as_deref(), Some("zh-CN"));
    // A new page opens in the stored language.
    drop(page);
    let page = Page::mount().await;
    assert!(page.text("#add-registry").contains("添加仓库"));
    page.click("#lang-en");
    wait_for("English labels", || page.text("#add-registry").contains("Add registry").then_some(())).await;
    assert_eq!(root.get_attribute("lang").as_deref(), Some("en"));
    assert_eq!(storage.get_item("pullfix.lang").ok().flatten().as_deref(), Some("en"));
    storage.clear().expect("clear");
}

#[wasm_bindgen_test]
async fn share_link_round_trip_leaves_the_password_out() {
    clear_hash();
    let page = Page::mount().await;
    page.click("#preset-harbor");
    wait_for("the preset's host", || page.value("f-registry-0-host").filter(|v| v == "harbor.example.net")).await;
    // Review 13, I-2: the browser saves the zip readable by others; once a file holds
    // credentials the page says so beside the download.
    assert!(page.find(".zip-private").is_none(), "no credentials yet");
    page.type_value("f-registry-0-password", "S3cret-Harbor12345");
    page.type_value("f-registry-0-ca_file", "/etc/pki/harbor-ca.crt");
    tick().await;
    wait_for(".zip-private", || page.find(".zip-private")).await;
    page.click("#share-link");
    let link = wait_for("#share-url", || Some(page.input("share-url").value()).filter(|v| !v.is_empty())).await;
    let hash = window().location().hash().expect("hash");
    assert!(hash.starts_with("#f="), "{hash}");
    assert!(link.ends_with(&hash), "{link} does not end in the address bar's fragment");
    assert!(!link.contains("S3cret"), "{link}");
    let form = share::decode(&hash).expect("a form").expect("readable").form;
    assert_eq!(form.registries[0].username, "robot$ci");
    assert_eq!(form.registries[0].ca_file, "/etc/pki/harbor-ca.crt");
    assert!(form.registries[0].password.is_empty());
    // Making the link does not wipe what was typed.
    tick().await;
    assert_eq!(page.input("f-registry-0-password").value(), "S3cret-Harbor12345");
    drop(page);

    // A page opened on that link restores the form, without the password.
    let page = Page::mount().await;
    assert_eq!(page.input("f-registry-0-username").value(), "robot$ci");
    assert_eq!(page.input("f-registry-0-ca_file").value(), "/etc/pki/harbor-ca.crt");
    assert_eq!(page.input("f-registry-0-password").value(), "");
    assert_eq!(page.input("f-registry-0-password").type_(), "password");
    drop(page);
    clear_hash();
}

/// `(name, contents)` of each entry of a stored ZIP, through its central directory.
fn unzip(zip: &[u8]) -> Vec<(String, String)> {
    let u16_at = |at: usize| usize::from(u16::from_le_bytes([zip[at], zip[at + 1]]));
    let u32_at = |at: usize| u32::from_le_bytes([zip[at], zip[at + 1], zip[at + 2], zip[at + 3]]) as usize;
    let end = zip.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4B50);
    let mut at = u32_at(end + 16);
    (0..u16_at(end + 10))
        .map(|_| {
            let (size, name_len, local) = (u32_at(at + 20), u16_at(at + 28), u32_at(at + 42));
            let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).expect("utf-8 name");
            let start = local + 30 + u16_at(local + 26) + u16_at(local + 28);
            let data = String::from_utf8(zip[start..start + size].to_vec()).expect("utf-8 data");
            assert_eq!(pullfix_web::zip::crc32(data.as_bytes()) as usize, u32_at(at + 16), "CRC of {name}");
            at += 46 + name_len;
            (name, data)
        })
        .collect()
}

#[wasm_bindgen_test]
async fn zip_holds_every_file_as_shown() {
    clear_hash();
    let page = Page::mount().await;
    page.click("#preset-http-ip");
    wait_for("the hosts.toml card", || page.find(".output-file[data-path$='/hosts.toml']")).await;
    page.click("#download-zip");
    let zip = wait_for("window.__pullfixLastZip", || {
        Reflect::get(&window(), &JsValue::from_str("__pullfixLastZip"))
            .ok()
            .and_then(|v| v.dyn_into::<Uint8Array>().ok())
    })
    .await
    .to_vec();
    let entries = unzip(&zip);
    let cards = page.root.query_selector_all(".output-file").expect("cards");
    assert_eq!(entries.len(), cards.length() as usize);
    for (k, (name, data)) in entries.iter().enumerate() {
        let card: Element = cards.item(k as u32).expect("card").dyn_into().expect("element");
        assert_eq!(card.get_attribute("data-path").as_deref(), Some(name.as_str()));
        let pre = card.query_selector("pre.file-contents").ok().flatten().expect("pre");
        assert_eq!(pre.text_content().as_deref(), Some(data.as_str()), "{name}");
    }
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    let hosts = entries.iter().find(|(n, _)| n.ends_with("/10.50.1.104:5000/hosts.toml"));
    assert!(hosts.is_some_and(|(_, d)| d.contains("http://10.50.1.104:5000")), "{names:?}");
}

#[wasm_bindgen_test]
async fn presets_fill_the_form() {
    clear_hash();
    let page = Page::mount().await;
    page.click("#preset-dockerhub-proxy");
    wait_for("the mirror", || page.find("#f-registry-0-mirror-0-url")).await;
    assert_eq!(page.input("f-registry-0-host").value(), "docker.io");
    assert_eq!(page.input("f-registry-0-mirror-0-url").value(), "https://harbor.example.net/v2/dockerhub-proxy");
    assert!(page.input("f-registry-0-mirror-0-override_path").checked());
    page.click("#preset-pause-mirror");
    wait_for("the sandbox image", || {
        page.value("f-sandbox_image").filter(|v| v == "registry.aliyuncs.com/google_containers/pause:3.10")
    })
    .await;
    assert!(page.find("#f-registry-0-host").is_none(), "the preset replaced the registries");
    page.click("#preset-http-ip");
    wait_for("the IP registry", || page.find("#f-registry-0-host")).await;
    assert_eq!(page.input("f-registry-0-host").value(), "10.50.1.104:5000");
    let scheme: web_sys::HtmlSelectElement = page.get("#f-registry-0-scheme").dyn_into().expect("select");
    assert_eq!(scheme.value(), "http");
}

/// A script's click is not a user gesture, so the browser may refuse the clipboard here;
/// the e2e test clicks for real and checks "Copied" and the clipboard. This checks that
/// the button reports the outcome and goes back to "Copy" when the file changes.
#[wasm_bindgen_test]
async fn copy_button_reports_and_resets_when_the_file_changes() {
    clear_hash();
    let page = Page::mount().await;
    page.click("#preset-harbor");
    let css = ".output-file[data-path$='/harbor.example.net/hosts.toml'] button.copy";
    let button = wait_for("a copy button", || page.find(css)).await;
    assert_eq!(button.text_content().as_deref(), Some("Copy"));
    button.dyn_ref::<HtmlElement>().expect("button").click();
    let text = wait_for("the copy result", || page.find(css)?.text_content().filter(|t| t != "Copy")).await;
    assert!(text == "Copied" || text.starts_with("Copy failed"), "{text}");
    // Same file, new contents: the old "Copied" no longer holds.
    let pre = ".output-file[data-path$='/harbor.example.net/hosts.toml'] pre.file-contents";
    let before = page.text(pre);
    page.type_value("f-registry-0-ca_file", "/etc/pki/registry-ca.crt");
    wait_for("new contents", || page.find(pre)?.text_content().filter(|t| *t != before)).await;
    let again = wait_for("the button back at Copy", || page.find(css)?.text_content().filter(|t| t == "Copy")).await;
    assert_eq!(again, "Copy");
}

#[wasm_bindgen_test]
async fn a_link_pasted_into_the_open_tab_loads_its_form() {
    clear_hash();
    let page = Page::mount().await;
    let form = pullfix_web::presets::Preset::DockerhubProxy.form();
    window().location().set_hash(&share::encode(&form)).expect("set hash");
    let url = wait_for("the linked form", || page.value("f-registry-0-mirror-0-url").filter(|v| !v.is_empty())).await;
    assert_eq!(url, "https://harbor.example.net/v2/dockerhub-proxy");
    // A broken link says so and keeps the form.
    window().location().set_hash("#f=not-base64!").expect("set hash");
    let banner = wait_for("the banner", || page.find(".banner[role=alert]")).await;
    assert!(banner.text_content().unwrap_or_default().contains("could not be read"));
    assert_eq!(page.value("f-registry-0-host").as_deref(), Some("docker.io"));
    drop(page);
    clear_hash();
}

/// Review 13 L-2: a page opened on a link says to check the link's registries, mirrors and
/// images before typing a password, until the next edit or its close button.
#[wasm_bindgen_test]
async fn a_page_opened_on_a_link_asks_to_check_it_before_a_password() {
    clear_hash();
    let mut form = pullfix_web::presets::Preset::Harbor.form();
    form.registries[0]
        .mirrors
        .push(pullfix_core::Mirror { url: "https://evil-mirror.attacker.example/v2".into(), ..Default::default() });
    form.registries[0].node_auth = true;
    window().location().set_hash(&share::encode(&form)).expect("set hash");
    let page = Page::mount().await;
    assert_eq!(page.value("f-registry-0-mirror-0-url").as_deref(), Some("https://evil-mirror.attacker.example/v2"));
    // The `hashchange` of setting that link reaches the page after it opened: it stays.
    tick().await;
    tick().await;
    let notice = page.get(".link-check");
    assert_eq!(notice.get_attribute("role").as_deref(), Some("note"));
    let text = notice.text_content().unwrap_or_default();
    assert!(text.starts_with("This form came from a link. Before you type a password, check"), "{text}");
    // Typing the password is an edit: the notice has been read by then.
    page.type_value("f-registry-0-password", "S3cret");
    wait_for("the notice to go", || page.find(".link-check").is_none().then_some(())).await;
    drop(page);
    // The close button.
    let page = Page::mount().await;
    page.get(".link-check");
    page.click("#dismiss-link-check");
    wait_for("the notice to go", || page.find(".link-check").is_none().then_some(())).await;
    assert_eq!(page.value("f-registry-0-host").as_deref(), Some("harbor.example.net"), "the form stays");
    drop(page);
    // No link, no notice.
    clear_hash();
    let page = Page::mount().await;
    assert!(page.find(".link-check").is_none());
    drop(page);
}

#[wasm_bindgen_test]
async fn a_problem_links_to_its_field() {
    clear_hash();
    let page = Page::mount().await;
    page.click("#add-registry");
    wait_for("#f-registry-0-host", || page.find("#f-registry-0-host")).await;
    page.type_value("f-registry-0-host", "https://harbor.example.net");
    let link = wait_for("the problem's link", || page.find(".problem[data-field='registry[0].host'] a")).await;
    link.dyn_ref::<HtmlElement>().expect("a").click();
    let focused = document().active_element().and_then(|e| e.get_attribute("id"));
    assert_eq!(focused.as_deref(), Some("f-registry-0-host"));
    assert_eq!(window().location().hash().expect("hash"), "", "the link must not replace the fragment");
    // The same diagnostic beside the field.
    let diag = page.get(".diag[data-field='registry[0].host']");
    assert_eq!(diag.get_attribute("data-severity").as_deref(), Some("error"));
}

/// A problem with the whole Kubernetes part (the Harbor preset has no password yet) is
/// named for people and its link focuses the Secret name, not a missing `#f-kubernetes`.
#[wasm_bindgen_test]
async fn a_problem_of_a_whole_section_links_to_a_field() {
    clear_hash();
    let page = Page::mount().await;
    page.click("#preset-harbor");
    let link = wait_for("the kubernetes problem's link", || page.find(".problem[data-field='kubernetes'] a")).await;
    assert_eq!(link.text_content().as_deref(), Some("Kubernetes: pull Secret"));
    assert_eq!(link.get_attribute("href").as_deref(), Some("#f-kubernetes-secret_name"));
    wait_for("#f-kubernetes-secret_name", || page.find("#f-kubernetes-secret_name")).await;
    link.dyn_ref::<HtmlElement>().expect("a").click();
    let focused = document().active_element().and_then(|e| e.get_attribute("id"));
    assert_eq!(focused.as_deref(), Some("f-kubernetes-secret_name"));
    assert_eq!(window().location().hash().expect("hash"), "", "the link must not replace the fragment");
}

/// `browser::copy_text` reports exactly once, by whichever path (execCommand, or the
/// Clipboard API's promise, settled or timed out), even without a user gesture.
#[wasm_bindgen_test]
async fn copy_text_reports_once() {
    let calls = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let seen = calls.clone();
    pullfix_web::browser::copy_text("pullfix copy test", move |ok| seen.borrow_mut().push(ok));
    wait_for("copy_text's report", || (!calls.borrow().is_empty()).then_some(())).await;
    // Past the Clipboard API's 2 s timeout: still one report.
    let start = js_sys::Date::now();
    while js_sys::Date::now() - start < 2_500.0 {
        tick().await;
    }
    assert_eq!(calls.borrow().len(), 1, "{:?}", calls.borrow());
}

fn focused_id() -> Option<String> {
    document().active_element().and_then(|e| e.get_attribute("id"))
}

/// After an add the new item's first field has the focus; after a remove the item that
/// took its place, else the add button (the removed button must not leave it on <body>).
#[wasm_bindgen_test]
async fn focus_follows_added_and_removed_items() {
    clear_hash();
    let page = Page::mount().await;
    page.click("#add-registry");
    wait_for("focus on the new host", || (focused_id()? == "f-registry-0-host").then_some(())).await;
    page.click("#add-registry");
    wait_for("focus on the second host", || (focused_id()? == "f-registry-1-host").then_some(())).await;
    page.click("#add-mirror-1");
    wait_for("focus on the mirror's URL", || (focused_id()? == "f-registry-1-mirror-0-url").then_some(())).await;
    page.click("#remove-mirror-1-0");
    wait_for("focus on add mirror", || (focused_id()? == "add-mirror-1").then_some(())).await;
    page.click("#remove-registry-0");
    wait_for("focus on the registry that moved up", || {
        (focused_id()? == "f-registry-0-host" && page.find("#f-registry-1-host").is_none()).then_some(())
    })
    .await;
    page.click("#remove-registry-0");
    wait_for("focus on add registry", || (focused_id()? == "add-registry").then_some(())).await;
}

/// The copy button keeps the focus through the copy (execCommand's textarea takes it).
#[wasm_bindgen_test]
async fn the_copy_button_keeps_the_focus() {
    clear_hash();
    let page = Page::mount().await;
    page.click("#preset-http-ip");
    let css = ".output-file[data-path$='/10.50.1.104:5000/hosts.toml'] button.copy";
    let button: HtmlElement = wait_for("a copy button", || page.find(css)).await.dyn_into().expect("button");
    button.focus().expect("focus");
    button.click();
    wait_for("the copy result", || page.find(css)?.text_content().filter(|t| t != "Copy")).await;
    assert!(button.is_connected(), "the button was re-created");
    let active = document().active_element().expect("a focused element");
    let tag = active.tag_name();
    assert!(button.is_same_node(Some(&active.into())), "the focus went to a {tag}");
}

/// The docs' commands name the form's registry, not the example's.
#[wasm_bindgen_test]
async fn the_docs_commands_follow_the_host() {
    clear_hash();
    let page = Page::mount().await;
    let apply = wait_for("the docs", || page.find("#docs-apply")).await;
    assert!(apply.text_content().unwrap_or_default().contains("harbor.example.net"), "the labelled example");
    page.click("#preset-harbor");
    wait_for("the host", || page.find("#f-registry-0-host")).await;
    page.type_value("f-registry-0-host", "10.50.1.104:8443");
    let text = wait_for("commands for the host", || {
        page.find("#docs-apply")?.text_content().filter(|t| t.contains("certs.d/10.50.1.104:8443"))
    })
    .await;
    assert!(text.contains("sudo mkdir -p /etc/containerd/certs.d/10.50.1.104:8443\n"), "{text}");
    assert!(!text.contains("harbor.example.net"), "{text}");
    // The preset's robot account is only in the pull Secret: the test pull passes it, the
    // password a placeholder (crictl does not use the Secret; without it: 401).
    let pull = page.text("#docs-pull");
    assert!(
        pull.ends_with("\nsudo crictl pull --creds 'robot$ci:<password>' 10.50.1.104:8443/library/nginx:latest\n"),
        "{pull}"
    );
}

/// The review's M2: while an error says "no files until it is fixed" (an unknown
/// containerd version, an invalid Secret name), every card it touches is marked as a
/// preview and cannot be copied, and the zip is off; fixing the error brings them back.
#[wasm_bindgen_test]
async fn an_error_that_withholds_files_marks_them_as_previews() {
    clear_hash();
    let page = Page::mount().await;
    page.click("#preset-harbor");
    wait_for("the password field", || page.find("#f-registry-0-password")).await;
    page.type_value("f-registry-0-password", "pw");
    let secret = ".output-file[data-path='k8s/secret-regcred-default.yaml']";
    wait_for("the Secret", || page.find(secret)).await;
    let zip = || page.get("#download-zip").has_attribute("disabled");
    let previews = || page.root.query_selector_all(".output-file[data-preview='true']").expect("cards").length();
    assert!(!zip() && previews() == 0);

    page.type_value("f-containerd", "2.4");
    wait_for("every card a preview", || {
        let all = page.root.query_selector_all(".output-file").ok()?.length();
        (all > 0 && previews() == all).then_some(())
    })
    .await;
    assert!(zip(), "the zip is off");
    let copies = page.root.query_selector_all(".output-file button.copy").expect("buttons");
    for k in 0..copies.length() {
        let b: Element = copies.item(k).expect("button").dyn_into().expect("element");
        assert!(b.has_attribute("disabled"), "copy button {k} is on");
    }
    assert!(page.find(".output-file .preview-note").is_some(), "the cards say so");

    page.type_value("f-containerd", "1.7");
    wait_for("the previews gone", || (previews() == 0).then_some(())).await;
    assert!(!zip());

    // An invalid Secret name withholds the Secret side only.
    page.type_value("f-kubernetes-secret_name", "Bad_Name");
    wait_for("the Secret a preview", || {
        page.find(".output-file[data-path='k8s/secret-regcred-default.yaml'][data-preview='true']")
    })
    .await;
    let hosts = page.get(".output-file[data-path$='/harbor.example.net/hosts.toml']");
    assert_eq!(hosts.get_attribute("data-preview").as_deref(), Some("false"));
    assert!(zip(), "the zip is off while any file is withheld");
}

/// Review 5, L2 and L5, in the mounted page: `0` seconds between syncs is an error beside
/// the field (the field keeps `0`); in 简体中文 a node selector `bad key!=x` gets two
/// errors beside its field, both in Chinese (none of core's English).
#[wasm_bindgen_test]
async fn sync_seconds_zero_and_node_selector_errors_are_in_the_pages_language() {
    clear_hash();
    let storage = window().local_storage().ok().flatten().expect("localStorage");
    let page = Page::mount().await;
    wait_for("the sync field", || page.find("#f-rollout-sync_seconds")).await;
    page.type_value("f-rollout-sync_seconds", "0");
    let diag =
        wait_for("its error", || page.find(".diag[data-field='rollout.sync_seconds'][data-severity='error']")).await;
    let text = diag.text_content().unwrap_or_default();
    assert!(text.contains("0 seconds is not allowed") && text.contains("at least 1 second"), "{text}");
    assert_eq!(page.value("f-rollout-sync_seconds").as_deref(), Some("0"));

    page.click("#lang-zh");
    wait_for("Chinese labels", || page.text("#add-registry").contains("添加仓库").then_some(())).await;
    page.type_value("f-rollout-node_selector", "bad key!=x");
    let selector = ".diag[data-field^='rollout.node_selector']";
    let texts = wait_for("two selector errors", || {
        let all = page.root.query_selector_all(selector).ok()?;
        let texts: Vec<String> = (0..all.length()).filter_map(|k| all.item(k)?.text_content()).collect();
        (texts.len() == 2).then_some(texts)
    })
    .await;
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    for t in &texts {
        assert!(cjk(t) && !t.contains("is not a valid") && !t.contains("Use a label key"), "{t}");
    }
    assert!(texts.iter().any(|t| t.contains("\"key!\"：不是有效的节点标签键")), "{texts:?}");
    // Sibling errors quote alike (review 6 L4).
    assert!(texts.iter().all(|t| t.contains("\"：不是") && t.contains("，已从节点选择器中略去。")), "{texts:?}");
    let sync = page.text(".diag[data-field='rollout.sync_seconds']");
    assert!(sync.contains("不允许为 0"), "{sync}");
    storage.clear().expect("clear");
}

/// The review's M2: an error on the pasted config.toml (a legacy Docker Hub mirror the
/// form does not configure stops the CRI plugin beside config_path) makes the merged file
/// and its diff previews, Copy and the zip off; the hosts.toml stays usable.
#[wasm_bindgen_test]
async fn an_error_on_the_pasted_config_toml_makes_the_merged_file_a_preview() {
    clear_hash();
    let page = Page::mount().await;
    page.click("#preset-harbor");
    wait_for("the password field", || page.find("#f-registry-0-password")).await;
    page.type_value("f-registry-0-password", "pw");
    let area: web_sys::HtmlTextAreaElement = page.get("#existing-config").dyn_into().expect("a <textarea>");
    area.set_value(concat!(
        "version = 2\n",
        "[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\n",
        "  endpoint = [\"https://mirror.gcr.io\", \"https://registry-1.docker.io\"]\n",
    ));
    let init = EventInit::new();
    init.set_bubbles(true);
    area.dispatch_event(&Event::new_with_event_init_dict("input", &init).expect("event")).expect("dispatch");
    let merged = ".output-file[data-path='merged/config.toml']";
    wait_for("the merged card", || page.find(merged)).await;
    assert!(
        page.find(".diag[data-field='existing_config'][data-severity='error']").is_some(),
        "the error on the pasted file"
    );
    for path in ["merged/config.toml", "merged/config.toml.diff"] {
        let card = page.get(&format!(".output-file[data-path='{path}']"));
        assert_eq!(card.get_attribute("data-preview").as_deref(), Some("true"), "{path}");
        assert!(card.query_selector(".preview-note").ok().flatten().is_some(), "{path}: no banner");
        let copy = card.query_selector("button.copy").ok().flatten().expect("copy button");
        assert!(copy.has_attribute("disabled"), "{path}: Copy is on");
    }
    let hosts = page.get(".output-file[data-path$='/harbor.example.net/hosts.toml']");
    assert_eq!(hosts.get_attribute("data-preview").as_deref(), Some("false"));
    assert!(page.get("#download-zip").has_attribute("disabled"), "the zip is on");
}

/// Dispatches an `input` event on the textarea `css` holding `text`.
fn paste(page: &Page, css: &str, text: &str) {
    let area: web_sys::HtmlTextAreaElement = page.get(css).dyn_into().expect("a <textarea>");
    area.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    area.dispatch_event(&Event::new_with_event_init_dict("input", &init).expect("event")).expect("dispatch");
}

/// `lang` of the nearest element at or above each match of `css` that has one.
fn langs(page: &Page, css: &str) -> Vec<String> {
    let all = page.root.query_selector_all(css).expect("a selector");
    (0..all.length())
        .filter_map(|k| all.item(k)?.dyn_into::<Element>().ok())
        .map(|e| e.closest("[lang]").ok().flatten().and_then(|l| l.get_attribute("lang")).unwrap_or_default())
        .collect()
}

/// Review 12 Z1: in 简体中文 every kind of the core's English text is marked `lang="en"`
/// (field diagnostics and their fixes, the problem list, findings, card titles and
/// instructions, merge reasons); the page's own words around them are not. In English
/// nothing is marked.
#[wasm_bindgen_test]
async fn the_cores_english_text_is_marked_en_in_chinese() {
    clear_hash();
    let storage = window().local_storage().ok().flatten().expect("localStorage");
    let page = Page::mount().await;
    page.click("#preset-harbor");
    wait_for("the merge box", || page.find("#existing-config")).await;
    page.type_value("f-registry-0-host", "harbor.example.net/");
    paste(&page, "#existing-config", "version = 2\n");
    paste(&page, "#diagnose-input", "x509: certificate signed by unknown authority");
    let kinds = [
        ".diag .diag-message",
        ".diag .diag-fix > span:not(.diag-fix-label)",
        ".problem .diag-message",
        ".finding h3",
        ".finding .explanation",
        ".finding .diag-fix > span:not(.diag-fix-label)",
        ".output-file h3",
        ".output-file .instructions",
        ".change .why",
    ];
    wait_for("a finding and a merge change", || {
        (page.find(".finding").and(page.find(".change"))).is_some().then_some(())
    })
    .await;
    for css in kinds {
        let l = langs(&page, css);
        assert!(!l.is_empty() && l.iter().all(|l| l == "en"), "{css}: {l:?}");
    }
    assert_eq!(
        page.root.query_selector_all("[lang=en]:not(#lang-en)").expect("a selector").length(),
        0,
        "nothing marked in English"
    );

    page.click("#lang-zh");
    wait_for("Chinese labels", || page.text("#add-registry").contains("添加仓库").then_some(())).await;
    for css in kinds {
        let l = langs(&page, css);
        assert!(!l.is_empty() && l.iter().all(|l| l == "en"), "{css}: {l:?}");
    }
    // The page's words beside them stay Chinese: severity, fix label, the merge summary.
    for css in [".diag .diag-severity", ".diag .diag-fix-label", ".merge-summary"] {
        let l = langs(&page, css);
        assert!(!l.is_empty() && l.iter().all(|l| l == "zh-CN"), "{css}: {l:?}");
    }
    // Review 12 Z2: the merge box says its reasons are English only.
    let hints = page.root.query_selector_all(".merge .hint").expect("a selector");
    assert!((0..hints.length())
        .any(|k| hints.item(k).and_then(|h| h.text_content()).is_some_and(|t| t.contains("修改原因目前只有英文"))));
    // The severity word and the English text are not glued together in a description.
    let diag = page.text(".diag[data-field='registry[0].host']");
    assert!(diag.starts_with("错误 "), "{diag}");
    page.click("#lang-en");
    storage.clear().expect("clear");
}

/// Review 12 S1: a newer page's link (an unknown key) restores every field this page
/// knows and lists the rest in a translated banner, gone on the next edit; `f=3` says a
/// newer pullfix made it and keeps the form.
#[wasm_bindgen_test]
async fn a_newer_pages_link_loads_what_it_knows_and_says_what_it_left_out() {
    clear_hash();
    let storage = window().local_storage().ok().flatten().expect("localStorage");
    storage.set_item("pullfix.lang", "zh-CN").expect("store");
    window()
        .location()
        .set_hash(
            "#f=2&containerd=1.7.24&registry%5B0%5D.host=harbor.example.net&registry%5B0%5D.dial_timeout=5s&theme=dark",
        )
        .expect("set hash");
    let page = Page::mount().await;
    assert_eq!(page.value("f-registry-0-host").as_deref(), Some("harbor.example.net"));
    assert_eq!(page.value("f-containerd").as_deref(), Some("1.7.24"));
    let banner = page.text(".banner");
    assert!(banner.contains("已忽略") && banner.contains("registry[0].dial_timeout, theme"), "{banner}");
    assert!(page.text(".link-check").starts_with("此表单来自链接。输入密码前"), "the link notice is translated");
    page.type_value("f-registry-0-username", "admin");
    wait_for("the banner to go", || page.find(".banner").is_none().then_some(())).await;

    window().location().set_hash("#f=3&containerd=9.9&registry%5B0%5D.host=other.example").expect("set hash");
    let banner = wait_for("the banner", || page.find(".banner")).await.text_content().unwrap_or_default();
    assert!(banner.contains("较新版本的 pullfix") && banner.contains("f=3") && !banner.contains("older"), "{banner}");
    assert_eq!(page.value("f-registry-0-host").as_deref(), Some("harbor.example.net"), "the form stays");
    assert_eq!(page.value("f-registry-0-username").as_deref(), Some("admin"));
    drop(page);
    storage.clear().expect("clear");
    clear_hash();
}

/// Review 12 S2: making share links adds no history entry (Back does not load an older
/// link's form over typed passwords); a pasted link that replaces a form with a typed
/// password says so in the status line, which is on the page before it says anything.
#[wasm_bindgen_test]
async fn share_links_replace_the_history_entry_and_a_lost_password_is_announced() {
    clear_hash();
    let page = Page::mount().await;
    let history = window().history().expect("history");
    let status = page.get(".link-status");
    assert_eq!((status.get_attribute("role").as_deref(), status.text_content().as_deref()), (Some("status"), Some("")));
    page.click("#preset-harbor");
    wait_for("the password field", || page.find("#f-registry-0-password")).await;
    page.type_value("f-registry-0-password", "Harbor12345");
    let before = history.length().expect("length");
    page.click("#share-link");
    wait_for("link A", || Some(page.input("share-url").value()).filter(|v| !v.is_empty())).await;
    page.type_value("f-registry-0-host", "harbor.mooc.com");
    page.click("#share-link");
    let b =
        wait_for("link B", || Some(page.input("share-url").value()).filter(|v| v.contains("harbor.mooc.com"))).await;
    assert_eq!(history.length().expect("length"), before, "no new history entries");
    assert!(b.ends_with(&window().location().hash().expect("hash")), "{b}");
    assert_eq!(page.value("f-registry-0-password").as_deref(), Some("Harbor12345"));
    // Another form's link pasted into the tab: the password goes, and the page says so.
    window().location().set_hash(&share::encode(&pullfix_web::presets::Preset::HttpIp.form())).expect("set hash");
    let said =
        wait_for("the status line", || page.find(".link-status")?.text_content().filter(|t| !t.is_empty())).await;
    assert!(said.contains("type them again"), "{said}");
    assert_eq!(page.value("f-registry-0-password").as_deref(), Some(""));
    drop(page);
    clear_hash();
}

/// Review 12 A1: live regions are on the page, empty, before what they announce; field
/// lists are not live; a made share link is announced; problem links carry no internal
/// path; each finding's button is tied to its title; a file's `<pre>` is named by its card.
#[wasm_bindgen_test]
async fn status_lines_are_on_the_page_before_their_content() {
    clear_hash();
    let page = Page::mount().await;
    let status = |css: &str| {
        let e = page.get(css);
        assert_eq!(e.get_attribute("role").as_deref(), Some("status"), "{css}");
        e.text_content().unwrap_or_default()
    };
    wait_for("the share box", || page.find("#share-link")).await;
    assert_eq!(status(".diagnose-status"), "");
    assert_eq!(status(".share-status"), "");
    assert_eq!(status("#problems-status"), "No problems found.");
    page.click("#add-registry");
    wait_for("the registry", || page.find("#f-registry-0-host")).await;
    assert_eq!(status(".wanted-note"), "");
    // The same elements fill in.
    let before = page.get(".diagnose-status");
    paste(&page, "#diagnose-input", "x509: certificate signed by unknown authority\nhello");
    wait_for("the result", || (!status(".diagnose-status").is_empty()).then_some(())).await;
    assert!(before.is_same_node(Some(&page.get(".diagnose-status"))));
    assert!(status(".diagnose-status").contains("Known problems found"), "{}", status(".diagnose-status"));
    paste(&page, "#diagnose-input", "hello");
    wait_for("no result", || status(".diagnose-status").contains("No known problem").then_some(())).await;
    page.type_value("f-registry-0-host", "harbor.example.net/");
    let before = page.get("#problems-status");
    wait_for("the count", || status("#problems-status").starts_with("Problems (").then_some(())).await;
    assert!(before.is_same_node(Some(&page.get("#problems-status"))));
    assert!(page.find("[aria-live] .diag, [role=status] .diag, ul.diags[aria-live]").is_none());
    let link = page.get(".problem a");
    assert!(!link.has_attribute("title"), "no internal path as the description");
    page.click("#share-link");
    wait_for("the share status", || status(".share-status").contains("Link made").then_some(())).await;
    // Apply buttons name their finding, a file's <pre> its card.
    paste(&page, "#diagnose-input", "failed to do request: Head https://hub.mooc.com/v2/app/manifests/v1: x509: certificate signed by unknown authority");
    let button = wait_for("an Apply button", || page.find(".finding .apply-prefill")).await;
    let title = button.get_attribute("aria-describedby").expect("aria-describedby");
    let h3 = document().get_element_by_id(&title).expect("the title");
    assert!(h3.tag_name() == "H3" && h3.closest(".finding").ok().flatten().is_some(), "{title}");
    let pre = page.get(".output-file pre.file-contents");
    let name = pre.get_attribute("aria-labelledby").expect("aria-labelledby");
    let card_title = document().get_element_by_id(&name).expect("the card title");
    assert_eq!(card_title.closest(".output-file").ok().flatten(), pre.closest(".output-file").ok().flatten());
    drop(page);
    clear_hash();
}

/// Review 12 Z2: the document's title follows the language; the Apply button's host is
/// in full-width brackets in 简体中文; notes say that field diagnostics and merge reasons
/// are English only, in 简体中文 only.
#[wasm_bindgen_test]
async fn the_title_and_the_apply_button_follow_the_language() {
    clear_hash();
    let storage = window().local_storage().ok().flatten().expect("localStorage");
    let page = Page::mount().await;
    page.click("#lang-en");
    wait_for("the English title", || document().title().starts_with("pullfix: fix ImagePullBackOff").then_some(()))
        .await;
    paste(&page, "#diagnose-input", "failed to do request: Head https://hub.mooc.com/v2/app/manifests/v1: x509: certificate signed by unknown authority");
    let button = wait_for("an Apply button", || page.find(".finding .apply-prefill")).await;
    assert!(button.text_content().unwrap_or_default().ends_with(" (hub.mooc.com)"));
    let notes = || {
        page.root.query_selector_all(".hint").ok().map(|l| {
            (0..l.length())
                .filter_map(|k| l.item(k)?.text_content())
                .filter(|t| t.contains("English only") || t.contains("只有英文"))
                .count()
        })
    };
    let english_notes = notes();
    page.click("#lang-zh");
    wait_for("the Chinese title", || {
        (document().title() == "pullfix：修复私有镜像仓库的 ImagePullBackOff").then_some(())
    })
    .await;
    wait_for("the Chinese button", || {
        (page.text(".finding .apply-prefill") == "应用到表单（hub.mooc.com）").then_some(())
    })
    .await;
    // The diagnose box's, the outputs', and the one beside the form's fields.
    assert_eq!((english_notes, notes()), (Some(0), Some(3)));
    page.click("#lang-en");
    wait_for("the English title", || document().title().starts_with("pullfix: fix").then_some(())).await;
    drop(page);
    storage.clear().expect("clear");
}
