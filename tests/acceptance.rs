//! Acceptance: pullfix's generated files make a real containerd pull from a TLS +
//! basic-auth registry, replaying `STORY.md` end to end, on every release the suite has:
//! Debian's containerd 1.6.20 (`v1_6::`), 1.7.24 (`v1_7::`) and 2.1.9 (`v2_1::`), each
//! with the form's target set to its exact version (see `acceptance/release.rs`).
//!
//! Each test starts its own world (CA, `docker-registry` with TLS and htpasswd,
//! a tiny OCI image pushed over the registry API) and its own private containerd
//! (everything under a temp dir, in a private mount namespace whose `/etc/hosts`
//! maps `registry.pullfix.test`), pulls through the CRI ImageService as the
//! kubelet does, and with `ctr images pull --hosts-dir`. Everything is stopped
//! and deleted when the test ends, pass or fail.
//!
//! The cases are functions of the [`Release`]; the `v1_6`, `v1_7` and `v2_1` modules at
//! the end list which cases run on which release (`cargo test --test acceptance v2_1::`).
//!
//! Needs root, containerd 1.6 (Debian's), the 1.7.24 and 2.1.9 binaries
//! (`$PULLFIX_CONTAINERD_1_7`, `$PULLFIX_CONTAINERD_2_1`), docker-registry, openssl,
//! htpasswd (`scripts/setup.sh all`). Without them the tests fail;
//! `PULLFIX_SKIP_ACCEPTANCE=1` skips them explicitly. `PULLFIX_BLESS=1` rewrites the
//! error fixtures in `tests/fixtures/errors/` (1.6's at its top, the others' under
//! `<version>/`).

mod acceptance {
    pub mod containerd;
    pub mod cri;
    pub mod daemon;
    pub mod fixture;
    pub mod generated;
    pub mod image;
    pub mod pki;
    pub mod registry;
    pub mod release;
    pub mod world;
}

use acceptance::containerd::Containerd;
use acceptance::cri::{crictl_text, Cri};
use acceptance::registry::{PASSWORD, USER};
use acceptance::release::{Release, CRI_1X, CRI_IMAGES};
use acceptance::world::World;
use pullfix_core::diagnose::Family;
use pullfix_core::Severity;
use toml_edit::value;

/// Asserts `image` is in containerd's CRI image store with the pushed digest.
fn assert_pulled(world: &World, ctd: &Containerd, cri: &Cri, image: &str, pulled: Result<String, tonic::Status>) {
    let image_ref = pulled.unwrap_or_else(|e| {
        panic!(
            "pull of {image} failed: {}\ncontainerd's errors and warnings:\n{}\nits config:\n{}",
            crictl_text(&e),
            ctd.problems(),
            ctd.config
        )
    });
    assert!(image_ref.starts_with("sha256:"), "image ref {image_ref}");
    let status = cri.image_status(image).unwrap_or_else(|| panic!("{image} not in the image store"));
    let repo = image.rsplit_once(':').expect("tagged ref").0;
    let digest = format!("{repo}@{}", world.image.manifest_digest());
    assert!(status.repo_digests.contains(&digest), "{:?} lacks {digest}", status.repo_digests);
    assert!(status.repo_tags.iter().any(|t| t == image), "{:?} lacks {image}", status.repo_tags);
    // Every key of the config (pullfix's among them) is one this containerd knows.
    let log = ctd.log();
    let unknown: Vec<&str> = log.lines().filter(|l| l.contains("Ignoring unknown key")).collect();
    assert!(unknown.is_empty(), "containerd ignored keys of its config:\n{}\n{}", unknown.join("\n"), ctd.config);
}

/// containerd 2.1+'s CRI pulls through the transfer service, unless legacy `mirrors` or
/// `configs` are in its config: then it logs that it falls back to the local pull path.
fn assert_pull_path(ctd: &Containerd, transfer_service: bool) {
    if !ctd.release.is_2x() {
        return;
    }
    let fell_back = ctd.log().contains("Falling back to local image pull mode");
    assert_eq!(!fell_back, transfer_service, "transfer service expected: {transfer_service}\n{}", ctd.problems());
}

/// Asserts the CRI error `text` contains `needle`, showing containerd's errors if not.
fn assert_error(text: &str, needle: &str, ctd: &Containerd) {
    assert!(
        text.contains(needle),
        "expected `{needle}` in:\n{text}\ncontainerd's errors and warnings:\n{}",
        ctd.problems()
    );
}

/// The `ctr: ...` error line of a failed `ctr` run.
fn ctr_error(out: &str) -> String {
    out.lines()
        .rfind(|l| l.starts_with("ctr: "))
        .unwrap_or_else(|| panic!("no `ctr:` error line in:\n{out}"))
        .to_owned()
}

fn failed_pull(cri: &Cri, image: &str, creds: Option<&acceptance::cri::Creds>, ctd: &Containerd) -> String {
    match cri.pull(image, creds) {
        Ok(r) => panic!("pull of {image} succeeded ({r}) but must fail; config:\n{}", ctd.config),
        Err(e) => crictl_text(&e),
    }
}

/// STORY step 2: a node with no registry configuration does not trust the CA.
fn case01_no_configuration_fails_with_x509_unknown_authority(r: Release) {
    let Some(w) = World::start(r, "case01_no_configuration", false) else { return };
    let ctd = w.containerd("ctd", &w.base_config("ctd"));
    // The release's own default sandbox image is the one pullfix knows for it.
    let target = pullfix_core::Target::parse(r.version()).expect("the release's version parses");
    assert_eq!(sandbox_in_dump(r, &ctd.config_dump()), Some(target.default_pause_image()));
    let cri = Cri::connect(&ctd.socket);
    let text = failed_pull(&cri, &w.image_ref(), None, &ctd);
    assert_error(&text, "x509: certificate signed by unknown authority", &ctd);
    w.fixture("x509-unknown-authority.crictl.txt", &text, &[Family::X509UnknownAuthority]);

    let (ok, out) = ctd.ctr_pull(&w.image_ref(), None, Some(&format!("{USER}:{PASSWORD}")));
    assert!(!ok, "ctr pull succeeded without the CA:\n{out}");
    assert!(out.contains("x509: certificate signed by unknown authority"), "{out}");
    w.fixture("x509-unknown-authority.ctr.txt", &ctr_error(&out), &[Family::X509UnknownAuthority]);
}

