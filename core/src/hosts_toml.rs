//! TODO: the hosts_toml generator.

use crate::diagnostic::Diagnostic;
use crate::output::OutputFile;
use crate::validate::Checked;

/// Renders this format's files.
pub fn render(_checked: &Checked, _diags: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    Vec::new()
}
