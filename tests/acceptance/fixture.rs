//! Real error texts saved under `tests/fixtures/errors/` for the diagnose feature.
//! Ports and temp paths are replaced by `<port>` and `<tmp>`; the rest is verbatim.
//! `PULLFIX_BLESS=1` rewrites them from the current run; otherwise they are compared.

use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors")
}

/// `text` with the run's variable parts (ports, temp dir) made stable.
pub fn normalize(text: &str, ports: &[u16], tmp: &Path) -> String {
    let mut out = text.trim().replace(&*tmp.to_string_lossy(), "<tmp>");
    for port in ports {
        out = out.replace(&format!(":{port}"), ":<port>");
    }
    // The resolver's ephemeral source port: `read udp 127.0.0.1:55959->127.0.0.1:53`.
    let mut rest = out.as_str();
    let mut stable = String::new();
    while let Some(at) = rest.find("udp ") {
        let (head, tail) = rest.split_at(at + 4);
        stable.push_str(head);
        match tail.find("->").and_then(|arrow| tail[..arrow].rfind(':').map(|colon| (colon, arrow))) {
            Some((colon, arrow)) if tail[colon + 1..arrow].bytes().all(|b| b.is_ascii_digit()) => {
                stable.push_str(&tail[..=colon]);
                stable.push_str("<port>");
                rest = &tail[arrow..];
            }
            _ => rest = tail,
        }
    }
    stable.push_str(rest);
    // 2.x names the sandbox it failed to start by its random id.
    let mut out = String::new();
    let mut rest = stable.as_str();
    while let Some(at) = rest.find("sandbox \"") {
        let (head, tail) = rest.split_at(at + "sandbox \"".len());
        out.push_str(head);
        let id_len = tail.bytes().take_while(u8::is_ascii_hexdigit).count();
        if id_len == 64 && tail[64..].starts_with('"') {
            out.push_str("<id>");
            rest = &tail[64..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out + "\n"
}

/// Compares `text` with the fixture `name`, or rewrites it under `PULLFIX_BLESS=1`.
pub fn check(name: &str, text: &str) {
    let file = dir().join(name);
    if std::env::var_os("PULLFIX_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(file.parent().expect("fixture has a parent")).expect("create fixtures dir");
        std::fs::write(&file, text).expect("write fixture");
        return;
    }
    let saved = std::fs::read_to_string(&file)
        .unwrap_or_else(|_| panic!("missing fixture {}; run with PULLFIX_BLESS=1 to record:\n{text}", file.display()));
    assert_eq!(
        saved,
        text,
        "containerd's error text changed from {}; if that is real, rerun with PULLFIX_BLESS=1",
        file.display()
    );
}