/// STORY step 3: with the CA trusted (generated hosts.toml) but no credentials, 401.
fn case02_hosts_toml_with_ca_without_credentials_gives_401(r: Release) {
    let Some(w) = World::start(r, "case02_hosts_toml_no_credentials", false) else { return };
    let mut form = w.form();
    form.registries[0].username.clear();
    form.registries[0].password.clear();
    let generated = w.generate(&form);
    assert!(!generated.hosts_files().is_empty(), "no hosts.toml generated");
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let cri = Cri::connect(&ctd.socket);
    let text = failed_pull(&cri, &w.image_ref(), None, &ctd);
    assert_error(&text, r.no_credentials(), &ctd);
    assert!(!text.contains("x509"), "the CA should be trusted now: {text}");
    w.fixture("unauthorized-no-credentials.crictl.txt", &text, &[Family::Unauthorized]);

    let (ok, out) = ctd.ctr_pull(&w.image_ref(), Some(&w.certs_d()), None);
    assert!(!ok && out.contains(r.no_credentials()), "{out}");
    w.fixture("unauthorized-no-credentials.ctr.txt", &ctr_error(&out), &[Family::Unauthorized]);
}

/// STORY step 5: hosts.toml + CA + the generated Secret's credentials, as the kubelet sends them.
fn case03_hosts_toml_with_ca_and_secret_credentials_pulls(r: Release) {
    let Some(w) = World::start(r, "case03_hosts_toml_and_secret", false) else { return };
    let generated = w.generate(&w.form());
    let creds = generated.secret_creds(&w.host());
    assert_eq!((creds.username.as_str(), creds.password.as_str()), (USER, PASSWORD));
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    // The release's own reading of pullfix's block (2.1.9: the version 3 images section).
    let dump = ctd.config_dump();
    let config_path = dump["plugins"][r.images_plugin()]["registry"]["config_path"].as_str();
    assert_eq!(config_path, Some(w.certs_d().to_string_lossy().as_ref()), "config dump:\n{dump}");
    let cri = Cri::connect(&ctd.socket);
    // Without the Secret the same node still gets 401: the credentials are what fixed it.
    let text = failed_pull(&cri, &w.image_ref(), None, &ctd);
    assert_error(&text, r.no_credentials(), &ctd);
    assert_pulled(&w, &ctd, &cri, &w.image_ref(), cri.pull(&w.image_ref(), Some(&creds)));
    assert_pull_path(&ctd, true);

    let user = format!("{}:{}", creds.username, creds.password);
    let (ok, out) = ctd.ctr_pull(&w.image_ref(), Some(&w.certs_d()), Some(&user));
    assert!(ok, "ctr pull --hosts-dir with the Secret's credentials failed:\n{out}");
}

/// Node-level credentials (`node_auth = true`): no Secret needed.
fn case04_node_auth_without_secret_pulls(r: Release) {
    let Some(w) = World::start(r, "case04_node_auth", false) else { return };
    let mut form = w.form();
    form.registries[0].node_auth = true;
    let generated = w.generate(&form);
    if r.is_2x() {
        // pullfix says what node credentials cost on 2.1+.
        let info = generated.rendered.diagnostics.iter().find(|d| d.field.as_str() == "registry[0].node_auth");
        assert!(info.is_some_and(|d| d.message.contains("transfer service")), "{:#?}", generated.rendered.diagnostics);
    }
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let cri = Cri::connect(&ctd.socket);
    assert_pulled(&w, &ctd, &cri, &w.image_ref(), cri.pull(&w.image_ref(), None));
    // And it is so: `configs."<host>".auth` puts 2.1.9 on the local pull path.
    assert_pull_path(&ctd, false);
}

/// `skip_verify = true` instead of the CA (STORY step 4's quick fix), Secret credentials.
fn case05_skip_verify_instead_of_ca_pulls(r: Release) {
    let Some(w) = World::start(r, "case05_skip_verify", false) else { return };
    let mut form = w.form();
    form.registries[0].ca_file.clear();
    form.registries[0].ca_pem.clear();
    form.registries[0].skip_verify = true;
    let generated = w.generate(&form);
    let creds = generated.secret_creds(&w.host());
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let cri = Cri::connect(&ctd.socket);
    assert_pulled(&w, &ctd, &cri, &w.image_ref(), cri.pull(&w.image_ref(), Some(&creds)));
}

/// STORY step 4 as the operator did it: legacy inline `registry.configs.<host>.tls.ca_file`
/// and `.auth` in config.toml, on 1.6.
fn case06_legacy_inline_config_pulls(r: Release) {
    let Some(w) = World::start(r, "case06_legacy_inline", false) else { return };
    let mut form = w.form();
    form.legacy_config = true;
    if !r.is_2x() {
        form.config_path.clear();
    }
    form.registries[0].node_auth = true;
    let generated = w.generate(&form);
    let block = generated.config_block();
    let configs = &block["plugins"][r.images_plugin()]["registry"]["configs"][&w.host()];
    assert!(configs["auth"].is_table_like(), "no legacy auth in:\n{block}");
    if r.is_2x() {
        // 2.x ignores `configs.*.tls`: pullfix says so and writes the CA into hosts.toml.
        let diagnostics = &generated.rendered.diagnostics;
        let warned = diagnostics.iter().any(|d| d.field.as_str() == "legacy_config" && d.severity >= Severity::Warning);
        assert!(warned, "no warning on legacy_config for {}: {diagnostics:#?}", r.version());
        assert!(configs.get("tls").is_none(), "legacy tls for 2.x in:\n{block}");
        assert!(!generated.hosts_files().is_empty(), "no hosts.toml for 2.x");
    } else {
        assert!(configs["tls"]["ca_file"].is_str(), "no legacy tls.ca_file in:\n{block}");
    }
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let cri = Cri::connect(&ctd.socket);
    assert_pulled(&w, &ctd, &cri, &w.image_ref(), cri.pull(&w.image_ref(), None));
}

