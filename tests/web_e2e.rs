//! End-to-end test of the web page in real Chromium (Debian's chromium + chromedriver,
//! driven by fantoccini), against the release build in `dist/` (scripts/build-web.sh;
//! scripts/test.sh builds it before `cargo test`).
//!
//! The page is served from a sub-path (`/tools/pullfix/`) by a loopback static server,
//! and `dist/pullfix.html` is opened from `file://`. Selectors follow the DOM contract
//! between the app and these tests (web/WEB-CONTRACT.md).

#[path = "web_e2e/browser.rs"]
mod browser;
#[path = "web_e2e/server.rs"]
mod server;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use fantoccini::{Client, Locator};
use pullfix_core::{render, Form, Mirror, Registry};

use browser::{console, grant, repo_root, requests_started, wait_js, Driver};
use server::StaticServer;

/// The sub-path the page is hosted under, as on a docs site.
const SUB_PATH: &str = "/tools/pullfix/";
/// Secrets the test types; they must never show up in the URL or in storage.
const PASSWORD: &str = "s3cr3t-Pa55-e2e";
/// An identity token, typed in the share-link test.
const TOKEN: &str = "id-t0ken-e2e-refresh";
/// One browser at a time: the CI machine is small.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// `dist/`, failing clearly when the web build is missing.
fn dist() -> PathBuf {
    let dist = repo_root().join("dist");
    for f in ["index.html", "pullfix.html"] {
        assert!(
            dist.join(f).is_file(),
            "{} is missing: build the page first with `scripts/build-web.sh` \
             (scripts/test.sh does that before `cargo test`)",
            dist.join(f).display()
        );
    }
    dist
}

/// A browser session with its own chromedriver and fresh profile, torn down on drop.
struct Session {
    client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
    _downloads: tempfile::TempDir,
}

async fn session() -> Session {
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("tempdir");
    let downloads = tempfile::tempdir().expect("tempdir");
    let client = driver.browser(profile.path(), downloads.path()).await;
    Session { client, _driver: driver, _profile: profile, _downloads: downloads }
}

/// One test's page: the browser lock, the loopback server hosting `dist/` under
/// [`SUB_PATH`], and a fresh browser session that has the app open.
struct OpenPage {
    session: Session,
    _server: StaticServer,
    _serial: tokio::sync::MutexGuard<'static, ()>,
}

async fn open_page() -> OpenPage {
    let serial = SERIAL.lock().await;
    let server = StaticServer::start(&dist(), SUB_PATH);
    let session = session().await;
    let c = &session.client;
    c.goto(&format!("{}{SUB_PATH}", server.origin)).await.expect("open the page");
    wait_app(c).await;
    OpenPage { session, _server: server, _serial: serial }
}

/// Waits until the app has rendered its form.
async fn wait_app(c: &Client) {
    wait_js(c, "the app to render its form (#add-registry)", "return document.querySelector('#add-registry') !== null")
        .await;
}

/// The output cards: path -> the `<pre class="file-contents">` text.
async fn cards(c: &Client) -> BTreeMap<String, String> {
    let v = c
        .execute(
            "return Array.from(document.querySelectorAll('.output-file')).map(e => \
               [e.dataset.path, (e.querySelector('pre.file-contents') || {}).textContent])",
            vec![],
        )
        .await
        .expect("read cards");
    v.as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            let path = pair[0].as_str().expect("card without data-path").to_owned();
            let text = pair[1].as_str().unwrap_or_else(|| panic!("card {path} has no pre.file-contents")).to_owned();
            (path, text)
        })
        .collect()
}

/// What core renders for `form`, as path -> contents.
fn expected_files(form: &Form) -> BTreeMap<String, String> {
    render(form).files.into_iter().map(|f| (f.path, f.contents)).collect()
}

