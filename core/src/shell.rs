//! Quoting values for POSIX shell commands shown to the operator.

/// Quotes `s` as one POSIX shell word: single quotes, with each `'` written as `'\''`.
/// Nothing inside is expanded (`$`, backticks, `\`), so Harbor robot names like
/// `robot$ci` and passwords with quotes survive. Plain safe words are left bare.
pub fn quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/' | b':' | b'=' | b'@' | b',' | b'+')
        });
    if safe {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// Joins words into one command line, quoting each.
pub fn command<I, S>(words: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    // The generic part stays a bare loop (it is instantiated per argument type); the
    // work is in `push_word`, once in the web page's wasm.
    let mut out = String::new();
    for w in words {
        push_word(&mut out, w.as_ref());
    }
    out
}

/// Appends `word`, quoted, to a command line (a space before every word but the first:
/// a quoted word is never empty).
#[inline(never)]
fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(&quote(word));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes() {
        assert_eq!(quote("regcred"), "regcred");
        assert_eq!(quote("robot$ci"), "'robot$ci'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(command(["kubectl", "-n", "a b"]), "kubectl -n 'a b'");
        assert_eq!(command(["", "x", ""]), "'' x ''");
        assert_eq!(command(Vec::<String>::new()), "");
    }
}