/// A plain-HTTP registry: fails without config, pulls with the generated `http://` hosts.toml.
fn case07_plain_http_registry_needs_generated_http_config(r: Release) {
    let Some(w) = World::start(r, "case07_plain_http", true) else { return };
    let image = format!("{}/kubernetes/cronjob:v1", w.plain_host());
    {
        let ctd = w.containerd("ctd-none", &w.base_config("ctd-none"));
        let cri = Cri::connect(&ctd.socket);
        let text = failed_pull(&cri, &image, None, &ctd);
        assert_error(&text, "server gave HTTP response to HTTPS client", &ctd);
        w.fixture("http-response-to-https-client.crictl.txt", &text, &[Family::HttpResponseToHttps]);
    }
    let generated = w.generate(&w.plain_form());
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let cri = Cri::connect(&ctd.socket);
    assert_pulled(&w, &ctd, &cri, &image, cri.pull(&image, None));
    let (ok, out) = ctd.ctr_pull(&image, Some(&w.certs_d()), None);
    assert!(ok, "ctr pull --hosts-dir from the plain registry failed:\n{out}");
}

/// STORY step 6: the generated sandbox image is the one containerd uses (its `config
/// dump` and CRI Status, as `crictl info` shows it), and containerd pulls a pause image
/// on the private registry for a new pod sandbox only with node-level credentials (the
/// kubelet never sends a Secret for it).
fn case08_sandbox_image_on_private_registry_needs_node_auth(r: Release) {
    let Some(w) = World::start(r, "case08_sandbox_image", false) else { return };
    let mut form = w.form();
    form.sandbox_image = w.pause_ref();
    {
        // The Secret alone is not enough for the sandbox image.
        let generated = w.generate(&form);
        let ctd = w.containerd("ctd-secret-only", &w.merged_config("ctd-secret-only", &generated));
        let cri = Cri::connect(&ctd.socket);
        let text = crictl_text(&cri.run_sandbox_until_image(r.sandbox_handler()));
        assert_error(&text, "failed to get sandbox image", &ctd);
        assert_error(&text, r.no_credentials(), &ctd);
        w.fixture("sandbox-image-unauthorized.crictl.txt", &text, &[Family::Unauthorized, Family::SandboxImage]);
    }
    form.registries[0].node_auth = true;
    let generated = w.generate(&form);
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let dump = ctd.config_dump();
    assert_eq!(sandbox_in_dump(r, &dump), Some(w.pause_ref().as_str()), "config dump:\n{dump}");
    let cri = Cri::connect(&ctd.socket);
    let info = cri.status_info().expect("CRI Status");
    let want = (!r.is_2x()).then_some(w.pause_ref());
    assert_eq!(status_sandbox_image(r, &info), want.as_deref(), "CRI Status info: {info:#?}");
    // 2.x's verbose Status shows only the runtime's config: the image service's pinned
    // sandbox image is not in it (`crictl info` of 2.1.9 has no sandbox image at all).
    let text = crictl_text(&cri.run_sandbox_until_image(r.sandbox_handler()));
    // It got past the image and stopped at the runtime.
    assert_error(&text, r.past_the_image(), &ctd);
    let status = cri.image_status(&w.pause_ref()).expect("the pause image was pulled");
    assert!(status.repo_tags.contains(&w.pause_ref()), "{:?}", status.repo_tags);
    // 1.7+ pins the image it uses as the sandbox image (kept from image GC; `crictl images
    // --pinned`): pullfix's is that image.
    assert_eq!(status.pinned, r != Release::V1_6, "pinned flag of {}", w.pause_ref());
}

/// The sandbox image in `containerd config dump`: 1.x's `sandbox_image`, 2.x's
/// `pinned_images.sandbox`.
fn sandbox_in_dump(r: Release, dump: &toml_edit::DocumentMut) -> Option<&str> {
    let images = &dump["plugins"][r.images_plugin()];
    if r.is_2x() {
        images["pinned_images"]["sandbox"].as_str()
    } else {
        images["sandbox_image"].as_str()
    }
}

/// The sandbox image in verbose CRI Status (`crictl info`): 1.x reports its whole CRI
/// config under `config`, 2.1 only the runtime's part of it (no sandbox image).
fn status_sandbox_image(r: Release, info: &serde_json::Map<String, serde_json::Value>) -> Option<&str> {
    if r.is_2x() {
        info.get("config")?.get("sandboxImage")?.as_str()
    } else {
        info.get("config")?["sandboxImage"].as_str()
    }
}

