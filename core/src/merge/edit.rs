//! Setting, reading and removing one key path in a `toml_edit` document, whichever way the
//! file spells the tables on the way: `[headers]`, dotted keys (`registry.config_path = ..`)
//! or inline tables (`registry = { config_path = .. }`). Everything not on the path keeps its
//! bytes; a replaced value keeps its comments and spacing.

use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

use crate::toml_table::{self, TableRef};

/// The indentation habits of a file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Layout {
    /// Spaces a nested table's header adds to its parent's (2 in `containerd config default`
    /// output, 0 in files with flat headers).
    pub nest: usize,
    /// Spaces a table's keys add to its header (2 in both styles above, 0 in unindented files).
    pub keys: usize,
    /// Most strings are literal (`'...'`, as `containerd config default` of 2.x writes them):
    /// new strings are written that way too when they can be.
    pub literal_strings: bool,
}

impl Layout {
    /// Learns the habits from the file's first indented tables.
    pub fn detect(doc: &DocumentMut) -> Layout {
        // `anc`: depth and header indentation of the nearest ancestor with a header.
        fn walk(
            t: &Table,
            depth: usize,
            anc: Option<(usize, usize)>,
            nest: &mut Option<usize>,
            keys: &mut Option<usize>,
        ) {
            let mut anc = anc;
            if !t.is_dotted() && !t.is_implicit() && depth > 0 {
                let header = header_indent(t);
                if is_blank(header) {
                    if let (None, Some((d, i))) = (*nest, anc) {
                        if header.len() >= i && depth > d {
                            *nest = Some((header.len() - i) / (depth - d));
                        }
                    }
                    if keys.is_none() {
                        if let Some(kv) = first_value_indent(t).filter(|kv| is_blank(kv)) {
                            *keys = Some(kv.len().saturating_sub(header.len()));
                        }
                    }
                    anc = Some((depth, header.len()));
                }
            }
            if nest.is_some() && keys.is_some() {
                return;
            }
            for (_, item) in t.iter() {
                if let Item::Table(sub) = item {
                    walk(sub, depth + 1, anc, nest, keys);
                }
            }
        }
        let (mut nest, mut keys) = (None, None);
        walk(doc.as_table(), 0, None, &mut nest, &mut keys);
        let (mut literal, mut basic) = (0usize, 0usize);
        count_strings(TableRef::Table(doc.as_table()), &mut literal, &mut basic);
        Layout { nest: nest.unwrap_or(0).min(8), keys: keys.unwrap_or(0).min(8), literal_strings: literal > basic }
    }
}

fn count_strings(t: TableRef<'_>, literal: &mut usize, basic: &mut usize) {
    for (_, item) in t.entries() {
        match item {
            Item::Value(Value::String(f)) => match f.as_repr().and_then(|r| r.as_raw().as_str()) {
                Some(r) if r.starts_with('\'') => *literal += 1,
                Some(_) => *basic += 1,
                None => {}
            },
            Item::Value(Value::InlineTable(it)) => count_strings(TableRef::Inline(it), literal, basic),
            Item::Table(sub) => count_strings(TableRef::Table(sub), literal, basic),
            _ => {}
        }
    }
}

/// `value`, as a literal string (`'...'`) when `literal` and the text allows it.
fn in_style(value: &Value, literal: bool) -> Value {
    use toml_writer::TomlWrite as _;
    if let (true, Value::String(s)) = (literal, value) {
        if let Some(lit) = toml_writer::TomlStringBuilder::new(s.value()).as_literal() {
            let mut out = String::new();
            if out.value(lit).is_ok() {
                if let Ok(mut v) = out.parse::<Value>() {
                    v.decor_mut().clear();
                    if same(&v, value) {
                        return v;
                    }
                }
            }
        }
    }
    value.clone()
}

fn is_literal(v: &Value) -> bool {
    matches!(v, Value::String(f) if f.as_repr().and_then(|r| r.as_raw().as_str()).is_some_and(|r| r.starts_with('\'')))
}

