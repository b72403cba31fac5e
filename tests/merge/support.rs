//! Helpers of the merge tests: fixtures, golden files, key paths and comments of a TOML text.

use std::fs;
use std::path::Path;

use pullfix_core::merge::{display_path, MergeResult};
use toml_edit::{Decor, DocumentMut, Item, Table, Value};

/// The corpus directory.
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/configs");
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden-merge");

/// A corpus file's text.
pub fn fixture(name: &str) -> String {
    fs::read_to_string(Path::new(FIXTURES).join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every corpus file, sorted by name.
pub fn corpus() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = fs::read_dir(FIXTURES)
        .expect("corpus dir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .map(|n| {
            let t = fixture(&n);
            (n, t)
        })
        .collect();
    v.sort();
    v
}

/// Compares `actual` with the golden file (or rewrites it with `UPDATE_GOLDEN=1`).
pub fn golden_check(name: &str, actual: &str) -> Option<String> {
    let path = Path::new(GOLDEN).join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&path, actual).expect("write golden");
        return None;
    }
    match fs::read_to_string(&path) {
        Ok(expected) if expected == actual => None,
        Ok(expected) => {
            Some(format!("{name}:\n{}", pullfix_core::merge::diff::unified_diff(&expected, actual, "golden", "actual")))
        }
        Err(e) => Some(format!("{name}: {e}")),
    }
}

/// The changes and diagnostics of a merge, one per line, for the `.report.txt` golden files.
pub fn report(r: &MergeResult) -> String {
    let mut out = format!(
        "file version: {:?}\nresult version line: {:?}\nconfig_path: {:?}\nsensitive: {}\n\nchanges:\n",
        r.file_version, r.version, r.config_path, r.sensitive
    );
    for c in &r.changes {
        out.push_str(&format!(
            "- {}: {} -> {}\n    why: {}\n",
            c.key_path,
            c.old.as_deref().unwrap_or("(absent)"),
            c.new.as_deref().unwrap_or("(removed)"),
            c.why
        ));
    }
    out.push_str("\ndiagnostics:\n");
    for d in &r.diagnostics {
        out.push_str(&format!("- {} {} [{}]: {}\n    fix: {}\n", d.severity, d.field, d.code, d.message, d.fix));
    }
    out
}

/// Every leaf key path of a TOML text (values, and empty tables), as display paths.
pub fn key_paths(text: &str) -> Vec<String> {
    fn walk(path: &mut Vec<String>, t: &dyn toml_edit::TableLike, out: &mut Vec<String>) {
        if t.is_empty() && !path.is_empty() {
            out.push(display_path(path));
        }
        for (k, item) in t.iter() {
            path.push(k.to_owned());
            match item {
                Item::Value(Value::InlineTable(it)) => walk(path, it, out),
                Item::Table(sub) => walk(path, sub, out),
                Item::Value(_) | Item::ArrayOfTables(_) => out.push(display_path(path)),
                Item::None => {}
            }
            path.pop();
        }
    }
    let doc: DocumentMut = text.parse().expect("parses");
    let mut out = Vec::new();
    walk(&mut Vec::new(), doc.as_table(), &mut out);
    out
}

/// Every comment of a TOML text with the key path it is attached to.
pub fn comments(text: &str) -> Vec<(String, String)> {
    fn from(decor_text: Option<&str>, owner: &[String], out: &mut Vec<(String, String)>) {
        for line in decor_text.unwrap_or("").lines() {
            if let Some(i) = line.find('#') {
                out.push((display_path(owner), line[i..].trim_end().to_owned()));
            }
        }
    }
    fn decor(d: &Decor, owner: &[String], out: &mut Vec<(String, String)>) {
        from(d.prefix().and_then(|r| r.as_str()), owner, out);
        from(d.suffix().and_then(|r| r.as_str()), owner, out);
    }
    fn value(v: &Value, owner: &mut Vec<String>, out: &mut Vec<(String, String)>) {
        decor(v.decor(), owner, out);
        match v {
            Value::Array(a) => {
                from(a.trailing().as_str(), owner, out);
                for x in a.iter() {
                    value(x, owner, out);
                }
            }
            Value::InlineTable(t) => {
                from(t.trailing().as_str(), owner, out);
                for (k, x) in t.iter() {
                    owner.push(k.to_owned());
                    if let Some(key) = t.key(k) {
                        decor(key.leaf_decor(), owner, out);
                    }
                    value(x, owner, out);
                    owner.pop();
                }
            }
            _ => {}
        }
    }
    fn table(t: &Table, owner: &mut Vec<String>, out: &mut Vec<(String, String)>) {
        decor(t.decor(), owner, out);
        for (k, item) in t.iter() {
            owner.push(k.to_owned());
            if let Some(key) = t.key(k) {
                decor(key.leaf_decor(), owner, out);
                decor(key.dotted_decor(), owner, out);
            }
            match item {
                Item::Value(v) => value(v, owner, out),
                Item::Table(sub) => table(sub, owner, out),
                Item::ArrayOfTables(a) => {
                    for sub in a.iter() {
                        table(sub, owner, out);
                    }
                }
                Item::None => {}
            }
            owner.pop();
        }
    }
    let doc: DocumentMut = text.parse().expect("parses");
    let mut out = Vec::new();
    decor(doc.decor(), &[], &mut out);
    table(doc.as_table(), &mut Vec::new(), &mut out);
    from(doc.trailing().as_str(), &[], &mut out);
    out
}

/// True when `path` is `prefix` or lies under it.
pub fn is_under(path: &str, prefix: &str) -> bool {
    path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('.'))
}
