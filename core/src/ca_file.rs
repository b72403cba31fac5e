//! The registry's CA certificate file, written where `ca_file` (or its default) points
//! when the form carries the PEM text in `ca_pem`.

use crate::diagnostic::{Diagnostic, Field};
use crate::output::{AfterApply, FileKind, OutputFile, Placement};
use crate::plan;
use crate::validate::{Checked, Style};

/// Renders one CA file per registry with a usable `ca_pem`.
pub fn render(checked: &Checked, diags: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = Vec::new();
    // The other node files: a CA must not land on one of them.
    let mut taken: Vec<String> = vec![crate::containerd_config::NODE_PATH.to_owned()];
    if checked.style == Style::HostsToml {
        taken.extend(checked.registries().map(|(_, _, h)| crate::hosts_toml::node_path(checked, h)));
    }
    for (i, r, host) in checked.registries() {
        if r.ca_pem.trim().is_empty() {
            not_written(checked, i, r, host, diags);
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
        bundle_note(&pem, host, i, diags);
        let node_path = plan::registry_ca_path(checked, r, host);
        if node_path.split('/').any(|p| p == "..") {
            continue; // reported by the rules (path.parent)
        }
        let ns = host.reference();
        // A relative ca_file is relative to the hosts.toml directory.
        let node_path =
            if node_path.starts_with('/') { node_path } else { format!("{}/{ns}/{node_path}", checked.config_path) };
        if taken.contains(&node_path) {
            diags.push(Diagnostic::error(
                Field::registry(i).key("ca_file"),
                "ca_file.collides",
                format!("ca_file {} is where another generated file goes; the CA file is not written.", crate::diagnostic::quoted(&node_path)),
                "Point ca_file at its own file, e.g. <config_path>/<registry>/ca.crt, or leave it empty for that default.",
            ));
            continue;
        }
        if let Some(same) = files.iter().find(|f| f.path == node_path.trim_start_matches('/')) {
            if same.contents != pem {
                diags.push(Diagnostic::error(
                    Field::registry(i).key("ca_file"),
                    "ca_file.collides",
                    format!("Another registry writes a different CA to {node_path:?}; only the first is written."),
                    "Give each CA its own ca_file path (or leave ca_file empty for <config_path>/<registry>/ca.crt).",
                ));
            }
            continue;
        }
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
            placement: Placement::Node,
            sensitive: false,
        });
    }
    mirrors_not_written(checked, &files, diags);
    files
}

/// A mirror's `ca_file`: the form has no PEM for mirrors, so pullfix never writes that file,
/// unless it is the CA a listed registry writes (a Harbor that is also a mirror). A reminder,
/// not a problem: the file may well be on the nodes already. A mirror without a `ca_file`
/// on a listed registry's host uses that registry's CA ([`plan::mirror_with`]) and gets none.
fn mirrors_not_written(checked: &Checked, files: &[OutputFile], diags: &mut Vec<Diagnostic>) {
    if checked.style == Style::V1Mirrors {
        return; // 1.2 has no per-mirror TLS: the rules report a mirror's ca_file there
    }
    for (i, r, host) in checked.registries() {
        for (j, m) in r.mirrors.iter().enumerate() {
            let ca = m.ca_file.trim();
            if ca.is_empty() || m.url.trim_start().to_ascii_lowercase().starts_with("http://") {
                continue;
            }
            // A relative path is relative to the hosts.toml that holds the mirror's table.
            let path = if ca.starts_with('/') || checked.style != Style::HostsToml {
                ca.to_owned()
            } else {
                format!("{}/{}/{ca}", checked.config_path, host.reference())
            };
            if files.iter().any(|f| f.path == path.trim_start_matches('/')) {
                continue;
            }
            diags.push(Diagnostic::info(
                Field::registry(i).index("mirror", j).key("ca_file"),
                "ca_file.mirror-not-written",
                format!(
                    "pullfix does not write the mirror's CA {path:?} (mirrors have no PEM field). Unless it is on every \
                     node, pulls through this mirror fail with `unable to read CA cert ... no such file or directory`."
                ),
                format!(
                    "Copy the mirror's CA to {path} on every node (`sudo install -D -m 0644 ca.crt {}`); or list the \
                     mirror's host as a [[registry]] (a Harbor proxy cache: the Harbor) with its CA in ca_pem and clear \
                     this ca_file: a mirror on a listed registry's host uses that registry's CA.",
                    crate::shell::quote(&path)
                ),
            ));
        }
    }
}

