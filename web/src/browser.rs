//! The few browser calls the page makes: the language setting, the URL fragment, the
//! clipboard and the zip download. Each one fails quietly to a sensible default (a page
//! opened from `file://`, storage switched off), never with a panic.
//!
//! The only thing ever stored is the language choice (`localStorage["pullfix.lang"]`).

use js_sys::{Array, Promise, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Blob, BlobPropertyBag, HtmlAnchorElement, HtmlDocument, HtmlElement, HtmlTextAreaElement, ScrollIntoViewOptions,
    ScrollLogicalPosition, Url, UrlSearchParams,
};

use crate::i18n::Lang;

/// The localStorage key of the language choice, the page's only stored item.
pub const LANG_KEY: &str = "pullfix.lang";
/// The downloaded archive's name (web/WEB-CONTRACT.md).
pub const ZIP_NAME: &str = "pullfix-files.zip";

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn document() -> Option<web_sys::Document> {
    window()?.document()
}

/// The language: the stored choice, else the browser's, else English.
pub fn initial_lang() -> Lang {
    let Some(w) = window() else { return Lang::En };
    if let Some(stored) = w.local_storage().ok().flatten().and_then(|s| s.get_item(LANG_KEY).ok().flatten()) {
        return Lang::from_code(&stored);
    }
    w.navigator().language().map(|l| Lang::from_code(&l)).unwrap_or_default()
}

/// Remembers an explicit language choice.
pub fn store_lang(lang: Lang) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(LANG_KEY, lang.code());
    }
}

/// Sets `<html lang>` and the document's title, so screen readers, fonts, the tab and
/// bookmarks follow the language.
pub fn set_document_lang(lang: Lang) {
    let Some(doc) = document() else { return };
    if let Some(root) = doc.document_element() {
        let _ = root.set_attribute("lang", lang.code());
    }
    doc.set_title(lang.text().page_title);
}

/// The URL fragment, with its `#` (empty when there is none).
pub fn location_hash() -> String {
    window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// `name=value&...` of `pairs`, encoded by the browser's `URLSearchParams`.
pub fn query_string(pairs: &[(String, String)]) -> String {
    let Ok(params) = UrlSearchParams::new() else { return String::new() };
    for (k, v) in pairs {
        params.append(k, v);
    }
    params.to_string().into()
}

/// The `(name, value)` pairs of a fragment or query (`#a=1&b=2`), decoded by the
/// browser's `URLSearchParams`.
pub fn query_pairs(text: &str) -> Vec<(String, String)> {
    let text = text.strip_prefix('#').unwrap_or(text);
    let Ok(params) = UrlSearchParams::new_with_str(text) else { return Vec::new() };
    let mut out = Vec::new();
    for entry in params.entries().into_iter().flatten() {
        let entry: Array = entry.unchecked_into();
        out.push((entry.get(0).as_string().unwrap_or_default(), entry.get(1).as_string().unwrap_or_default()));
    }
    out
}

/// The URL fragment's pairs ([`query_pairs`] of [`location_hash`]).
pub fn fragment_pairs() -> Vec<(String, String)> {
    query_pairs(&location_hash())
}

/// Calls `on_change` with the fragment's pairs on every `hashchange` (a share link pasted
/// into the open tab); the returned function stops that.
pub fn on_hash_change(on_change: impl Fn(Vec<(String, String)>) + 'static) -> impl FnOnce() {
    let listener = Closure::<dyn Fn()>::new(move || on_change(fragment_pairs()));
    let window = window();
    if let Some(w) = &window {
        let _ = w.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
    }
    move || {
        if let Some(w) = window {
            let _ = w.remove_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
        }
    }
}

/// Puts `fragment` (starting with `#`) into the address bar and returns the full link.
/// `history.replaceState`, not `location.hash`: no new history entry, so Back leaves the
/// page rather than loading an older link's form over the typed passwords (review 12 S2).
pub fn set_location_hash(fragment: &str) -> String {
    let Some(w) = window() else { return fragment.to_owned() };
    let loc = w.location();
    if w.history().and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(fragment))).is_err() {
        let _ = loc.set_hash(fragment);
    }
    let href = loc.href().unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}{fragment}")
}

/// Runs `f` in a later task (`setTimeout(0)`), so that the browser can show what was
/// rendered so far first. Runs it now when there is no window.
pub fn later(f: impl FnOnce() + 'static) {
    let Some(w) = window() else { return f() };
    let callback = Closure::once_into_js(f);
    // Fails only outside a browser; then the parts stay hidden rather than panicking.
    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 0);
}

