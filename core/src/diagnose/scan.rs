//! Small text scanners shared by the fact extractor and the rules: quoted strings,
//! URLs, image references, `lookup` hosts and version numbers. Plain string matching,
//! no regular expressions (the web page's size budget), never a panic.

/// One line of the pasted text, ready for matching.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// 1-based line number in the pasted text.
    pub number: usize,
    /// The line as pasted (used for the excerpt).
    pub raw: &'a str,
    /// The line with JSON/logfmt escapes undone (`\"` becomes `"`): what extractors read.
    pub text: String,
    /// `text` in ASCII lower case: what needles are matched against.
    pub lower: String,
}

/// Splits a text into lines and prepares them for matching.
pub fn lines(text: &str) -> Vec<Line<'_>> {
    text.lines()
        .enumerate()
        .map(|(i, raw)| {
            let text = raw.replace("\\\"", "\"").replace("\\\\", "\\");
            let lower = text.to_ascii_lowercase();
            Line { number: i + 1, raw, text, lower }
        })
        .collect()
}

/// The quoted string that follows `marker` in `s` (`marker "value"`), without quotes.
/// Matching of the marker is case-insensitive (ASCII).
pub fn quoted_after<'a>(s: &'a str, marker: &str) -> Option<&'a str> {
    let start = find_ci(s, marker)? + marker.len();
    let rest = s.get(start..)?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(&rest[..end])
}

/// Every quoted string after `marker` in `s`, in order.
pub fn all_quoted_after<'a>(s: &'a str, marker: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|t| find_ci(t, marker)) {
        let at = from + i;
        if let Some(q) = s.get(at..).and_then(|t| quoted_after(t, marker)) {
            out.push(q);
        }
        from = at + marker.len();
    }
    out
}

/// Byte offset of `needle` in `hay`, ignoring ASCII case. (ASCII lower-casing keeps
/// every byte offset, so the offset found in the lowered copy is valid in `hay`.)
pub fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    if needle.bytes().any(|b| b.is_ascii_uppercase()) {
        hay.to_ascii_lowercase().find(&needle.to_ascii_lowercase())
    } else if hay.bytes().any(|b| b.is_ascii_uppercase()) {
        hay.to_ascii_lowercase().find(needle)
    } else {
        hay.find(needle)
    }
}

/// The word (up to whitespace or a quote) that follows `marker`, trimmed of trailing
/// punctuation (`:`, `,`, `;`, `.`).
pub fn word_after<'a>(s: &'a str, marker: &str) -> Option<&'a str> {
    let start = find_ci(s, marker)? + marker.len();
    let rest = s.get(start..)?.trim_start();
    let end = rest.find(|c: char| c.is_whitespace() || c == '"' || c == '\'').unwrap_or(rest.len());
    let w = rest[..end].trim_end_matches([':', ',', ';', '.', ')']);
    (!w.is_empty()).then_some(w)
}

/// A URL seen in a line: scheme, `host[:port]` and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlHost {
    /// `http` or `https`.
    pub scheme: String,
    /// `host[:port]` as written in the URL.
    pub hostport: String,
    /// The path as written (`/v2/dockerhub-proxy/library/busybox/manifests/1.36`),
    /// without query and without trailing punctuation; empty when none.
    pub path: String,
}

/// Every `http://` / `https://` URL's scheme, host and path in a line, in order.
pub fn url_hosts(s: &str) -> Vec<UrlHost> {
    let lower = s.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower.get(from..).and_then(|t| t.find("://")) {
        let at = from + i;
        let scheme = if lower[..at].ends_with("https") {
            "https"
        } else if lower[..at].ends_with("http") {
            "http"
        } else {
            from = at + 3;
            continue;
        };
        let rest = &s[at + 3..];
        // `https://bob:pw@h.example`: the host is after the userinfo.
        let auth_end =
            rest.find(|c: char| c.is_whitespace() || matches!(c, '/' | '?' | '#' | '"' | '\'')).unwrap_or(rest.len());
        let rest = rest[..auth_end].rfind('@').map_or(rest, |i| &rest[i + 1..]);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_' | '[' | ']')))
            .unwrap_or(rest.len());
        let hostport = rest[..end].trim_end_matches([':', '.']);
        let path = match rest[end..].strip_prefix('/') {
            Some(p) => {
                let stop =
                    p.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '?' | '#')).unwrap_or(p.len());
                format!("/{}", &p[..stop]).trim_end_matches([':', ',', ';', ')', '.']).to_owned()
            }
            None => String::new(),
        };
        if !hostport.is_empty() {
            out.push(UrlHost { scheme: scheme.to_owned(), hostport: hostport.to_owned(), path });
        }
        from = at + 3;
    }
    out
}

/// The first `MAJOR.MINOR[.PATCH]` in `s` (after an optional `v`), e.g. `1.6.20` from
/// `1.6.20~ds1` or `v2.0.0-rc.1`.
pub fn leading_version(s: &str) -> Option<String> {
    let s = s.trim_start_matches(['v', 'V']);
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let v = s[..end].trim_end_matches('.');
    let parts: Vec<&str> = v.split('.').collect();
    if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
        return None;
    }
    Some(v.to_owned())
}

/// Cuts an excerpt to a readable length (on a character boundary), trimming indentation.
pub fn excerpt(raw: &str) -> String {
    const MAX: usize = 2000;
    let t = raw.trim();
    if t.len() <= MAX {
        return t.to_owned();
    }
    let mut end = MAX;
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &t[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_and_words() {
        let l = r#"failed to pull and unpack image "hub.mooc.com/a/b:v1": x"#;
        assert_eq!(quoted_after(l, "unpack image"), Some("hub.mooc.com/a/b:v1"));
        assert_eq!(word_after("dial tcp: lookup hub.mooc.com on 8.8.8.8:53", "lookup "), Some("hub.mooc.com"));
        assert_eq!(word_after("lookup x.y: no such host", "lookup "), Some("x.y"));
        assert_eq!(all_quoted_after(r#"a "x" b a "y""#, "a "), vec!["x", "y"]);
        assert_eq!(find_ci("ÄÖ x509", "X509"), Some(5));
    }

    #[test]
    fn urls_and_versions() {
        let u = url_hosts(r#"Head "https://10.50.1.104:5000/v2/x/manifests/v1": x509"#);
        let path = "/v2/x/manifests/v1".to_owned();
        assert_eq!(u, vec![UrlHost { scheme: "https".into(), hostport: "10.50.1.104:5000".into(), path }]);
        let u = url_hosts("Head https://h.example/v2/p/library/b/manifests/1.36?ns=docker.io: x509");
        assert_eq!(u[0].path, "/v2/p/library/b/manifests/1.36");
        let u = url_hosts("Head https://h.example/v2/a/manifests/v1: x509");
        assert_eq!(u[0].path, "/v2/a/manifests/v1");
        let u = url_hosts(r#"pull "https://bob:p@ss@h.example:5000/a:1": x509"#);
        assert_eq!((u[0].hostport.as_str(), u[0].path.as_str()), ("h.example:5000", "/a:1"));
        assert_eq!(leading_version("1.6.20~ds1").as_deref(), Some("1.6.20"));
        assert_eq!(leading_version("v2.0.0-rc.1").as_deref(), Some("2.0.0"));
        assert_eq!(leading_version("3"), None);
    }
}