/// `config_path` plus legacy `configs.tls`: containerd 1.6 keeps running but the
/// CRI plugin does not load. pullfix warns about that form, and its own block
/// avoids the trap by setting `config_path = ""` beside the inline keys.
fn case09_config_path_with_legacy_tls_stops_cri_and_pullfix_warns(r: Release) {
    let Some(w) = World::start(r, "case09_mixed_styles", false) else { return };
    let mut form = w.form();
    form.legacy_config = true;
    form.registries[0].node_auth = true;
    let generated = w.generate(&form);
    let diagnostics = &generated.rendered.diagnostics;
    let warning = diagnostics
        .iter()
        .find(|d| d.field.as_str() == "config_path" && d.severity >= Severity::Warning)
        .unwrap_or_else(|| panic!("no warning on config_path for legacy_config + config_path: {diagnostics:#?}"));
    assert!(warning.message.contains("legacy_config"), "{warning:#?}");

    // The node already has config_path (as kubeadm-style 1.6 nodes do); the
    // operator pastes only the inline registry keys of the legacy block.
    let node = |name: &str| {
        let mut config = w.base_config(name);
        config["plugins"][r.images_plugin()]["registry"]["config_path"] = value(w.certs_d().to_string_lossy().as_ref());
        config
    };
    // Each style mix alone: `configs` (tls + auth), then `mirrors`.
    for (keep, drop, needle, fixture) in [
        ("configs", "mirrors", "configs.tls", "configs-tls-with-config-path"),
        ("mirrors", "configs", "mirrors", "mirrors-with-config-path"),
    ] {
        let mut block = generated.config_block();
        let registry = block["plugins"][r.images_plugin()]["registry"]
            .as_table_like_mut()
            .unwrap_or_else(|| panic!("no registry table in the legacy block:\n{}", generated.config_block()));
        assert!(registry.contains_key(keep), "the legacy block has no `{keep}`");
        registry.remove("config_path");
        registry.remove(drop);
        let name = format!("ctd-{keep}");
        let mut mixed = node(&name);
        acceptance::containerd::merge(mixed.as_item_mut(), block.as_item());
        let ctd = w.containerd(&name, &mixed);
        let cri = Cri::connect(&ctd.socket);
        let text = failed_pull(&cri, &w.image_ref(), None, &ctd);
        assert_error(&text, "unknown service runtime.v1.ImageService", &ctd);
        w.fixture("cri-not-loaded-unknown-service.crictl.txt", &text, &[Family::CriNotLoaded]);
        let log = ctd.log();
        let line = log
            .lines()
            .find(|l| l.contains("cannot be set when") && l.contains(needle))
            .unwrap_or_else(|| panic!("containerd's log lacks the `{needle}` with config_path error:\n{log}"));
        // From the level on, without the timestamp.
        let excerpt = line.split_once(" level=").map(|(_, rest)| format!("level={rest}")).unwrap_or_default();
        w.fixture(&format!("{fixture}.containerd-log.txt"), &excerpt, &[Family::MixedConfigStyles]);
    }

    // pullfix on that same node (its merge, equal to pasting its whole block) clears
    // config_path beside the inline keys: the CRI loads and pulls.
    let fixed = acceptance::world::merge_over(node("ctd"), &generated);
    let ctd = w.containerd("ctd", &fixed);
    let cri = Cri::connect(&ctd.socket);
    assert_pulled(&w, &ctd, &cri, &w.image_ref(), cri.pull(&w.image_ref(), None));
}

/// A wrong password in the Secret gives 401: the registry really checks.
fn case10_wrong_password_gives_401(r: Release) {
    let Some(w) = World::start(r, "case10_wrong_password", false) else { return };
    let mut form = w.form();
    form.registries[0].password = "not-Harbor12345".to_owned();
    let generated = w.generate(&form);
    let creds = generated.secret_creds(&w.host());
    assert_eq!(creds.password, "not-Harbor12345");
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let cri = Cri::connect(&ctd.socket);
    let text = failed_pull(&cri, &w.image_ref(), Some(&creds), &ctd);
    assert_error(&text, "401 Unauthorized", &ctd);
    w.fixture("unauthorized-wrong-password.crictl.txt", &text, &[Family::Unauthorized]);
    let (ok, out) = ctd.ctr_pull(&w.image_ref(), Some(&w.certs_d()), Some(&format!("{USER}:not-Harbor12345")));
    assert!(!ok && out.contains("401 Unauthorized"), "{out}");
    w.fixture("unauthorized-wrong-password.ctr.txt", &ctr_error(&out), &[Family::Unauthorized]);
}

/// containerd 1.6 and 1.7 drop a hosts.toml that has no `[host]` table at all ("invalid
/// `host` tree", containerd/containerd#10027; verified on 1.6.20 and 1.7.24, while 2.1.9
/// reads such a file): pullfix's files must always carry one, and a root-fields-only file
/// is really ignored.
fn case11_hosts_toml_without_host_table_is_ignored_by_1_x(r: Release) {
    let Some(w) = World::start(r, "case11_hosts_toml_host_table", false) else { return };
    let generated = w.generate(&w.form());
    let creds = generated.secret_creds(&w.host());
    let files = generated.hosts_files();
    assert!(!files.is_empty(), "no hosts.toml generated");
    let mut stripped = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("read generated hosts.toml");
        let mut doc: toml_edit::DocumentMut = text.parse().expect("generated hosts.toml is TOML");
        assert!(
            doc.contains_key("host"),
            "pullfix's {} has no [host] table; containerd 1.6 and 1.7 reject such a file \
             (\"invalid `host` tree\") and never uses its CA:\n{text}",
            path.display()
        );
        // The same file as written by hand from the docs: root fields only.
        doc.remove("host");
        stripped.push((path, doc.to_string()));
    }
    for (path, text) in &stripped {
        std::fs::write(path, text).expect("write root-only hosts.toml");
    }
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let cri = Cri::connect(&ctd.socket);
    if r.is_2x() {
        // 2.1.9 reads the root-only file (1.7.24 does not: pullfix's empty [host] is for 1.x).
        assert_pulled(&w, &ctd, &cri, &w.image_ref(), cri.pull(&w.image_ref(), Some(&creds)));
        assert!(!ctd.log().contains("failed to decode hosts.toml"), "{}", ctd.problems());
        return;
    }
    let text = failed_pull(&cri, &w.image_ref(), Some(&creds), &ctd);
    assert_error(&text, "x509: certificate signed by unknown authority", &ctd);
    let log = ctd.log();
    let line = log
        .lines()
        .find(|l| l.contains("failed to decode hosts.toml"))
        .unwrap_or_else(|| panic!("containerd did not reject the root-only hosts.toml:\n{log}"));
    let excerpt = line.split_once(" level=").map(|(_, rest)| format!("level={rest}")).unwrap_or_default();
    assert!(excerpt.contains("invalid `host` tree"), "{excerpt}");
    w.fixture("hosts-toml-invalid-host-tree.containerd-log.txt", &excerpt, &[Family::HostsTomlInvalid]);
}

