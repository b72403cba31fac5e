//! Masks credentials in text pulled from the operator's input before pullfix shows it:
//! the excerpts, titles and messages of `diagnose` (pasted logs) and `doctor` (a node's
//! files). Only what is shown is masked; matching always reads the original text.
//!
//! Plain string scanning (no regular expressions: the web page's size budget), never a panic.

/// What replaces a secret.
const MASK: &str = "***";

/// `text` with every credential shape pullfix knows masked, the names kept so the operator
/// can tell which entry it is:
/// - URL userinfo: `https://bob:pw@h.example` -> `https://bob:***@h.example`, also without
///   a scheme (`bob:pw@h.example:5000/app`), see [`crate::merge::mask_userinfo`];
/// - HTTP auth headers as containerd's debug log and curl print them: `Basic <base64>`,
///   `Bearer <token>` -> `Basic ***` (`Bearer realm="…"` and `no basic auth credentials`
///   stay);
/// - assignments and arguments: `password=…`, `--password …`, `--docker-password=…`,
///   `"password": "…"`, `token=…`, `"auth": "…"`, `docker login -p …`; `--creds u:pw`,
///   `--user u:pw` and `-u u:pw` (crictl, ctr) keep the user.
///
/// ```
/// use pullfix_core::redact::mask_secrets;
/// assert_eq!(mask_secrets("pull \"https://bob:pw@h.example/a:1\""), "pull \"https://bob:***@h.example/a:1\"");
/// assert_eq!(mask_secrets("Authorization: Basic dTpEaWFnUGFzcw=="), "Authorization: Basic ***");
/// assert_eq!(mask_secrets("docker login -u robot$ci -p s3cret h"), "docker login -u robot$ci -p *** h");
/// ```
pub fn mask_secrets(text: &str) -> String {
    crate::merge::mask_userinfo(&mask_assignments(&mask_auth_schemes(text)))
}

fn is_token68(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
}

