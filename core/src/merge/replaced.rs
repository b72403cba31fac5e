//! What replacing a node's existing hosts.toml with the rendered one drops or changes:
//! `apply` warns with this list (and keeps a backup) before it overwrites a hand-written file.

use toml_edit::{DocumentMut, Item, Table};

use super::edit;

/// The settings of `old` (the node's hosts.toml) that `new` (the file about to replace it)
/// lacks or sets differently, one phrase each: top-level keys (`ca = "/etc/ssl/ca.pem"`),
/// whole `[host."<url>"]` tables (with their keys), and keys of a host table both have. Empty
/// when nothing is lost. A file that is not TOML is reported as such (containerd ignores it).
pub fn dropped(old: &str, new: &str) -> Vec<String> {
    let Ok(old) = old.parse::<DocumentMut>() else {
        return vec!["its whole text (it is not valid TOML, so containerd ignores it)".to_owned()];
    };
    let new: DocumentMut = new.parse().unwrap_or_default();
    let mut out = Vec::new();
    let (o, n) = (old.as_table(), new.as_table());
    for (k, item) in o.iter().filter(|(k, _)| *k != "host") {
        if !same(item, n.get(k)) {
            out.push(format!("{} = {}", key(k), edit::show_item(item)));
        }
    }
    let hosts = |t: &Table| -> Vec<(String, Table)> {
        match t.get("host").and_then(Item::as_table) {
            Some(h) => h.iter().filter_map(|(u, v)| Some((u.to_owned(), v.as_table()?.clone()))).collect(),
            None => Vec::new(),
        }
    };
    let new_hosts = hosts(n);
    for (url, t) in hosts(o) {
        let name = format!("[host.{}]", key(&url));
        match new_hosts.iter().find(|(u, _)| *u == url) {
            None => {
                let keys: Vec<String> = t.iter().map(|(k, v)| format!("{} = {}", key(k), edit::show_item(v))).collect();
                out.push(if keys.is_empty() { name } else { format!("{name} ({})", keys.join(", ")) });
            }
            Some((_, nt)) => {
                for (k, item) in t.iter() {
                    if !same(item, nt.get(k)) {
                        out.push(format!("{} = {} in {name}", key(k), edit::show_item(item)));
                    }
                }
            }
        }
    }
    out.iter().map(|d| super::mask_userinfo(d)).collect()
}

/// The same meaning, whatever the quotes and spacing.
fn same(a: &Item, b: Option<&Item>) -> bool {
    b.is_some_and(|b| match (a.as_value(), b.as_value()) {
        (Some(x), Some(y)) => edit::same(x, y),
        _ => edit::show_item(a) == edit::show_item(b),
    })
}

/// A key as TOML writes it: bare when it can be, quoted otherwise.
fn key(k: &str) -> String {
    super::display_path(&[k])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mirror_password_is_masked() {
        let old = "[host.\"https://u:pw@m.example\"]\n  capabilities = [\"pull\"]\n";
        let d = dropped(old, "");
        assert_eq!(d, ["[host.\"https://u:***@m.example\"] (capabilities = [\"pull\"])"]);
    }

    #[test]
    fn a_hand_written_mirror_and_ca_are_listed() {
        let old = "server = \"https://harbor.example.net\"\nca = \"/etc/ssl/certs/ca.pem\"\n\n\
                   [host.\"https://harbor-cache.example.net:8443\"]\n  capabilities = [\"pull\", \"resolve\"]\n  ca = \"/etc/x/cache-ca.crt\"\n";
        let new = "server = \"https://harbor.example.net\"\nca = \"/etc/ssl/certs/ca.pem\"\n\n[host]\n";
        assert_eq!(
            dropped(old, new),
            [
                r#"[host."https://harbor-cache.example.net:8443"] (capabilities = ["pull", "resolve"], ca = "/etc/x/cache-ca.crt")"#
            ]
        );
        let new2 = "server = \"https://harbor.example.net\"\n\n[host.\"https://harbor-cache.example.net:8443\"]\n  capabilities = [\"pull\", \"resolve\"]\n";
        assert_eq!(
            dropped(old, new2),
            [
                r#"ca = "/etc/ssl/certs/ca.pem""#,
                r#"ca = "/etc/x/cache-ca.crt" in [host."https://harbor-cache.example.net:8443"]"#
            ]
        );
        // Formatting alone is not a loss; what the new file adds is not either.
        assert!(dropped(
            "server='https://h'\nskip_verify=true",
            "server = \"https://h\"\nskip_verify = true\n[host]\n"
        )
        .is_empty());
        assert_eq!(dropped("[host\n", "server = \"https://h\"\n").len(), 1);
    }
}
