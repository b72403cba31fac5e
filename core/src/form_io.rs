//! Reading and writing forms as TOML, YAML or JSON text.

use std::fmt;

use crate::form::Form;

/// A form file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormFormat {
    /// `.toml`
    Toml,
    /// `.yaml` / `.yml`
    Yaml,
    /// `.json`
    Json,
}

impl FormFormat {
    /// Guesses the format from a file name; TOML when the extension says nothing.
    pub fn from_path(path: &str) -> FormFormat {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".json") {
            FormFormat::Json
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            FormFormat::Yaml
        } else {
            FormFormat::Toml
        }
    }
}

/// A form that could not be read: the parser's message, with line and column where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// The format that was parsed.
    pub format: FormFormat,
    /// The parser's message (it names the unknown or mistyped field).
    pub message: String,
}

impl FormFormat {
    /// The format's name as its users write it.
    pub fn name(self) -> &'static str {
        match self {
            FormFormat::Toml => "TOML",
            FormFormat::Yaml => "YAML",
            FormFormat::Json => "JSON",
        }
    }
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The parser reports a field pullfix does not know and a value of the wrong type
        // the same way as a syntax error; the file is valid TOML (YAML, JSON) then.
        let format = self.format.name();
        if self.message.contains("unknown field") {
            write!(f, "the {format} form has a field pullfix does not know: {}", self.message)
        } else if ["invalid type", "invalid value", "expected a whole number"].iter().any(|m| self.message.contains(m))
        {
            write!(f, "the {format} form has a value of the wrong type: {}", self.message)
        } else {
            write!(f, "the form is not valid {format}: {}", self.message)
        }
    }
}

impl std::error::Error for FormError {}

/// Parses a form. Unknown fields are errors, so a typo never silently drops a setting.
pub fn parse_form(text: &str, format: FormFormat) -> Result<Form, FormError> {
    let err = |message: String, at: Option<usize>| FormError { format, message: plain_types(&message, text, at) };
    match format {
        FormFormat::Toml => toml_edit::de::from_str(text).map_err(|e| err(e.to_string(), e.span().map(|s| s.start))),
        // serde_yaml names the field's path itself.
        FormFormat::Yaml => serde_yaml::from_str(text).map_err(|e| err(e.to_string(), None)),
        FormFormat::Json => serde_json::from_str(text).map_err(|e| {
            let at = offset_of(text, e.line(), e.column());
            err(e.to_string(), at)
        }),
    }
}

/// serde names the expected Rust type (`expected u32`); the message says the range instead,
/// and the field when `at` (the byte offset of the value) finds its key.
fn plain_types(message: &str, text: &str, at: Option<usize>) -> String {
    const RANGES: [(&str, &str); 6] = [
        ("u8", "0 to 255"),
        ("u16", "0 to 65535"),
        ("u32", "0 to 4294967295"),
        ("u64", "0 to 18446744073709551615"),
        ("i32", "-2147483648 to 2147483647"),
        ("i64", "-9223372036854775808 to 9223372036854775807"),
    ];
    let mut out = message.to_owned();
    for (ty, range) in RANGES {
        let needle = format!("expected {ty}");
        let Some(pos) = out.find(&needle) else { continue };
        // Only the type name itself (`expected u32`, not `expected u32s`).
        if out[pos + needle.len()..].chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let field = at.and_then(|at| key_before(text, at)).map(|k| format!(" for {k}")).unwrap_or_default();
        out.replace_range(pos..pos + needle.len(), &format!("expected a whole number from {range}{field}"));
    }
    out
}

/// The byte offset of 1-based `line` and `column` (serde_json's position, on or after the value).
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text.split_inclusive('\n').take(line.checked_sub(1)?).map(str::len).sum();
    let end = (start + column).min(text.len());
    text.is_char_boundary(end).then_some(end)
}

