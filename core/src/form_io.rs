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

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the form is not valid {:?}: {}", self.format, self.message)
    }
}

impl std::error::Error for FormError {}

/// Parses a form. Unknown fields are errors, so a typo never silently drops a setting.
pub fn parse_form(text: &str, format: FormFormat) -> Result<Form, FormError> {
    let err = |message: String| FormError { format, message };
    match format {
        FormFormat::Toml => toml_edit::de::from_str(text).map_err(|e| err(e.to_string())),
        FormFormat::Yaml => serde_yaml::from_str(text).map_err(|e| err(e.to_string())),
        FormFormat::Json => serde_json::from_str(text).map_err(|e| err(e.to_string())),
    }
}

/// Writes a form as text in the given format.
pub fn write_form(form: &Form, format: FormFormat) -> String {
    match format {
        FormFormat::Toml => toml_edit::ser::to_string_pretty(form).unwrap_or_default(),
        FormFormat::Yaml => serde_yaml::to_string(form).unwrap_or_default(),
        FormFormat::Json => serde_json::to_string_pretty(form).unwrap_or_default(),
    }
}
