//! Debian's chromedriver + headless Chromium for the e2e test: a fresh profile per
//! session, chromedriver on a free loopback port and killed on drop, and the two
//! chromedriver commands fantoccini has no method for (logs, permissions).

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// A chromedriver process in its own process group; the whole group (chromedriver and every
/// Chromium it started, which would otherwise outlive it) is killed and reaped when dropped,
/// even if the test panics.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("no free loopback port")
}

impl Driver {
    /// Starts chromedriver on a free 127.0.0.1 port and waits until it listens.
    pub fn start() -> Driver {
        for bin in [CHROMEDRIVER, CHROMIUM] {
            assert!(
                Path::new(bin).exists(),
                "{bin} is missing: install Debian's chromium and chromium-driver (scripts/setup.sh does)"
            );
        }
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start chromedriver");
        let driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen on port {port} within 30 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    /// A new browser with a fresh profile in `profile` (a temp dir the caller owns).
    pub async fn browser(&self, profile: &Path, downloads: &Path) -> Client {
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--lang=en-US",
            "--window-size=1280,2000",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("--user-data-dir={}", profile.display())])
        .collect::<Vec<_>>();
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": args,
                "prefs": {
                    "intl.accept_languages": "en-US",
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                },
            },
            "goog:loggingPrefs": { "browser": "ALL", "performance": "ALL" },
        });
        let caps: Capabilities = serde_json::from_value(caps).expect("capabilities");
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("cannot start a Chromium session through chromedriver")
    }
}

/// chromedriver's `GET log`: `browser` (console) or `performance` (DevTools events).
/// Reading a log empties it.
#[derive(Debug)]
struct GetLog(&'static str);

impl WebDriverCompatibleCommand for GetLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": self.0 }).to_string()))
    }
}

/// WebDriver's `Set Permission` (Permissions spec extension, chromedriver implements it).
#[derive(Debug)]
struct SetPermission(&'static str);

impl WebDriverCompatibleCommand for SetPermission {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/permissions", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "descriptor": { "name": self.0 }, "state": "granted" });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// One console message.
#[derive(Debug, Clone)]
pub struct ConsoleEntry {
    pub level: String,
    pub message: String,
}

/// Drains the console log.
pub async fn console(c: &Client) -> Vec<ConsoleEntry> {
    let v = c.issue_cmd(GetLog("browser")).await.expect("chromedriver browser log");
    v.as_array()
        .into_iter()
        .flatten()
        .map(|e| ConsoleEntry {
            level: e["level"].as_str().unwrap_or_default().to_owned(),
            message: e["message"].as_str().unwrap_or_default().to_owned(),
        })
        .collect()
}

/// Drains the performance log and returns the URL of every request the page started.
pub async fn requests_started(c: &Client) -> Vec<String> {
    let v = c.issue_cmd(GetLog("performance")).await.expect("chromedriver performance log");
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| serde_json::from_str::<Value>(e["message"].as_str()?).ok())
        .filter(|m| m["message"]["method"] == "Network.requestWillBeSent")
        .filter_map(|m| m["message"]["params"]["request"]["url"].as_str().map(str::to_owned))
        .collect()
}

/// Grants a permission (`clipboard-read`, `clipboard-write`) to the current origin.
pub async fn grant(c: &Client, name: &'static str) {
    c.issue_cmd(SetPermission(name)).await.unwrap_or_else(|e| panic!("chromedriver could not grant {name}: {e}"));
}

/// Polls `script` (a function body returning a value) until it returns truthy JSON.
pub async fn wait_js(c: &Client, what: &str, script: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v = c.execute(script, vec![]).await.unwrap_or(Value::Null);
        let ready = match &v {
            Value::Null | Value::Bool(false) => false,
            Value::Array(a) => !a.is_empty(),
            Value::String(s) => !s.is_empty(),
            _ => true,
        };
        if ready {
            return v;
        }
        if Instant::now() > deadline {
            let console = console(c).await;
            panic!("timed out after 30 s waiting for {what}; last value {v}; console: {console:#?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The repository's root (the e2e test runs from the root package).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// chromedriver's `goog/cdp/execute`: one DevTools Protocol command.
#[derive(Debug)]
struct Cdp(&'static str, Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.0, "params": self.1 }).to_string()))
    }
}

/// A PNG of the whole page, not only the viewport.
pub async fn full_page_png(c: &Client) -> Vec<u8> {
    use base64::Engine;
    let metrics = c.issue_cmd(Cdp("Page.getLayoutMetrics", json!({}))).await.expect("layout metrics");
    let size = &metrics["cssContentSize"];
    let (w, h) = (size["width"].as_f64().unwrap_or(1280.0), size["height"].as_f64().unwrap_or(2000.0));
    let shot = c
        .issue_cmd(Cdp(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true,
                    "clip": { "x": 0, "y": 0, "width": w, "height": h.min(16000.0), "scale": 1 } }),
        ))
        .await
        .expect("full-page screenshot");
    base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().unwrap_or_default())
        .expect("screenshot is base64")
}

/// Emulates a screen `width` x `height` CSS pixels wide (a phone: 390 x 844).
pub async fn viewport(c: &Client, width: u32, height: u32) {
    let metrics = json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": true });
    c.issue_cmd(Cdp("Emulation.setDeviceMetricsOverride", metrics)).await.expect("emulate the screen size");
}

/// Emulates the system's `prefers-color-scheme` (`light` or `dark`) for the page.
pub async fn color_scheme(c: &Client, scheme: &str) {
    let features = json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] });
    c.issue_cmd(Cdp("Emulation.setEmulatedMedia", features)).await.expect("emulate prefers-color-scheme");
}