/// A `ca_file` without `ca_pem`: the config points at a file pullfix does not write
/// (`diagnose` prefills exactly this). When it is not on the node, containerd fails every
/// pull from the registry with `unable to read CA cert ...: no such file or directory`.
fn not_written(
    checked: &Checked,
    i: usize,
    r: &crate::form::Registry,
    host: &crate::host::Host,
    diags: &mut Vec<Diagnostic>,
) {
    let ca = r.ca_file.trim();
    // 1.2 has no CA setting and plain HTTP drops TLS: both are reported by the rules.
    if ca.is_empty() || checked.style == Style::V1Mirrors || r.scheme == crate::form::Scheme::Http {
        return;
    }
    let ns = host.reference();
    let path = if ca.starts_with('/') || checked.style != Style::HostsToml {
        ca.to_owned()
    } else {
        format!("{}/{ns}/{ca}", checked.config_path)
    };
    let (file, error) = if checked.style == Style::HostsToml {
        ("The hosts.toml", "unable to read CA cert")
    } else {
        ("The config.toml", "failed to load CA file")
    };
    // Mirrors of other registries on this host use this CA too (plan::mirror_with).
    let users: Vec<String> = checked
        .registries()
        .filter(|(k, _, _)| *k != i)
        .flat_map(|(k, other, _)| {
            checked.mirrors[k].iter().enumerate().filter_map(move |(j, e)| {
                let e = e.as_ref()?;
                let own_ca = other.mirrors.get(j).is_some_and(|m| !m.ca_file.trim().is_empty());
                let uses = !own_ca && plan::tls_registry(checked, k, e, plan::Inherit::AnyRegistry) == Some(i);
                uses.then(|| Field::registry(k).index("mirror", j).as_str().to_owned())
            })
        })
        .collect();
    let through = if users.is_empty() {
        String::new()
    } else {
        format!(" So does every pull through the mirrors on its host ({}).", users.join(", "))
    };
    diags.push(Diagnostic::warning(
        Field::registry(i).key("ca_file"),
        "ca_file.not-written",
        format!(
            "{file} points at the CA {path:?}, but ca_pem is empty, so pullfix does not write that file. Unless it is \
             already on every node, every pull from {ns} fails with `{error} ... no such file or directory`.{through}"
        ),
        format!(
            "Paste the registry's CA certificate (PEM) into ca_pem and pullfix writes {path}; or copy the CA to {path} \
             on every node yourself (`sudo install -D -m 0644 ca.crt {}`).",
            crate::shell::quote(&path)
        ),
    ));
}

/// More certificates than a registry's CA chain has: a CA pasted with the registry's CA
/// and its intermediates is one to three.
pub const BUNDLE_CERTIFICATES: usize = 5;

/// A `ca_pem` with more than [`BUNDLE_CERTIFICATES`] certificates: most likely the
/// system's trust store (`/etc/ssl/certs/ca-certificates.crt`, some 140 public roots),
/// which does not hold a private registry's CA unless someone added it. Still written (a
/// company bundle can be meant), with a warning.
fn bundle_note(pem: &str, host: &crate::host::Host, i: usize, diags: &mut Vec<Diagnostic>) {
    let n = pem.lines().filter(|l| *l == "-----BEGIN CERTIFICATE-----").count();
    if n <= BUNDLE_CERTIFICATES {
        return;
    }
    let connect = match host.port {
        Some(_) => host.reference(),
        None => format!("{}:443", host.name),
    };
    diags.push(Diagnostic::warning(
        Field::registry(i).key("ca_pem"),
        "ca_pem.bundle",
        format!(
            "This is a CA bundle ({n} certificates), like the system's /etc/ssl/certs/ca-certificates.crt; a \
             registry's private CA is usually one certificate. A public bundle does not hold a private CA unless \
             someone added it, so pulls would still fail with `x509: certificate signed by unknown authority`, and \
             every node gets a copy of the whole bundle."
        ),
        format!(
            "Give only the CA that signed the registry's certificate: Harbor's \"Registry Certificate\" download, or \
             the last certificate `openssl s_client -showcerts -connect {} </dev/null` prints. If the registry's \
             certificate is from a public CA, give no CA at all: containerd trusts the system's CAs already.",
            crate::shell::quote(&connect)
        ),
    ));
}

