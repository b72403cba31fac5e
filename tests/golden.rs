//! Golden tests: `tests/golden/<case>/form.toml` rendered, compared with the files under
//! `tests/golden/<case>/expected/` (the node files at their paths, `files.txt` with what
//! each file is and what to do with it, `diagnostics.txt`). Every TOML output is also
//! parsed back with toml_edit and the key paths that matter are asserted.
//!
//! `PULLFIX_BLESS=1 cargo test --test golden` rewrites the expected files; read every
//! change by eye before committing it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use pullfix_core::{parse_form, render, FormFormat, Rendered, Severity};
use toml_edit::{DocumentMut, Item};

const CONFIG: &str = "etc/containerd/config.toml";

/// One rendered case, its TOML outputs parsed back.
struct Golden {
    name: String,
    rendered: Rendered,
    docs: BTreeMap<String, DocumentMut>,
}

/// Renders `tests/golden/<name>/form.toml`, compares with (or blesses) the expected files.
#[track_caller]
fn check(name: &str) -> Golden {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    let text = fs::read_to_string(dir.join("form.toml")).unwrap_or_else(|e| panic!("{name}: form.toml: {e}"));
    let form = parse_form(&text, FormFormat::Toml).unwrap_or_else(|e| panic!("{name}: {e}"));
    let rendered = render(&form);

    let mut actual: BTreeMap<String, String> = BTreeMap::new();
    for f in &rendered.files {
        assert!(actual.insert(f.path.clone(), f.contents.clone()).is_none(), "{name}: two files at {}", f.path);
    }
    actual.insert("files.txt".into(), describe_files(&rendered));
    actual.insert("diagnostics.txt".into(), describe_diagnostics(&rendered));

    let expected_dir = dir.join("expected");
    if std::env::var_os("PULLFIX_BLESS").is_some_and(|v| v == "1") {
        let _ = fs::remove_dir_all(&expected_dir);
        for (path, contents) in &actual {
            let p = expected_dir.join(path);
            fs::create_dir_all(p.parent().expect("has a parent")).expect("mkdir");
            fs::write(&p, contents).expect("write golden");
        }
    }
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    for p in walk(&expected_dir) {
        let rel = p.strip_prefix(&expected_dir).expect("under expected").to_string_lossy().into_owned();
        expected.insert(rel, fs::read_to_string(&p).expect("read golden"));
    }
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        actual.keys().collect::<Vec<_>>(),
        "{name}: the set of files differs (PULLFIX_BLESS=1 rewrites, then review)"
    );
    for (path, want) in &expected {
        assert_eq!(&actual[path], want, "{name}: {path} differs (PULLFIX_BLESS=1 rewrites, then review)");
    }

    let mut docs = BTreeMap::new();
    for f in rendered.files.iter().filter(|f| f.path.ends_with(".toml")) {
        let doc: DocumentMut = f.contents.parse().unwrap_or_else(|e| panic!("{name}: {} does not parse: {e}", f.path));
        docs.insert(f.path.clone(), doc);
    }
    Golden { name: name.to_owned(), rendered, docs }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn describe_files(r: &Rendered) -> String {
    let mut s = String::new();
    for f in &r.files {
        let _ = writeln!(
            s,
            "{}\n  kind: {:?}, after: {:?}, mode: {:o}\n  title: {}\n  instructions: {}\n",
            f.path,
            f.kind,
            f.after,
            f.mode(),
            f.title,
            f.instructions
        );
    }
    s
}

fn describe_diagnostics(r: &Rendered) -> String {
    let mut s = String::new();
    for d in &r.diagnostics {
        let _ = writeln!(s, "{} {} at {}\n  {}\n  fix: {}\n", d.severity, d.code, d.field, d.message, d.fix);
    }
    s
}

impl Golden {
    #[track_caller]
    fn item(&self, file: &str, path: &[&str]) -> Option<&Item> {
        let doc = self.docs.get(file).unwrap_or_else(|| panic!("{}: no TOML file {file}", self.name));
        let mut item = doc.as_item();
        for k in path {
            item = item.get(k)?;
        }
        Some(item)
    }

    /// Asserts the string at `path` in `file`.
    #[track_caller]
    fn str(&self, file: &str, path: &[&str], want: &str) -> &Self {
        let got = self.item(file, path).and_then(Item::as_str);
        assert_eq!(got, Some(want), "{}: {file} {path:?}", self.name);
        self
    }

    /// Asserts the boolean at `path` in `file`.
    #[track_caller]
    fn bool(&self, file: &str, path: &[&str], want: bool) -> &Self {
        let got = self.item(file, path).and_then(Item::as_bool);
        assert_eq!(got, Some(want), "{}: {file} {path:?}", self.name);
        self
    }

    /// Asserts the integer at `path` in `file`.
    #[track_caller]
    fn int(&self, file: &str, path: &[&str], want: i64) -> &Self {
        let got = self.item(file, path).and_then(Item::as_integer);
        assert_eq!(got, Some(want), "{}: {file} {path:?}", self.name);
        self
    }

    /// Asserts the array of strings at `path` in `file`.
    #[track_caller]
    fn strs(&self, file: &str, path: &[&str], want: &[&str]) -> &Self {
        let got: Option<Vec<&str>> =
            self.item(file, path).and_then(Item::as_array).map(|a| a.iter().filter_map(|v| v.as_str()).collect());
        assert_eq!(got.as_deref(), Some(want), "{}: {file} {path:?}", self.name);
        self
    }

    /// Asserts that nothing is at `path` in `file`.
    #[track_caller]
    fn absent(&self, file: &str, path: &[&str]) -> &Self {
        assert!(self.item(file, path).is_none(), "{}: {file} {path:?} should be absent", self.name);
        self
    }

    /// Asserts the keys of the `[host."<url>"]` tables of a hosts.toml, in file order.
    #[track_caller]
    fn hosts(&self, file: &str, want: &[&str]) -> &Self {
        let got: Vec<&str> = self
            .item(file, &["host"])
            .and_then(Item::as_table_like)
            .map(|t| t.iter().map(|(k, _)| k).collect())
            .unwrap_or_default();
        assert_eq!(got, want, "{}: {file} [host] tables", self.name);
        self
    }

    /// Asserts which files exist.
    #[track_caller]
    fn files(&self, want: &[&str]) -> &Self {
        let got: Vec<&str> = self.rendered.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(got, want, "{}: files", self.name);
        self
    }

    /// Asserts the diagnostic codes with their fields, in order.
    #[track_caller]
    fn diags(&self, want: &[(&str, &str)]) -> &Self {
        let got: Vec<(&str, &str)> = self.rendered.diagnostics.iter().map(|d| (d.code, d.field.as_str())).collect();
        assert_eq!(got, want, "{}: diagnostics", self.name);
        self
    }

    /// Asserts whether any error was reported.
    #[track_caller]
    fn errors(&self, want: bool) -> &Self {
        let got = self.rendered.diagnostics.iter().any(|d| d.severity == Severity::Error);
        assert_eq!(got, want, "{}: has errors", self.name);
        self
    }

    /// Asserts a file's mode (0600 for credentials).
    #[track_caller]
    fn mode(&self, file: &str, want: u32) -> &Self {
        let f = self.rendered.files.iter().find(|f| f.path == file).expect("file exists");
        assert_eq!(f.mode(), want, "{}: mode of {file}", self.name);
        self
    }
}

#[path = "golden/cases.rs"]
mod cases;
