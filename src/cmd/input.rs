//! Reading what the subcommands take in: text files, standard input, the form.

use std::io::{IsTerminal as _, Read};
use std::path::Path;

use anyhow::Context;
use pullfix_core::form_io::{parse_form, FormFormat};
use pullfix_core::Form;

/// A file's text, invalid UTF-8 replaced (error logs and node files are read, not edited).
pub fn read_lossy(path: &Path) -> std::io::Result<String> {
    std::fs::read(path).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The text of `path`, or of standard input when it is `-` or not given; invalid UTF-8
/// replaced. Reading a terminal, `hint` is printed on stderr first (else the command
/// seems to hang).
pub fn read_input(path: Option<&Path>, hint: &str) -> anyhow::Result<String> {
    match path {
        Some(p) if p.as_os_str() != "-" => read_lossy(p).with_context(|| format!("cannot read {}", p.display())),
        _ => {
            if std::io::stdin().is_terminal() {
                eprintln!("{hint}");
            }
            let mut b = Vec::new();
            std::io::stdin().read_to_end(&mut b).context("cannot read standard input")?;
            Ok(String::from_utf8_lossy(&b).into_owned())
        }
    }
}

/// The form in `path` (TOML, YAML or JSON by extension; `-` reads TOML from standard input).
/// `Ok(Err(_))` is a form that does not parse, with the path in the message.
pub fn read_form(path: &str) -> anyhow::Result<Result<Form, String>> {
    let (text, format) = if path == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).context("reading the form from stdin")?;
        (s, FormFormat::Toml)
    } else {
        (
            std::fs::read_to_string(path).with_context(|| format!("reading the form {path}"))?,
            FormFormat::from_path(path),
        )
    };
    if text.trim().is_empty() {
        let what = if path == "-" { "standard input was empty" } else { "the file is empty" };
        eprintln!(
            "warning: {path}: the form is empty ({what}), so only the defaults are used: no registry. Fix: Check the \
             path, or the command before the pipe."
        );
    }
    Ok(parse_form(&text, format).map_err(|e| format!("{path}: {e}")))
}