/// Why a `ca_pem` was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PemError {
    /// No `-----BEGIN CERTIFICATE-----` block.
    NoCertificate,
    /// A private key was pasted.
    PrivateKey,
    /// A block of another kind (a certificate request, a public key) was pasted.
    NotACertificate,
    /// A `-----BEGIN` line has no matching `-----END` line.
    EndMissing,
    /// An `-----END` line without its `-----BEGIN`, or with another label.
    EndMismatch,
    /// A block's body is not base64.
    NotBase64,
    /// A block's body is shorter than the certificate it starts: cut off in copying.
    Truncated,
    /// A block's body decodes, but not to one DER certificate.
    NotDer,
}

impl PemError {
    fn code(self) -> &'static str {
        match self {
            PemError::NoCertificate => "ca_pem.no-certificate",
            PemError::PrivateKey => "ca_pem.private-key",
            PemError::NotACertificate => "ca_pem.not-a-certificate",
            PemError::EndMissing | PemError::EndMismatch => "ca_pem.malformed",
            PemError::NotBase64 => "ca_pem.not-base64",
            PemError::Truncated => "ca_pem.truncated",
            PemError::NotDer => "ca_pem.not-der",
        }
    }
    fn message(self) -> &'static str {
        match self {
            PemError::NoCertificate => "This is not a PEM certificate (no -----BEGIN CERTIFICATE----- line); no CA file is written.",
            PemError::PrivateKey => "This contains a PRIVATE KEY. A CA file holds only certificates, and a key must never be spread to nodes; no CA file is written.",
            PemError::NotACertificate => "This PEM block is not a plain CERTIFICATE (a certificate request, a public key, or OpenSSL's TRUSTED CERTIFICATE, which containerd skips); containerd would fail `unable to load CA cert`, so no CA file is written.",
            PemError::EndMissing => "A -----BEGIN CERTIFICATE----- block has no -----END CERTIFICATE----- line: the text was cut off; no CA file is written.",
            PemError::EndMismatch => "An -----END----- line does not match its -----BEGIN CERTIFICATE----- line; no CA file is written.",
            PemError::NotBase64 => "The certificate's body is not base64 (a changed or extra character, or two blocks run together); containerd would fail `unable to load CA cert`, so no CA file is written.",
            PemError::Truncated => "The certificate is truncated: its body is shorter than the certificate it starts (lines lost in copying); containerd would fail `unable to load CA cert`, so no CA file is written.",
            PemError::NotDer => "The certificate's body decodes, but not to one certificate (its length fields do not match the data); containerd would fail `unable to load CA cert`, so no CA file is written.",
        }
    }
    fn fix(self) -> &'static str {
        match self {
            PemError::PrivateKey => "Paste only the CA certificate: the -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- block(s).",
            PemError::NotACertificate => "Paste the CA's certificate (-----BEGIN CERTIFICATE-----), not its request or key: e.g. Harbor's \"Registry Certificate\" download; `openssl x509 -in ca.pem -out ca.crt` turns a TRUSTED CERTIFICATE into one.",
            _ => "Paste the whole CA certificate again, every line from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE----- (e.g. `cat ca.crt`, `openssl s_client -showcerts -connect host:port` or Harbor's \"Registry Certificate\" download); `openssl x509 -noout -subject -in ca.crt` checks it.",
        }
    }
}

