//! pullfix's own output for a test's form: rendered with `pullfix_core::render`,
//! node files written where the form says (all inside the test's temp dir), the
//! config.toml block parsed, the Secret decoded the way the kubelet reads it.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use pullfix_core::{FileKind, Form, Rendered};
use toml_edit::DocumentMut;

use super::cri::Creds;

/// What pullfix generated for one form.
#[derive(Debug)]
pub struct Generated {
    /// The form it was rendered from.
    pub form: Form,
    /// The full render (files and diagnostics).
    pub rendered: Rendered,
}

impl Generated {
    /// Renders `form` and writes its node files (hosts.toml, CA) to their absolute
    /// paths, which must lie under `root` (the form points `config_path` and
    /// `ca_file` there). Files for `/etc/containerd/config.toml` are not written:
    /// [`Generated::config_block`] merges them into the test's base config.
    pub fn render(form: &Form, root: &Path) -> Generated {
        let rendered = pullfix_core::render(form);
        for file in &rendered.files {
            if !matches!(file.kind, FileKind::HostsToml | FileKind::Certificate) {
                continue;
            }
            let target = Path::new("/").join(&file.path);
            assert!(
                target.starts_with(root),
                "pullfix wrote {:?} to {}, outside the form's config_path/ca_file under {}",
                file.title,
                target.display(),
                root.display()
            );
            std::fs::create_dir_all(target.parent().expect("file has a parent")).expect("mkdir");
            std::fs::write(&target, &file.contents).expect("write generated file");
        }
        Generated { form: form.clone(), rendered }
    }

    /// The containerd config.toml block, parsed (panics when there is none).
    pub fn config_block(&self) -> DocumentMut {
        let file = self
            .rendered
            .files
            .iter()
            .find(|f| f.kind == FileKind::ContainerdConfig)
            .unwrap_or_else(|| panic!("pullfix rendered no containerd config block: {:#?}", self.files()));
        file.contents
            .parse()
            .unwrap_or_else(|e| panic!("the generated config block is not TOML: {e}\n{}", file.contents))
    }

    /// The hosts.toml files written, as absolute paths.
    pub fn hosts_files(&self) -> Vec<PathBuf> {
        self.rendered
            .files
            .iter()
            .filter(|f| f.kind == FileKind::HostsToml)
            .map(|f| Path::new("/").join(&f.path))
            .collect()
    }

    /// The credentials the kubelet would send for an image on `registry`, from the
    /// generated `kubernetes.io/dockerconfigjson` Secret: its `.dockerconfigjson`
    /// base64-decoded, the `auths` entry whose key (scheme stripped) is the
    /// registry, and (as the kubelet does) `auth` decoded into username/password.
    pub fn secret_creds(&self, registry: &str) -> Creds {
        let secret = self
            .rendered
            .files
            .iter()
            .filter(|f| f.kind == FileKind::Kubernetes)
            .filter_map(|f| serde_yaml::from_str::<serde_json::Value>(&f.contents).ok())
            .find(|v| v["type"] == "kubernetes.io/dockerconfigjson")
            .unwrap_or_else(|| panic!("pullfix rendered no dockerconfigjson Secret: {:#?}", self.files()));
        let b64 = secret["data"][".dockerconfigjson"].as_str().expect("Secret data .dockerconfigjson");
        let json = base64::engine::general_purpose::STANDARD.decode(b64).expect(".dockerconfigjson is base64");
        let config: serde_json::Value = serde_json::from_slice(&json).expect(".dockerconfigjson is JSON");
        let auths = config["auths"].as_object().expect(".dockerconfigjson has auths");
        let (_, entry) = auths
            .iter()
            .find(|(key, _)| {
                let bare = key.trim_start_matches("https://").trim_start_matches("http://");
                bare.trim_end_matches('/') == registry
            })
            .unwrap_or_else(|| panic!("no auths entry for {registry} in {config}"));
        let mut creds = Creds {
            username: entry["username"].as_str().unwrap_or_default().to_owned(),
            password: entry["password"].as_str().unwrap_or_default().to_owned(),
            auth: String::new(),
        };
        if let Some(auth) = entry["auth"].as_str().filter(|a| !a.is_empty()) {
            let decoded = base64::engine::general_purpose::STANDARD.decode(auth).expect("auth is base64");
            let decoded = String::from_utf8(decoded).expect("auth is UTF-8");
            let (user, pass) = decoded.split_once(':').expect("auth is user:password");
            creds.username = user.to_owned();
            creds.password = pass.to_owned();
        }
        creds
    }

    fn files(&self) -> Vec<(&str, FileKind)> {
        self.rendered.files.iter().map(|f| (f.path.as_str(), f.kind)).collect()
    }
}