/// STORY step 1: the node cannot resolve the registry's name. No configuration
/// fixes DNS; the error names the lookup.
fn case12_unresolvable_name_fails_with_dns_lookup(r: Release) {
    let Some(w) = World::start(r, "case12_dns", false) else { return };
    let generated = w.generate(&w.form());
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let cri = Cri::connect(&ctd.socket);
    let image = format!("unknown.pullfix.test:{}/kubernetes/cronjob:v1", w.secure.port);
    let text = failed_pull(&cri, &image, None, &ctd);
    assert_error(&text, "dial tcp: lookup unknown.pullfix.test", &ctd);
    w.fixture("dns-lookup-failed.crictl.txt", &text, &[Family::DnsLookup]);
}

/// Operator review H1: Docker Hub through a proxy cache on another registry of the form
/// (a Harbor with a private CA). containerd reads only `certs.d/docker.io/hosts.toml` for
/// a docker.io image, so the mirror's entry there must carry the Harbor's CA: without it
/// the pull fails with `x509: certificate signed by unknown authority`.
fn case13_docker_hub_mirror_on_a_listed_registry_uses_its_ca(r: Release) {
    let Some(w) = World::start(r, "case13_mirror_on_listed_registry", false) else { return };
    let form = docker_hub_through(&w);
    let generated = w.generate(&form);
    let docker = w.certs_d().join("docker.io/hosts.toml");
    let text = std::fs::read_to_string(&docker).expect("docker.io hosts.toml generated");
    let doc: toml_edit::DocumentMut = text.parse().expect("docker.io hosts.toml is TOML");
    assert_eq!(doc["server"].as_str(), Some(format!("https://{}", w.host()).as_str()), "{text}");
    assert_eq!(doc["ca"].as_str(), Some(form.registries[0].ca_file.as_str()), "{text}");
    // Hub's namespace/repo form of the pushed image: served by the mirror.
    let image = "docker.io/kubernetes/cronjob:v1";
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let cri = Cri::connect(&ctd.socket);

    // The file as pullfix wrote it before the fix: no `ca`. hosts.toml is read on every pull.
    let mut without = doc.clone();
    without.remove("ca");
    std::fs::write(&docker, without.to_string()).expect("write hosts.toml without ca");
    let failed = failed_pull(&cri, image, None, &ctd);
    assert_error(&failed, "x509: certificate signed by unknown authority", &ctd);
    let (ok, out) = ctd.ctr_pull(image, Some(&w.certs_d()), Some(&format!("{USER}:{PASSWORD}")));
    assert!(!ok && out.contains("x509: certificate signed by unknown authority"), "{out}");

    std::fs::write(&docker, &text).expect("restore the generated hosts.toml");
    assert_pulled(&w, &ctd, &cri, image, cri.pull(image, None));
    let (ok, out) = ctd.ctr_pull(image, Some(&w.certs_d()), Some(&format!("{USER}:{PASSWORD}")));
    assert!(ok, "ctr pull --hosts-dir through the mirror failed:\n{out}");
}

/// The world's form plus Docker Hub, mirror only, through the world's registry (which
/// has node credentials, keyed by the host contacted).
fn docker_hub_through(w: &World) -> pullfix_core::Form {
    let mut form = w.form();
    form.registries[0].node_auth = true;
    form.registries.push(pullfix_core::Registry {
        host: "docker.io".to_owned(),
        mirror_only: true,
        mirrors: vec![pullfix_core::Mirror { url: format!("https://{}", w.host()), ..Default::default() }],
        ..Default::default()
    });
    form
}

/// Docker Hub through the authenticated mirror with the pull Secret alone (no node
/// credentials; on 2.1 the transfer service's path): pullfix keys the Secret's entry for
/// Docker Hub (`https://index.docker.io/v1/`, what the kubelet matches for `docker.io/...`)
/// with the mirror's credentials, and containerd presents them to the mirror.
fn case17_docker_hub_mirror_with_the_secret_alone_pulls(r: Release) {
    let Some(w) = World::start(r, "case17_docker_hub_mirror_secret", false) else { return };
    let mut form = docker_hub_through(&w);
    form.registries[0].node_auth = false;
    let generated = w.generate(&form);
    let creds = generated.secret_creds("index.docker.io/v1");
    assert_eq!((creds.username.as_str(), creds.password.as_str()), (USER, PASSWORD));
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let cri = Cri::connect(&ctd.socket);
    let image = "docker.io/kubernetes/cronjob:v1";
    let text = failed_pull(&cri, image, None, &ctd);
    assert_error(&text, r.no_credentials(), &ctd);
    assert_pulled(&w, &ctd, &cri, image, cri.pull(image, Some(&creds)));
    assert_pull_path(&ctd, true);
}

