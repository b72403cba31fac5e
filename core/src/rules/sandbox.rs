//! The sandbox (pause) image: the kubelet never sends pull Secrets for it.

use crate::diagnostic::{Diagnostic, Field};
use crate::host::HostKind;
use crate::image_ref::{corrected_reference, parse_reference, ReferenceError};
use crate::validate::Checked;

/// The registry an image reference names (`docker.io` when it names none); `None` when
/// containerd's CRI would reject the reference ([`crate::image_ref::parse_reference`]).
pub fn image_registry(image: &str) -> Option<String> {
    parse_reference(image.trim()).ok().map(|r| r.domain)
}

/// The sandbox image: well formed, and reachable without imagePullSecrets.
pub(super) fn check(c: &Checked, d: &mut Vec<Diagnostic>) {
    let image = c.form.sandbox_image.trim();
    let field = Field::root("sandbox_image");
    if image.is_empty() {
        default_image(c, field, d);
        return;
    }
    let reg = match parse_reference(image) {
        Ok(r) => r.domain,
        Err(e) => {
            let fix = match (corrected_reference(image, e), e) {
                (Some(fixed), _) => format!("Write it as {fixed}."),
                (
                    None,
                    ReferenceError::DigestFormat | ReferenceError::DigestAlgorithm | ReferenceError::DigestLength { .. },
                ) => "Copy the image's full digest (sha256: and 64 hex digits, e.g. from `crane digest <image>`), or drop the @digest and pin a tag.".to_owned(),
                _ => "Write it as images are named, e.g. registry.k8s.io/pause:3.10 or harbor.example.net/library/pause:3.10.".to_owned(),
            };
            d.push(Diagnostic::error(
                field,
                "sandbox_image.malformed",
                format!("sandbox_image {} is not an image reference containerd accepts: {e}. No pod could start with it, so it is left out.", crate::diagnostic::quoted(image)),
                fix,
            ));
            return;
        }
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

/// An empty sandbox image on a containerd 1.2–1.6 node configured by hand: containerd
/// pulls its own default from k8s.gcr.io (registry.k8s.io from 1.6.20), which nodes
/// without that access cannot reach (STORY step 6). Other flavours set their own.
fn default_image(c: &Checked, field: Field, d: &mut Vec<Diagnostic>) {
    let t = c.target;
    if c.form.flavor != crate::flavor::Flavor::Kubeadm || t.major != 1 || t.minor > 6 {
        return;
    }
    let version = match t.patch {
        Some(p) => format!("{}.{}.{p}", t.major, t.minor),
        None => format!("{}.{}", t.major, t.minor),
    };
    let default = match (t.minor, t.patch) {
        (6, None) => "k8s.gcr.io/pause:3.6 (registry.k8s.io/pause:3.6 from 1.6.20)".to_owned(),
        _ => t.default_pause_image().to_owned(),
    };
    d.push(Diagnostic::info(
        field,
        "sandbox_image.default",
        format!("With sandbox_image empty, containerd {version} pulls its own default pause image, {default}, for every pod; the kubelet sends no pull Secret for it."),
        "If the nodes cannot reach k8s.gcr.io or registry.k8s.io, set a mirror they can reach here (e.g. your registry's copy of the same pause image); otherwise every pod fails with \"failed to get sandbox image\".",
    ));
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
        assert_eq!(image_registry("harbor.example.net/Lib/pause:3.9"), None);
        assert_eq!(image_registry("registry.k8s.io/pause:3.9@sha256:abc"), None);
        assert_eq!(image_registry(" index.docker.io/library/pause:3.9 ").as_deref(), Some("docker.io"));
    }

    fn sandbox_diagnostics(image: &str) -> Vec<Diagnostic> {
        let form = crate::form::Form { sandbox_image: image.into(), ..crate::form::Form::default() };
        let mut d = Vec::new();
        crate::validate::check(&form, &mut d);
        d.into_iter().filter(|d| d.field.as_str() == "sandbox_image").collect()
    }

    #[test]
    fn references_containerd_rejects_are_errors_with_the_corrected_form() {
        let d = sandbox_diagnostics("harbor.example.net/Lib/pause:3.9");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].code, d[0].severity), ("sandbox_image.malformed", crate::diagnostic::Severity::Error));
        assert!(d[0].message.contains("sandbox_image") && d[0].message.contains("lowercase"), "{}", d[0].message);
        assert_eq!(d[0].fix, "Write it as harbor.example.net/lib/pause:3.9.");
        let d = sandbox_diagnostics("registry.k8s.io/pause:3.9@sha256:abc");
        assert!(d[0].message.contains("64 hex digits, this one has 3"), "{}", d[0].message);
        assert_eq!(d[0].fix, "Write it as registry.k8s.io/pause:3.9.");
        let d = sandbox_diagnostics("registry.k8s.io/pause@sha256:abc");
        assert!(d[0].fix.contains("full digest"), "{}", d[0].fix);
        assert!(sandbox_diagnostics("registry.aliyuncs.com/google_containers/pause:3.10").is_empty());
    }

    /// The review's L3 (STORY step 6): an empty sandbox image on 1.2–1.6 names the
    /// target's default pause image; nothing on 1.7+, with an image, or on a flavour that
    /// sets its own.
    #[test]
    fn an_empty_sandbox_image_on_1_6_and_older_names_the_default() {
        let infos = |containerd: &str, image: &str, flavor| -> Vec<Diagnostic> {
            let form = crate::form::Form {
                containerd: containerd.into(),
                sandbox_image: image.into(),
                flavor,
                ..crate::form::Form::default()
            };
            let mut d = Vec::new();
            crate::validate::check(&form, &mut d);
            d.into_iter().filter(|d| d.code == "sandbox_image.default").collect()
        };
        use crate::flavor::Flavor::{K3s, Kubeadm};
        for (v, want) in [
            ("1.2", "k8s.gcr.io/pause:3.2"),
            ("1.4", "k8s.gcr.io/pause:3.2"),
            ("1.5", "k8s.gcr.io/pause:3.5"),
            ("1.6.19", "k8s.gcr.io/pause:3.6"),
            ("1.6.20", "registry.k8s.io/pause:3.6"),
            ("1.6", "k8s.gcr.io/pause:3.6 (registry.k8s.io/pause:3.6 from 1.6.20)"),
        ] {
            let got = infos(v, "", Kubeadm);
            assert_eq!(got.len(), 1, "{v}");
            assert_eq!(got[0].severity, crate::diagnostic::Severity::Info);
            assert_eq!(got[0].field.as_str(), "sandbox_image");
            assert!(
                got[0].message.contains(&format!("containerd {v} pulls its own default pause image, {want},")),
                "{v}: {}",
                got[0].message
            );
            assert!(got[0].fix.contains("k8s.gcr.io or registry.k8s.io"), "{}", got[0].fix);
        }
        assert!(infos("1.7", "", Kubeadm).is_empty());
        assert!(infos("2.0", "", Kubeadm).is_empty());
        assert!(infos("1.4", "harbor.example.net/library/pause:3.2", Kubeadm).is_empty());
        assert!(infos("1.4", "", K3s).is_empty());
    }
}
