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

/// Orders diagnostics errors first, then warnings, then infos, keeping their order
/// within a severity (what `sort_by_key(|d| Reverse(d.severity))` does). For front ends:
/// the lists are short, and this avoids instantiating the standard library's sort (several
/// KiB of the web page's wasm per call site). Works on `Vec<Diagnostic>` and `Vec<&Diagnostic>`.
pub fn sort_errors_first<D: std::borrow::Borrow<Diagnostic>>(list: &mut [D]) {
    crate::small_sort::sort_by_key(list, |d| std::cmp::Reverse(d.borrow().severity));
}

/// True when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_first_and_stable() {
        let d = |severity, code| Diagnostic {
            field: Field::root("f"),
            severity,
            code,
            message: String::new(),
            fix: String::new(),
        };
        let list = vec![
            d(Severity::Info, "i1"),
            d(Severity::Error, "e1"),
            d(Severity::Warning, "w1"),
            d(Severity::Info, "i2"),
            d(Severity::Error, "e2"),
        ];
        let mut refs: Vec<&Diagnostic> = list.iter().collect();
        sort_errors_first(&mut refs);
        let codes: Vec<&str> = refs.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["e1", "e2", "w1", "i1", "i2"]);
        let mut owned = list.clone();
        sort_errors_first(&mut owned);
        let mut std_sorted = list;
        std_sorted.sort_by_key(|d| std::cmp::Reverse(d.severity));
        assert_eq!(owned, std_sorted);
    }
}
