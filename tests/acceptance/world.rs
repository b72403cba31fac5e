//! One test's world: a temp dir, a PKI, the TLS + basic-auth registry holding the
//! incident's image (and a pause image), optionally a plain-HTTP registry, and
//! helpers to start private containerds from pullfix's output.

use std::path::{Path, PathBuf};
use std::time::Instant;

use pullfix_core::diagnose::Family;
use pullfix_core::{Form, Kubernetes, Registry as FormRegistry, Scheme, Severity};
use tempfile::TempDir;
use toml_edit::DocumentMut;

use super::containerd::{merge, Containerd};
use super::fixture;
use super::generated::Generated;
use super::image::Image;
use super::pki::{Pki, REGISTRY_NAME};
use super::registry::{Registry, PASSWORD, USER};
use super::release::Release;

/// The incident's repository and tag.
pub const REPO: &str = "kubernetes/cronjob";
/// Its tag.
pub const TAG: &str = "v1";
/// The private pause image's repository and tag.
pub const PAUSE: &str = "google_containers/pause:3.9";

/// Everything one test case needs; dropped (stopped, deleted) at its end.
#[derive(Debug)]
pub struct World {
    /// The TLS + basic-auth registry.
    pub secure: Registry,
    /// The plain-HTTP registry, when asked for.
    pub plain: Option<Registry>,
    /// The test PKI.
    pub pki: Pki,
    /// The image pushed to both registries.
    pub image: Image,
    /// The containerd release this test runs.
    pub release: Release,
    started: Instant,
    name: String,
    dir: TempDir,
}

/// Fails (or, with `PULLFIX_SKIP_ACCEPTANCE=1`, skips) when the suite cannot run.
fn preflight(name: &str, release: Release) -> bool {
    if std::env::var_os("PULLFIX_SKIP_ACCEPTANCE").is_some_and(|v| v == "1") {
        eprintln!("{name}: SKIPPED (PULLFIX_SKIP_ACCEPTANCE=1)");
        return false;
    }
    assert!(
        nix::unistd::geteuid().is_root(),
        "the acceptance suite runs a private containerd and needs root (CI runs as root); \
         run it as root, or set PULLFIX_SKIP_ACCEPTANCE=1 to skip it explicitly"
    );
    for tool in ["containerd", "ctr", "docker-registry", "openssl", "htpasswd", "unshare", "nsenter", "setpriv"] {
        let found = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
            .unwrap_or(false);
        assert!(
            found,
            "`{tool}` is not installed: run `scripts/setup.sh all` (Debian packages containerd, \
             docker-registry, openssl, apache2-utils, util-linux), or set PULLFIX_SKIP_ACCEPTANCE=1"
        );
    }
    if let Some(dir) = release.bin_dir() {
        for tool in ["containerd", "ctr"] {
            assert!(
                dir.join(tool).is_file(),
                "containerd {}'s `{tool}` is not in {}: run `scripts/setup.sh all` (it installs it under \
                 $TOOLS/containerd/{}/bin), point PULLFIX_CONTAINERD_{} at its directory, or set \
                 PULLFIX_SKIP_ACCEPTANCE=1",
                release.version(),
                dir.display(),
                release.version(),
                if release.is_2x() { "2_1" } else { "1_7" },
            );
        }
    }
    let program = release.program("containerd");
    let version = super::daemon::run(&program.to_string_lossy(), &["--version"]);
    let word = format!(" {}", release.version());
    assert!(
        version.contains(&format!("{word}~"))
            || version.contains(&format!("{word}+"))
            || version.contains(&format!("{word} ")),
        "{} is not containerd {}: {version}",
        program.display(),
        release.version()
    );
    true
}

impl World {
    /// Sets up the world for test `name` on `release`, with a plain-HTTP registry when
    /// `plain`. `None` when skipped by `PULLFIX_SKIP_ACCEPTANCE=1`.
    pub fn start(release: Release, name: &str, plain: bool) -> Option<World> {
        let name = format!("{name} ({})", release.version());
        if !preflight(&name, release) {
            return None;
        }
        let started = Instant::now();
        let dir = tempfile::Builder::new().prefix("pullfix-accept-").tempdir().expect("temp dir");
        let pki = Pki::create(&dir.path().join("pki"));
        let image = Image::new("pulled through pullfix's config\n");
        let secure = Registry::start(&dir.path().join("registry-tls"), Some(&pki));
        let ca = pki.ca_pem();
        image.push(secure.port, Some(&ca), REPO, TAG);
        let (pause_repo, pause_tag) = PAUSE.split_once(':').expect("pause ref");
        image.push(secure.port, Some(&ca), pause_repo, pause_tag);
        let plain = plain.then(|| {
            let r = Registry::start(&dir.path().join("registry-http"), None);
            image.push(r.port, None, REPO, TAG);
            r
        });
        Some(World { secure, plain, pki, image, release, started, name, dir })
    }

    /// The temp dir everything lives in.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `registry.pullfix.test:<port>`, the registry as images name it.
    pub fn host(&self) -> String {
        format!("{REGISTRY_NAME}:{}", self.secure.port)
    }

    /// The plain registry's host.
    pub fn plain_host(&self) -> String {
        format!("{REGISTRY_NAME}:{}", self.plain.as_ref().expect("plain registry").port)
    }

    /// The incident's image on the TLS registry.
    pub fn image_ref(&self) -> String {
        format!("{}/{REPO}:{TAG}", self.host())
    }

