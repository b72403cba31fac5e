//! The pasted file's own sandbox (pause) image: with the form's sandbox image empty, merge
//! leaves it in place, so the image every pod starts from is the file's, not the target's
//! default (STORY step 6: a hand-written 1.x file pinning `k8s.gcr.io/pause:3.2`).

use super::{edit, MergeResult, Merger};
use crate::config_file::{display_path, Dialect};
use crate::diagnostic::{Diagnostic, Field};
use crate::form::Form;

/// The code of the info on a kept sandbox image.
pub const KEPT: &str = "merge.sandbox-kept";
/// The code of the warning on a kept sandbox image on the frozen k8s.gcr.io.
pub const KEPT_K8S_GCR_IO: &str = "merge.sandbox-k8s-gcr-io";

impl Merger<'_> {
    /// With the form's sandbox image empty, says which one the merged file keeps (at the
    /// result's `dialect`'s key), and warns when it is on k8s.gcr.io.
    pub(super) fn report_kept_sandbox(&mut self, form: &Form, dialect: Dialect) {
        if !form.sandbox_image.trim().is_empty() {
            return;
        }
        let mut path: Vec<String> = dialect.cri_table().iter().map(|s| (*s).to_owned()).collect();
        if dialect == Dialect::V3 {
            path.extend(["pinned_images".to_owned(), "sandbox".to_owned()]);
        } else {
            path.push("sandbox_image".to_owned());
        }
        let Some(image) = edit::get(self.doc, &path).and_then(|i| i.as_str()).map(str::trim) else { return };
        if image.is_empty() {
            return;
        }
        let key = display_path(&path);
        let tag = crate::image_ref::image_tag(image).unwrap_or("<tag>");
        if image.starts_with("k8s.gcr.io/") {
            // On the form's sandbox image field: that is where the fix is typed (review 8 L2).
            self.diags.push(Diagnostic::warning(
                Field::root("sandbox_image"),
                KEPT_K8S_GCR_IO,
                format!(
                    "The merged file keeps {key} = {image:?} (the form's sandbox image is empty), so containerd pulls that pause image for every pod, not its own default: k8s.gcr.io is frozen and redirects to registry.k8s.io, unreachable from many networks, and then every pod fails with \"failed to get sandbox image\" (FailedCreatePodSandbox). The kubelet sends no pull Secret for it."
                ),
                format!(
                    "Set the form's sandbox image to a copy the nodes reach, e.g. registry.aliyuncs.com/google_containers/pause:{tag} or your registry's copy of pause:{tag} (the merge then replaces this line); registry.k8s.io/pause:{tag} only if the nodes reach registry.k8s.io."
                ),
            ));
        } else {
            self.diags.push(Diagnostic::info(
                Field::root("sandbox_image"),
                KEPT,
                format!(
                    "The merged file keeps {key} = {image:?} (the form's sandbox image is empty): containerd pulls this pause image for every pod, not its own default; the kubelet sends no pull Secret for it."
                ),
                "If the nodes cannot reach it, set a copy they can reach in the form's sandbox image (e.g. your registry's copy of the same pause image): the merge then replaces this line.",
            ));
        }
    }
}

impl MergeResult {
    /// Drops the render's `sandbox_image.default` note ("containerd pulls its own default
    /// pause image") when the merged file keeps its own sandbox image ([`KEPT`],
    /// [`KEPT_K8S_GCR_IO`]): on this node that default is never used. `diagnostics` are
    /// those of rendering the form.
    pub fn drop_default_sandbox_note(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.diagnostics.iter().any(|d| d.code == KEPT || d.code == KEPT_K8S_GCR_IO) {
            diagnostics.retain(|d| d.code != "sandbox_image.default");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::form::Registry;
    use crate::merge::page::render_merged;
    use crate::merge::{merge, MergeOptions};

    /// STORY's hand-written node file (operator review 7, M1).
    const STORY: &str =
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"k8s.gcr.io/pause:3.2\"\n";

    fn form(containerd: &str, sandbox: &str) -> Form {
        Form {
            containerd: containerd.into(),
            sandbox_image: sandbox.into(),
            registries: vec![Registry { host: "harbor.example.net".into(), ..Registry::default() }],
            ..Form::default()
        }
    }

    fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
        d.iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_kept_k8s_gcr_io_pause_image_replaces_the_default_note_with_a_warning() {
        for v in ["1.4.13", "1.6.20", "1.7.22"] {
            let out = render_merged(&form(v, ""), STORY, MergeOptions::default());
            let d = &out.rendered.diagnostics;
            assert!(!codes(d).contains(&"sandbox_image.default"), "{v}: {:?}", codes(d));
            assert!(!d.iter().any(|d| d.message.contains("own default pause image")), "{v}");
            let w = d.iter().find(|d| d.code == KEPT_K8S_GCR_IO).unwrap_or_else(|| panic!("{v}: {:?}", codes(d)));
            assert_eq!((w.severity, w.field.as_str()), (Severity::Warning, "sandbox_image"), "{v}");
            assert!(
                w.message
                    .contains("keeps plugins.\"io.containerd.grpc.v1.cri\".sandbox_image = \"k8s.gcr.io/pause:3.2\""),
                "{v}: {}",
                w.message
            );
            assert!(w.fix.contains("registry.aliyuncs.com/google_containers/pause:3.2"), "{}", w.fix);
            let text = out.merge.and_then(|m| m.text).expect("merged");
            assert!(text.contains("sandbox_image = \"k8s.gcr.io/pause:3.2\""), "{text}");
        }
        // Without the pasted file's image, the default note stays (1.6 and older).
        let out = render_merged(&form("1.6.20", ""), "version = 2\n", MergeOptions::default());
        assert!(codes(&out.rendered.diagnostics).contains(&"sandbox_image.default"));
        assert!(!codes(&out.rendered.diagnostics).contains(&KEPT));
        // The form's image replaces the file's: nothing about a kept one.
        let r = merge(STORY, &form("1.6.20", "registry.aliyuncs.com/google_containers/pause:3.6"));
        assert!(r.diagnostics.iter().all(|d| !d.code.starts_with("merge.sandbox")), "{:?}", codes(&r.diagnostics));
    }

    #[test]
    fn another_kept_image_is_an_info_naming_it_at_each_versions_key() {
        let r = merge(
            "version = 3\n[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n  sandbox = \"harbor.example.net/library/pause:3.10\"\n",
            &form("2.1", ""),
        );
        let i = r.diagnostics.iter().find(|d| d.code == KEPT).expect("info");
        assert_eq!(i.severity, Severity::Info);
        assert!(
            i.message.contains(
                "keeps plugins.\"io.containerd.cri.v1.images\".pinned_images.sandbox = \"harbor.example.net/library/pause:3.10\""
            ),
            "{}",
            i.message
        );
        let r = merge("[plugins.cri]\n  sandbox_image = \"registry.k8s.io/pause:3.2\"\n", &form("1.2", ""));
        let i = r.diagnostics.iter().find(|d| d.code == KEPT).expect("info");
        assert!(i.message.contains("plugins.cri.sandbox_image = \"registry.k8s.io/pause:3.2\""), "{}", i.message);
    }
}