fn header_indent(t: &Table) -> &str {
    last_line(t.decor().prefix().and_then(|r| r.as_str()).unwrap_or(""))
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

fn last_line(s: &str) -> &str {
    match s.rfind('\n') {
        Some(i) => &s[i + 1..],
        None => s,
    }
}

/// The indentation of the table's own key/value lines, if it has one.
/// A dotted key's line indentation sits on its last key, like a plain key's.
fn first_value_indent(t: &Table) -> Option<&str> {
    for (k, item) in t.iter() {
        match item {
            Item::Value(_) => return t.key(k)?.leaf_decor().prefix().and_then(|r| r.as_str()).map(last_line),
            Item::Table(sub) if sub.is_dotted() => {
                if let Some(i) = first_value_indent(sub) {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// What happened to one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetOutcome {
    /// The key already had this value; nothing was touched.
    Unchanged,
    /// The key was set; `old` is its previous value as TOML text, `None` when it was new.
    Changed {
        /// The previous value.
        old: Option<String>,
    },
    /// Something that is not a table sits on the path (`registry = "x"`), or a table sits where
    /// the value goes: nothing was changed. `at` is how many key parts lead to it.
    Blocked {
        /// Length of the path prefix naming the obstacle.
        at: usize,
        /// What is there.
        found: &'static str,
    },
}

/// Sets `path` to `value`, creating the tables on the way in the file's style.
pub fn set(doc: &mut DocumentMut, path: &[String], value: &Value, layout: Layout) -> SetOutcome {
    if path.is_empty() {
        return SetOutcome::Blocked { at: 0, found: "the document root" };
    }
    set_in_table(doc.as_table_mut(), 0, path, value, layout, &Indent { header: String::new(), keys: String::new() })
}

/// Where a table's header and key lines start.
struct Indent {
    header: String,
    keys: String,
}

fn set_in_table(
    t: &mut Table,
    depth: usize,
    path: &[String],
    value: &Value,
    layout: Layout,
    indent: &Indent,
) -> SetOutcome {
    let kv_indent = indent.keys.as_str();
    let key = path[0].as_str();
    if path.len() == 1 {
        return match t.get_mut(key) {
            Some(Item::Value(old)) if !old.is_inline_table() => replace(old, value, layout),
            Some(Item::None) | None => {
                if depth > 0 && !t.is_dotted() && t.decor().prefix().is_none() {
                    // A table that was only implied by its subtables gets a header now.
                    t.decor_mut().set_prefix(format!("\n{}", indent.header));
                }
                t.insert(key, Item::Value(in_style(value, layout.literal_strings)));
                if let Some(mut k) = t.key_mut(key) {
                    k.leaf_decor_mut().set_prefix(kv_indent.to_owned());
                }
                SetOutcome::Changed { old: None }
            }
            Some(other) => SetOutcome::Blocked { at: depth + 1, found: kind(other) },
        };
    }
    if !t.contains_key(key) || matches!(t.get(key), Some(Item::None)) {
        let mut sub = Table::new();
        if t.is_dotted() {
            sub.set_dotted(true);
        } else {
            sub.set_implicit(true);
        }
        t.insert(key, Item::Table(sub));
    }
    match t.get_mut(key) {
        Some(Item::Table(sub)) => {
            // A dotted key's line indentation sits on its last key, like a plain key's.
            let child = if sub.is_dotted() {
                Indent { header: indent.header.clone(), keys: kv_indent.to_owned() }
            } else {
                let header = match sub.decor().prefix().and_then(|r| r.as_str()) {
                    Some(p) => last_line(p).to_owned(),
                    None if depth == 0 => String::new(),
                    None => format!("{}{}", indent.header, " ".repeat(layout.nest)),
                };
                if sub.is_implicit() && sub.decor().prefix().is_none() && sub.get_values().is_empty() {
                    // Decorate now, so the header is right if a key lands in it.
                    sub.decor_mut().set_prefix(format!("\n{header}"));
                }
                let keys = first_value_indent(sub)
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{header}{}", " ".repeat(layout.keys)));
                Indent { header, keys }
            };
            set_in_table(sub, depth + 1, &path[1..], value, layout, &child)
        }
        Some(Item::Value(Value::InlineTable(it))) => set_in_inline(it, depth + 1, &path[1..], value, layout),
        Some(other) => SetOutcome::Blocked { at: depth + 1, found: kind(other) },
        None => SetOutcome::Blocked { at: depth + 1, found: "nothing" },
    }
}

fn set_in_inline(t: &mut InlineTable, depth: usize, path: &[String], value: &Value, layout: Layout) -> SetOutcome {
    let key = path[0].as_str();
    if path.len() == 1 {
        return match t.get_mut(key) {
            Some(old) if !old.is_inline_table() => replace(old, value, layout),
            Some(_) => SetOutcome::Blocked { at: depth + 1, found: "an inline table" },
            None => {
                insert_inline(t, key, in_style(value, layout.literal_strings));
                SetOutcome::Changed { old: None }
            }
        };
    }
    if !t.contains_key(key) {
        insert_inline(t, key, Value::InlineTable(InlineTable::new()));
    }
    match t.get_mut(key) {
        Some(Value::InlineTable(sub)) => set_in_inline(sub, depth + 1, &path[1..], value, layout),
        Some(other) => SetOutcome::Blocked { at: depth + 1, found: value_kind(other) },
        None => SetOutcome::Blocked { at: depth + 1, found: "nothing" },
    }
}

/// Appends to an inline table; the space before `}` moves from the old last value to the new one.
fn insert_inline(t: &mut InlineTable, key: &str, mut value: Value) {
    if let Some((_, v)) = t.iter_mut().last() {
        let suffix = v.decor().suffix().cloned();
        if let Some(s) = suffix {
            v.decor_mut().set_suffix("");
            value.decor_mut().set_suffix(s);
        }
    }
    if t.is_empty() {
        value.decor_mut().set_suffix(" ");
    }
    t.insert(key, value);
}

fn replace(old: &mut Value, value: &Value, layout: Layout) -> SetOutcome {
    if same(old, value) {
        return SetOutcome::Unchanged;
    }
    let before = show_value(old);
    let mut new = in_style(value, is_literal(old) || (layout.literal_strings && !old.is_str()));
    *new.decor_mut() = old.decor().clone();
    *old = new;
    SetOutcome::Changed { old: Some(before) }
}

/// The item at `path`, through tables, dotted keys and inline tables.
pub fn get<'a, S: AsRef<str>>(doc: &'a DocumentMut, path: &[S]) -> Option<&'a Item> {
    let mut item = doc.as_item();
    for k in path {
        item = TableRef::of(item)?.get(k.as_ref())?;
    }
    Some(item)
}

/// Removes the item at `path` and returns it.
pub fn remove(doc: &mut DocumentMut, path: &[String]) -> Option<Item> {
    let (last, parents) = path.split_last()?;
    let mut item = doc.as_item_mut();
    for k in parents {
        item = toml_table::get_mut(item, k)?;
    }
    toml_table::remove(item, last)
}

/// Whether the document has a table with its own `[header]` line (dotted keys and
/// headerless parents do not count).
pub fn has_headers(doc: &DocumentMut) -> bool {
    first_header(doc.as_table()).is_some()
}

/// For a file that had no `[table]` before the merge (Docker's containerd.io default: one
/// `disabled_plugins` line, then its top-level keys and tables all commented out, which
/// toml_edit keeps as the document's trailing text): moves that trailing text above the
/// first table the merge added, so the new tables come at the end of the file, after the
/// commented top-level keys. Uncommenting `#root = ...` later then puts it at the top
/// level, not inside a CRI table. The file's own bytes stay as they were.
pub fn keep_trailing_comments_above_new_tables(doc: &mut DocumentMut) {
    let trailing = doc.trailing().as_str().unwrap_or("").to_owned();
    if trailing.trim().is_empty() {
        return;
    }
    let Some(path) = first_header(doc.as_table()) else { return };
    let mut t = doc.as_table_mut();
    for k in &path {
        let Some(Item::Table(sub)) = t.get_mut(k) else { return };
        t = sub;
    }
    let prefix = t.decor().prefix().and_then(|p| p.as_str()).unwrap_or("").to_owned();
    t.decor_mut().set_prefix(format!("{trailing}{prefix}"));
    doc.set_trailing("");
}

/// The key path of the first table printed with a header line: the lowest position, then
/// the first in key order (tables the merge adds have no position yet).
fn first_header(root: &Table) -> Option<Vec<String>> {
    fn walk(t: &Table, path: &mut Vec<String>, best: &mut Option<(isize, Vec<String>)>) {
        for (k, item) in t.iter() {
            let Item::Table(sub) = item else { continue };
            path.push(k.to_owned());
            let has_values = sub.iter().any(|(_, v)| !matches!(v, Item::Table(_) | Item::ArrayOfTables(_)));
            if !sub.is_dotted() && (!sub.is_implicit() || has_values) {
                let pos = sub.position().unwrap_or(isize::MAX);
                if best.as_ref().is_none_or(|(p, _)| pos < *p) {
                    *best = Some((pos, path.clone()));
                }
            }
            if !sub.is_dotted() {
                walk(sub, path, best);
            }
            path.pop();
        }
    }
    let mut best = None;
    walk(root, &mut Vec::new(), &mut best);
    best.map(|(_, p)| p)
}

/// Whether two values mean the same (ignoring quotes, spacing and comments).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.value() == y.value(),
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        (Value::Boolean(x), Value::Boolean(y)) => x.value() == y.value(),
        (Value::Float(x), Value::Float(y)) => x.value().to_bits() == y.value().to_bits(),
        (Value::Datetime(x), Value::Datetime(y)) => x.value() == y.value(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q)),
        (Value::InlineTable(x), Value::InlineTable(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => false,
    }
}

/// A value as TOML text, without its surrounding spaces and comments.
pub fn show_value(v: &Value) -> String {
    let mut v = v.clone();
    v.decor_mut().clear();
    v.to_string()
}

/// An item as one line of TOML text: values as written, tables as `{ key = value, ... }`.
pub fn show_item(item: &Item) -> String {
    fn leaves(prefix: &str, t: TableRef<'_>, out: &mut Vec<String>) {
        for (k, item) in t.entries() {
            let key = super::display_path(&[k]);
            let path = if prefix.is_empty() { key } else { format!("{prefix}.{key}") };
            match item {
                Item::Value(Value::InlineTable(it)) => leaves(&path, TableRef::Inline(it), out),
                Item::Value(v) => out.push(format!("{path} = {}", show_value(v))),
                Item::Table(sub) => leaves(&path, TableRef::Table(sub), out),
                Item::ArrayOfTables(a) => out.push(format!("{path} = [{} tables]", a.len())),
                Item::None => {}
            }
        }
    }
    match item {
        Item::Value(Value::InlineTable(t)) => {
            let mut out = Vec::new();
            leaves("", TableRef::Inline(t), &mut out);
            format!("{{ {} }}", out.join(", "))
        }
        Item::Value(v) => show_value(v),
        Item::Table(t) => {
            let mut out = Vec::new();
            leaves("", TableRef::Table(t), &mut out);
            if out.is_empty() {
                "{}".to_owned()
            } else {
                format!("{{ {} }}", out.join(", "))
            }
        }
        Item::ArrayOfTables(a) => format!("[{} tables]", a.len()),
        Item::None => String::new(),
    }
}

fn kind(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(v) => value_kind(v),
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
    }
}

fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "an array",
        Value::InlineTable(_) => "an inline table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| (*x).to_owned()).collect()
    }

    fn set_text(text: &str, path: &[&str], v: Value) -> (String, SetOutcome) {
        let mut doc: DocumentMut = text.parse().unwrap();
        let layout = Layout::detect(&doc);
        let o = set(&mut doc, &p(path), &v, layout);
        (doc.to_string(), o)
    }

    #[test]
    fn dotted_keys_stay_dotted() {
        let (t, o) = set_text("[a]\n  b.c = 1 # one\n", &["a", "b", "d"], Value::from("x"));
        assert_eq!(t, "[a]\n  b.c = 1 # one\n  b.d = \"x\"\n");
        assert_eq!(o, SetOutcome::Changed { old: None });
        let (t, _) = set_text("[a]\n  b.c = 1 # one\n", &["a", "b", "c"], Value::from(2));
        assert_eq!(t, "[a]\n  b.c = 2 # one\n");
        let (t, _) = set_text("[a]\n  b.c = 1\n", &["a", "b", "e", "f"], Value::from(true));
        assert_eq!(t, "[a]\n  b.c = 1\n  b.e.f = true\n");
    }

    #[test]
    fn inline_tables_stay_inline() {
        let (t, _) = set_text("a = { b = 1 }\n", &["a", "c"], Value::from(2));
        assert_eq!(t, "a = { b = 1, c = 2 }\n");
        let (t, _) = set_text("a = { b = 1 }\n", &["a", "d", "e"], Value::from(2));
        assert_eq!(t, "a = { b = 1, d = { e = 2 } }\n");
    }

    #[test]
    fn new_tables_follow_the_indentation() {
        let (t, _) = set_text("[a]\n  [a.b]\n    x = 1\n", &["a", "b", "c", "y"], Value::from(2));
        assert_eq!(t, "[a]\n  [a.b]\n    x = 1\n\n    [a.b.c]\n      y = 2\n");
    }

    #[test]
    fn equal_values_keep_their_spelling() {
        let (t, o) = set_text("a = 'x'   # keep\n", &["a"], Value::from("x"));
        assert_eq!((t.as_str(), o), ("a = 'x'   # keep\n", SetOutcome::Unchanged));
    }

    #[test]
    fn strings_follow_the_quote_style() {
        let (t, _) = set_text("[a]\n  x = 'old'\n  y = 'z'\n", &["a", "x"], Value::from("/new"));
        assert_eq!(t, "[a]\n  x = '/new'\n  y = 'z'\n");
        let (t, _) = set_text("[a]\n  x = 'old'\n  y = 'z'\n", &["a", "n"], Value::from("it's"));
        assert_eq!(t, "[a]\n  x = 'old'\n  y = 'z'\n  n = \"it's\"\n");
        let (t, _) = set_text("[a]\n  x = \"old\"\n", &["a", "n"], Value::from("v"));
        assert_eq!(t, "[a]\n  x = \"old\"\n  n = \"v\"\n");
    }

    #[test]
    fn obstacles_block() {
        let (t, o) = set_text("a = 1\n", &["a", "b"], Value::from(2));
        assert_eq!((t.as_str(), o), ("a = 1\n", SetOutcome::Blocked { at: 1, found: "an integer" }));
        let (_, o) = set_text("[[a]]\nb = 1\n", &["a", "b"], Value::from(2));
        assert_eq!(o, SetOutcome::Blocked { at: 1, found: "an array of tables" });
    }

    #[test]
    fn remove_through_any_style() {
        let mut doc: DocumentMut = "[a]\nb.c = 1\nd = { e = 2, f = 3 }\n".parse().unwrap();
        assert_eq!(remove(&mut doc, &p(&["a", "b", "c"])).map(|i| show_item(&i)), Some("1".to_owned()));
        assert_eq!(remove(&mut doc, &p(&["a", "d", "e"])).map(|i| show_item(&i)), Some("2".to_owned()));
        assert!(get(&doc, &p(&["a", "d", "f"])).is_some());
        assert_eq!(remove(&mut doc, &p(&["a", "x"])).map(|i| show_item(&i)), None);
    }
}
