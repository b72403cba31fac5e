//! The registry's CA certificate file, written where `ca_file` (or its default) points
//! when the form carries the PEM text in `ca_pem`.

use crate::diagnostic::{Diagnostic, Field};
use crate::output::{AfterApply, FileKind, OutputFile};
use crate::plan;
use crate::validate::{Checked, Style};

/// Renders one CA file per registry with a usable `ca_pem`.
pub fn render(checked: &Checked, diags: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for (i, r, host) in checked.registries() {
        if r.ca_pem.trim().is_empty() {
            continue;
        }
        let field = Field::registry(i).key("ca_pem");
        let pem = match normalize_pem(&r.ca_pem) {
            Ok(p) => p,
            Err(e) => {
                diags.push(Diagnostic::error(field, e.code(), e.message(), e.fix()));
                continue;
            }
        };
        let node_path = plan::registry_ca_path(checked, r, host);
        if node_path.split('/').any(|p| p == "..") {
            continue; // reported by the rules (path.parent)
        }
        let ns = host.reference();
        // A relative ca_file is relative to the hosts.toml directory.
        let node_path =
            if node_path.starts_with('/') { node_path } else { format!("{}/{ns}/{node_path}", checked.config_path) };
        let (instructions, after) = if checked.style == Style::V1Mirrors {
            (
                format!(
                    "Save as {node_path} on every node, run `sudo update-ca-certificates`, then `sudo systemctl restart containerd` \
                     (containerd 1.2 trusts only the system store)."
                ),
                AfterApply::RestartContainerd,
            )
        } else {
            (
                format!(
                    "Save as {node_path} on every node (mode 0644). containerd reads it on the next pull from {ns}; \
                     check it with `openssl x509 -noout -subject -enddate -in {}`.",
                    crate::shell::quote(&node_path)
                ),
                AfterApply::NothingPickedUpOnPull,
            )
        };
        files.push(OutputFile {
            path: node_path.trim_start_matches('/').to_owned(),
            contents: pem,
            kind: FileKind::Certificate,
            title: format!("CA certificate for {ns}"),
            instructions,
            after,
            sensitive: false,
        });
    }
    files
}

/// Why a `ca_pem` was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PemError {
    /// No `-----BEGIN CERTIFICATE-----` block.
    NoCertificate,
    /// A private key was pasted.
    PrivateKey,
    /// A block is not closed, or its body is not base64.
    Malformed,
}

impl PemError {
    fn code(self) -> &'static str {
        match self {
            PemError::NoCertificate => "ca_pem.no-certificate",
            PemError::PrivateKey => "ca_pem.private-key",
            PemError::Malformed => "ca_pem.malformed",
        }
    }
    fn message(self) -> &'static str {
        match self {
            PemError::NoCertificate => "This is not a PEM certificate (no -----BEGIN CERTIFICATE----- line); no CA file is written.",
            PemError::PrivateKey => "This contains a PRIVATE KEY. A CA file holds only certificates, and a key must never be spread to nodes; no CA file is written.",
            PemError::Malformed => "The PEM text is damaged (a block is not closed, or its body is not base64); no CA file is written.",
        }
    }
    fn fix(self) -> &'static str {
        match self {
            PemError::PrivateKey => "Paste only the CA certificate: the -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- block(s).",
            _ => "Paste the CA certificate from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE----- (e.g. `openssl s_client -showcerts -connect host:port` or Harbor's \"Registry Certificate\" download).",
        }
    }
}

/// Checks that `text` is one or more PEM certificates and returns them normalised:
/// LF line ends, no blank or surrounding lines, a final newline.
pub fn normalize_pem(text: &str) -> Result<String, PemError> {
    let mut out = String::with_capacity(text.len());
    let mut in_block = false;
    let mut blocks = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            continue;
        }
        if let Some(label) = line.strip_prefix("-----BEGIN ").and_then(|l| l.strip_suffix("-----")) {
            if in_block {
                return Err(PemError::Malformed);
            }
            if label.contains("PRIVATE KEY") {
                return Err(PemError::PrivateKey);
            }
            if label != "CERTIFICATE" && label != "TRUSTED CERTIFICATE" {
                return Err(PemError::NoCertificate);
            }
            in_block = true;
        } else if let Some(label) = line.strip_prefix("-----END ").and_then(|l| l.strip_suffix("-----")) {
            if !in_block || !label.ends_with("CERTIFICATE") {
                return Err(PemError::Malformed);
            }
            in_block = false;
            blocks += 1;
        } else if in_block {
            if !line.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')) {
                return Err(PemError::Malformed);
            }
        } else {
            // Text outside blocks (openssl's "subject=" lines) is dropped.
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if in_block {
        return Err(PemError::Malformed);
    }
    if blocks == 0 {
        return Err(PemError::NoCertificate);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = "-----BEGIN CERTIFICATE-----\r\nMIIBszCCAVmgAwIBAgIU\r\nAAAA==\r\n-----END CERTIFICATE-----\r\n";

    #[test]
    fn pem_is_normalised() {
        let text = format!("subject=CN = x\n\n{PEM}");
        assert_eq!(
            normalize_pem(&text),
            Ok("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\nAAAA==\n-----END CERTIFICATE-----\n".into())
        );
    }

    #[test]
    fn pem_errors() {
        assert_eq!(normalize_pem("hello"), Err(PemError::NoCertificate));
        assert_eq!(
            normalize_pem("-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----"),
            Err(PemError::PrivateKey)
        );
        assert_eq!(normalize_pem("-----BEGIN CERTIFICATE-----\nAA"), Err(PemError::Malformed));
        assert_eq!(
            normalize_pem("-----BEGIN CERTIFICATE-----\nA\"A\n-----END CERTIFICATE-----"),
            Err(PemError::Malformed)
        );
    }
}
