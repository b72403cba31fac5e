//! A TOML table or inline table, read through a two-variant enum rather than
//! `dyn toml_edit::TableLike`.
//!
//! Every use of `Item::as_table_like` puts the whole `TableLike` vtable of both table types
//! into the web page's wasm (its `sort_values` alone instantiates a stable sort); these
//! helpers call only the methods the merge needs. Files parsed by toml_edit hold no
//! `Item::None` entries, so skipping them (as the tables' own getters do) changes nothing.

use toml_edit::{InlineTable, Item, Table, Value};

/// A table (`[t]`, dotted or implicit) or an inline table (`t = { ... }`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum TableRef<'a> {
    /// A standard table.
    Table(&'a Table),
    /// An inline table.
    Inline(&'a InlineTable),
}

impl<'a> TableRef<'a> {
    /// The item as a table, if it is one (what `Item::as_table_like` accepts).
    pub(crate) fn of(item: &'a Item) -> Option<TableRef<'a>> {
        match item {
            Item::Table(t) => Some(TableRef::Table(t)),
            Item::Value(Value::InlineTable(t)) => Some(TableRef::Inline(t)),
            _ => None,
        }
    }

    /// The entries in order, each as an `Item`.
    pub(crate) fn entries(self) -> Vec<(&'a str, &'a Item)> {
        match self {
            TableRef::Table(t) => t.iter().collect(),
            TableRef::Inline(t) => t.iter().filter_map(|(k, _)| Some((k, t.get_key_value(k)?.1))).collect(),
        }
    }

    /// The item under `key`.
    pub(crate) fn get(self, key: &str) -> Option<&'a Item> {
        match self {
            TableRef::Table(t) => t.get(key),
            TableRef::Inline(t) => t.get_key_value(key).map(|(_, item)| item),
        }
    }
}

/// The item under `key` of a table or inline table item.
pub(crate) fn get_mut<'a>(item: &'a mut Item, key: &str) -> Option<&'a mut Item> {
    match item {
        Item::Table(t) => t.get_mut(key),
        Item::Value(Value::InlineTable(t)) => t.get_key_value_mut(key).map(|(_, item)| item),
        _ => None,
    }
}

/// Removes `key` from a table or inline table item and returns its item.
pub(crate) fn remove(item: &mut Item, key: &str) -> Option<Item> {
    match item {
        Item::Table(t) => t.remove(key),
        Item::Value(Value::InlineTable(t)) => t.remove(key).map(Item::Value),
        _ => None,
    }
}

/// Moves the entry `from` of a table or inline table item to the end, under the name
/// `to` (as `remove` then `insert` through `TableLike` do); `false` when there is none.
pub(crate) fn rename(item: &mut Item, from: &str, to: &str) -> bool {
    match item {
        Item::Table(t) => t.remove(from).map(|moved| t.insert(to, moved)).is_some(),
        Item::Value(Value::InlineTable(t)) => t.remove(from).map(|moved| t.insert(to, moved)).is_some(),
        _ => false,
    }
}

/// Every string in a value, arrays flattened: a hosts.toml `ca = "c.pem"`, `ca = ["a", "b"]`
/// or `client = [["c.pem", "k.pem"]]`.
pub(crate) fn strings(item: &Item, out: &mut Vec<String>) {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.value().clone()),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    if let Some(v) = item.as_value() {
        walk(v, out);
    }
}

#[cfg(test)]
mod tests {
    use toml_edit::DocumentMut;

    use super::*;

    const TEXT: &str = "a = 1\nd.x = 'q'\nd.y = 2\ni = { k = 1, z = { w = 'v' }, m = [1] }\n[t]\nb = 2\n[t.u]\nc = 3\n";

    /// The same answers as toml_edit's `TableLike` for tables, dotted and inline tables.
    #[test]
    fn like_table_like() {
        let doc: DocumentMut = TEXT.parse().unwrap();
        let names = |item: &Item| -> Vec<(String, String)> {
            TableRef::of(item).unwrap().entries().iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        let theirs = |item: &Item| -> Vec<(String, String)> {
            item.as_table_like().unwrap().iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        for key in ["d", "i", "t"] {
            let item = &doc[key];
            assert_eq!(names(item), theirs(item), "{key}");
            for sub in ["x", "k", "z", "m", "b", "u", "nope"] {
                assert_eq!(
                    TableRef::of(item).unwrap().get(sub).map(|i| i.to_string()),
                    item.as_table_like().unwrap().get(sub).map(|i| i.to_string()),
                    "{key}.{sub}"
                );
            }
        }
        assert!(TableRef::of(&doc["a"]).is_none() && doc["a"].as_table_like().is_none());
        assert_eq!(names(doc.as_item()), theirs(doc.as_item()));
    }

    #[test]
    fn edits_like_table_like() {
        for (key, sub) in [("i", "k"), ("i", "z"), ("t", "b"), ("t", "u"), ("d", "x")] {
            let mut ours: DocumentMut = TEXT.parse().unwrap();
            let mut theirs = ours.clone();
            assert!(get_mut(&mut ours[key], sub).is_some());
            assert!(rename(&mut ours[key], sub, "renamed"));
            let t = theirs[key].as_table_like_mut().unwrap();
            let moved = t.remove(sub).unwrap();
            t.insert("renamed", moved);
            assert_eq!(ours.to_string(), theirs.to_string(), "{key}.{sub}");
            let removed = remove(&mut ours[key], "renamed").map(|i| i.to_string());
            let t = theirs[key].as_table_like_mut().unwrap();
            assert_eq!(removed, t.remove("renamed").map(|i| i.to_string()));
            assert_eq!(ours.to_string(), theirs.to_string(), "{key}.{sub}");
            assert!(!rename(&mut ours[key], "nope", "x2") && remove(&mut ours[key], "nope").is_none());
        }
    }
}
