//! Which directory of a colon-separated `config_path` list containerd 1.x reads a registry
//! from (`hostDirFromRoots`): the first root with a `<host>` directory, or (1.6.17+, 1.7) with
//! a `_default` one, since each root is searched for `<host>` and then `_default` before the
//! next root.

use crate::diagnostic::Diagnostic;
use crate::host::DEFAULT_NAMESPACE as DEFAULT_DIR;

/// The directory containerd reads `host` from with the roots in `order`: the root and the
/// subdirectory name (`host` or `_default`). `listing` gives each root's subdirectory names;
/// `default_ns`: the target reads `_default`.
pub fn winner<'a>(
    listing: &'a [(String, Vec<String>)],
    order: &[String],
    host: &str,
    default_ns: bool,
) -> Option<(&'a str, &'a str)> {
    for root in order {
        let Some((dir, subs)) = listing.iter().find(|(d, _)| d == root) else { continue };
        if let Some(s) = subs.iter().find(|s| *s == host) {
            return Some((dir, s));
        }
        if default_ns {
            if let Some(s) = subs.iter().find(|s| *s == DEFAULT_DIR) {
                return Some((dir, s));
            }
        }
    }
    None
}

/// A kept colon-separated `config_path` list that merging reordered (pullfix's directory put
/// first).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListOrder {
    /// The key path of `config_path` in the file.
    pub key: Vec<String>,
    /// The list's directories in the file's order.
    pub before: Vec<String>,
    /// The directories in the merged order.
    pub after: Vec<String>,
    /// The directory pullfix writes to.
    pub chosen: String,
}

/// One registry whose directory changes with the new order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The `<host>` directory name (`_default`: registries with no directory of their own).
    pub host: String,
    /// The directory read before (`root/sub`), `None` when none was.
    pub from: Option<String>,
    /// The directory read after.
    pub to: Option<String>,
}

/// The `<host>` (and `_default`) names found in `listing`, not in `own` (the form's hosts,
/// which pullfix writes), that containerd reads from another directory with `after` than with
/// `before`.
pub fn moved_hosts(
    listing: &[(String, Vec<String>)],
    before: &[String],
    after: &[String],
    default_ns: bool,
    own: &[String],
) -> Vec<Moved> {
    let mut names: Vec<&str> = listing.iter().flat_map(|(_, subs)| subs.iter().map(String::as_str)).collect();
    names.sort_unstable();
    names.dedup();
    let path = |w: Option<(&str, &str)>| w.map(|(d, s)| format!("{}/{s}", d.trim_end_matches('/')));
    names
        .into_iter()
        .filter(|h| !own.iter().any(|o| o == h) && (*h != DEFAULT_DIR || default_ns))
        .filter_map(|h| {
            let (from, to) =
                (path(winner(listing, before, h, default_ns)), path(winner(listing, after, h, default_ns)));
            (from != to).then(|| Moved { host: h.to_owned(), from, to })
        })
        .collect()
}

/// The error refusing a reorder that moves the registries in `moved`; `None` when none moves.
/// `shadowed` names the form's registries an earlier directory shadows in the file's order
/// (why the order cannot be kept), as "`<host>` is read from `<dir>`".
pub fn list_order_error(moved: &[Moved], shadowed: &[String]) -> Option<Diagnostic> {
    if moved.is_empty() {
        return None;
    }
    let which: Vec<String> = moved
        .iter()
        .map(|m| {
            let host = if m.host == DEFAULT_DIR {
                "registries without a directory of their own (_default)".to_owned()
            } else {
                m.host.clone()
            };
            match (&m.from, &m.to) {
                (Some(f), Some(t)) => format!("{host} would be read from {t} instead of {f}"),
                (None, Some(t)) => format!("{host} would be read from {t} instead of no directory"),
                (Some(f), None) => format!("{host} would no longer be read from {f}"),
                (None, None) => host,
            }
        })
        .collect();
    Some(Diagnostic::error(
        super::existing_config_field(),
        "merge.config-path-order",
        format!(
            "Putting pullfix's directory first in the config_path list changes which directory containerd reads for registries the form does not write (containerd 1.x uses the first directory of the list that has a <host> directory, or since 1.6.17 a _default one): {}. Their pulls could fail (another CA, another mirror).{}",
            which.join("; "),
            if shadowed.is_empty() {
                String::new()
            } else {
                format!(
                    " And keeping the file's order would leave pullfix's files unread: {}.",
                    shadowed.join("; ")
                )
            }
        ),
        "Move or merge those directories so that one directory of the list holds each registry (delete the stale copy, or move pullfix's registries out of the way), or drop the list for one config_path directory, then run pullfix apply again.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(v: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
        v.iter().map(|(d, s)| ((*d).to_owned(), s.iter().map(|x| (*x).to_owned()).collect())).collect()
    }
    fn o(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    /// Review 8, H2 (CP6): harbor:8443 (not in the form) was read from docker/certs.d; with
    /// containerd/certs.d first its stale directory there wins.
    #[test]
    fn a_stale_host_directory_in_the_moved_root_is_named() {
        let listing =
            l(&[("/d", &["harbor.example.net:8443"]), ("/c", &["harbor.example.net", "harbor.example.net:8443"])]);
        let m = moved_hosts(&listing, &o(&["/d", "/c"]), &o(&["/c", "/d"]), true, &o(&["harbor.example.net"]));
        assert_eq!(
            m,
            [Moved {
                host: "harbor.example.net:8443".into(),
                from: Some("/d/harbor.example.net:8443".into()),
                to: Some("/c/harbor.example.net:8443".into())
            }]
        );
        let d = list_order_error(&m, &[]).expect("error");
        assert_eq!(d.severity, crate::diagnostic::Severity::Error);
        assert!(d.message.contains("harbor.example.net:8443 would be read from /c/harbor.example.net:8443 instead of /d/harbor.example.net:8443"), "{}", d.message);
        // Only the form's host in the moved root: nothing else changes.
        let listing = l(&[("/d", &["other.example"]), ("/c", &["harbor.example.net"])]);
        assert!(
            moved_hosts(&listing, &o(&["/d", "/c"]), &o(&["/c", "/d"]), true, &o(&["harbor.example.net"])).is_empty()
        );
    }

    /// Review 8, H2 (CP5): a `_default` in the moved root catches every host of the other
    /// root on 1.6.17+, not before.
    #[test]
    fn a_default_directory_in_the_moved_root_shadows_other_hosts_on_1_6_17() {
        let listing = l(&[("/d", &["harbor.example.net:8443"]), ("/c", &["_default"])]);
        let m = moved_hosts(&listing, &o(&["/d", "/c"]), &o(&["/c", "/d"]), true, &[]);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].to.as_deref(), Some("/c/_default"));
        assert!(moved_hosts(&listing, &o(&["/d", "/c"]), &o(&["/c", "/d"]), false, &[]).is_empty());
    }
}
