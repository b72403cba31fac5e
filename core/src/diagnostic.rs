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

/// A user's value quoted for a message (`"harbor.example.net"`, escapes as Rust's `{:?}`),
/// [`clip`]ped: every message that quotes what the operator typed goes through this.
pub fn quoted(value: &str) -> String {
    format!("{:?}", clip(value))
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
}
