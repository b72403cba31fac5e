//! `render`: the one entry point from a form to every output.

use crate::diagnostic::Diagnostic;
use crate::form::Form;
use crate::output::Rendered;
use crate::{ca_file, containerd_config, hosts_toml, output, validate};

/// Renders every file the form calls for, with diagnostics attached to fields.
/// Never fails: a half-typed form renders what it can.
pub fn render(form: &Form) -> Rendered {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let checked = validate::check(form, &mut diagnostics);
    let mut files = Vec::new();
    files.extend(containerd_config::render(&checked, &mut diagnostics));
    files.extend(hosts_toml::render(&checked, &mut diagnostics));
    files.extend(ca_file::render(&checked, &mut diagnostics));
    output::check_paths(&files, &mut diagnostics);
    Rendered { files, diagnostics }
}
