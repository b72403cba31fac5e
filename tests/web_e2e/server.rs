//! A tiny static file server on 127.0.0.1 for the e2e test: serves `dist/` under a
//! sub-path (as a docs site would host the page) and logs every request it answers.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;

/// One answered request: the path asked for and the status sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub path: String,
    pub status: u16,
}

/// A running server. The thread ends with the test process.
#[derive(Debug)]
pub struct StaticServer {
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
    log: Arc<Mutex<Vec<Logged>>>,
}

impl StaticServer {
    /// Serves `root`'s files under `prefix` (`/tools/pullfix/`); everything else is a 404.
    pub fn start(root: &Path, prefix: &'static str) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let origin = format!("http://{}", listener.local_addr().expect("local addr"));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (root, thread_log) = (root.to_path_buf(), Arc::clone(&log));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (root, log) = (root.clone(), Arc::clone(&thread_log));
                thread::spawn(move || serve_one(stream, &root, prefix, &log));
            }
        });
        StaticServer { origin, log }
    }

    /// Every request answered so far.
    pub fn requests(&self) -> Vec<Logged> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

fn serve_one(mut stream: TcpStream, root: &Path, prefix: &str, log: &Mutex<Vec<Logged>>) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Drain the headers; we need none of them.
    let mut line = String::new();
    while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
        line.clear();
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let path = target.split(['?', '#']).next().unwrap_or("/").to_owned();
    let file = resolve(root, prefix, &path);
    let (status, body, mime) = match file.as_deref().map(std::fs::read) {
        Some(Ok(bytes)) => (200, bytes, mime(file.as_deref().unwrap_or(root))),
        _ => (404, b"not found\n".to_vec(), "text/plain"),
    };
    log.lock().unwrap_or_else(|e| e.into_inner()).push(Logged { path, status });
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        if status == 200 { "OK" } else { "Not Found" },
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(&body));
}

/// The file for a request path, only below `prefix` and never outside `root`.
fn resolve(root: &Path, prefix: &str, path: &str) -> Option<PathBuf> {
    let rest = path.strip_prefix(prefix)?;
    let rest = if rest.is_empty() { "index.html" } else { rest };
    if rest.split('/').any(|seg| seg.is_empty() || seg == "." || seg == ".." || seg.contains('\\')) {
        return None;
    }
    let file = root.join(rest);
    file.is_file().then_some(file)
}

fn mime(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}
