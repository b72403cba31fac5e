//! Field-level diagnostics: what is wrong, where in the form, and how to fix it.

use std::fmt;

use serde::Serialize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing breaks.
    Info,
    /// Works, but risky or surprising.
    Warning,
    /// Pulls will fail, or the value cannot be emitted. The CLI writes nothing.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A path to a form field, as the user sees it: `containerd`, `registry[0].host`,
/// `registry[1].mirror[0].url`, `kubernetes.patch[2].kind`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Field(String);

impl Field {
    /// A top-level field.
    pub fn root(name: &str) -> Field {
        Field(name.to_owned())
    }
    /// `registry[i]`.
    pub fn registry(i: usize) -> Field {
        Field(format!("registry[{i}]"))
    }
    /// `self.name`.
    pub fn key(&self, name: &str) -> Field {
        Field(format!("{}.{name}", self.0))
    }
    /// `self.name[i]`.
    pub fn index(&self, name: &str, i: usize) -> Field {
        Field(format!("{}.{name}[{i}]", self.0))
    }
    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One problem, attached to the field that causes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Where in the form.
    pub field: Field,
    /// How bad.
    pub severity: Severity,
    /// A stable identifier (`host.malformed`), for translations and tests.
    pub code: &'static str,
    /// What is wrong, in an operator's words.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

impl Diagnostic {
    /// An error on `field`.
    pub fn error(field: Field, code: &'static str, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Diagnostic { field, severity: Severity::Error, code, message: message.into(), fix: fix.into() }
    }
    /// A warning on `field`.
    pub fn warning(field: Field, code: &'static str, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Diagnostic { field, severity: Severity::Warning, code, message: message.into(), fix: fix.into() }
    }
    /// An informational note on `field`.
    pub fn info(field: Field, code: &'static str, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Diagnostic { field, severity: Severity::Info, code, message: message.into(), fix: fix.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.severity, self.field, self.message)?;
        if !self.fix.is_empty() {
            write!(f, " Fix: {}", self.fix)?;
        }
        Ok(())
    }
}

/// How many characters of a user's value a message quotes ([`clip`], [`quoted`]).
pub const QUOTE_CHARS: usize = 60;

/// `value` as a message may show it: unchanged up to [`QUOTE_CHARS`] characters, else its
/// first [`QUOTE_CHARS`] characters and `…`. A 200,000-character paste is then not
/// echoed back in full, beside the field and again in the problem list.
pub fn clip(value: &str) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(QUOTE_CHARS) {
        None => std::borrow::Cow::Borrowed(value),
        Some((at, _)) => std::borrow::Cow::Owned(format!("{}…", &value[..at])),
    }
}

/// A user's value quoted for a message (`"harbor.example.net"`), [`clip`]ped: every
/// message that quotes what the operator typed goes through this. `"` and `\` are
/// escaped with `\`, tab, newline and carriage return are written `\t`, `\n`, `\r`, and
/// any other character that does not show is written `<U+XXXX>` (`"reg<U+200B>cred"`).
pub fn quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for c in clip(value).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if shows(c) => out.push(c),
            c => out.push_str(&format!("<U+{:04X}>", u32::from(c))),
        }
    }
    out.push('"');
    out
}

/// Whether a character shows when printed: not a control character, not a space other
/// than U+0020, and not an invisible format character (zero width space, joiners,
/// direction marks, byte order mark, soft hyphen).
pub fn shows(c: char) -> bool {
    let invisible = matches!(
        u32::from(c),
        0xAD | 0x61C | 0x180E | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
    );
    !c.is_control() && !invisible && (c == ' ' || !c.is_whitespace())
}

/// A character named for a message: `'_'` for ASCII, `'é' (U+00E9)` for another character
/// that shows, and `U+200B (zero width space)` (or just `U+0085`) for one that does not.
pub fn describe_char(c: char) -> String {
    let code = format!("U+{:04X}", u32::from(c));
    if c.is_ascii_graphic() {
        return format!("'{c}'");
    }
    if c != ' ' && shows(c) {
        return format!("'{c}' ({code})");
    }
    let name = match c {
        ' ' => "space",
        '\0' => "NUL",
        '\t' => "tab",
        '\n' => "newline",
        '\r' => "carriage return",
        '\u{1b}' => "escape",
        '\u{7f}' => "delete",
        '\u{a0}' => "no-break space",
        '\u{ad}' => "soft hyphen",
        '\u{200b}' => "zero width space",
        '\u{200c}' => "zero width non-joiner",
        '\u{200d}' => "zero width joiner",
        '\u{200e}' => "left-to-right mark",
        '\u{200f}' => "right-to-left mark",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{202f}' => "narrow no-break space",
        '\u{2060}' => "word joiner",
        '\u{3000}' => "ideographic space",
        '\u{feff}' => "byte order mark",
        _ => return code,
    };
    format!("{code} ({name})")
}

/// True when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_clipped_when_quoted() {
        assert_eq!(quoted("harbor.example.net"), "\"harbor.example.net\"");
        let exact = "a".repeat(QUOTE_CHARS);
        assert_eq!(clip(&exact), exact.as_str());
        let long = "é".repeat(200_000);
        let q = quoted(&long);
        assert_eq!(q, format!("\"{}…\"", "é".repeat(QUOTE_CHARS)));
        assert_eq!(quoted("a\tb"), "\"a\\tb\"");
    }

    /// Review 12, L8: no Rust escapes (`\u{200b}`, `'\u{200b}'`) in messages.
    #[test]
    fn characters_are_named_without_rust_escapes() {
        assert_eq!(quoted("reg\u{200b}cred"), "\"reg<U+200B>cred\"");
        assert_eq!(quoted("say \"hi\" C:\\x ü 🔑"), "\"say \\\"hi\\\" C:\\\\x ü 🔑\"");
        assert_eq!(quoted("a\u{a0}b\u{1}\n"), "\"a<U+00A0>b<U+0001>\\n\"");
        assert_eq!(describe_char('\u{200b}'), "U+200B (zero width space)");
        assert_eq!(describe_char('\t'), "U+0009 (tab)");
        assert_eq!(describe_char('\u{85}'), "U+0085");
        assert_eq!(describe_char('_'), "'_'");
        assert_eq!(describe_char('é'), "'é' (U+00E9)");
        assert_eq!(describe_char(' '), "U+0020 (space)");
        for c in ['\u{200b}', '\t', 'é', '\u{feff}', '\u{1}'] {
            assert!(!describe_char(c).contains("\\u{") && !quoted(&c.to_string()).contains("\\u{"), "{c:?}");
        }
    }
}