/// `Basic <credentials>` / `Bearer <token>`: the value is masked when it is long enough to
/// be one (8+ characters) or follows `authorization`; auth parameters (`realm=`) stay.
fn mask_auth_schemes(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let (b, l) = (text.as_bytes(), lower.as_bytes());
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        let scheme = ["basic", "bearer"].into_iter().find(|s| l[i..].starts_with(s.as_bytes()));
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let Some(scheme) = scheme.filter(|_| boundary) else {
            i += 1;
            continue;
        };
        let mut start = i + scheme.len();
        while start < b.len() && b[start] == b' ' {
            start += 1;
        }
        let mut end = start;
        while end < b.len() && is_token68(b[end]) {
            end += 1;
        }
        let run = &lower[start..end];
        let mut pad = end;
        while pad < b.len() && b[pad] == b'=' {
            pad += 1;
        }
        // `Authorization: Basic`, `authorization="Bearer`, `Authorization:[Bearer`.
        let head = l[..i].trim_ascii_end();
        let head = head.strip_suffix(b"[").unwrap_or(head).trim_ascii_end();
        let head = head.strip_suffix(b"\"").or_else(|| head.strip_suffix(b"'")).unwrap_or(head).trim_ascii_end();
        let head = head.strip_suffix(b":").or_else(|| head.strip_suffix(b"=")).unwrap_or(head).trim_ascii_end();
        let head = head.strip_suffix(b"\"").unwrap_or(head);
        let after_header = head.ends_with(b"authorization");
        // `Bearer realm="…",service="…"` (a challenge, not a credential).
        let param = !after_header && pad == end + 1 && b.get(pad) == Some(&b'"')
            || matches!(run, "realm" | "service" | "scope" | "error" | "charset");
        if start > i + scheme.len() && !run.is_empty() && !param && (run.len() >= 8 || after_header) {
            out.push_str(&text[copied..start]);
            out.push_str(MASK);
            copied = pad;
            i = pad;
        } else {
            i = end.max(i + 1);
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// How a key's value is masked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Secret {
    /// The whole value.
    Whole,
    /// What follows the first `:` (`user:password`).
    AfterColon,
}

/// Whether the key `name` (as written, with its dashes) holds a secret; `before` is the
/// text before it.
fn secret_of(name: &str, before: &str) -> Option<Secret> {
    let lower = name.to_ascii_lowercase();
    let bare = lower.trim_start_matches('-');
    let dashed = lower.starts_with('-');
    if ["password", "passwd", "token"].iter().any(|s| bare.ends_with(s)) || bare == "auth" {
        return Some(Secret::Whole);
    }
    match (lower.as_str(), bare) {
        (_, "creds") if dashed => Some(Secret::AfterColon),
        ("--user" | "-u", _) => Some(Secret::AfterColon),
        // `-p` is a password only for `docker|nerdctl|podman|helm registry login`.
        ("-p", _) if before.to_ascii_lowercase().contains("login") => Some(Secret::Whole),
        _ => None,
    }
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// `key=value`, `key = "value"`, `"key": "value"` and `--flag value` for secret keys.
fn mask_assignments(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !is_key_byte(b[i]) || (i > 0 && is_key_byte(b[i - 1])) {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < b.len() && is_key_byte(b[end]) {
            end += 1;
        }
        let name = &text[i..end];
        // What separates the key from its value: `=` (logfmt, `--flag=`), or with a quoted
        // value only, `" : "` (JSON) or ` = ` (TOML); or spaces after a flag.
        let quoted_key = i > 0 && b[i - 1] == b'"' && b.get(end) == Some(&b'"');
        let mut v = end + usize::from(quoted_key);
        let spaces = |mut j: usize| {
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            j
        };
        let (start, flag, need_quote) = match b.get(v) {
            Some(b'=') if !quoted_key && b.get(v + 1) != Some(&b'=') => (v + 1, false, false),
            _ => {
                v = spaces(v);
                match b.get(v) {
                    Some(b'=' | b':') if quoted_key || b[v] == b'=' => (spaces(v + 1), false, true),
                    _ if v > end && name.starts_with('-') => (v, true, false),
                    _ => {
                        i = end;
                        continue;
                    }
                }
            }
        };
        let quote = match (b.get(start), b.get(start + 1)) {
            (Some(b'\\'), Some(q @ (b'"' | b'\''))) => Some((2, *q)),
            (Some(q @ (b'"' | b'\'')), _) => Some((1, *q)),
            _ => None,
        };
        let Some(kind) = secret_of(name, &text[..i]) else {
            i = end;
            continue;
        };
        let (from, to) = match quote {
            Some((n, q)) => {
                let from = start + n;
                let close = text[from..].find(q as char).map_or(b.len(), |k| from + k);
                let to = if n == 2 && close > from && b[close - 1] == b'\\' { close - 1 } else { close };
                (from, to)
            }
            None if need_quote || (flag && b.get(start) == Some(&b'-')) => {
                i = end;
                continue;
            }
            None => {
                let stop =
                    |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '\\' | ',' | '&' | ';' | ')' | '}' | ']');
                (start, text[start..].find(stop).map_or(b.len(), |k| start + k))
            }
        };
        let from = match kind {
            Secret::Whole => from,
            Secret::AfterColon => match text[from..to].find(':') {
                Some(k) => from + k + 1,
                None => to,
            },
        };
        if from < to && &text[from..to] != MASK {
            out.push_str(&text[copied..from]);
            out.push_str(MASK);
            copied = to;
        }
        i = to.max(end);
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::mask_secrets;

    #[test]
    fn every_shape_is_masked_and_the_names_stay() {
        let cases = [
            // URL userinfo, with and without a scheme, JSON-escaped.
            (
                r#"Failed to pull image "https://bob:DiagUrlPass@h.example:5000/app:1": x509"#,
                r#"Failed to pull image "https://bob:***@h.example:5000/app:1": x509"#,
            ),
            (r#"image \"bob:Pw@h.example:5000/app:1\""#, r#"image \"bob:***@h.example:5000/app:1\""#),
            // Auth headers: containerd debug log (logfmt, JSON), curl.
            (
                r#"msg="do request" request.header.authorization="Basic dTpEaWFnUGFzcw==" url="https://h""#,
                r#"msg="do request" request.header.authorization="Basic ***" url="https://h""#,
            ),
            (
                r#"{"request.header.authorization":"Bearer eyJhbGciOiJSUzI1NiJ9.x.sig"}"#,
                r#"{"request.header.authorization":"Bearer ***"}"#,
            ),
            ("> Authorization: Basic dTpw", "> Authorization: Basic ***"),
            ("Authorization: [Bearer abc.def.ghi-jkl]", "Authorization: [Bearer ***]"),
            // Arguments.
            ("docker login -u robot$ci -p S3cret! h.example", "docker login -u robot$ci -p *** h.example"),
            ("nerdctl login --password=S3cret h.example", "nerdctl login --password=*** h.example"),
            ("helm registry login --password 'S3 cret' h", "helm registry login --password '***' h"),
            (
                "kubectl create secret docker-registry r --docker-password=S3cret --docker-username=u",
                "kubectl create secret docker-registry r --docker-password=*** --docker-username=u",
            ),
            ("crictl pull --creds admin:Harbor12345 h/a:1", "crictl pull --creds admin:*** h/a:1"),
            ("ctr i pull --user admin:Harbor12345 h/a:1", "ctr i pull --user admin:*** h/a:1"),
            ("ctr i pull -u admin:pw h/a:1", "ctr i pull -u admin:*** h/a:1"),
            ("crictl pull --auth YWRtaW46cHc= h/a:1", "crictl pull --auth *** h/a:1"),
            // Assignments: logfmt, JSON, TOML, a URL query.
            ("token=eyJhbGciOiJSUzI1NiJ9.s.sig password=Plain", "token=*** password=***"),
            (
                r#"{"auths":{"h":{"auth":"dTpw","password":"pw"}}}"#,
                r#"{"auths":{"h":{"auth":"***","password":"***"}}}"#,
            ),
            (r#"password = "pw" identitytoken = 'tok'"#, r#"password = "***" identitytoken = '***'"#),
            ("GET https://h/token?scope=a&access_token=abc&x=1", "GET https://h/token?scope=a&access_token=***&x=1"),
            (r#"msg="x" password=\"pw\" y"#, r#"msg="x" password=\"***\" y"#),
        ];
        for (text, want) in cases {
            assert_eq!(mask_secrets(text), want, "{text}");
        }
    }

    #[test]
    fn what_is_no_secret_stays() {
        let same = [
            "no basic auth credentials",
            "may require authorization: authorization failed: no basic auth credentials",
            r#"www-authenticate: Bearer realm="https://h/service/token",service="harbor-registry""#,
            "WWW-Authenticate: Basic realm=\"Registry Realm\"",
            "failed to fetch oauth token: unexpected status: 401 Unauthorized",
            "failed to fetch anonymous token: unexpected status",
            "robot$ci: unauthorized to access repository; username robot$ci:<password>",
            "h.example:5000/app:1@sha256:0123abcd, nginx:1.25@sha256:0123abcd",
            "robot@example.com, https://m.example/a:b@c",
            "kubectl port-forward -p 8080 pod, docker run -p 80:80 x, ctr -n k8s.io",
            "docker login --password-stdin -u robot h.example",
            "password: unauthorized, token: expired, invalid username/password",
            r#"level=info msg="PullImage \"h/a:1\" returns image reference" token_type=bearer"#,
            "ünïcode bearer ü, basic",
            "",
        ];
        for text in same {
            assert_eq!(mask_secrets(text), text);
        }
    }
}
