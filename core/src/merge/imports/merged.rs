//! config.toml and its drop-ins merged into one document key by key, as containerd 2.x's
//! `mergeConfig` (mergo with override) does before it decodes the plugins' tables: a table
//! present in two files keeps the keys of both, the later file winning for each key; any
//! other value (a string, an array) is replaced whole. Used for the checks that need the
//! merged tables themselves (the runtimes: review 11, N3), not one setting's winner
//! ([`super::effective`]).

use toml_edit::{DocumentMut, Item, Table, TableLike};

/// `files` (config.toml first, then the drop-ins in load order) merged key by key.
pub fn key_by_key(files: &[&DocumentMut]) -> DocumentMut {
    let mut out = DocumentMut::new();
    for doc in files {
        merge_into(out.as_table_mut(), doc.as_table());
    }
    out
}

/// Merges `src` into `dst`: tables (standard or inline) key by key, other values replaced.
fn merge_into(dst: &mut Table, src: &dyn TableLike) {
    for (k, v) in src.iter() {
        match v.as_table_like() {
            Some(sub) => {
                let entry = dst.entry(k).or_insert_with(|| Item::Table(Table::new()));
                if !entry.is_table() {
                    let table = entry.as_inline_table().map(|t| t.clone().into_table()).unwrap_or_default();
                    *entry = Item::Table(table);
                }
                if let Some(t) = entry.as_table_mut() {
                    merge_into(t, sub);
                }
            }
            None => {
                dst.insert(k, v.clone());
            }
        }
    }
}

/// The files among `files` (path, parsed; in load order) that have an item at `path`.
pub fn holders<'f>(files: &[(&'f str, &DocumentMut)], path: &[&str]) -> Vec<&'f str> {
    files.iter().filter(|(_, d)| super::effective::item_at(d, path).is_some()).map(|(p, _)| *p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_merge_key_by_key_and_values_are_replaced() {
        let a: DocumentMut = "version = 2\n[p.c]\nx = 1\ny = [1]\n[p.c.r.runc]\nt = \"a\"\n".parse().unwrap();
        let b: DocumentMut = "version = 3\np.c.y = [2]\n[p.c.r]\ncrun = { o = 1 }\n".parse().unwrap();
        let m = key_by_key(&[&a, &b]);
        assert_eq!(m["version"].as_integer(), Some(3));
        assert_eq!(m["p"]["c"]["x"].as_integer(), Some(1));
        assert_eq!(m["p"]["c"]["y"].as_array().map(|a| a.len()), Some(1));
        assert_eq!(m["p"]["c"]["y"][0].as_integer(), Some(2));
        assert_eq!(m["p"]["c"]["r"]["runc"]["t"].as_str(), Some("a"));
        assert_eq!(m["p"]["c"]["r"]["crun"]["o"].as_integer(), Some(1));
        let files = [("a", &a), ("b", &b)];
        assert_eq!(holders(&files, &["p", "c", "r", "crun"]), vec!["b"]);
        assert_eq!(holders(&files, &["p", "c", "y"]), vec!["a", "b"]);
    }
}