/// H1 on the inline config (`legacy_config`, 1.6): `configs."<host>".tls` is looked up by
/// the host contacted, so the registry's own entry covers the Docker Hub mirror on it.
fn case14_legacy_inline_mirror_on_a_listed_registry_uses_its_ca(r: Release) {
    let Some(w) = World::start(r, "case14_legacy_mirror_on_listed_registry", false) else { return };
    let mut form = docker_hub_through(&w);
    form.legacy_config = true;
    form.config_path.clear();
    let generated = w.generate(&form);
    let block = generated.config_block();
    let registry = &block["plugins"][r.images_plugin()]["registry"];
    let endpoint = registry["mirrors"]["docker.io"]["endpoint"].as_array().and_then(|a| a.get(0)?.as_str());
    assert_eq!(endpoint, Some(format!("https://{}", w.host()).as_str()), "{block}");
    assert_eq!(
        registry["configs"][&w.host()]["tls"]["ca_file"].as_str(),
        Some(form.registries[0].ca_file.as_str()),
        "{block}"
    );
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let cri = Cri::connect(&ctd.socket);
    let image = "docker.io/kubernetes/cronjob:v1";
    assert_pulled(&w, &ctd, &cri, image, cri.pull(image, None));
}

/// review4 H1, the STORY's step 3 done after step 4's quick fix: the node pulls through its
/// hand-written legacy `configs."<host>".tls.insecure_skip_verify` (beside a scheme-less mirror
/// naming the registry itself). `pullfix apply` with a credentials-only form moves the node to
/// hosts.toml; the skip-verify goes with it, so the node still pulls with the Secret.
fn case15_apply_with_credentials_only_keeps_the_legacy_skip_verify(r: Release) {
    let Some(w) = World::start(r, "case15_apply_keeps_legacy_skip_verify", false) else { return };
    let host = w.host();
    let mut node = w.base_config("ctd");
    let registry = acceptance::containerd::table(&mut node, &["plugins", r.images_plugin(), "registry"]);
    registry["configs"][&host]["tls"]["insecure_skip_verify"] = value(true);
    registry["mirrors"][&host]["endpoint"] = value(toml_edit::Array::from_iter([host.as_str()]));
    // The credentials-only form (STORY step 3), and the Secret the kubelet would send.
    let mut form = w.form();
    form.registries[0].ca_file.clear();
    form.registries[0].ca_pem.clear();
    let rendered = acceptance::generated::Generated { form: form.clone(), rendered: pullfix_core::render(&form) };
    let creds = rendered.secret_creds(&host);
    {
        let ctd = w.containerd("ctd", &node);
        let cri = Cri::connect(&ctd.socket);
        assert_pulled(&w, &ctd, &cri, &w.image_ref(), cri.pull(&w.image_ref(), Some(&creds)));
    }

    let config = w.dir().join("node-config.toml");
    std::fs::write(&config, node.to_string()).expect("write the node's config");
    let stderr = pullfix_apply(&w, &form, &config);
    assert!(stderr.contains("Carried skip_verify = true"), "{stderr}");
    let applied: toml_edit::DocumentMut =
        std::fs::read_to_string(&config).expect("applied config").parse().expect("applied config is TOML");
    let hosts = std::fs::read_to_string(w.certs_d().join(&host).join("hosts.toml")).expect("hosts.toml written");
    assert!(hosts.contains("skip_verify = true"), "{hosts}");

    let ctd = w.containerd("ctd", &applied);
    let cri = Cri::connect(&ctd.socket);
    assert_pulled(&w, &ctd, &cri, &w.image_ref(), cri.pull(&w.image_ref(), Some(&creds)));
}

/// A node whose `config_path` is a colon-separated list (`certs.d:docker-certs.d`, as
/// kubespray and older guides wrote it) with pullfix's hosts.toml in its first directory.
/// 1.x reads every directory of the list; 2.1.9's transfer-service pulls read it as one
/// directory name and find no hosts.toml (x509), while its local pull path (node
/// credentials in `configs.auth`) still reads the list. pullfix's merge keeps the list
/// for 1.x and cuts it to one directory for 2.1 (warning either way), and the node pulls.
fn case18_config_path_list(r: Release) {
    let Some(w) = World::start(r, "case18_config_path_list", false) else { return };
    let generated = w.generate(&w.form());
    let creds = generated.secret_creds(&w.host());
    let list = format!("{}:{}", w.certs_d().display(), w.dir().join("docker-certs.d").display());
    let node = |name: &str, node_auth: bool| {
        let mut config = w.base_config(name);
        let registry = acceptance::containerd::table(&mut config, &["plugins", r.images_plugin(), "registry"]);
        registry["config_path"] = value(list.as_str());
        if node_auth {
            registry["configs"][&w.host()]["auth"]["username"] = value(USER);
            registry["configs"][&w.host()]["auth"]["password"] = value(PASSWORD);
        }
        config
    };
    for node_auth in [false, true] {
        let name = format!("ctd-list-{node_auth}");
        let ctd = w.containerd(&name, &node(&name, node_auth));
        let cri = Cri::connect(&ctd.socket);
        if r.is_2x() && !node_auth {
            let text = failed_pull(&cri, &w.image_ref(), Some(&creds), &ctd);
            assert_error(&text, "x509: certificate signed by unknown authority", &ctd);
        } else {
            assert_pulled(&w, &ctd, &cri, &w.image_ref(), cri.pull(&w.image_ref(), Some(&creds)));
        }
        assert_pull_path(&ctd, !node_auth);
    }

    // pullfix's merge of the form over the list node (without node credentials).
    let result = pullfix_core::merge::merge(&node("ctd", false).to_string(), &w.form());
    let warned = result.diagnostics.iter().any(|d| d.code == "merge.config-path-list");
    assert!(warned, "no merge.config-path-list diagnostic: {:#?}", result.diagnostics);
    let text = result.text.expect("pullfix's merge returns the file");
    let merged: toml_edit::DocumentMut = text.parse().expect("merged config is TOML");
    let config_path = merged["plugins"][r.images_plugin()]["registry"]["config_path"].as_str();
    let want = if r.is_2x() { w.certs_d().to_string_lossy().into_owned() } else { list.clone() };
    assert_eq!(config_path, Some(want.as_str()), "{text}");
    let ctd = w.containerd("ctd", &merged);
    let cri = Cri::connect(&ctd.socket);
    assert_pulled(&w, &ctd, &cri, &w.image_ref(), cri.pull(&w.image_ref(), Some(&creds)));
    assert_pull_path(&ctd, true);
}