/// Waits until the cards equal core's render of `form`, then asserts it with a diff.
async fn assert_cards_match(c: &Client, form: &Form, when: &str) {
    let want = expected_files(form);
    assert!(!want.is_empty(), "core renders no file for the test form ({when}): the test would be vacuous");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let got = cards(c).await;
        if got == want {
            return;
        }
        if std::time::Instant::now() > deadline {
            let (gk, wk): (Vec<_>, Vec<_>) = (got.keys().collect(), want.keys().collect());
            assert_eq!(gk, wk, "{when}: the page's output cards are not the files core renders");
            for (path, text) in &want {
                assert_eq!(&got[path], text, "{when}: card {path} differs from pullfix_core::render");
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// `registry[0].mirror[1].url` -> `f-registry-0-mirror-1-url` (the contract's ids).
fn field_id(path: &str) -> String {
    let mut id = String::from("f-");
    for ch in path.chars() {
        let ch = if matches!(ch, '.' | '[' | ']') { '-' } else { ch };
        if !(ch == '-' && id.ends_with('-')) {
            id.push(ch);
        }
    }
    id.trim_end_matches('-').to_owned()
}

async fn field(c: &Client, path: &str) -> fantoccini::elements::Element {
    let id = field_id(path);
    c.wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(Locator::Id(&id))
        .await
        .unwrap_or_else(|e| panic!("no form field #{id} (for {path}) on the page: {e}"))
}

/// Types `text` into the field as a user would: clear it, then key by key.
async fn type_into(c: &Client, path: &str, text: &str) {
    let el = field(c, path).await;
    if el.tag_name().await.expect("tag name").eq_ignore_ascii_case("select") {
        el.select_by_value(text).await.unwrap_or_else(|e| panic!("select {text:?} in {path}: {e}"));
        return;
    }
    el.clear().await.unwrap_or_else(|e| panic!("clear {path}: {e}"));
    el.send_keys(text).await.unwrap_or_else(|e| panic!("type into {path}: {e}"));
}

async fn check(c: &Client, path: &str) {
    let el = field(c, path).await;
    if !el.is_selected().await.expect("checkbox state") {
        el.click().await.unwrap_or_else(|e| panic!("click {path}: {e}"));
    }
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// The form the test types, as core sees it.
fn typed_form() -> Form {
    let mut form = Form { containerd: "1.7".into(), ..Form::default() };
    form.sandbox_image = "harbor.example.net:8443/library/pause:3.9".into();
    form.registries.push(Registry {
        host: "harbor.example.net:8443".into(),
        ca_file: "/etc/containerd/certs.d/harbor.example.net:8443/ca.crt".into(),
        username: "robot$ci".into(),
        password: PASSWORD.into(),
        node_auth: true,
        mirrors: vec![Mirror { url: "https://mirror.example.net:5000".into(), ..Mirror::default() }],
        ..Registry::default()
    });
    form.kubernetes.namespaces = vec!["default".into(), "apps".into()];
    form.kubernetes.secret_name = "harbor-pull".into();
    form
}

/// Fills the page with [`typed_form`], key by key.
async fn fill(c: &Client) {
    let f = typed_form();
    type_into(c, "containerd", &f.containerd).await;
    type_into(c, "sandbox_image", &f.sandbox_image).await;
    if c.find(Locator::Id(&field_id("registry[0].host"))).await.is_err() {
        click(c, "#add-registry").await;
    }
    let r = &f.registries[0];
    type_into(c, "registry[0].host", &r.host).await;
    type_into(c, "registry[0].ca_file", &r.ca_file).await;
    type_into(c, "registry[0].username", &r.username).await;
    type_into(c, "registry[0].password", &r.password).await;
    check(c, "registry[0].node_auth").await;
    click(c, "#add-mirror-0").await;
    type_into(c, "registry[0].mirror[0].url", &r.mirrors[0].url).await;
    type_into(c, "kubernetes.namespaces", "default, apps").await;
    type_into(c, "kubernetes.secret_name", &f.kubernetes.secret_name).await;
}

/// Console errors, CSP violations and panics: there must be none.
async fn assert_clean_console(c: &Client, when: &str) {
    let bad: Vec<_> = console(c)
        .await
        .into_iter()
        .filter(|e| {
            e.level == "SEVERE"
                || e.message.contains("Content Security Policy")
                || e.message.contains("Content-Security-Policy")
                || e.message.contains("panicked")
        })
        .collect();
    assert!(bad.is_empty(), "{when}: console errors / CSP violations: {bad:#?}");
}

/// Every control is labelled (a `<label for>`, a wrapping `<label>` or `aria-label`).
async fn assert_labelled(c: &Client, when: &str) {
    let unlabelled = c
        .execute(
            "return Array.from(document.querySelectorAll('input, select, textarea'))\
               .filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label'))\
               .map(e => e.outerHTML.slice(0, 120))",
            vec![],
        )
        .await
        .expect("labels");
    assert_eq!(unlabelled, serde_json::json!([]), "{when}: form controls without a label");
}

fn zip_files(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("window.__pullfixLastZip is not a zip");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).expect("zip entry");
            let mut text = String::new();
            entry.read_to_string(&mut text).expect("zip entry is not UTF-8 text");
            (entry.name().to_owned(), text)
        })
        .collect()
}

/// A URL that leaves the browser (not `blob:`, `data:`, `file:` or the browser's own `chrome:`).
fn is_network(url: &str) -> bool {
    ["http:", "https:", "ws:", "wss:", "ftp:"].iter().any(|s| url.starts_with(s))
}

/// The `(field path, value)` pairs in the share link's `#f=2&...` fragment, decoded by
/// the `url` crate (not by the page), sorted.
fn pairs_in_link(link: &str) -> Vec<(String, String)> {
    let fragment = link.split_once('#').unwrap_or_else(|| panic!("share link {link:?} has no fragment")).1;
    assert!(fragment.starts_with("f=2&"), "share link {link:?} does not start with #f=2&");
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(fragment.as_bytes()).into_owned().collect();
    pairs.sort();
    pairs
}

#[tokio::test]
async fn page_from_a_sub_path_renders_copies_zips_and_stays_offline() {
    let _serial = SERIAL.lock().await;
    let server = StaticServer::start(&dist(), SUB_PATH);
    let s = session().await;
    let c = &s.client;
    let url = format!("{}{SUB_PATH}", server.origin);
    c.goto(&url).await.expect("open the page");
    wait_app(c).await;

    // Loaded entirely from the sub-path, nothing missing.
    let loaded = server.requests();
    assert!(loaded.len() >= 4, "expected html, loader, bindings, wasm and css: {loaded:?}");
    for r in &loaded {
        assert!(r.path.starts_with(SUB_PATH) && r.status == 200, "request outside the sub-path or failing: {r:?}");
    }
    assert_clean_console(c, "after load").await;
    let _ = requests_started(c).await; // drain: from here on, nothing may leave the page
    let resources_at_load =
        c.execute("return performance.getEntriesByType('resource').length", vec![]).await.expect("performance API");

    // Fill the form as a user would; every card is what core renders.
    fill(c).await;
    assert_labelled(c, "after filling the form (a registry, a mirror)").await;
    let form = typed_form();
    assert_cards_match(c, &form, "after filling the form").await;
    // The TOML outputs parse back, and carry what was typed.
    for (path, text) in expected_files(&form).iter().filter(|(p, _)| p.ends_with(".toml")) {
        let doc: toml_edit::DocumentMut = text.parse().unwrap_or_else(|e| panic!("{path} is not TOML: {e}"));
        if path.ends_with("harbor.example.net:8443/hosts.toml") {
            assert_eq!(doc["server"].as_str(), Some("https://harbor.example.net:8443"), "{path}");
            assert!(doc["host"].get("https://mirror.example.net:5000").is_some(), "{path}: mirror missing");
        }
    }
    std::fs::create_dir_all(repo_root().join("target")).expect("target/");
    let shot = browser::full_page_png(c).await;
    std::fs::write(repo_root().join("target/e2e-screenshot.png"), shot).expect("write target/e2e-screenshot.png");

    // No credential in any storage.
    let stored = c
        .execute(
            "return JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])",
            vec![],
        )
        .await
        .expect("read storage");
    assert!(!stored.as_str().unwrap_or_default().contains(PASSWORD), "the password is stored: {stored}");

    // Copy: the button says so and the clipboard holds the file, byte for byte: the first
    // file and every file with indented lines (the Secret and patch YAML; review 10 web H1:
    // the copy lost their leading spaces).
    grant(c, "clipboard-read").await;
    grant(c, "clipboard-write").await;
    let files = expected_files(&form);
    let indented: Vec<(&String, &String)> = files
        .iter()
        .enumerate()
        .filter(|(i, (_, t))| *i == 0 || t.lines().any(|l| l.starts_with(' ')))
        .map(|(_, f)| f)
        .collect();
    assert!(indented.iter().any(|(p, _)| p.ends_with(".yaml")), "an indented YAML to copy: {files:?}");
    for (path, contents) in indented {
        let button = format!(".output-file[data-path=\"{path}\"] button.copy");
        c.execute("return navigator.clipboard.writeText('')", vec![]).await.expect("clear the clipboard");
        click(c, &button).await;
        wait_js(
            c,
            "the copy button to say Copied",
            &format!("return document.querySelector({:?}).textContent.includes('Copied')", button),
        )
        .await;
        let clip = c
            .execute_async(
                "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('ERROR ' + e))",
                vec![],
            )
            .await
            .expect("read the clipboard");
        assert_eq!(clip.as_str(), Some(contents.as_str()), "the clipboard does not hold {path}");
    }

    // The zip holds exactly the cards.
    click(c, "#download-zip").await;
    let bytes = wait_js(
        c,
        "window.__pullfixLastZip",
        "return window.__pullfixLastZip ? Array.from(window.__pullfixLastZip) : null",
    )
    .await;
    let bytes: Vec<u8> = serde_json::from_value(bytes).expect("zip bytes");
    assert_eq!(zip_files(&bytes), cards(c).await, "the zip's files are not the cards");
    assert_eq!(zip_files(&bytes), expected_files(&form), "the zip's files are not what core renders");

    // A bad host: its diagnostics beside the field, and the outputs do not go blank.
    type_into(c, "registry[0].host", "harbor example.net").await;
    let mut bad = form.clone();
    bad.registries[0].host = "harbor example.net".into();
    let want: Vec<_> =
        render(&bad).diagnostics.into_iter().filter(|d| d.field.as_str() == "registry[0].host").collect();
    assert!(!want.is_empty(), "core reports nothing for a host with a space: the check would be vacuous");
    // Wait for the diagnostic about what was typed (JSON makes the message a JS string literal).
    let message = serde_json::to_string(&want[0].message).expect("JSON");
    let shown = wait_js(
        c,
        "the host's diagnostics",
        &format!(
            "const d = Array.from(document.querySelectorAll('.diag[data-field=\"registry[0].host\"]'))\
               .map(e => [e.dataset.severity, e.textContent]);\
             return d.some(([, t]) => t.includes({message})) ? d : null"
        ),
    )
    .await;
    let shown = shown.as_array().cloned().unwrap_or_default();
    assert_eq!(shown.len(), want.len(), "diagnostics shown for registry[0].host: {shown:?}, core: {want:?}");
    for (d, s) in want.iter().zip(&shown) {
        assert_eq!(s[0].as_str(), Some(d.severity.to_string().as_str()), "severity of {d:?}");
        assert!(s[1].as_str().unwrap_or_default().contains(&d.message), "{s:?} does not show {:?}", d.message);
    }
    assert_cards_match(c, &bad, "with a bad host").await;

    // Nothing left the page after load: no request started, no resource fetched, none served.
    let after: Vec<_> = requests_started(c).await.into_iter().filter(|u| is_network(u)).collect();
    assert!(after.is_empty(), "requests after load: {after:?}");
    let resources_now =
        c.execute("return performance.getEntriesByType('resource').length", vec![]).await.expect("perf");
    assert_eq!(resources_now, resources_at_load, "resources fetched after load");
    assert_eq!(server.requests(), loaded, "the server saw requests after load");
    assert_clean_console(c, "after using the page").await;
}

#[tokio::test]
async fn share_link_restores_the_form_without_secrets() {
    let page = open_page().await;
    let c = &page.session.client;
    fill(c).await;
    type_into(c, "registry[0].identity_token", TOKEN).await;
    let mut typed = typed_form();
    typed.registries[0].identity_token = TOKEN.into();
    assert_cards_match(c, &typed, "after filling the form").await;

    click(c, "#share-link").await;
    let link = wait_js(c, "#share-url", "return document.querySelector('#share-url').value").await;
    let link = link.as_str().expect("share url").to_owned();
    let hash = c.execute("return location.hash", vec![]).await.expect("location.hash");
    assert!(link.ends_with(hash.as_str().unwrap_or("?")), "location.hash is not the link's fragment: {link} / {hash}");
    for secret in [PASSWORD, TOKEN] {
        assert!(!link.contains(secret), "{secret:?} is in the share link");
    }
    let shared = pairs_in_link(&link);
    for secret in [PASSWORD, TOKEN] {
        assert!(!format!("{shared:?}").contains(secret), "{secret:?} is in the share link's form");
    }
    let mut want = typed;
    want.registries[0].password.clear();
    want.registries[0].identity_token.clear();
    // Every field typed but the secrets, as the inputs show it; nothing else.
    let r = &want.registries[0];
    let mut expected: Vec<(String, String)> = [
        ("f", "2"),
        ("containerd", want.containerd.as_str()),
        ("sandbox_image", &want.sandbox_image),
        ("registry[0].host", &r.host),
        ("registry[0].ca_file", &r.ca_file),
        ("registry[0].username", &r.username),
        ("registry[0].node_auth", "true"),
        ("registry[0].mirror[0].url", &r.mirrors[0].url),
        ("kubernetes.secret_name", &want.kubernetes.secret_name),
        ("kubernetes.namespaces", "default, apps"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    expected.sort();
    assert_eq!(shared, expected, "the share link's pairs are not the typed form minus secrets");

    // A fresh page (new profile) restores it.
    let s2 = session().await;
    let c2 = &s2.client;
    c2.goto(&link).await.expect("open the share link");
    wait_app(c2).await;
    assert_cards_match(c2, &want, "after opening the share link").await;
    let host = field(c2, "registry[0].host").await.prop("value").await.expect("value");
    assert_eq!(host.as_deref(), Some("harbor.example.net:8443"), "host not restored");
    for secret in ["registry[0].password", "registry[0].identity_token"] {
        let v = field(c2, secret).await.prop("value").await.expect("value");
        assert_eq!(v.as_deref(), Some(""), "{secret} came through the link");
    }
    assert_clean_console(c2, "after opening the share link").await;
}

/// A CA pasted together with its key (`cat harbor.crt harbor.key`) and a mirror URL with
/// `user:password@`: the link and the address bar get the certificate and the URL, but
/// neither the key nor the password; the URL's field error names the credentials.
#[tokio::test]
async fn share_link_leaves_out_a_pasted_key_and_url_credentials() {
    const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ4z\n-----END CERTIFICATE-----\n";
    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkw\n-----END PRIVATE KEY-----\n";
    const MIRROR_PASSWORD: &str = "Mirr0r-Pa55-e2e";
    let page = open_page().await;
    let c = &page.session.client;
    click(c, "#preset-harbor").await;
    type_into(c, "registry[0].ca_pem", &format!("{CERT}{KEY}")).await;
    click(c, "#add-mirror-0").await;
    let url = format!("https://admin:{MIRROR_PASSWORD}@mirror.example.net");
    type_into(c, "registry[0].mirror[0].url", &url).await;
    let diag = wait_js(
        c,
        "the mirror URL's field error",
        "const d = document.querySelector('.diag[data-field=\"registry[0].mirror[0].url\"][data-severity=\"error\"]'); \
         return d ? [d.querySelector('.diag-message').textContent, d.textContent] : null",
    )
    .await;
    let (message, whole) = (diag[0].as_str().unwrap_or_default(), diag[1].as_str().unwrap_or_default());
    assert!(
        message.contains("credentials") && !message.contains("port"),
        "the error does not name credentials: {whole}"
    );
    assert!(whole.contains("username and password fields"), "the fix does not say where they go: {whole}");
    assert!(!whole.contains(MIRROR_PASSWORD), "the URL's error echoes the password: {whole}");

    click(c, "#share-link").await;
    let link = wait_js(c, "#share-url", "return document.querySelector('#share-url').value").await;
    let link = link.as_str().expect("share url").to_owned();
    let href = c.execute("return location.href", vec![]).await.expect("location.href");
    let href = href.as_str().expect("href").to_owned();
    for (what, text) in [("the share link", &link), ("the address bar", &href)] {
        let decoded: String = format!("{:?}", pairs_in_link(text));
        for leak in ["PRIVATE KEY", "MIIEvwIBADAN", MIRROR_PASSWORD, "admin:"] {
            assert!(!decoded.contains(leak) && !text.contains(leak), "{leak:?} is in {what}: {text}");
        }
    }
    let shared = pairs_in_link(&link);
    let get = |path: &str| shared.iter().find(|(k, _)| k == path).map(|(_, v)| v.as_str());
    assert_eq!(get("registry[0].ca_pem"), Some(CERT), "the certificate must stay in the link");
    assert_eq!(get("registry[0].mirror[0].url"), Some("https://mirror.example.net"));
    assert_clean_console(c, "after making the share link").await;
}

/// On a 390 px phone the docs tables stack their rows: no cell reaches past the screen,
/// nothing needs sideways scrolling.
#[tokio::test]
async fn docs_tables_fit_a_phone_screen() {
    let page = open_page().await;
    let c = &page.session.client;
    browser::viewport(c, 390, 844).await;
    click(c, "#preset-harbor").await;
    let overflow = wait_js(
        c,
        "the docs tables laid out at 390 px",
        "const tables = Array.from(document.querySelectorAll('.docs table')); \
         if (tables.length < 2 || innerWidth !== 390) return null; \
         return { past: tables.flatMap(t => [t, ...t.querySelectorAll('td')]) \
           .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5 \
             || (e.tagName === 'TABLE' && e.parentElement.scrollWidth > e.parentElement.clientWidth)) \
           .map(e => e.tagName + ': ' + e.textContent.slice(0, 60) + ' (right ' + e.getBoundingClientRect().right + ')') }",
    )
    .await;
    assert_eq!(overflow["past"], serde_json::json!([]), "docs table parts reach past a 390 px screen");
    let width = c.execute("return document.documentElement.scrollWidth", vec![]).await.expect("scrollWidth");
    assert!(width.as_f64().unwrap_or(f64::MAX) <= 390.0, "the page is {width} px wide on a 390 px screen");
    // The first thing a phone user does in the story: paste the x509 line. Its finding
    // (the excerpt's URL, the fix's TOML paths) wraps inside the screen (the review's M1).
    type_into_id(c, "diagnose-input", STORY_X509).await;
    let widths = wait_js(
        c,
        "the x509 finding laid out at 390 px",
        "const f = document.querySelector('.finding .diag-fix'); if (!f) return null; \
         const d = document.documentElement; \
         return { scroll: d.scrollWidth, client: d.clientWidth, \
           past: Array.from(document.querySelectorAll('.finding, .finding *')) \
             .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5) \
             .map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 60)) }",
    )
    .await;
    assert_eq!(widths["past"], serde_json::json!([]), "finding parts reach past a 390 px screen");
    assert_eq!(widths["scroll"], widths["client"], "the page pans sideways with the x509 finding: {widths}");
    std::fs::create_dir_all(repo_root().join("target")).expect("target/");
    let shot = browser::full_page_png(c).await;
    std::fs::write(repo_root().join("target/e2e-390px.png"), shot).expect("write target/e2e-390px.png");
}

#[tokio::test]
async fn language_switch_is_applied_and_remembered() {
    let page = open_page().await;
    let c = &page.session.client;
    let lang = "return document.documentElement.lang";
    assert_eq!(c.execute(lang, vec![]).await.expect("lang").as_str(), Some("en"));
    let english = c.execute("return document.body.innerText", vec![]).await.expect("text");
    // The cards' placement badges: uppercase in English; in 简体中文 a Latin word inside
    // the Chinese keeps its case ("放到 Ansible 控制机", not "ANSIBLE"; the review's L5).
    click(c, "#preset-harbor").await;
    let badges = "const b = Array.from(document.querySelectorAll('.output-file .where')); \
                  return b.length ? b.map(e => [getComputedStyle(e).textTransform, e.innerText, e.textContent]) : null";
    let en_badges = wait_js(c, "the placement badges", badges).await;
    for b in en_badges.as_array().expect("badges") {
        assert_eq!(b[0], "uppercase", "English badge {b}");
    }

    click(c, "#lang-zh").await;
    wait_js(c, "lang=zh-CN", "return document.documentElement.lang === 'zh-CN'").await;
    let zh_badges = wait_js(c, "the Chinese placement badges", badges).await;
    for b in zh_badges.as_array().expect("badges") {
        assert_eq!((&b[0], &b[1]), (&serde_json::json!("none"), &b[2]), "Chinese badge {b}");
    }
    let chinese = c.execute("return document.body.innerText", vec![]).await.expect("text");
    assert_ne!(chinese, english, "switching to 简体中文 changed no text");
    assert!(
        chinese.as_str().unwrap_or_default().chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
        "no Chinese text after switching to 简体中文"
    );
    let keys = c.execute("return Object.keys(localStorage)", vec![]).await.expect("localStorage");
    assert_eq!(keys, serde_json::json!(["pullfix.lang"]), "localStorage must hold only the language");

    c.refresh().await.expect("reload");
    wait_app(c).await;
    wait_js(c, "lang=zh-CN after reload", "return document.documentElement.lang === 'zh-CN'").await;

    click(c, "#lang-en").await;
    wait_js(c, "lang=en", "return document.documentElement.lang === 'en'").await;
    assert_clean_console(c, "after switching languages").await;
}

#[tokio::test]
async fn single_file_page_works_from_file_url() {
    let _serial = SERIAL.lock().await;
    let file = dist().join("pullfix.html");
    let s = session().await;
    let c = &s.client;
    let url = url::Url::from_file_path(&file).expect("file URL");
    c.goto(url.as_str()).await.expect("open pullfix.html");
    wait_app(c).await;
    click(c, "#add-registry").await;
    type_into(c, "registry[0].host", "10.50.1.104:5000").await;
    let form = Form {
        registries: vec![Registry { host: "10.50.1.104:5000".into(), ..Registry::default() }],
        ..Form::default()
    };
    assert_cards_match(c, &form, "pullfix.html from file://").await;
    let started = requests_started(c).await;
    let network: Vec<_> = started.iter().filter(|u| is_network(u)).collect();
    assert!(network.is_empty(), "pullfix.html made network requests: {network:?}");
    assert_clean_console(c, "pullfix.html from file://").await;
}

#[tokio::test]
async fn follows_the_system_light_and_dark_scheme() {
    let _serial = SERIAL.lock().await;
    let server = StaticServer::start(&dist(), SUB_PATH);
    let s = session().await;
    let c = &s.client;
    let colors = "const b = getComputedStyle(document.body); return [b.backgroundColor, b.color]";
    let mut seen = Vec::new();
    for scheme in ["light", "dark"] {
        browser::color_scheme(c, scheme).await;
        c.goto(&format!("{}{SUB_PATH}", server.origin)).await.expect("open the page");
        wait_app(c).await;
        seen.push(c.execute(colors, vec![]).await.expect("computed colours"));
    }
    assert_ne!(seen[0], seen[1], "the page looks the same with a light and a dark system scheme: {seen:?}");
    assert_clean_console(c, "light and dark").await;
}

/// The story's error line (STORY.md), as `crictl pull` printed it.
const STORY_X509: &str = "failed to do request: Head https://hub.mooc.com/v2/kubernetes/cronjob/manifests/v1: x509: certificate signed by unknown authority";

/// Types `text` into the element `#id` key by key, after clearing it.
async fn type_into_id(c: &Client, id: &str, text: &str) {
    let el = c
        .wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no #{id} on the page: {e}"));
    el.clear().await.unwrap_or_else(|e| panic!("clear #{id}: {e}"));
    el.send_keys(text).await.unwrap_or_else(|e| panic!("type into #{id}: {e}"));
}

#[tokio::test]
async fn a_pasted_error_is_diagnosed_and_its_fix_fills_the_form() {
    let page = open_page().await;
    let c = &page.session.client;

    type_into_id(c, "diagnose-input", STORY_X509).await;
    let diagnosis = pullfix_core::diagnose::diagnose(STORY_X509);
    let finding = &diagnosis.findings[0];
    assert_eq!(finding.code, "x509.unknown_authority", "core's diagnosis of the story line changed");
    wait_js(c, "a finding", "return document.querySelectorAll('.finding').length > 0").await;
    let shown = c
        .execute(
            "return Array.from(document.querySelectorAll('.finding')).map(e => \
               [e.dataset.code, e.querySelector('h3').textContent, e.querySelector('.excerpt').textContent, \
                e.textContent])",
            vec![],
        )
        .await
        .expect("read findings");
    let shown = shown.as_array().cloned().unwrap_or_default();
    assert_eq!(shown.len(), diagnosis.findings.len(), "findings shown: {shown:?}");
    assert_eq!(shown[0][0].as_str(), Some(finding.code));
    assert_eq!(shown[0][1].as_str(), Some(finding.title.as_str()));
    assert_eq!(shown[0][2].as_str(), Some(finding.excerpt.as_str()));
    let text = shown[0][3].as_str().unwrap_or_default();
    assert!(text.contains(&finding.explanation) && text.contains(&finding.fix), "explanation or fix missing: {text}");
    assert_labelled(c, "with the diagnose box filled").await;

    // Nothing in the form changed yet; the button applies the finding's prefill.
    assert!(c.find(Locator::Id(&field_id("registry[0].host"))).await.is_err(), "a registry appeared before apply");
    click(c, ".finding .apply-prefill").await;
    let want = pullfix_core::diagnose::apply_prefill(&Form::default(), &finding.prefill);
    assert_eq!(want.registries[0].host, "hub.mooc.com", "core's prefill changed");
    assert_cards_match(c, &want, "after applying the x509 finding").await;
    let host = field(c, "registry[0].host").await.prop("value").await.expect("value");
    assert_eq!(host.as_deref(), Some("hub.mooc.com"), "the host field after apply");
    // Review 6 M2: the cursor goes to the first changed field and a status line says what
    // changed; the version finding, which would change nothing, has no button.
    wait_js(
        c,
        "the cursor in the new registry's host",
        "return document.activeElement && document.activeElement.id === 'f-registry-0-host'",
    )
    .await;
    assert_focus_shows_its_label(c, "after applying the x509 finding").await;
    let status = wait_text(c, "the prefill status", ".prefill-status[role=\"status\"]", |t| !t.is_empty()).await;
    assert!(status.contains("Registry host (hub.mooc.com)") && status.contains("CA certificate path"), "{status}");
    let dead = c
        .execute(
            "return document.querySelectorAll('.finding[data-code=\"containerd.version_unknown\"] .apply-prefill').length",
            vec![],
        )
        .await
        .expect("version finding");
    assert_eq!(dead, serde_json::json!(0), "the version finding has a button that changes nothing");
    let hosts = cards(c).await;
    let hosts_toml = hosts
        .get("etc/containerd/certs.d/hub.mooc.com/hosts.toml")
        .unwrap_or_else(|| panic!("no hosts.toml card for hub.mooc.com: {:?}", hosts.keys()));
    let doc: toml_edit::DocumentMut = hosts_toml.parse().expect("hosts.toml card is not TOML");
    assert_eq!(doc["server"].as_str(), Some("https://hub.mooc.com"));
    let ca = doc.get("ca").and_then(|v| v.as_str());
    assert_eq!(
        ca,
        Some("/etc/containerd/certs.d/hub.mooc.com/ca.crt"),
        "hosts.toml does not name the CA: {hosts_toml}"
    );

    // An auth error next: its fix needs credentials, so the page highlights the registry's
    // credential fields and puts the cursor into the user name.
    let auth = "Failed to pull image \"hub.mooc.com/kubernetes/cronjob:v1\": rpc error: code = Unknown desc = failed to \
                pull and unpack image: failed to resolve reference: unexpected status from HEAD request: 401 Unauthorized";
    let d = pullfix_core::diagnose::diagnose(auth);
    let i = d.findings.iter().position(|f| f.prefill.credentials_needed).expect("core finds the 401 needs credentials");
    type_into_id(c, "diagnose-input", auth).await;
    wait_js(c, "the 401 finding", &format!("return document.querySelector('#apply-prefill-{i}') !== null")).await;
    click(c, &format!("#apply-prefill-{i}")).await;
    wait_js(
        c,
        "the cursor in the user name",
        "return document.activeElement && document.activeElement.id === 'f-registry-0-username'",
    )
    .await;
    assert_focus_shows_its_label(c, "after applying the 401 finding").await;
    let wanted = c
        .execute("return document.querySelector('#f-registry-0-username').closest('fieldset.wanted') !== null", vec![])
        .await
        .expect("wanted");
    assert_eq!(wanted, serde_json::json!(true), "the credential fields are not highlighted");

    // STORY step 3's 401 names no registry: with the form's only registry, its button
    // leads to that registry's user name (review 6 M2).
    let story_401 = "unexpected status code [manifests v1]: 401 Unauthorized";
    type_into_id(c, "diagnose-input", story_401).await;
    wait_js(
        c,
        "the host-less 401 finding's button",
        "return document.querySelector('.finding[data-code=\"auth.unauthorized\"] .apply-prefill') !== null",
    )
    .await;
    click(c, ".finding[data-code=\"auth.unauthorized\"] .apply-prefill").await;
    wait_js(
        c,
        "the cursor in the only registry's user name",
        "return document.activeElement && document.activeElement.id === 'f-registry-0-username'",
    )
    .await;
    assert_focus_shows_its_label(c, "after applying the host-less 401").await;

    // With two registries in the form the host-less 401 has no button and does not ask to
    // add the registry (it is there): pick the one the image comes from (review 7 L3).
    click(c, "#add-registry").await;
    type_into(c, "registry[1].host", "hub2.mooc.com").await;
    let hint = wait_text(
        c,
        "the pick-a-registry hint",
        ".finding[data-code=\"auth.unauthorized\"] .hint.pick-registry",
        |t| !t.is_empty(),
    )
    .await;
    assert!(hint.contains("pick the registry this image comes from"), "{hint}");
    let stale = c
        .execute(
            "return document.querySelectorAll('.finding[data-code=\"auth.unauthorized\"] .add-registry-first, \
             .finding[data-code=\"auth.unauthorized\"] .apply-prefill').length",
            vec![],
        )
        .await
        .expect("the 401 finding");
    assert_eq!(stale, serde_json::json!(0), "two registries: 'add the registry first' or a button that guesses");
    assert_clean_console(c, "after applying a finding").await;
}

/// The focused field is scrolled clear of the window's top edge, with its label in view
/// (review 7 L4: after "Apply to the form" it sat flush at the top, its label cut off).
async fn assert_focus_shows_its_label(c: &Client, when: &str) {
    let seen = c
        .execute(
            "const e = document.activeElement; \
             const l = e && e.id ? document.querySelector(`label[for=\"${e.id}\"]`) : null; \
             if (!l) return null; \
             const r = e.getBoundingClientRect(), lr = l.getBoundingClientRect(); \
             return [e.id, r.top, r.bottom, lr.top, lr.height, window.innerHeight];",
            vec![],
        )
        .await
        .expect("read the focused field");
    let seen = seen.as_array().cloned().unwrap_or_else(|| panic!("{when}: the focused element has no label"));
    let num = |i: usize| seen[i].as_f64().unwrap_or(f64::NAN);
    let (top, bottom, label_top, label_height, height) = (num(1), num(2), num(3), num(4), num(5));
    assert!(top > 48.0 && bottom <= height, "{when}: {seen:?} is not clear of the window's edges");
    assert!(label_top >= 0.0 && label_height > 0.0 && label_top < height, "{when}: the label is off-screen: {seen:?}");
}

#[tokio::test]
async fn a_pasted_config_toml_is_merged_with_a_diff() {
    let page = open_page().await;
    let c = &page.session.client;
    let existing =
        std::fs::read_to_string(repo_root().join("tests/fixtures/configs/containerd-1.6.20-debian-default.toml"))
            .expect("the 1.6 default config fixture");

    type_into(c, "containerd", "1.6.20").await;
    click(c, "#add-registry").await;
    type_into(c, "registry[0].host", "harbor.example.net").await;
    // Open the box (a <details>) and paste the node's file, key by key.
    click(c, "details.merge > summary").await;
    type_into_id(c, "existing-config", &existing).await;
    let form = Form {
        containerd: "1.6.20".into(),
        registries: vec![Registry { host: "harbor.example.net".into(), ..Registry::default() }],
        ..Form::default()
    };
    let want = pullfix_core::merge::page::render_merged(&form, &existing, Default::default());
    let want_files: BTreeMap<String, String> =
        want.rendered.files.iter().map(|f| (f.path.clone(), f.contents.clone())).collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let got = loop {
        let got = cards(c).await;
        if got == want_files || std::time::Instant::now() > deadline {
            break got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(got.keys().collect::<Vec<_>>(), want_files.keys().collect::<Vec<_>>(), "merged cards");
    assert_eq!(got, want_files, "the merged cards are not what core's render_merged gives");
    assert!(!got.contains_key("etc/containerd/config.toml"), "the standalone block is still shown");
    let merged: toml_edit::DocumentMut = got["merged/config.toml"].parse().expect("merged/config.toml is not TOML");
    let registry = &merged["plugins"]["io.containerd.grpc.v1.cri"]["registry"];
    assert_eq!(registry["config_path"].as_str(), Some("/etc/containerd/certs.d"), "config_path in the merged file");
    assert_eq!(merged["version"].as_integer(), Some(2));
    assert!(
        got["merged/config.toml.diff"].lines().any(|l| l.starts_with('+') && l.contains("config_path")),
        "the diff does not add config_path: {}",
        got["merged/config.toml.diff"]
    );
    assert!(got.contains_key("etc/containerd/certs.d/harbor.example.net/hosts.toml"));
    assert_labelled(c, "with the merge box").await;

    // Not TOML: the error with its line and column beside the box; the block comes back.
    type_into_id(c, "existing-config", "version = 2\n[plugins\n").await;
    let diag = wait_js(
        c,
        "the invalid-TOML diagnostic",
        "const d = document.querySelector('.diag[data-field=\"existing_config\"]'); \
         return d && d.textContent.includes('line 2') ? d.textContent : null",
    )
    .await;
    assert!(diag.as_str().unwrap_or_default().contains("column"), "no column in {diag}");
    assert!(cards(c).await.contains_key("etc/containerd/config.toml"), "the block is not back");
    assert_clean_console(c, "after merging").await;
}

#[tokio::test]
async fn a_flavor_and_the_fleet_rollout_change_the_outputs() {
    let page = open_page().await;
    let c = &page.session.client;
    click(c, "#add-registry").await;
    type_into(c, "registry[0].host", "harbor.example.net").await;
    let mut form = Form {
        registries: vec![Registry { host: "harbor.example.net".into(), ..Registry::default() }],
        ..Form::default()
    };

    // kubeadm: the DaemonSet and the node script, restricted to workers.
    check(c, "rollout.daemonset").await;
    check(c, "rollout.node_script").await;
    type_into(c, "rollout.node_selector", "node-role.kubernetes.io/worker=").await;
    type_into(c, "rollout.toleration", "dedicated=gpu:NoSchedule").await;
    form.rollout.daemonset = true;
    form.rollout.node_script = true;
    form.rollout.node_selector.insert("node-role.kubernetes.io/worker".into(), String::new());
    form.rollout.tolerations.push(pullfix_core::rollout::Toleration {
        key: "dedicated".into(),
        operator: "Equal".into(),
        value: "gpu".into(),
        effect: "NoSchedule".into(),
    });
    assert_cards_match(c, &form, "with the rollout switched on").await;
    let got = cards(c).await;
    assert!(got.keys().any(|p| p.starts_with("k8s/rollout/")), "no DaemonSet card: {:?}", got.keys());
    assert!(got.keys().any(|p| p.ends_with("node-setup.sh")), "no node script card: {:?}", got.keys());

    // k3s: registries.yaml instead of the containerd files.
    type_into(c, "flavor", "k3s").await;
    form.flavor = pullfix_core::form::Flavor::K3s;
    assert_cards_match(c, &form, "with flavor k3s").await;
    let got = cards(c).await;
    let yaml = got
        .iter()
        .find(|(p, _)| p.ends_with("registries.yaml"))
        .unwrap_or_else(|| panic!("no registries.yaml card: {:?}", got.keys()))
        .1;
    let doc: serde_yaml::Value = serde_yaml::from_str(yaml).expect("registries.yaml is YAML");
    assert!(
        doc["configs"].get("harbor.example.net").is_some() || doc["mirrors"].get("harbor.example.net").is_some(),
        "registries.yaml does not name the registry: {yaml}"
    );
    assert!(!got.contains_key("etc/containerd/config.toml"), "kubeadm's config block is still shown on k3s");
    // The rollout options say why they do nothing now.
    wait_js(c, "the rollout note", "return document.querySelector('.diag[data-field=\"rollout\"]') !== null").await;
    assert_labelled(c, "with the fleet section").await;
    assert_clean_console(c, "after choosing k3s").await;
}

/// The text of the first element matching `css` once `check` holds for it.
async fn wait_text(c: &Client, what: &str, css: &str, check: impl Fn(&str) -> bool) -> String {
    let script = format!("const e = document.querySelector({css:?}); return e ? e.textContent : null");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let text = wait_js(c, &format!("{css} ({what})"), &script).await.as_str().unwrap_or_default().to_owned();
        if check(&text) {
            return text;
        }
        assert!(std::time::Instant::now() < deadline, "{what}: {css} is {text:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// `(placement label, shown path)` of the card at `path`.
async fn card_place(c: &Client, path: &str) -> (String, String) {
    let v = wait_js(
        c,
        &format!("the card {path}"),
        &format!(
            "const e = document.querySelector('.output-file[data-path=\"{path}\"]'); \
             return e ? [e.querySelector('.where').textContent, e.querySelector('.file-path code').textContent] : null"
        ),
    )
    .await;
    (v[0].as_str().unwrap_or_default().to_owned(), v[1].as_str().unwrap_or_default().to_owned())
}

/// The operator review's H2, M1, M3, L6 and M2, in the real page: the Apply block applies
/// Secrets and patches patches, the commands, the table and the cards' placements follow
/// the flavour, the test pull passes the Secret-only credentials as a placeholder, and an
/// unknown containerd version turns every card into a preview that cannot be copied or zipped.
#[tokio::test]
async fn docs_and_cards_follow_the_flavour_and_withheld_files_are_previews() {
    let page = open_page().await;
    let c = &page.session.client;
    click(c, "#preset-harbor").await;
    type_into(c, "registry[0].password", PASSWORD).await;

    // H2: Secrets with kubectl apply, the ServiceAccount with kubectl patch --patch-file.
    let apply = wait_text(c, "the Secret applied", "#docs-apply", |t| t.contains("k8s/secret-")).await;
    assert!(apply.contains("kubectl apply -f k8s/secret-regcred-default.yaml\n"), "{apply}");
    assert!(apply.contains("--type=json --patch-file k8s/patch-serviceaccount-default.yaml ||\n"), "{apply}");
    assert!(!apply.contains("kubectl apply -f k8s/\n") && !apply.contains("apply -f k8s/patch"), "{apply}");
    let note = wait_js(
        c,
        "the patch card's note",
        "const e = document.querySelector('.output-file[data-path=\"k8s/patch-serviceaccount-default.yaml\"] .after'); \
         return e ? e.textContent : null",
    )
    .await;
    let note = note.as_str().unwrap_or_default();
    assert!(note.contains("kubectl patch") && !note.contains("kubectl apply -f <file>"), "{note}");
    // M3: the test pull passes the robot account, never the password.
    let pull = wait_text(c, "the test pull", "#docs-pull", |t| t.contains("crictl pull")).await;
    assert!(
        pull.contains("sudo crictl pull --creds 'robot$ci:<password>' harbor.example.net/library/nginx:latest\n"),
        "{pull}"
    );
    let docs = wait_text(c, "the docs", "#docs", |_| true).await;
    assert!(!docs.contains(PASSWORD), "the password is in the docs");

    // L6: the table follows config_path.
    type_into(c, "config_path", "/srv/certs").await;
    wait_text(c, "the table at config_path", "#docs-where", |t| t.contains("/srv/certs/<host>/hosts.toml")).await;
    type_into(c, "config_path", "").await;

    // M1: per flavour, the Apply block, the table and the cards.
    type_into(c, "flavor", "k3s").await;
    let apply = wait_text(c, "k3s's apply", "#docs-apply", |t| t.contains("restart k3s-agent")).await;
    assert!(apply.contains("sudo cp etc/rancher/k3s/registries.yaml /etc/rancher/k3s/\n"), "{apply}");
    assert!(apply.contains("sudo systemctl restart k3s\n") && !apply.contains("restart containerd"), "{apply}");
    // Review 5 L6: the comment above the copy commands ends on the restart below, no dangling "then".
    assert!(apply.contains("writes containerd's config from them when it restarts (below)\n"), "{apply}");
    assert!(!apply.contains(", then\n"), "{apply}");
    let words = wait_text(c, "k3s's pull words", "p:has(+ #docs-pull)", |t| !t.is_empty()).await;
    assert!(words.contains("crictl"), "{words}");
    wait_text(c, "k3s's crictl", "#docs-pull", |t| t.contains("sudo k3s crictl pull --creds")).await;
    wait_text(c, "k3s's table", "#docs-where", |t| t.contains("/etc/rancher/k3s/registries.yaml")).await;
    assert_eq!(
        card_place(c, "etc/rancher/k3s/registries.yaml").await,
        ("On every node".to_owned(), "/etc/rancher/k3s/registries.yaml".to_owned())
    );

    type_into(c, "flavor", "kind").await;
    let apply = wait_text(c, "kind's apply", "#docs-apply", |t| t.contains("kind create cluster")).await;
    assert!(apply.contains("(cd kind && kind create cluster --config cluster.yaml)\n"), "{apply}");
    assert!(!apply.contains("sudo mkdir -p /kind") && !apply.contains("restart containerd"), "{apply}");
    assert_eq!(
        card_place(c, "kind/cluster.yaml").await,
        ("On your workstation".to_owned(), "kind/cluster.yaml".to_owned())
    );
    wait_text(c, "kind's table", "#docs-where", |t| t.contains("kind/cluster.yaml") && !t.contains("/etc/containerd"))
        .await;

    type_into(c, "flavor", "talos").await;
    wait_text(c, "talos's apply", "#docs-apply", |t| {
        t.contains("talosctl patch machineconfig --patch @talos/registries-patch.yaml") && !t.contains("systemctl")
    })
    .await;
    assert_eq!(card_place(c, "talos/registries-patch.yaml").await.0, "On your workstation");
    // Review 5 L6: the words above talosctl's pull name talosctl, not ctr and crictl.
    wait_text(c, "talos's pull", "#docs-pull", |t| t.contains("talosctl -n <node IP> image pull")).await;
    let words = wait_text(c, "talos's pull words", "p:has(+ #docs-pull)", |t| t.contains("talosctl")).await;
    assert!(!words.contains("ctr"), "{words}");

    type_into(c, "flavor", "kubespray").await;
    wait_text(c, "kubespray's apply", "#docs-apply", |t| t.contains("ansible-playbook")).await;
    assert_eq!(
        card_place(c, "kubespray/group_vars/all/containerd.yml").await,
        ("On the Ansible controller".to_owned(), "kubespray/group_vars/all/containerd.yml".to_owned())
    );

    // M2: an unknown version: every card a preview, no copy, no zip; fixed: back.
    type_into(c, "flavor", "kubeadm").await;
    wait_text(c, "kubeadm's apply", "#docs-apply", |t| t.contains("restart containerd")).await;
    type_into(c, "containerd", "2.4").await;
    wait_js(
        c,
        "every card a preview",
        "const all = document.querySelectorAll('.output-file'); \
         return all.length > 0 && Array.from(all).every(e => e.dataset.preview === 'true' \
           && e.querySelector('button.copy').disabled && e.querySelector('.preview-note'))",
    )
    .await;
    assert_eq!(
        c.execute("return document.querySelector('#download-zip').disabled", vec![]).await.expect("zip button"),
        serde_json::Value::Bool(true)
    );
    type_into(c, "containerd", "1.7").await;
    wait_js(
        c,
        "the previews gone",
        "return document.querySelectorAll('.output-file').length > 0 \
           && document.querySelectorAll('.output-file[data-preview=\"true\"]').length === 0 \
           && !document.querySelector('#download-zip').disabled",
    )
    .await;
    assert_clean_console(c, "after the flavours and the preview").await;
}

/// The operator re-review's M1, M2, L1 and L3 in the real page: containerd 1.4 without a
/// sandbox image names its default pause image; the table has a row for kind's and
/// Kubespray's CA files and Kubespray's Apply says it copies the CA files; minikube's Apply
/// gets the config.toml block into the node; a pasted config.toml whose merge would stop
/// the CRI plugin is a preview (no Copy, no zip); on k3s nothing is merged.
#[tokio::test]
async fn the_merge_box_the_table_and_the_pause_note_follow_the_form() {
    let page = open_page().await;
    let c = &page.session.client;
    click(c, "#preset-harbor").await;
    type_into(c, "registry[0].password", PASSWORD).await;

    // L3: 1.4 with no sandbox image: its default k8s.gcr.io/pause:3.2, as an info.
    type_into(c, "containerd", "1.4").await;
    wait_text(c, "the pause note", ".diag[data-field=\"sandbox_image\"][data-severity=\"info\"]", |t| {
        t.contains("k8s.gcr.io/pause:3.2") && t.contains("registry.k8s.io")
    })
    .await;
    type_into(c, "containerd", "1.7").await;
    wait_js(c, "the pause note gone", "return !document.querySelector('.diag[data-field=\"sandbox_image\"]')").await;

    // L1: with a CA, a row for every card.
    let pem = std::fs::read_to_string(repo_root().join("tests/fixtures/certs/example-harbor-ca.pem")).expect("CA");
    type_into(c, "registry[0].ca_pem", &pem).await;
    type_into(c, "flavor", "kind").await;
    wait_text(c, "kind's CA row", "#docs-where", |t| t.contains("kind/certs.d/<host>/ca.crt")).await;
    type_into(c, "flavor", "kubespray").await;
    wait_text(c, "Kubespray's CA row", "#docs-where", |t| t.contains("/etc/containerd/certs.d/<host>/ca.crt")).await;
    let apply = wait_text(c, "Kubespray's apply", "#docs-apply", |t| t.contains("ansible-playbook")).await;
    assert!(apply.contains("# The CA files: ") && !apply.contains("hosts.toml and the CA"), "{apply}");
    assert!(
        apply.contains(
            "sudo cp etc/containerd/certs.d/harbor.example.net/ca.crt /etc/containerd/certs.d/harbor.example.net/\n"
        ),
        "{apply}"
    );
    type_into(c, "flavor", "minikube").await;
    let apply = wait_text(c, "minikube's apply", "#docs-apply", |t| t.contains("minikube/start.sh")).await;
    assert!(apply.contains("minikube ssh -- 'sudo cat /etc/containerd/config.toml'\n"), "{apply}");
    wait_text(c, "minikube's config.toml row", "#docs-where", |t| {
        t.contains("minikube ssh -- 'sudo systemctl restart containerd'")
    })
    .await;

    // M2: kubeadm, a pasted file with a legacy Docker Hub mirror the form lacks: an error,
    // and the merged file and its diff are previews, no Copy, no zip.
    type_into(c, "flavor", "kubeadm").await;
    click(c, "details.merge > summary").await;
    type_into_id(
        c,
        "existing-config",
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\nendpoint = [\"https://mirror.gcr.io\", \"https://registry-1.docker.io\"]\n",
    )
    .await;
    wait_js(
        c,
        "the merged file a preview",
        "const m = ['merged/config.toml', 'merged/config.toml.diff'].map(p => \
           document.querySelector(`.output-file[data-path=\"${p}\"]`)); \
         return m.every(e => e && e.dataset.preview === 'true' && e.querySelector('button.copy').disabled \
           && e.querySelector('.preview-note')) \
           && !!document.querySelector('.diag[data-field=\"existing_config\"][data-severity=\"error\"]') \
           && document.querySelector('#download-zip').disabled",
    )
    .await;
    let hosts = "etc/containerd/certs.d/harbor.example.net/hosts.toml";
    let preview = c
        .execute(
            &format!("return document.querySelector('.output-file[data-path=\"{hosts}\"]').dataset.preview"),
            vec![],
        )
        .await
        .expect("hosts.toml card");
    assert_eq!(preview, serde_json::json!("false"), "hosts.toml is not withheld");
    // Review 6 L1: while the merged file is a preview, the docs do not tell to install it.
    let apply = wait_text(c, "the preview's apply", "#docs-apply", |t| t.contains("only a preview")).await;
    for step in ["install -m", "merged/config.toml /etc/containerd", "restart containerd"] {
        assert!(!apply.contains(step), "the Apply block of a preview says {step}: {apply}");
    }
    let table =
        wait_text(c, "the preview's table", "#docs-where", |t| t.contains("Do not replace the node's file yet")).await;
    assert!(!table.contains("Replace the node's file with merged/config.toml"), "{table}");
    // Review 6 L2: the diff is named by its path in the zip, in its row and on its card.
    assert!(table.contains("merged/config.toml.diff") && !table.contains("See the notes above"), "{table}");
    let diff_card =
        wait_text(c, "the diff card", ".output-file[data-path=\"merged/config.toml.diff\"]", |_| true).await;
    assert!(diff_card.contains("/etc/containerd/config.toml < merged/config.toml.diff"), "{diff_card}");

    // M1: on k3s nothing is merged: no merged cards, an info on the box, the zip back on.
    type_into(c, "flavor", "k3s").await;
    wait_js(
        c,
        "no merged card on k3s",
        "return !!document.querySelector('.output-file[data-path=\"etc/rancher/k3s/registries.yaml\"]') \
           && !document.querySelector('.output-file[data-path^=\"merged/\"]') \
           && !document.querySelector('#download-zip').disabled \
           && !document.querySelector('#merge-convert-version')",
    )
    .await;
    wait_text(c, "the k3s info", ".diag[data-field=\"existing_config\"][data-severity=\"info\"]", |t| {
        t.contains("registries.yaml")
    })
    .await;
    assert!(
        !wait_text(c, "the outputs", "#outputs", |_| true).await.contains("restart containerd"),
        "k3s's outputs still say restart containerd"
    );
    assert_clean_console(c, "after the merge box and the flavours").await;
}

/// Review 8, L1 and L3: after the Harbor preset (its user name filled) a 401's button puts
/// the cursor into the password, the credential still missing; and a problem link to the
/// pasted config.toml opens the merge box when it was closed, then focuses the file.
#[tokio::test]
async fn prefill_focus_finds_the_missing_credential_and_links_open_the_merge_box() {
    let page = open_page().await;
    let c = &page.session.client;
    click(c, "#preset-harbor").await;
    let auth =
        "Failed to pull image \"harbor.example.net/library/nginx:1.25\": rpc error: code = Unknown desc = failed \
                to pull and unpack image \"harbor.example.net/library/nginx:1.25\": failed to resolve reference \
                \"harbor.example.net/library/nginx:1.25\": unexpected status from HEAD request to \
                https://harbor.example.net/v2/library/nginx/manifests/1.25: 401 Unauthorized";
    type_into_id(c, "diagnose-input", auth).await;
    let button = ".finding[data-code=\"auth.unauthorized\"] .apply-prefill";
    wait_js(c, "the 401 finding's button", &format!("return document.querySelector('{button}') !== null")).await;
    click(c, button).await;
    wait_js(
        c,
        "the cursor in the password",
        "return document.activeElement && document.activeElement.id === 'f-registry-0-password'",
    )
    .await;

    click(c, "details.merge > summary").await;
    type_into_id(c, "existing-config", "[x\n").await;
    wait_js(c, "the file's error", "return !!document.querySelector('.problems a[href=\"#existing-config\"]')").await;
    click(c, "details.merge > summary").await;
    wait_js(c, "the merge box closed", "return !document.querySelector('details.merge').open").await;
    click(c, ".problems a[href=\"#existing-config\"]").await;
    wait_js(
        c,
        "the merge box open, the file focused",
        "return document.querySelector('details.merge').open \
           && document.activeElement && document.activeElement.id === 'existing-config'",
    )
    .await;
}