/// Checks that `text` is one or more PEM certificates and returns them normalised:
/// LF line ends, no blank or surrounding lines, a final newline.
///
/// Each block's body must be base64 of one complete DER SEQUENCE whose length fields
/// match the data (the shape of an X.509 certificate; its contents are not parsed).
pub fn normalize_pem(text: &str) -> Result<String, PemError> {
    let mut out = String::with_capacity(text.len());
    // The open block's label and body.
    let mut open: Option<&str> = None;
    let mut body = String::new();
    let mut blocks = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            continue;
        }
        if let Some(label) = line.strip_prefix("-----BEGIN ").and_then(|l| l.strip_suffix("-----")) {
            if open.is_some() {
                return Err(PemError::EndMissing);
            }
            if label.contains("PRIVATE KEY") {
                return Err(PemError::PrivateKey);
            }
            // Go's AppendCertsFromPEM, which containerd uses, skips every other label
            // (OpenSSL's TRUSTED CERTIFICATE too).
            if label != "CERTIFICATE" {
                return Err(PemError::NotACertificate);
            }
            open = Some(label);
            body.clear();
        } else if let Some(label) = line.strip_prefix("-----END ").and_then(|l| l.strip_suffix("-----")) {
            if open != Some(label) {
                return Err(PemError::EndMismatch);
            }
            check_body(&body)?;
            open = None;
            blocks += 1;
        } else if open.is_some() {
            if !line.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')) {
                return Err(PemError::NotBase64);
            }
            body.push_str(line);
        } else {
            // Text outside blocks (openssl's "subject=" lines) is dropped.
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if open.is_some() {
        return Err(PemError::EndMissing);
    }
    if blocks == 0 {
        return Err(PemError::NoCertificate);
    }
    Ok(out)
}

/// A block's base64 body: one complete DER SEQUENCE of SEQUENCE, SEQUENCE, BIT STRING
/// (tbsCertificate, signatureAlgorithm, signature).
fn check_body(body: &str) -> Result<(), PemError> {
    use base64::Engine as _;
    if body.is_empty() {
        return Err(PemError::Truncated);
    }
    let der = match base64::engine::general_purpose::STANDARD.decode(body) {
        Ok(d) => d,
        // A body cut off mid-line leaves a length that is no multiple of 4.
        Err(base64::DecodeError::InvalidPadding | base64::DecodeError::InvalidLength(_)) if !body.contains('=') => {
            return Err(PemError::Truncated)
        }
        Err(_) => return Err(PemError::NotBase64),
    };
    // Not a SEQUENCE at all: no length below can be trusted to mean "cut off".
    if der.first() != Some(&0x30) {
        return Err(PemError::NotDer);
    }
    let (_, content, rest) = der_element(&der)?;
    if !rest.is_empty() {
        return Err(PemError::NotDer);
    }
    let mut inner = content;
    let mut tags = [0u8; 3];
    for t in &mut tags {
        if inner.is_empty() {
            return Err(PemError::NotDer);
        }
        let (tag, _, rest) = der_element(inner)?;
        *t = tag;
        inner = rest;
    }
    if !inner.is_empty() || tags != [0x30, 0x30, 0x03] {
        return Err(PemError::NotDer);
    }
    Ok(())
}

