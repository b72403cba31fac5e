//! The sandbox (pause) image: the kubelet never sends pull Secrets for it.

use crate::diagnostic::{Diagnostic, Field};
use crate::host::HostKind;
use crate::validate::Checked;

/// The registry an image reference names (`docker.io` when it names none);
/// `None` when the reference is malformed.
pub fn image_registry(image: &str) -> Option<String> {
    let image = image.trim();
    if image.is_empty()
        || image.contains("://")
        || image.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\\' | '\''))
    {
        return None;
    }
    match image.split_once('/') {
        Some((first, rest)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            if rest.is_empty() {
                None
            } else {
                Some(first.to_owned())
            }
        }
        _ => Some(crate::host::DOCKER_HUB.to_owned()),
    }
}

/// The sandbox image: well formed, and reachable without imagePullSecrets.
pub(super) fn check(c: &Checked, d: &mut Vec<Diagnostic>) {
    let image = c.form.sandbox_image.trim();
    if image.is_empty() {
        return;
    }
    let field = Field::root("sandbox_image");
    let Some(reg) = image_registry(image) else {
        d.push(Diagnostic::error(
            field,
            "sandbox_image.malformed",
            format!("{image:?} is not an image reference; it is left out."),
            "Write it as images are named, e.g. registry.k8s.io/pause:3.10 or harbor.example.net/library/pause:3.10.",
        ));
        return;
    };
    let matched = c
        .registries()
        .find(|(_, _, h)| h.reference() == reg)
        .or_else(|| c.registries().find(|(_, _, h)| h.kind == HostKind::Default));
    if let Some((i, r, _)) = matched {
        if r.has_credentials() && !r.node_auth {
            d.push(Diagnostic::error(
                field,
                "sandbox_image.needs-node-auth",
                format!("The sandbox image comes from {reg}, which needs credentials, but the kubelet never sends imagePullSecrets for the pause image: every pod would fail with \"failed to get sandbox image\"."),
                format!("Set node_auth = true on registry[{i}] so containerd itself logs in, or use a public pause image (e.g. registry.k8s.io/pause or a public mirror)."),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_registries() {
        assert_eq!(image_registry("pause:3.2").as_deref(), Some("docker.io"));
        assert_eq!(image_registry("library/pause").as_deref(), Some("docker.io"));
        assert_eq!(image_registry("registry.k8s.io/pause:3.10").as_deref(), Some("registry.k8s.io"));
        assert_eq!(image_registry("10.50.1.104:5000/k/pause:3.6").as_deref(), Some("10.50.1.104:5000"));
        assert_eq!(image_registry("localhost/pause").as_deref(), Some("localhost"));
        assert_eq!(image_registry("https://x/pause"), None);
        assert_eq!(image_registry("a b"), None);
        assert_eq!(image_registry(""), None);
    }
}