/// A registry host with capital letters (review 12 E1). containerd looks up
/// `certs.d/<host>` with the host exactly as the image reference spells it, so pullfix
/// keeps the spelling and warns: images spelled the same way pull (CRI and `ctr`), and the
/// same registry spelled in lower case reads no hosts.toml, so its CA is not trusted.
fn case19_capitalised_host_serves_only_images_spelled_alike(r: Release) {
    let Some(w) = World::start(r, "case19_capitalised_host", false) else { return };
    let lower = w.host();
    let typed = lower.replacen(acceptance::pki::REGISTRY_NAME, "Registry.Pullfix.TEST", 1);
    let mut form = w.form();
    form.registries[0].host = typed.clone();
    let generated = w.generate(&form);
    let warned = generated.rendered.diagnostics.iter().any(|d| d.code == "host.uppercase");
    assert!(warned, "no host.uppercase warning: {:#?}", generated.rendered.diagnostics);
    assert!(w.certs_d().join(&typed).join("hosts.toml").is_file(), "hosts.toml goes to certs.d/{typed}/");
    let creds = generated.secret_creds(&typed);
    let ctd = w.containerd("ctd", &w.merged_config("ctd", &generated));
    let cri = Cri::connect(&ctd.socket);
    let typed_image = w.image_ref().replacen(&lower, &typed, 1);
    assert_pulled(&w, &ctd, &cri, &typed_image, cri.pull(&typed_image, Some(&creds)));
    let text = failed_pull(&cri, &w.image_ref(), Some(&creds), &ctd);
    assert_error(&text, "x509: certificate signed by unknown authority", &ctd);

    let user = format!("{}:{}", creds.username, creds.password);
    let (ok, out) = ctd.ctr_pull(&typed_image, Some(&w.certs_d()), Some(&user));
    assert!(ok, "ctr pull --hosts-dir of {typed_image} failed:\n{out}");
    let (ok, out) = ctd.ctr_pull(&w.image_ref(), Some(&w.certs_d()), Some(&user));
    assert!(!ok && out.contains("x509: certificate signed by unknown authority"), "{out}");
}

/// Runs the CLI's `pullfix apply --form <form> --config <config> --certs-dir <certs.d>`
/// as an operator would on the node; returns its stderr (what it reports).
fn pullfix_apply(w: &World, form: &pullfix_core::Form, config: &std::path::Path) -> String {
    let form_path = w.dir().join("form.toml");
    std::fs::write(&form_path, toml_edit::ser::to_string(form).expect("form as TOML")).expect("write the form");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["apply", "--form"])
        .arg(&form_path)
        .arg("--config")
        .arg(config)
        .arg("--certs-dir")
        .arg(w.certs_d())
        .output()
        .expect("run pullfix apply");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "pullfix apply failed:\n{stderr}");
    stderr
}