/// The key of the value at or just before byte `at`: `sync_seconds` in
/// `sync_seconds = 99` (TOML: `at` is the value's start) and in `"sync_seconds": "60"`
/// (JSON: `at` is after the value). `None` when the text there is not that shape.
fn key_before(text: &str, at: usize) -> Option<String> {
    let mut before = text.get(..at)?.trim_end();
    if let Some(inner) = before.strip_suffix('"') {
        before = &inner[..inner.rfind('"')?];
    } else {
        before = before.trim_end_matches(|c: char| !matches!(c, ',' | ':' | '=' | '{' | '[') && !c.is_whitespace());
    }
    let key = before.trim_end().strip_suffix([':', '='])?.trim_end();
    let key = match key.strip_suffix('"') {
        Some(k) => &k[k.rfind('"')? + 1..],
        None => {
            let start =
                key.rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.')).map_or(0, |i| i + 1);
            &key[start..]
        }
    };
    let key = key.rsplit('.').next().unwrap_or(key);
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')).then(|| key.to_owned())
}

/// Writes a form as text in the given format.
pub fn write_form(form: &Form, format: FormFormat) -> String {
    match format {
        FormFormat::Toml => toml_edit::ser::to_string_pretty(form).unwrap_or_default(),
        FormFormat::Yaml => serde_yaml::to_string(form).unwrap_or_default(),
        FormFormat::Json => serde_json::to_string_pretty(form).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Review 12, L8: no Rust type names (`expected u32`) and no `Toml`: the range, the
    /// field and the format's own name.
    #[test]
    fn integer_errors_name_the_field_and_the_range() {
        let toml = "containerd = \"1.7\"\n[rollout]\ndaemonset = true\nsync_seconds = 99999999999999\n";
        let e = parse_form(toml, FormFormat::Toml).unwrap_err().to_string();
        assert!(e.starts_with("the TOML form has a value of the wrong type: "), "{e}");
        assert!(e.contains("expected a whole number from 0 to 4294967295 for sync_seconds"), "{e}");
        assert!(!e.contains("u32"), "{e}");
        let json = r#"{"containerd":"1.7","rollout":{"daemonset":true,"sync_seconds":"6:0"}}"#;
        let e = parse_form(json, FormFormat::Json).unwrap_err().to_string();
        assert!(e.contains("expected a whole number from 0 to 4294967295 for sync_seconds"), "{e}");
        let json = "{\"rollout\": {\"sync_seconds\": -1}}";
        let e = parse_form(json, FormFormat::Json).unwrap_err().to_string();
        assert!(e.contains("integer `-1`, expected a whole number from 0 to 4294967295 for sync_seconds"), "{e}");
        let yaml = "rollout:\n  sync_seconds: 1.5\n";
        let e = parse_form(yaml, FormFormat::Yaml).unwrap_err().to_string();
        assert!(e.starts_with("the YAML form has a value of the wrong type: rollout.sync_seconds: "), "{e}");
        assert!(e.contains("expected a whole number from 0 to 4294967295"), "{e}");
        assert!(!e.contains("u32"), "{e}");
    }

    /// Review 13, D9: a valid file with a field pullfix does not know is not "not valid TOML".
    #[test]
    fn unknown_fields_and_syntax_errors_are_told_apart() {
        let e = parse_form("containerd = \"1.7\"\nregistryy = 1\n", FormFormat::Toml).unwrap_err().to_string();
        assert!(e.starts_with("the TOML form has a field pullfix does not know: "), "{e}");
        assert!(e.contains("unknown field `registryy`"), "{e}");
        let e = parse_form("containerd = \"1.7\n", FormFormat::Toml).unwrap_err().to_string();
        assert!(e.starts_with("the form is not valid TOML: "), "{e}");
        let e = parse_form("{\"registryy\": 1}", FormFormat::Json).unwrap_err().to_string();
        assert!(e.starts_with("the JSON form has a field pullfix does not know: "), "{e}");
    }

    #[test]
    fn key_before_finds_only_a_key() {
        assert_eq!(key_before("a = 1", 4).as_deref(), Some("a"));
        assert_eq!(key_before("x.y = 1", 6).as_deref(), Some("y"));
        let j = "{\"k\": \"v:w\"";
        assert_eq!(key_before(j, j.len()).as_deref(), Some("k"));
        assert_eq!(key_before("[1, 2", 5), None);
        assert_eq!(key_before("", 0), None);
        assert_eq!(key_before("é", 1), None);
    }
}