/// Moves the keyboard focus to the first of `ids` that exists and scrolls it into view:
/// a field to the middle of the window, so that its label above it shows too (review 7
/// L4: aligned to the top edge, the label was cut off); anything taller than the window
/// (the outputs section) to the top, so that its heading shows.
pub fn focus_first(ids: &[String]) {
    let Some(doc) = document() else { return };
    if let Some(el) = ids.iter().find_map(|id| doc.get_element_by_id(id)) {
        // A field inside a closed <details> (the merge box) cannot take focus: open it.
        while let Ok(Some(closed)) = el.closest("details:not([open])") {
            if closed.set_attribute("open", "").is_err() {
                break;
            }
        }
        let window_height = window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(0.0);
        let block = if f64::from(el.client_height()) < window_height {
            ScrollLogicalPosition::Center
        } else {
            ScrollLogicalPosition::Start
        };
        let options = ScrollIntoViewOptions::new();
        options.set_block(block);
        el.scroll_into_view_with_scroll_into_view_options(&options);
        if let Ok(el) = el.dyn_into::<HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// Copies `text` to the clipboard and calls `done` with whether it worked. First
/// `execCommand("copy")` through a hidden textarea, which works synchronously inside the
/// click; then the Clipboard API, given two seconds (a headless browser may leave its
/// promise pending forever). Promise callbacks, not a Rust future: no async runtime in
/// the page's wasm.
pub fn copy_text(text: &str, done: impl FnOnce(bool) + 'static) {
    if copy_with_exec_command(text) {
        return done(true);
    }
    let Some(w) = window() else { return done(false) };
    let nav = w.navigator();
    // `navigator.clipboard` is missing outside secure contexts.
    if !Reflect::get(&nav, &JsValue::from_str("clipboard")).is_ok_and(|c| !c.is_undefined()) {
        return done(false);
    }
    // writeText resolves with undefined; the timer with a marker; a rejection is a failure.
    let timeout = Promise::new(&mut |resolve, _| {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_1(&resolve, 2000, &JsValue::from_str("timeout"));
    });
    let race = Promise::race(&Array::of2(&nav.clipboard().write_text(text), &timeout));
    // One of the two closures is never called: both are left to the page (a few bytes,
    // only when execCommand failed).
    let done = std::rc::Rc::new(std::cell::Cell::new(Some(done)));
    let finish = move |ok: bool| {
        if let Some(done) = done.take() {
            done(ok)
        }
    };
    let on_error = finish.clone();
    let ok = Closure::once(move |v: JsValue| finish(v.is_undefined()));
    let err = Closure::once(move |_: JsValue| on_error(false));
    let _ = race.then2(&ok, &err);
    ok.forget();
    err.forget();
}

fn copy_with_exec_command(text: &str) -> bool {
    let Some(doc) = document() else { return false };
    let Some(body) = doc.body() else { return false };
    let Some(area) = doc.create_element("textarea").ok().and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok()) else {
        return false;
    };
    area.set_value(text);
    let _ = area.set_attribute("readonly", "");
    let _ = area.set_attribute("aria-hidden", "true");
    // A class, not a style attribute: the page's CSP allows no inline styles. Not
    // `visually-hidden`: its `white-space: nowrap` collapses the lines' leading spaces in what
    // execCommand copies, which broke every indented YAML (review 10 web H1).
    let _ = area.set_attribute("class", "copy-buffer");
    if body.append_child(&area).is_err() {
        return false;
    }
    // Selecting the textarea takes the focus: give it back (the copy button) afterwards,
    // or it falls to <body> when the textarea goes.
    let focused = doc.active_element().and_then(|e| e.dyn_into::<HtmlElement>().ok());
    area.select();
    let ok = doc.dyn_ref::<HtmlDocument>().and_then(|d| d.exec_command("copy").ok()).unwrap_or(false);
    area.remove();
    if let Some(el) = focused {
        let _ = el.focus();
    }
    ok
}

/// Offers `bytes` as a download named [`ZIP_NAME`], and leaves them in
/// `window.__pullfixLastZip` (a `Uint8Array`) for the end-to-end tests.
pub fn download_zip(bytes: &[u8]) {
    let (Some(w), Some(doc)) = (window(), document()) else { return };
    let array = Uint8Array::from(bytes);
    let _ = Reflect::set(&w, &JsValue::from_str("__pullfixLastZip"), &array);
    let options = BlobPropertyBag::new();
    options.set_type("application/zip");
    let Ok(blob) = Blob::new_with_u8_array_sequence_and_options(&Array::of1(&array), &options) else { return };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else { return };
    if let Some(a) = doc.create_element("a").ok().and_then(|e| e.dyn_into::<HtmlAnchorElement>().ok()) {
        a.set_href(&url);
        a.set_download(ZIP_NAME);
        let _ = a.set_attribute("hidden", "");
        if let Some(body) = doc.body() {
            if body.append_child(&a).is_ok() {
                a.click();
                a.remove();
            }
        }
    }
    // Revoke once the download has started; the bytes stay in __pullfixLastZip.
    let revoke = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
}