    /// The pause image on the TLS registry.
    pub fn pause_ref(&self) -> String {
        format!("{}/{PAUSE}", self.host())
    }

    /// The hosts.toml directory the forms use (`config_path`).
    pub fn certs_d(&self) -> PathBuf {
        self.dir().join("certs.d")
    }

    /// The incident's form: the release's exact version, hosts.toml in the temp dir, the
    /// registry with its CA (PEM and node path) and credentials, one Secret.
    pub fn form(&self) -> Form {
        Form {
            containerd: self.release.version().to_owned(),
            config_path: self.certs_d().to_string_lossy().into_owned(),
            registries: vec![FormRegistry {
                host: self.host(),
                ca_file: self.dir().join("node-ca/harbor-ca.crt").to_string_lossy().into_owned(),
                ca_pem: self.pki.ca_pem(),
                username: USER.to_owned(),
                password: PASSWORD.to_owned(),
                ..FormRegistry::default()
            }],
            kubernetes: Kubernetes { namespaces: vec!["default".to_owned()], ..Kubernetes::default() },
            ..Form::default()
        }
    }

    /// A form for the plain-HTTP registry.
    pub fn plain_form(&self) -> Form {
        Form {
            containerd: self.release.version().to_owned(),
            config_path: self.certs_d().to_string_lossy().into_owned(),
            registries: vec![FormRegistry { host: self.plain_host(), scheme: Scheme::Http, ..FormRegistry::default() }],
            ..Form::default()
        }
    }

    /// Renders `form` with pullfix and writes its node files into the temp dir.
    pub fn generate(&self, form: &Form) -> Generated {
        Generated::render(form, self.dir())
    }

    /// The node's config: the base config merged with pullfix's own merge
    /// (`pullfix_core::merge::merge`, what `pullfix merge` does to a node's file).
    /// It must say the same as pasting the generated config.toml block over the
    /// base by hand ([`Generated::config_block`]), which is checked here too.
    pub fn merged_config(&self, name: &str, generated: &Generated) -> DocumentMut {
        merge_over(self.base_config(name), generated)
    }

    /// A fresh containerd (its own dirs under `name`) with `config`.
    pub fn containerd(&self, name: &str, config: &DocumentMut) -> Containerd {
        Containerd::start(self.release, &self.dir().join(name), config)
    }

    /// The base config alone (a node before any fix).
    pub fn base_config(&self, name: &str) -> DocumentMut {
        self.release.base_config(&self.dir().join(name))
    }

    /// Checks (or blesses) an error fixture, with ports and temp paths normalized:
    /// 1.6's directly in `tests/fixtures/errors/`, other releases' under `<version>/`.
    /// pullfix's `diagnose` must find each of `families` in the real text, and prefill no
    /// registry the text does not name.
    pub fn fixture(&self, file: &str, text: &str, families: &[Family]) {
        let found = pullfix_core::diagnose::diagnose(text);
        let got: Vec<Family> = found.findings.iter().map(|f| f.family).collect();
        for finding in &found.findings {
            if let Some(registry) = finding.prefill.registry() {
                assert!(
                    text.contains(&registry),
                    "pullfix diagnose prefills registry {registry} for containerd {}'s {file}, which names no such \
                     registry:\n{text}",
                    self.release.version()
                );
            }
        }
        for family in families {
            assert!(
                got.contains(family),
                "pullfix diagnose does not recognize containerd {}'s {file} as {family:?} (it finds {got:?}):\n{text}",
                self.release.version()
            );
        }
        let mut ports = vec![self.secure.port];
        ports.extend(self.plain.as_ref().map(|r| r.port));
        let name = match self.release {
            Release::V1_6 => file.to_owned(),
            other => format!("{}/{file}", other.version()),
        };
        fixture::check(&name, &fixture::normalize(text, &ports, self.dir()));
    }
}

/// `base` merged by pullfix's merge for `generated`'s form, checked to say the same
/// as `base` with the generated config.toml block pasted over it by hand.
pub fn merge_over(base: DocumentMut, generated: &Generated) -> DocumentMut {
    let result = pullfix_core::merge::merge(&base.to_string(), &generated.form);
    let errors: Vec<_> = result.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "pullfix's merge reports errors: {errors:#?}");
    let text = result.text.expect("pullfix's merge returns a file for a valid base");
    let merged: DocumentMut = text.parse().unwrap_or_else(|e| panic!("merge output is not TOML: {e}\n{text}"));
    let mut pasted = base;
    merge(pasted.as_item_mut(), generated.config_block().as_item());
    assert_eq!(
        as_data(&merged),
        as_data(&pasted),
        "pullfix's merge and the pasted block disagree.\nmerge:\n{merged}\npasted:\n{pasted}"
    );
    merged
}

/// A TOML document as plain data (comments, order and layout ignored).
fn as_data(doc: &DocumentMut) -> serde_json::Value {
    toml_edit::de::from_document(doc.clone()).expect("TOML as data")
}

impl Drop for World {
    fn drop(&mut self) {
        let outcome = if std::thread::panicking() { "FAILED" } else { "ok" };
        eprintln!("{}: {outcome} in {:.1}s", self.name, self.started.elapsed().as_secs_f64());
        if std::env::var_os("PULLFIX_KEEP_TMP").is_some_and(|v| v == "1") {
            // Daemons are stopped by their own guards; only the files stay, for debugging.
            self.dir.disable_cleanup(true);
            eprintln!("{}: kept {}", self.name, self.dir.path().display());
        }
    }
}