/// Splits one DER element off `data`: its tag, its content, and what follows. An element
/// whose length runs past the data is [`PemError::Truncated`].
fn der_element(data: &[u8]) -> Result<(u8, &[u8], &[u8]), PemError> {
    let (&tag, rest) = data.split_first().ok_or(PemError::Truncated)?;
    let (&first, rest) = rest.split_first().ok_or(PemError::Truncated)?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        // Indefinite lengths (0x80) are not DER; certificates never need more than 4 bytes.
        if n == 0 || n > 4 {
            return Err(PemError::NotDer);
        }
        if rest.len() < n {
            return Err(PemError::Truncated);
        }
        let (bytes, rest) = rest.split_at(n);
        (bytes.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b)), rest)
    };
    if rest.len() < len {
        return Err(PemError::Truncated);
    }
    let (content, rest) = rest.split_at(len);
    Ok((tag, content, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real certificate (`openssl x509 -noout -subject`: CN = Example Harbor CA).
    const REAL: &str = include_str!("../../tests/fixtures/certs/example-harbor-ca.pem");

    fn lines(n: usize) -> String {
        // The first `n` lines of REAL, then its END line.
        let mut s: String = REAL.lines().take(n).map(|l| format!("{l}\n")).collect();
        s.push_str("-----END CERTIFICATE-----\n");
        s
    }

    #[test]
    fn a_mirror_ca_is_a_reminder_unless_a_listed_registry_writes_it() {
        let reminders = |harbor_pem: &str, mirror_ca: &str| {
            let form = format!(
                "[[registry]]\nhost = \"harbor.example.net\"\nca_pem = '''{harbor_pem}'''\n\
                 [[registry]]\nhost = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://harbor.example.net/v2/hub\"\n\
                 override_path = true\nca_file = \"{mirror_ca}\"\n"
            );
            let form = crate::form_io::parse_form(&form, crate::form_io::FormFormat::Toml).expect("form");
            let out = crate::render(&form);
            let codes = out.diagnostics.iter().filter(|d| d.code == "ca_file.mirror-not-written");
            codes.map(|d| d.field.to_string()).collect::<Vec<_>>()
        };
        let harbor_ca = "/etc/containerd/certs.d/harbor.example.net/ca.crt";
        // Harbor is listed with its CA: the mirror's ca_file is that very file.
        assert_eq!(reminders(REAL, harbor_ca), Vec::<String>::new());
        // Harbor listed without its PEM, or the mirror's CA elsewhere: nothing writes that file.
        assert_eq!(reminders("", harbor_ca), vec!["registry[1].mirror[0].ca_file"]);
        assert_eq!(reminders(REAL, "/etc/pki/other.crt"), vec!["registry[1].mirror[0].ca_file"]);
    }

    #[test]
    fn pem_is_normalised() {
        let crlf = REAL.replace('\n', "\r\n");
        let text = format!("subject=CN = Example Harbor CA\n\n{crlf}\n  \n");
        assert_eq!(normalize_pem(&text), Ok(REAL.to_owned()));
        // A bundle of two.
        let two = format!("{REAL}{REAL}");
        assert_eq!(normalize_pem(&two), Ok(two.clone()));
    }

    #[test]
    fn pem_errors() {
        assert_eq!(normalize_pem("hello"), Err(PemError::NoCertificate));
        assert_eq!(
            normalize_pem("-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----"),
            Err(PemError::PrivateKey)
        );
        assert_eq!(
            normalize_pem(&format!("{REAL}-----BEGIN EC PRIVATE KEY-----\nAA\n-----END EC PRIVATE KEY-----\n")),
            Err(PemError::PrivateKey)
        );
        for label in ["CERTIFICATE REQUEST", "PUBLIC KEY", "TRUSTED CERTIFICATE"] {
            let text = REAL.replace("CERTIFICATE-----", &format!("{label}-----"));
            assert_eq!(normalize_pem(&text), Err(PemError::NotACertificate), "{label}");
        }
        // No END line: cut off in copying.
        assert_eq!(normalize_pem("-----BEGIN CERTIFICATE-----\nAA"), Err(PemError::EndMissing));
        let no_end = REAL.replace("-----END CERTIFICATE-----\n", "");
        assert_eq!(normalize_pem(&no_end), Err(PemError::EndMissing));
        assert_eq!(normalize_pem(&format!("{no_end}{REAL}")), Err(PemError::EndMissing));
        // END of another kind, or without BEGIN.
        let other_end = REAL.replace("-----END CERTIFICATE-----", "-----END X509 CRL-----");
        assert_eq!(normalize_pem(&other_end), Err(PemError::EndMismatch));
        assert_eq!(normalize_pem(&format!("-----END CERTIFICATE-----\n{REAL}")), Err(PemError::EndMismatch));
        // Not base64.
        assert_eq!(
            normalize_pem("-----BEGIN CERTIFICATE-----\nA\"A\n-----END CERTIFICATE-----"),
            Err(PemError::NotBase64)
        );
        let padded_inside = REAL.replacen("MIIBjTCC", "MIIBjT==", 1);
        assert_eq!(normalize_pem(&padded_inside), Err(PemError::NotBase64));
    }

    #[test]
    fn truncated_bodies_are_caught() {
        // The review's case: a body cut after 23 characters.
        assert_eq!(
            normalize_pem("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ4z\n-----END CERTIFICATE-----\n"),
            Err(PemError::Truncated)
        );
        // Whole lines lost: the base64 decodes, the DER length says more.
        for n in 1..10 {
            assert_eq!(normalize_pem(&lines(n)), Err(PemError::Truncated), "{n} lines");
        }
        assert_eq!(normalize_pem(&lines(10)), Ok(REAL.to_owned()));
        // Cut in the middle of the last line.
        let cut = REAL.replace("3OhobYBLqc8g8DLTJ3FaG2o=", "3OhobYBLqc8g");
        assert_eq!(normalize_pem(&cut), Err(PemError::Truncated));
        assert_eq!(normalize_pem("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"), Err(PemError::Truncated));
    }

    #[test]
    fn bodies_that_are_not_one_certificate() {
        // Extra bytes after the certificate.
        let extra = REAL.replace("3OhobYBLqc8g8DLTJ3FaG2o=", "3OhobYBLqc8g8DLTJ3FaG2oA");
        assert_eq!(normalize_pem(&extra), Err(PemError::NotDer));
        // base64 of something else.
        assert_eq!(
            normalize_pem("-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n"),
            Err(PemError::NotDer)
        );
        // A SEQUENCE whose elements are not tbsCertificate, algorithm, signature.
        assert_eq!(
            normalize_pem("-----BEGIN CERTIFICATE-----\nMAYCAQECAQI=\n-----END CERTIFICATE-----\n"),
            Err(PemError::NotDer)
        );
    }

    #[test]
    fn a_bundle_of_more_than_five_certificates_gets_a_warning() {
        let bundle = |n: usize| {
            let form = format!("[[registry]]\nhost = \"harbor.example.net\"\nca_pem = '''{}'''\n", REAL.repeat(n));
            let form = crate::form_io::parse_form(&form, crate::form_io::FormFormat::Toml).expect("form");
            let out = crate::render(&form);
            let d: Vec<_> = out.diagnostics.into_iter().filter(|d| d.code == "ca_pem.bundle").collect();
            let written = out.files.iter().any(|f| f.path.ends_with("harbor.example.net/ca.crt"));
            (d, written)
        };
        for n in [1, 2, BUNDLE_CERTIFICATES] {
            let (d, written) = bundle(n);
            assert!(d.is_empty() && written, "{n}: {d:?}");
        }
        let (d, written) = bundle(140);
        assert!(written, "the bundle is still written");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].field.as_str(), d[0].severity), ("registry[0].ca_pem", crate::Severity::Warning));
        assert!(d[0].message.contains("CA bundle (140 certificates)"), "{:?}", d[0]);
        assert!(
            d[0].fix.contains("openssl s_client -showcerts -connect harbor.example.net:443 </dev/null"),
            "{:?}",
            d[0]
        );
        assert_eq!(bundle(BUNDLE_CERTIFICATES + 1).0.len(), 1);
    }

    #[test]
    fn der_lengths() {
        assert_eq!(der_element(&[0x30, 0x00]), Ok((0x30, &[][..], &[][..])));
        assert_eq!(der_element(&[0x30, 0x81, 0x01, 0xaa, 0xbb]), Ok((0x30, &[0xaa][..], &[0xbb][..])));
        assert_eq!(der_element(&[0x30, 0x82, 0x01]), Err(PemError::Truncated));
        assert_eq!(der_element(&[0x30, 0x80]), Err(PemError::NotDer));
        assert_eq!(der_element(&[0x30, 0x85, 1, 1, 1, 1, 1]), Err(PemError::NotDer));
        assert_eq!(der_element(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), Err(PemError::Truncated));
        assert_eq!(der_element(&[0x30]), Err(PemError::Truncated));
    }
}