/// The upgrade to 2.x: a node's 1.6-era `version = 2` config.toml trusts the registry's CA
/// through the legacy `configs."<host>".tls.ca_file`. It pulls on 1.6; containerd 2.1.9
/// ignores `configs.*.tls` without a word, so the same file gives x509. `pullfix apply`
/// (target 2.1.9) onto that file moves the node to hosts.toml, and the pull works again
/// with the Secret's credentials.
fn case16_upgrade_legacy_ca_file_to_2x_with_pullfix_apply(r: Release) {
    assert!(r.is_2x(), "the upgrade story is for 2.x");
    let Some(w) = World::start(r, "case16_upgrade_legacy_ca_file", false) else { return };
    let host = w.host();
    let old_ca = w.dir().join("old-ca/harbor-ca.crt");
    std::fs::create_dir_all(old_ca.parent().expect("parent")).expect("mkdir old-ca");
    std::fs::write(&old_ca, w.pki.ca_pem()).expect("write the old CA file");
    // The 1.6 node's file (paths under `name`), with what the 2.x daemon needs to stay
    // inside the test's dir (plugins 1.6 does not have, set in the same version 2 file).
    let old_node = |name: &str| {
        let dir = w.dir().join(name);
        let mut node = Release::V1_6.base_config(&dir);
        let only_2x = Release::V2_1.base_config(&dir);
        node["disabled_plugins"] = only_2x["disabled_plugins"].clone();
        for plugin in ["io.containerd.image-verifier.v1.bindir", "io.containerd.transfer.v1.local"] {
            node["plugins"][plugin] = only_2x["plugins"][plugin].clone();
        }
        // As 1.6's `config default` has it (2.1.9 migrates `containerd.snapshotter` only
        // from a `containerd` table that has `runtimes`).
        let runc = acceptance::containerd::table(&mut node, &["plugins", CRI_1X, "containerd", "runtimes", "runc"]);
        runc["runtime_type"] = value("io.containerd.runc.v2");
        let registry = acceptance::containerd::table(&mut node, &["plugins", CRI_1X, "registry"]);
        registry["configs"][&host]["tls"]["ca_file"] = value(old_ca.to_string_lossy().as_ref());
        node
    };
    // The STORY's form for the new version, and the Secret the kubelet sends.
    let form = w.form();
    assert_eq!(form.containerd, "2.1.9");
    let creds = acceptance::generated::Generated { form: form.clone(), rendered: pullfix_core::render(&form) }
        .secret_creds(&host);
    {
        let ctd =
            acceptance::containerd::Containerd::start(Release::V1_6, &w.dir().join("ctd-1.6"), &old_node("ctd-1.6"));
        let cri = Cri::connect(&ctd.socket);
        assert_pulled(&w, &ctd, &cri, &w.image_ref(), cri.pull(&w.image_ref(), Some(&creds)));
    }
    {
        let ctd = w.containerd("ctd-upgraded", &old_node("ctd-upgraded"));
        let cri = Cri::connect(&ctd.socket);
        let text = failed_pull(&cri, &w.image_ref(), Some(&creds), &ctd);
        assert_error(&text, "x509: certificate signed by unknown authority", &ctd);
        // 2.1.9 migrates the file and drops `configs.<host>.tls` with one warning at start.
        let log = ctd.log();
        let line = log
            .lines()
            .find(|l| l.contains("Ignoring unknown key in TOML for plugin") && l.contains("tls"))
            .unwrap_or_else(|| panic!("no warning about the ignored configs.tls:\n{log}"));
        let excerpt = line.split_once(" level=").map(|(_, rest)| format!("level={rest}")).unwrap_or_default();
        w.fixture("configs-tls-ignored.containerd-log.txt", &excerpt, &[Family::UnknownConfigKey]);
        // pullfix diagnose names the registry whose CA went, from that one line.
        let d = pullfix_core::diagnose::diagnose(&excerpt);
        assert_eq!(d.findings[0].prefill.registry().as_deref(), Some(host.as_str()), "{d:#?}");
    }

    let config = w.dir().join("node-config.toml");
    std::fs::write(&config, old_node("ctd").to_string()).expect("write the node's config");
    let stderr = pullfix_apply(&w, &form, &config);
    let text = std::fs::read_to_string(&config).expect("applied config");
    let applied: toml_edit::DocumentMut = text.parse().expect("applied config is TOML");
    let hosts = std::fs::read_to_string(w.certs_d().join(&host).join("hosts.toml")).expect("hosts.toml written");
    assert!(hosts.contains("ca = "), "{hosts}");
    let ctd = w.containerd("ctd", &applied);
    let dump = ctd.config_dump();
    let images = &dump["plugins"][CRI_IMAGES]["registry"];
    assert_eq!(
        images["config_path"].as_str(),
        Some(w.certs_d().to_string_lossy().as_ref()),
        "2.1.9's config dump of the applied file:\n{dump}\npullfix apply said:\n{stderr}"
    );
    let cri = Cri::connect(&ctd.socket);
    assert_pulled(&w, &ctd, &cri, &w.image_ref(), cri.pull(&w.image_ref(), Some(&creds)));
    // Nothing of the old `configs` is left to make 2.1.9 fall back from the transfer service.
    assert!(
        !ctd.log().contains("Falling back to local image pull mode"),
        "the applied file keeps 2.1.9 off the transfer service:\n{text}\n{}",
        ctd.problems()
    );
}

/// One `#[test]` per case for `$release`, in module `$module`: `v2_1::case03_...`.
macro_rules! cases {
    ($module:ident = $release:expr => $($case:ident),+ $(,)?) => {
        mod $module {
            $(
                #[test]
                fn $case() {
                    super::$case($release)
                }
            )+
        }
    };
}

/// The cases both 1.x releases run, once per release.
macro_rules! one_x_cases {
    ($($module:ident = $release:expr),+) => {
        $(cases!($module = $release =>
            case01_no_configuration_fails_with_x509_unknown_authority,
            case02_hosts_toml_with_ca_without_credentials_gives_401,
            case03_hosts_toml_with_ca_and_secret_credentials_pulls,
            case04_node_auth_without_secret_pulls,
            case05_skip_verify_instead_of_ca_pulls,
            case06_legacy_inline_config_pulls,
            case07_plain_http_registry_needs_generated_http_config,
            case08_sandbox_image_on_private_registry_needs_node_auth,
            case09_config_path_with_legacy_tls_stops_cri_and_pullfix_warns,
            case10_wrong_password_gives_401,
            case11_hosts_toml_without_host_table_is_ignored_by_1_x,
            case12_unresolvable_name_fails_with_dns_lookup,
            case13_docker_hub_mirror_on_a_listed_registry_uses_its_ca,
            case14_legacy_inline_mirror_on_a_listed_registry_uses_its_ca,
            case15_apply_with_credentials_only_keeps_the_legacy_skip_verify,
            case17_docker_hub_mirror_with_the_secret_alone_pulls,
            case18_config_path_list,
            case19_capitalised_host_serves_only_images_spelled_alike,
        );)+
    };
}

one_x_cases!(v1_6 = super::Release::V1_6, v1_7 = super::Release::V1_7);

cases!(v2_1 = super::Release::V2_1 =>
    case01_no_configuration_fails_with_x509_unknown_authority,
    case02_hosts_toml_with_ca_without_credentials_gives_401,
    case03_hosts_toml_with_ca_and_secret_credentials_pulls,
    case04_node_auth_without_secret_pulls,
    case05_skip_verify_instead_of_ca_pulls,
    case06_legacy_inline_config_pulls,
    case07_plain_http_registry_needs_generated_http_config,
    case08_sandbox_image_on_private_registry_needs_node_auth,
    case10_wrong_password_gives_401,
    case11_hosts_toml_without_host_table_is_ignored_by_1_x,
    case12_unresolvable_name_fails_with_dns_lookup,
    case13_docker_hub_mirror_on_a_listed_registry_uses_its_ca,
    case16_upgrade_legacy_ca_file_to_2x_with_pullfix_apply,
    case17_docker_hub_mirror_with_the_secret_alone_pulls,
    case18_config_path_list,
    case19_capitalised_host_serves_only_images_spelled_alike,
);
