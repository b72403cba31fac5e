//! `pullfix_core::diagnose` over the fixture texts in `tests/fixtures/diagnose/` (see its
//! README for where each text comes from): the families found, in order, the registry
//! host and port each finding names, and the prefill it applies.

use pullfix_core::diagnose::{apply_prefill, diagnose, Diagnosis, Family, Family::*, Prefill};
use pullfix_core::{Form, Scheme};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/diagnose/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Diagnoses a fixture and checks the families (in order) and the registry
/// (`host[:port]`) of each finding; every finding must quote its own line and say
/// what it means and what to do.
#[track_caller]
fn check(name: &str, expected: &[(Family, Option<&str>)]) -> Diagnosis {
    let text = fixture(name);
    let d = diagnose(&text);
    let got: Vec<(Family, Option<String>)> = d.findings.iter().map(|f| (f.family, f.prefill.registry())).collect();
    let want: Vec<(Family, Option<String>)> = expected.iter().map(|(f, r)| (*f, r.map(str::to_owned))).collect();
    assert_eq!(got, want, "{name}: {:#?}", d.findings);
    for f in &d.findings {
        let line = text.lines().nth(f.line - 1).expect("line number inside the text").trim();
        assert_eq!(f.excerpt, line, "{name}: the excerpt is the line");
        assert_eq!(f.code, f.family.code());
        assert!(!f.title.is_empty() && !f.explanation.is_empty() && !f.fix.is_empty(), "{name}: {f:#?}");
    }
    d
}

fn prefill(d: &Diagnosis, family: Family) -> &Prefill {
    &d.findings.iter().find(|f| f.family == family).expect("the family is found").prefill
}

// ---- the incident (STORY.md) -------------------------------------------------------------

#[test]
fn story_1_dns_timeout_in_describe_pod() {
    let d = check("story-1-dns-describe-pod.txt", &[(DnsLookup, Some("hub.mooc.com"))]);
    let f = &d.findings[0];
    assert!(f.explanation.contains("8.8.8.8:53") && f.explanation.contains("no containerd setting"));
    assert!(f.fix.contains("/etc/hosts") && f.fix.contains("SAN"), "{}", f.fix);
    assert_eq!((f.prefill.host.as_deref(), f.prefill.port), (Some("hub.mooc.com"), None));
    assert_eq!(d.facts.image.as_deref(), Some("hub.mooc.com/kubernetes/cronjob:v1"));
    assert_eq!(d.facts.namespace.as_deref(), Some("jobs"));
    assert_eq!(d.facts.containerd_major, Some(1));
}

#[test]
fn story_2_x509_from_crictl_prefills_a_ca_path() {
    let d = check(
        "story-2-x509-crictl-1.x.txt",
        &[(X509UnknownAuthority, Some("hub.mooc.com")), (ContainerdVersionUnknown, None)],
    );
    let p = &d.findings[0].prefill;
    assert!(p.ca_needed && p.skip_verify.is_none());
    let form = d.apply_all(&Form::default());
    assert_eq!(form.registries.len(), 1);
    assert_eq!(form.registries[0].host, "hub.mooc.com");
    assert_eq!(form.registries[0].ca_file, "/etc/containerd/certs.d/hub.mooc.com/ca.crt");
    assert!(!form.registries[0].skip_verify);
}

#[test]
fn story_3_401_with_ctr_skip_verify() {
    let d = check(
        "story-3-401-ctr-skip-verify.txt",
        &[(Unauthorized, Some("10.50.1.104")), (ContainerdVersionUnknown, None)],
    );
    assert!(d.findings[0].prefill.credentials_needed);
    assert!(d.findings[0].fix.contains("`10.50.1.104`"));
}

#[test]
fn story_6_pause_from_k8s_gcr_io_times_out() {
    let d = check(
        "story-6-sandbox-k8s-gcr-describe.txt",
        &[(PublicRegistryUnreachable, None), (SandboxImage, None), (ContainerdVersionUnknown, None)],
    );
    let mirror = "registry.aliyuncs.com/google_containers/pause:3.2";
    let want = Some(mirror);
    assert_eq!(prefill(&d, SandboxImage).sandbox_image.as_deref(), want);
    assert_eq!(prefill(&d, PublicRegistryUnreachable).sandbox_image.as_deref(), want);
    assert_eq!(d.facts.pause_image.as_deref(), Some("k8s.gcr.io/pause:3.2"));
    assert_eq!(d.facts.image, None, "the pause image is not the workload's image");
    let form = d.apply_all(&Form::default());
    assert_eq!(form.sandbox_image, mirror);
    assert!(form.registries.is_empty(), "no registry entry for k8s.gcr.io: the fix is the sandbox image");
}

#[test]
fn whole_story_in_one_paste_is_ordered_dns_tls_auth() {
    let d = check(
        "the-whole-story.txt",
        &[
            (DnsLookup, Some("hub.mooc.com")),
            (X509NameMismatch, Some("10.50.1.104")),
            (Unauthorized, Some("10.50.1.104")),
            (ContainerdVersionUnknown, None),
        ],
    );
    assert_eq!(prefill(&d, X509NameMismatch).skip_verify, Some(true));
    let form = d.apply_all(&Form::default());
    let hosts: Vec<(&str, bool)> = form.registries.iter().map(|r| (r.host.as_str(), r.skip_verify)).collect();
    assert_eq!(hosts, [("hub.mooc.com", false), ("10.50.1.104", true)]);
}

// ---- real captures from containerd 1.6.20 ------------------------------------------------

#[test]
fn captured_x509_unknown_authority() {
    let d = check(
        "ctr-1.6.20-x509-unknown-authority.txt",
        &[(X509UnknownAuthority, Some("localhost:15443")), (ContainerdVersionUnknown, None)],
    );
    let p = &d.findings[0].prefill;
    assert_eq!((p.host.as_deref(), p.port, p.ca_needed), (Some("localhost"), Some(15443), true));
    assert!(d.findings[0].excerpt.starts_with("ctr: failed to resolve reference"), "the final line, not a retry");
}

#[test]
fn captured_no_ip_sans_offers_skip_verify_as_stopgap() {
    let d = check(
        "ctr-1.6.20-x509-no-ip-sans.txt",
        &[(X509NameMismatch, Some("127.0.0.1:15443")), (ContainerdVersionUnknown, None)],
    );
    let f = &d.findings[0];
    assert_eq!(f.prefill.skip_verify, Some(true));
    assert!(f.fix.contains("subjectAltName") && f.explanation.contains("IP SAN"), "{f:#?}");
}

#[test]
fn captured_name_mismatch_with_only_ip_names() {
    let d = check(
        "ctr-1.6.20-x509-name-mismatch.txt",
        &[(X509NameMismatch, Some("127.0.0.1:15444")), (ContainerdVersionUnknown, None)],
    );
    assert!(d.findings[0].explanation.contains("valid for 127.0.0.2, but containerd connected to 127.0.0.1"));
    assert_eq!(d.findings[0].prefill.skip_verify, Some(true));
}

#[test]
fn captured_http_response_sets_scheme_http() {
    let d = check(
        "ctr-1.6.20-http-response-to-https.txt",
        &[(HttpResponseToHttps, Some("127.0.0.1:15000")), (ContainerdVersionUnknown, None)],
    );
    assert_eq!(d.findings[0].prefill.scheme, Some(Scheme::Http));
    let form = d.apply_all(&Form::default());
    assert_eq!((form.registries[0].host.as_str(), form.registries[0].scheme), ("127.0.0.1:15000", Scheme::Http));
}

#[test]
fn captured_401_and_not_found() {
    check("ctr-1.6.20-401.txt", &[(Unauthorized, Some("localhost:15443")), (ContainerdVersionUnknown, None)]);
    check("ctr-1.6.20-not-found.txt", &[(ManifestNotFound, Some("localhost:15443"))]);
}

#[test]
fn captured_connection_refused_and_no_such_host() {
    let d = check("ctr-1.6.20-connection-refused.txt", &[(ConnectionRefused, Some("127.0.0.1:15999"))]);
    assert_eq!(d.findings[0].prefill.port, Some(15999));
    let d = check("ctr-1.6.20-no-such-host.txt", &[(DnsLookup, Some("registry.pullfix.invalid"))]);
    assert!(d.findings[0].explanation.contains("does not exist"));
}

#[test]
fn captured_hosts_toml_decode_errors() {
    let d = check(
        "ctr-1.6.20-hosts-toml-duplicate-tables.txt",
        &[(HostsTomlInvalid, None), (ManifestNotFound, Some("127.0.0.1:15000"))],
    );
    assert!(d.findings[0].explanation.contains("duplicated tables") && d.findings[0].explanation.contains("twice"));
    let d = check("ctr-1.6.20-hosts-toml-no-host-table.txt", &[(HostsTomlInvalid, None)]);
    assert!(d.findings[0].explanation.contains("without any [host."));
    check("synthetic-hosts-toml-decode-with-path.log", &[(HostsTomlInvalid, Some("10.50.1.104:5000"))]);
}

#[test]
fn captured_mixed_styles_stop_the_cri_plugin() {
    for (file, key) in [
        ("containerd-1.6.20-configs-tls-with-config-path.log", "configs"),
        ("containerd-1.6.20-mirrors-with-config-path.log", "mirrors"),
    ] {
        let d = check(file, &[(MixedConfigStyles, None)]);
        assert!(d.findings[0].title.contains(key));
        assert_eq!(d.facts.containerd.as_deref(), Some("1.6.20"));
        assert_eq!(d.findings[0].prefill.containerd.as_deref(), Some("1.6.20"));
    }
    // containerd 2.1.9 (Debian forky) refuses the same with its own words, in its image plugin.
    let d = check("containerd-2.1.9-mirrors-with-config-path.log", &[(MixedConfigStyles, None)]);
    assert!(d.findings[0].title.contains("mirrors"), "{}", d.findings[0].title);
    assert_eq!(d.facts.containerd.as_deref(), Some("2.1.9"));
    assert_eq!(d.findings[0].prefill.containerd.as_deref(), Some("2.1.9"));
}

// ---- containerd 2.x and kubeadm ----------------------------------------------------------

#[test]
fn unknown_key_on_2_x() {
    let d = check("containerd-2.x-unknown-key-journal.log", &[(UnknownConfigKey, None)]);
    assert!(d.findings[0].title.contains("`registry`") && d.findings[0].title.contains("io.containerd.grpc.v1.cri"));
    assert_eq!(d.facts.containerd.as_deref(), Some("2.1.3"));
    assert_eq!(d.findings[0].prefill.containerd.as_deref(), Some("2.1.3"));
}

#[test]
fn config_version_too_new_in_both_spellings() {
    for file in ["containerd-2.2-version-too-new.log", "containerd-2.0-version-too-new-plain.log"] {
        let d = check(file, &[(ConfigVersionTooNew, None)]);
        assert!(d.findings[0].title.contains("version = 4") && d.findings[0].title.contains("at most version 3"));
        assert!(d.findings[0].fix.contains("`version = 3`") && d.findings[0].fix.contains("cri.v1.images"));
    }
}

#[test]
fn kubeadm_sandbox_mismatch_prefills_the_recommended_pause() {
    let d = check("kubeadm-sandbox-mismatch.txt", &[(SandboxImageMismatch, None), (ContainerdVersionUnknown, None)]);
    assert_eq!(d.findings[0].prefill.sandbox_image.as_deref(), Some("registry.k8s.io/pause:3.10"));
    assert_eq!(d.facts.pause_image.as_deref(), Some("registry.k8s.io/pause:3.9"));
    let d = check(
        "kubeadm-sandbox-mismatch-old-wording.txt",
        &[(SandboxImageMismatch, None), (ContainerdVersionUnknown, None)],
    );
    assert_eq!(d.findings[0].prefill.sandbox_image.as_deref(), Some("registry.k8s.io/pause:3.9"));
}

#[test]
fn x509_in_go_1_20_wording_with_ip_and_port_on_2_x() {
    let d = check("x509-newer-go-2.x-ip-port.txt", &[(X509UnknownAuthority, Some("10.50.1.104:5000"))]);
    assert_eq!(d.facts.containerd_major, Some(2));
    assert_eq!((d.facts.host.as_deref(), d.facts.port), (Some("10.50.1.104"), Some(5000)));
    assert!(d.findings[0].explanation.contains("2.x"), "2.x ignores legacy configs.tls");
    assert_eq!(d.findings[0].prefill.containerd.as_deref(), Some("2.0"), "the format says 2.x");
    let form = d.apply_all(&Form::default());
    assert_eq!(form.registries[0].ca_file, "/etc/containerd/certs.d/10.50.1.104:5000/ca.crt");
}

#[test]
fn registry_k8s_io_timeout_on_2_x() {
    let d = check("registry-k8s-io-timeout-2.x.txt", &[(PublicRegistryUnreachable, None), (SandboxImage, None)]);
    assert_eq!(
        prefill(&d, SandboxImage).sandbox_image.as_deref(),
        Some("registry.aliyuncs.com/google_containers/pause:3.10")
    );
}

#[test]
fn pause_on_a_private_registry_needs_node_credentials() {
    let d = check(
        "private-sandbox-401.txt",
        &[
            (Unauthorized, Some("harbor.example.net")),
            (SandboxImage, Some("harbor.example.net")),
            (ContainerdVersionUnknown, None),
        ],
    );
    let p = prefill(&d, SandboxImage);
    assert_eq!((p.node_auth, p.credentials_needed, p.sandbox_image.as_deref()), (Some(true), true, None));
    let form = d.apply_all(&Form::default());
    assert!(form.registries[0].node_auth);
    // The kubelet never sends imagePullSecrets for the pause image: the auth finding must
    // not recommend them (the sandbox finding would contradict it).
    let auth = &d.findings[0];
    assert!(!auth.fix.contains("imagePullSecrets") && auth.fix.contains("node-level"), "{auth:#?}");
    assert!(auth.explanation.contains("never sends"), "{auth:#?}");
    assert_eq!(prefill(&d, Unauthorized).node_auth, Some(true));
    // An ordinary 401 still does.
    let text = fixture("ctr-1.6.20-401.txt");
    let d = diagnose(&text);
    let auth = d.findings.iter().find(|f| f.family == Unauthorized).expect("401");
    assert!(auth.fix.contains("imagePullSecrets"), "{auth:#?}");
}

// ---- other families ---------------------------------------------------------------------

#[test]
fn docker_hub_families() {
    let d = check("dockerhub-manifest-unknown-2.x.txt", &[(ManifestNotFound, Some("docker.io"))]);
    assert_eq!(d.facts.image.as_deref(), Some("docker.io/library/nginx:1.255"));
    assert_eq!(d.facts.containerd_major, Some(2));
    let d = check(
        "dockerhub-toomanyrequests.txt",
        &[(TooManyRequests, Some("docker.io")), (ContainerdVersionUnknown, None)],
    );
    assert!(d.findings[0].prefill.credentials_needed);
    let d = check(
        "dockerhub-pull-access-denied.txt",
        &[(Unauthorized, Some("docker.io")), (ContainerdVersionUnknown, None)],
    );
    assert!(d.findings[0].explanation.contains("does not exist"));
}

#[test]
fn missing_pull_secret_comes_before_its_401() {
    let d = check(
        "failed-to-retrieve-pull-secret.txt",
        &[
            (PullSecretMissing, Some("harbor.example.net:8443")),
            (Unauthorized, Some("harbor.example.net:8443")),
            (ContainerdVersionUnknown, None),
        ],
    );
    let p = prefill(&d, PullSecretMissing);
    assert_eq!((p.secret_name.as_deref(), p.namespace.as_deref()), (Some("regcred"), Some("shop")));
    assert!(d.findings[0].fix.contains("-n shop"));
    let form = d.apply_all(&Form::default());
    assert_eq!(form.kubernetes.namespaces, ["shop"]);
    assert_eq!(form.kubernetes.secret_name, "regcred");
    assert_eq!(form.registries.len(), 1, "both findings name the same registry");
}

#[test]
fn timeouts_and_expired_certificates() {
    check("tls-handshake-timeout.txt", &[(TlsHandshakeTimeout, Some("quay.io"))]);
    check("network-timeout-private.txt", &[(NetworkTimeout, Some("10.50.1.104:5000"))]);
    check("x509-expired.txt", &[(X509Expired, Some("harbor.example.net"))]);
}

// ---- no false alarms ---------------------------------------------------------------------

#[test]
fn healthy_texts_give_no_finding() {
    for file in [
        "healthy-describe-pod.txt",
        "healthy-crictl-pull.txt",
        "healthy-containerd-pull-journal.log",
        "healthy-get-events.txt",
        "containerd-1.6.20-healthy-start.log",
    ] {
        check(file, &[]);
    }
    let d = diagnose(&fixture("healthy-describe-pod.txt"));
    assert_eq!(d.facts.image.as_deref(), Some("harbor.example.net/library/nginx:1.25"));
    assert_eq!(d.facts.registry.as_deref(), Some("harbor.example.net"));
}

// ---- prefill and robustness --------------------------------------------------------------

#[test]
fn prefill_updates_the_matching_registry_and_keeps_what_is_set() {
    let mut form = Form::default();
    form.registries.push(pullfix_core::Registry {
        host: "hub.mooc.com".into(),
        ca_pem: "-----BEGIN CERTIFICATE-----".into(),
        ..Default::default()
    });
    let p = Prefill { host: Some("hub.mooc.com".into()), ca_needed: true, ..Prefill::default() };
    let out = apply_prefill(&form, &p);
    assert_eq!(out.registries.len(), 1);
    assert_eq!(out.registries[0].ca_file, "", "a pasted CA is kept, no path invented");
    let p = Prefill { host: Some("10.50.1.104".into()), port: Some(5000), ..Prefill::default() };
    assert_eq!(apply_prefill(&form, &p).registries[1].host, "10.50.1.104:5000");
    assert_eq!(apply_prefill(&form, &Prefill::default()), form);
}

#[test]
fn findings_serialize_for_the_web_page() {
    let d = diagnose(&fixture("story-2-x509-crictl-1.x.txt"));
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["findings"][0]["family"], "x509_unknown_authority");
    assert_eq!(v["findings"][0]["code"], "x509.unknown_authority");
    assert_eq!(v["findings"][0]["prefill"]["host"], "hub.mooc.com");
    assert_eq!(v["findings"][0]["prefill"]["ca_needed"], true);
    assert_eq!(v["facts"]["image"], "hub.mooc.com/kubernetes/cronjob:v1");
}

#[test]
fn never_panics_on_cut_or_odd_text() {
    let markers = [
        "lookup ",
        "certificate is valid for ",
        "certificate is valid for a, not ",
        "cannot validate certificate for ",
        "expected containerd config version equal to or less than",
        "expected containerd config version equal to or less than `",
        "failed to get sandbox image \"",
        "image pull secrets (",
        "Head \"https://",
        "https://",
        "failed to decode hosts.toml",
        "detected that the sandbox image \"x\" is inconsistent",
        "Ignoring unknown key in TOML for plugin key=",
        "containerd://",
        "containerd/",
        "pull access denied for ",
        "connection refused dial tcp ",
    ];
    for m in markers {
        for text in [m.to_owned(), format!("{m}é"), format!("{m}\"\""), format!("ü{m}€ x509: ü"), m.repeat(3)] {
            let _ = diagnose(&text);
            let d = diagnose(&text.to_uppercase());
            let _ = d.apply_all(&Form::default());
        }
    }
    let all: String = (0u8..=255).map(char::from).collect();
    let _ = diagnose(&all);
    let _ = diagnose(&"x".repeat(100_000));
}

// ---- the CLI -----------------------------------------------------------------------------

#[test]
fn cli_prints_findings_and_writes_the_prefilled_form() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!("{}/tests/fixtures/diagnose/the-whole-story.txt", env!("CARGO_MANIFEST_DIR"));
    let form_out = dir.path().join("form.yaml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["diagnose", &input, "--form-out"])
        .arg(&form_out)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for want in ["1. [net.dns]", "2. [x509.name_mismatch]", "3. [auth.unauthorized]", "line 2: ctr: failed", "Fix:"] {
        assert!(text.contains(want), "{want:?} missing in:\n{text}");
    }
    let yaml = std::fs::read_to_string(&form_out).unwrap();
    let form = pullfix_core::parse_form(&yaml, pullfix_core::FormFormat::Yaml).unwrap();
    assert_eq!(form.registries.iter().map(|r| r.host.as_str()).collect::<Vec<_>>(), ["hub.mooc.com", "10.50.1.104"]);
    assert!(form.registries[1].skip_verify);
}

#[test]
fn cli_reads_stdin_and_prints_json() {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["diagnose", "-", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(fixture("ctr-1.6.20-http-response-to-https.txt").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["code"], "tls.http_response");
    assert_eq!(v["findings"][0]["prefill"]["scheme"], "http");
    assert_eq!(v["findings"][0]["prefill"]["port"], 15000);
}

/// Review 13 I-3: neither the text report nor `--json` repeats a password, token or
/// Basic header of the pasted text; the user name stays, and the findings are the same.
#[test]
fn cli_masks_credentials_of_the_pasted_text() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("err.txt");
    std::fs::write(
        &input,
        "Warning  Failed  kubelet  Failed to pull image \"https://bob:DiagUrlPass@h.example:5000/app:1\": x509: \
         certificate signed by unknown authority\n\
         Failed to pull image \"h.example:5000/app:1\": failed to authorize: failed to fetch oauth token: unexpected \
         status from GET request to https://h.example:5000/service/token: 401 Unauthorized \
         request.header.authorization=\"Basic dTpEaWFnUGFzcw==\" password=DiagPlainPass\n",
    )
    .unwrap();
    let run = |json: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pullfix"));
        cmd.arg("diagnose").arg(&input);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    let (text, err) = run(false);
    let (json, _) = run(true);
    for secret in ["DiagUrlPass", "dTpEaWFnUGFzcw==", "DiagPlainPass"] {
        for shown in [&text, &err, &json] {
            assert!(!shown.contains(secret), "{secret} in:\n{shown}");
        }
    }
    assert!(text.contains("Failed to pull image \"https://bob:***@h.example:5000/app:1\""), "{text}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let codes: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes[..2], ["x509.unknown_authority", "auth.unauthorized"]);
    assert!(v["findings"][0]["title"].as_str().unwrap().contains("h.example:5000's certificate"));
    let excerpt = v["findings"][1]["excerpt"].as_str().unwrap();
    assert!(excerpt.ends_with("authorization=\"Basic ***\" password=***"), "{excerpt}");
}

/// Review 12, L5: `kubectl describe pod nope 2>/dev/null | pullfix diagnose` gives no
/// text; that is "no input" and exit 2, not "no known problem" and exit 0. Whitespace
/// only and an empty file alike.
#[test]
fn cli_empty_input_is_no_input_and_exit_2() {
    use std::io::Write;
    for stdin in ["", " \n\n"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pullfix"))
            .arg("diagnose")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{stdin:?}");
        assert!(out.stdout.is_empty(), "{stdin:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("pullfix diagnose: no input: standard input was empty"), "{err}");
        assert!(!err.contains("paste it"), "stdin is a pipe, not a terminal: {err}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("describe.txt");
    std::fs::write(&empty, "").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pullfix")).arg("diagnose").arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("no input: {} is empty", empty.display())), "{err}");
}

/// Review 12, L5: on a terminal, diagnose says what it waits for. `script` (util-linux)
/// gives it a terminal; its stdin at end of file ends the paste at once.
#[test]
fn cli_on_a_terminal_prints_a_paste_hint() {
    let bin = env!("CARGO_BIN_EXE_pullfix");
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("{bin} diagnose"), "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script (util-linux) runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("paste it, then press Ctrl-D on a new line"), "{text}");
    assert!(text.contains("no input"), "{text}");
    assert_eq!(out.status.code(), Some(2), "{text}");
}

// ---- the acceptance suite's captures (tests/fixtures/errors/, real containerd 1.6.20) ----

/// The families (in order) and registries a text must give.
type Expected = &'static [(Family, Option<&'static str>)];

/// Every capture and what it must give. The captures write the registry's random port
/// as `<port>`; it is replaced by 5000 here. A new capture must be added to this table.
#[test]
fn acceptance_captures() {
    let table: &[(&str, Expected)] = &[
        ("configs-tls-with-config-path.containerd-log.txt", &[(MixedConfigStyles, None)]),
        ("mirrors-with-config-path.containerd-log.txt", &[(MixedConfigStyles, None)]),
        ("cri-not-loaded-unknown-service.crictl.txt", &[(CriNotLoaded, None)]),
        ("dns-lookup-failed.crictl.txt", &[(DnsLookup, Some("unknown.pullfix.test:5000"))]),
        ("hosts-toml-invalid-host-tree.containerd-log.txt", &[(HostsTomlInvalid, None)]),
        (
            "http-response-to-https-client.crictl.txt",
            &[(HttpResponseToHttps, Some("registry.pullfix.test:5000")), (ContainerdVersionUnknown, None)],
        ),
        (
            "sandbox-image-unauthorized.crictl.txt",
            &[
                (Unauthorized, Some("registry.pullfix.test:5000")),
                (SandboxImage, Some("registry.pullfix.test:5000")),
                (ContainerdVersionUnknown, None),
            ],
        ),
        (
            "unauthorized-no-credentials.crictl.txt",
            &[(Unauthorized, Some("registry.pullfix.test:5000")), (ContainerdVersionUnknown, None)],
        ),
        (
            "unauthorized-no-credentials.ctr.txt",
            &[(Unauthorized, Some("registry.pullfix.test:5000")), (ContainerdVersionUnknown, None)],
        ),
        (
            "unauthorized-wrong-password.crictl.txt",
            &[(Unauthorized, Some("registry.pullfix.test:5000")), (ContainerdVersionUnknown, None)],
        ),
        (
            "unauthorized-wrong-password.ctr.txt",
            &[(Unauthorized, Some("registry.pullfix.test:5000")), (ContainerdVersionUnknown, None)],
        ),
        (
            "x509-unknown-authority.crictl.txt",
            &[(X509UnknownAuthority, Some("registry.pullfix.test:5000")), (ContainerdVersionUnknown, None)],
        ),
        (
            "x509-unknown-authority.ctr.txt",
            &[(X509UnknownAuthority, Some("registry.pullfix.test:5000")), (ContainerdVersionUnknown, None)],
        ),
    ];
    let dir = format!("{}/tests/fixtures/errors", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    let mut listed: Vec<String> = table.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(names, listed, "every capture in {dir} has an expectation");
    for (name, expected) in table {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap().replace("<port>", "5000");
        let d = diagnose(&text);
        let got: Vec<(Family, Option<String>)> = d.findings.iter().map(|f| (f.family, f.prefill.registry())).collect();
        let want: Vec<(Family, Option<String>)> = expected.iter().map(|(f, r)| (*f, r.map(str::to_owned))).collect();
        assert_eq!(got, want, "{name}");
        if let Some(f) = d.findings.iter().find(|f| f.family == Unauthorized) {
            assert!(f.prefill.credentials_needed && f.prefill.port == Some(5000), "{name}");
        }
    }
    let d = diagnose(&fixture_errors("sandbox-image-unauthorized.crictl.txt"));
    assert_eq!(prefill(&d, SandboxImage).node_auth, Some(true), "a private pause image needs node credentials");
}

fn fixture_errors(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/errors/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .replace("<port>", "5000")
}

// ---- end to end: the prefilled form renders the fix ----------------------------------------

/// Diagnoses a fixture, applies every prefill to an empty form, renders it and returns
/// the rendered file at `path`, parsed back as TOML.
#[track_caller]
fn rendered_toml(fixture_name: &str, path: &str) -> toml_edit::DocumentMut {
    let form = diagnose(&fixture(fixture_name)).apply_all(&Form::default());
    let out = pullfix_core::render(&form);
    let errors: Vec<_> = out.diagnostics.iter().filter(|d| d.severity == pullfix_core::Severity::Error).collect();
    assert!(errors.is_empty(), "{fixture_name}: {errors:#?}");
    let file = out.files.iter().find(|f| f.path == path).unwrap_or_else(|| {
        panic!("{fixture_name}: no {path} in {:?}", out.files.iter().map(|f| &f.path).collect::<Vec<_>>())
    });
    file.contents.parse().unwrap()
}

#[test]
fn prefilled_forms_render_the_fix() {
    let h = rendered_toml("story-2-x509-crictl-1.x.txt", "etc/containerd/certs.d/hub.mooc.com/hosts.toml");
    assert_eq!(h["ca"].as_str(), Some("/etc/containerd/certs.d/hub.mooc.com/ca.crt"));
    let h = rendered_toml("ctr-1.6.20-http-response-to-https.txt", "etc/containerd/certs.d/127.0.0.1:15000/hosts.toml");
    assert_eq!(h["server"].as_str(), Some("http://127.0.0.1:15000"));
    let h = rendered_toml("the-whole-story.txt", "etc/containerd/certs.d/10.50.1.104/hosts.toml");
    assert_eq!(h["skip_verify"].as_bool(), Some(true));
    let c = rendered_toml("story-6-sandbox-k8s-gcr-describe.txt", "etc/containerd/config.toml");
    assert_eq!(
        c["plugins"]["io.containerd.grpc.v1.cri"]["sandbox_image"].as_str(),
        Some("registry.aliyuncs.com/google_containers/pause:3.2")
    );
    // The 2.x message format makes the form target 2.x: version 3, the 2.x plugin names.
    let c = rendered_toml("x509-newer-go-2.x-ip-port.txt", "etc/containerd/config.toml");
    assert_eq!(c["version"].as_integer(), Some(3));
    assert!(c["plugins"]["io.containerd.cri.v1.images"]["registry"]["config_path"].is_str());
}

#[test]
fn name_mismatch_switches_back_to_a_name_the_certificate_carries() {
    let d = check("x509-valid-for-name-not-ip.txt", &[(X509NameMismatch, Some("hub.mooc.com:8443"))]);
    let f = &d.findings[0];
    assert_eq!(f.prefill.skip_verify, None, "no skip_verify when a name works");
    assert!(f.fix.contains("`10.50.1.104 hub.mooc.com`") && f.fix.contains("/etc/hosts"), "{}", f.fix);
    assert!(f.explanation.contains("valid for hub.mooc.com, harbor.mooc.com, but containerd connected to 10.50.1.104"));
}

#[test]
fn platform_mismatch_is_not_a_missing_image() {
    let d = check("platform-mismatch-arm64.txt", &[(PlatformMismatch, Some("harbor.example.net"))]);
    assert!(d.findings[0].fix.contains("kubernetes.io/arch"));
}

#[test]
fn every_cut_of_every_fixture_is_diagnosed_without_panic() {
    let dir = format!("{}/tests/fixtures/diagnose", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for cut in (0..text.len()).step_by(17).filter(|&i| text.is_char_boundary(i)) {
            let d = diagnose(&text[..cut]);
            let _ = d.apply_all(&Form::default());
            let d = diagnose(&text[cut..]);
            assert!(d.findings.iter().all(|f| f.line >= 1));
        }
    }
}

/// `diagnose --form-out` on an x509 error names the CA's path but has no PEM: generate
/// must say that nobody writes that file, and stop saying so once the PEM is pasted.
#[test]
fn prefilled_ca_path_without_pem_is_reported_by_generate() {
    let d = diagnose(&fixture("ctr-1.6.20-x509-unknown-authority.txt"));
    let mut form = d.apply_all(&Form::default());
    let path = form.registries[0].ca_file.clone();
    assert!(path.ends_with("/ca.crt"), "{path}");
    let out = pullfix_core::render(&form);
    let w = out.diagnostics.iter().find(|d| d.code == "ca_file.not-written").expect("warning");
    assert_eq!(w.field.as_str(), "registry[0].ca_file");
    assert!(w.message.contains(&path) && w.fix.contains("ca_pem") && w.fix.contains(&path), "{w:?}");
    assert!(!out.files.iter().any(|f| f.path == path.trim_start_matches('/')));

    form.registries[0].ca_pem = REAL_PEM.into();
    let out = pullfix_core::render(&form);
    assert!(!out.diagnostics.iter().any(|d| d.code == "ca_file.not-written"), "{:?}", out.diagnostics);
    assert!(out.files.iter().any(|f| f.path == path.trim_start_matches('/')), "the CA is written where ca_file says");
}

const REAL_PEM: &str = include_str!("fixtures/certs/example-harbor-ca.pem");

// ---- the CA file containerd's config names ------------------------------------------------

#[test]
fn ca_file_missing_unreadable_or_not_a_certificate() {
    let d = check(
        "synthetic-ca-file-missing-crictl-1.6.txt",
        &[(CaFileUnusable, Some("10.50.1.104:5000")), (ContainerdVersionUnknown, None)],
    );
    let f = &d.findings[0];
    assert!(
        f.title.contains("/etc/containerd/certs.d/10.50.1.104:5000/ca.crt") && f.title.contains("missing"),
        "{f:#?}"
    );
    assert!(f.explanation.contains("hosts.toml") && f.fix.contains("paste"), "{f:#?}");
    let p = prefill(&d, CaFileUnusable);
    assert_eq!((p.host.as_deref(), p.port), (Some("10.50.1.104"), Some(5000)));
    assert!(p.ca_needed && !p.credentials_needed && p.skip_verify.is_none());
    let form = d.apply_all(&Form::default());
    assert_eq!(form.registries[0].host, "10.50.1.104:5000");
    assert_eq!(form.registries[0].ca_file, "/etc/containerd/certs.d/10.50.1.104:5000/ca.crt");
    // ... and generate then asks for the PEM (prefilled_ca_path_without_pem_is_reported_by_generate).
    let out = pullfix_core::render(&form);
    assert!(out.diagnostics.iter().any(|d| d.code == "ca_file.not-written"), "{:?}", out.diagnostics);

    let d = check(
        "synthetic-ca-file-truncated-describe-pod.txt",
        &[(CaFileUnusable, Some("harbor.example.net:8443")), (ContainerdVersionUnknown, None)],
    );
    assert!(d.findings[0].title.contains("not a usable CA certificate"), "{:#?}", d.findings[0]);
    assert!(d.findings[0].explanation.contains("truncated"));
    assert_eq!(prefill(&d, CaFileUnusable).port, Some(8443));

    let d = check(
        "synthetic-ca-file-inline-1.4-journal.log",
        &[(CaFileUnusable, Some("hub.mooc.com")), (ContainerdVersionUnknown, None)],
    );
    let f = &d.findings[0];
    assert!(f.title.contains("cannot read /etc/pki/hub.mooc.com/ca.crt"), "{f:#?}");
    assert!(f.explanation.contains("tls.ca_file"), "{f:#?}");
}

#[test]
fn a_bare_x509_line_puts_a_placeholder_not_prose_into_the_ca_path() {
    let d = diagnose("x509: certificate signed by unknown authority\n");
    let f = d.findings.iter().find(|f| f.family == X509UnknownAuthority).expect("the x509 finding");
    assert!(f.fix.contains("/etc/containerd/certs.d/<registry host:port>/ca.crt"), "{}", f.fix);
    assert!(!f.fix.contains("certs.d/the registry"), "{}", f.fix);
}

#[test]
fn forbidden_403_is_a_permission_not_a_password() {
    let d = check("forbidden-403-describe-pod.txt", &[(Forbidden, Some("harbor.example.net"))]);
    let f = &d.findings[0];
    assert_eq!(f.code, "auth.forbidden");
    assert!(f.explanation.contains("not a missing password") && f.fix.contains("pull permission"), "{f:#?}");
    // Nothing to type into the form: new credentials of the same account do not help.
    assert!(!f.prefill.credentials_needed && f.prefill.node_auth.is_none());
    // A 401 on the same line is still a credentials problem.
    let both = diagnose("pull failed: 401 Unauthorized (the proxy said 403 Forbidden before)");
    assert_eq!(both.findings.iter().map(|f| f.family).collect::<Vec<_>>(), [Unauthorized, ContainerdVersionUnknown]);
}

// ---- a mirror's errors, and the containerd version the text does not print ----------------
// (operator review round 4, M1 and M2; the real texts are the review's lab captures)

/// The form `diagnose --form-out` starts from when no `--form` is given: no version.
fn unversioned() -> Form {
    Form { containerd: String::new(), ..Form::default() }
}

/// Renders `form` (no errors allowed) and returns its files by path.
#[track_caller]
fn rendered(form: &Form) -> Vec<pullfix_core::OutputFile> {
    let out = pullfix_core::render(form);
    let errors: Vec<_> = out.diagnostics.iter().filter(|d| d.severity == pullfix_core::Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    out.files
}

#[track_caller]
fn file_toml(files: &[pullfix_core::OutputFile], path: &str) -> toml_edit::DocumentMut {
    let f = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", files.iter().map(|f| &f.path).collect::<Vec<_>>()));
    f.contents.parse().unwrap()
}

#[test]
fn a_harbor_proxy_401_blames_the_mirror_and_keys_its_credentials_for_docker_hub() {
    let d = check(
        "cri-1.6.20-harbor-proxy-401.txt",
        &[(Unauthorized, Some("docker.io")), (ContainerdVersionUnknown, None)],
    );
    assert_eq!(d.facts.registry.as_deref(), Some("docker.io"));
    assert_eq!(d.facts.mirror.as_deref(), Some("https://harbor.example.net"), "`pulling from host` names the mirror");
    let f = &d.findings[0];
    assert!(f.title.contains("mirror harbor.example.net"), "{}", f.title);
    assert!(f.fix.contains("`configs.\"harbor.example.net\".auth`"), "{}", f.fix);
    assert!(f.fix.contains("https://index.docker.io/v1/"), "the Secret's key for Docker Hub: {}", f.fix);
    assert!(!f.fix.contains("`configs.\"docker.io\".auth` in config.toml"), "{}", f.fix);
    assert!(f.explanation.contains("never used for the mirror"), "{}", f.explanation);
    assert!(f.fix.contains("https://HARBOR/v2/PROJECT"), "the text shows no path: say so: {}", f.fix);
    let p = &f.prefill;
    assert_eq!(p.mirror.as_deref(), Some("https://harbor.example.net"));
    assert!(p.credentials_needed);
    assert_eq!(p.credentials_registry().as_deref(), Some("harbor.example.net"));

    let mut form = d.apply_all(&unversioned());
    assert_eq!(form.containerd, "", "1.x only: no version is assumed");
    let hosts: Vec<&str> = form.registries.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(hosts, ["docker.io", "harbor.example.net"]);
    let hub = &form.registries[0];
    assert!(!hub.has_credentials() && !hub.node_auth, "no Harbor credentials on docker.io: {hub:?}");
    assert_eq!(
        hub.mirrors.iter().map(|m| (m.url.as_str(), m.override_path)).collect::<Vec<_>>(),
        [("https://harbor.example.net", false)]
    );

    // The operator types Harbor's robot account where the prefill asks for it.
    form.containerd = "1.6.20".into();
    form.registries[1].username = "robot$ci".into();
    form.registries[1].password = "s3cret".into();
    form.registries[1].node_auth = true;
    let files = rendered(&form);
    let config = file_toml(&files, "etc/containerd/config.toml");
    let configs = &config["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"];
    assert_eq!(configs["harbor.example.net"]["auth"]["username"].as_str(), Some("robot$ci"), "looked up by the mirror");
    assert!(configs.get("docker.io").is_none() && configs.get("registry-1.docker.io").is_none(), "{config}");
    let hosts = file_toml(&files, "etc/containerd/certs.d/docker.io/hosts.toml");
    assert!(hosts["host"].get("https://harbor.example.net").is_some(), "{hosts}");
    let secret = files.iter().find(|f| f.path == "k8s/secret-regcred-default.yaml").expect("the pull Secret");
    let secret: serde_yaml::Value = serde_yaml::from_str(&secret.contents).unwrap();
    let json = secret["data"][".dockerconfigjson"].as_str().unwrap();
    use base64::Engine as _;
    let json: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::STANDARD.decode(json).unwrap()).unwrap();
    assert_eq!(json["auths"]["https://index.docker.io/v1/"]["username"], "robot$ci", "{json}");
}

#[test]
fn a_harbor_proxy_x509_puts_the_ca_on_the_docker_io_mirror_entry() {
    let d = check(
        "cri-1.6.20-harbor-proxy-x509.txt",
        &[(X509UnknownAuthority, Some("docker.io")), (ContainerdVersionUnknown, None)],
    );
    let proxy = "https://harbor.example.net/v2/dockerhub-proxy";
    assert_eq!(d.facts.mirror.as_deref(), Some(proxy), "the mirror's path is kept");
    assert_eq!(d.facts.endpoint.as_deref(), Some(proxy));
    let f = &d.findings[0];
    assert!(f.title.contains("harbor.example.net") && f.title.contains("docker.io's mirror"), "{}", f.title);
    assert!(f.fix.contains("[host.\"https://harbor.example.net/v2/dockerhub-proxy\"]"), "{}", f.fix);
    assert!(f.fix.contains("/etc/containerd/certs.d/docker.io/hosts.toml"), "{}", f.fix);
    assert!(f.fix.contains("`registry.configs.\"harbor.example.net\".tls.ca_file`"), "{}", f.fix);
    assert_eq!(f.prefill.mirror.as_deref(), Some(proxy));

    let form = d.apply_all(&unversioned());
    assert_eq!(form.registries.len(), 1, "{:?}", form.registries);
    let hub = &form.registries[0];
    assert_eq!((hub.host.as_str(), hub.ca_file.as_str()), ("docker.io", ""), "Docker Hub's own CA is public");
    let m = &hub.mirrors[0];
    assert_eq!((m.url.as_str(), m.override_path), (proxy, true));
    assert_eq!(m.ca_file, "/etc/containerd/certs.d/harbor.example.net/ca.crt");

    // 1.5+: the CA is on the mirror's table of docker.io's hosts.toml, the file a docker.io pull reads.
    let files = rendered(&Form { containerd: "1.6.20".into(), ..form.clone() });
    let hosts = file_toml(&files, "etc/containerd/certs.d/docker.io/hosts.toml");
    let table = &hosts["host"][proxy];
    assert_eq!(table["ca"].as_str(), Some("/etc/containerd/certs.d/harbor.example.net/ca.crt"), "{hosts}");
    assert_eq!(table["override_path"].as_bool(), Some(true));
    // 1.4: inline TLS keyed by the host containerd contacts.
    let files = rendered(&Form { containerd: "1.4".into(), ..form });
    let config = file_toml(&files, "etc/containerd/config.toml");
    let tls = &config["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"]["harbor.example.net"]["tls"];
    assert_eq!(tls["ca_file"].as_str(), Some("/etc/containerd/certs.d/harbor.example.net/ca.crt"), "{config}");
}

#[test]
fn a_mirror_prefill_reuses_the_forms_mirror_on_that_host() {
    let d = diagnose(&fixture("cri-1.6.20-harbor-proxy-401.txt"));
    let mut base = unversioned();
    base.registries.push(pullfix_core::Registry {
        host: "docker.io".into(),
        mirrors: vec![pullfix_core::Mirror {
            url: "https://harbor.example.net/v2/dockerhub-proxy".into(),
            override_path: true,
            ..Default::default()
        }],
        ..Default::default()
    });
    let form = d.apply_all(&base);
    assert_eq!(form.registries[0].mirrors, base.registries[0].mirrors, "the text shows less than the form");
    assert_eq!(form.registries[1].host, "harbor.example.net");

    // The Harbor is listed with its CA: generate gives the mirror that CA, no ca_file of its own.
    let mut base = form.clone();
    base.registries[1].ca_pem = REAL_PEM.into();
    let form = diagnose(&fixture("cri-1.6.20-harbor-proxy-x509.txt")).apply_all(&base);
    assert_eq!(form.registries[0].mirrors, base.registries[0].mirrors);
    let files = rendered(&Form { containerd: "1.6.20".into(), ..form });
    let hosts = file_toml(&files, "etc/containerd/certs.d/docker.io/hosts.toml");
    let ca = hosts["host"]["https://harbor.example.net/v2/dockerhub-proxy"]["ca"].as_str();
    assert_eq!(ca, Some("/etc/containerd/certs.d/harbor.example.net/ca.crt"), "{hosts}");
}

#[test]
fn the_1_4_pause_image_makes_the_form_target_1_4_and_says_so() {
    let d = check(
        "events-1.4-pause-3.2-and-x509.txt",
        &[
            (PublicRegistryUnreachable, None),
            (X509UnknownAuthority, Some("hub.mooc.com")),
            (SandboxImage, None),
            (ContainerdVersionUnknown, None),
        ],
    );
    assert_eq!((d.facts.containerd.as_deref(), d.facts.containerd_major), (None, Some(1)));
    assert_eq!(d.facts.containerd_guess.as_deref(), Some("1.4"));
    let note = d.findings.last().unwrap();
    assert_eq!(note.code, "containerd.version_unknown");
    assert!(note.title.contains("assumes 1.4") && note.title.contains("k8s.gcr.io/pause:3.2"), "{}", note.title);
    assert!(note.fix.contains("containerd --version"), "{}", note.fix);
    assert!(note.excerpt.contains("failed to get sandbox image"), "it quotes the pause image's line");
    assert!(d.findings.iter().all(|f| f.prefill.containerd.as_deref() == Some("1.4")), "{:#?}", d.findings);

    let form = d.apply_all(&unversioned());
    assert_eq!(form.containerd, "1.4");
    // 1.4 has no hosts.toml: the CA goes inline, and no config_path or certs.d file is written.
    let files = rendered(&form);
    assert!(
        !files.iter().any(|f| f.path.ends_with("hosts.toml")),
        "{:?}",
        files.iter().map(|f| &f.path).collect::<Vec<_>>()
    );
    let config = file_toml(&files, "etc/containerd/config.toml");
    let registry = &config["plugins"]["io.containerd.grpc.v1.cri"]["registry"];
    assert!(registry.get("config_path").is_none(), "{config}");
    assert_eq!(
        registry["configs"]["hub.mooc.com"]["tls"]["ca_file"].as_str(),
        Some("/etc/containerd/certs.d/hub.mooc.com/ca.crt")
    );

    // The same pause line alone (the STORY's step 6) infers 1.4 too.
    let d = diagnose(&fixture("story-6-sandbox-k8s-gcr-describe.txt"));
    assert_eq!(d.apply_all(&unversioned()).containerd, "1.4");
}

#[test]
fn a_1_x_text_without_a_default_pause_image_leaves_the_version_unset() {
    let d = diagnose(&fixture("story-2-x509-crictl-1.x.txt"));
    assert_eq!((d.facts.containerd_major, d.facts.containerd_guess.as_deref()), (Some(1), None));
    assert!(d.findings.iter().all(|f| f.prefill.containerd.is_none()), "{:#?}", d.findings);
    let note = d.findings.last().unwrap();
    assert_eq!(note.family, ContainerdVersionUnknown);
    assert!(note.title.contains("set it in the form") && note.explanation.contains("1.3 and 1.4 have no"), "{note:#?}");
    let form = d.apply_all(&unversioned());
    assert_eq!(form.containerd, "");
    let out = pullfix_core::render(&form);
    let e = out.diagnostics.iter().find(|x| x.field.as_str() == "containerd").expect("generate asks for the version");
    assert_eq!(e.severity, pullfix_core::Severity::Error);
    assert!(e.message.starts_with("No containerd version is set") && e.fix.contains("containerd --version"), "{e:?}");
    // A printed version: no note; the 2.x message format: 2.0, no note either.
    assert!(!diagnose(&fixture("containerd-2.x-unknown-key-journal.log"))
        .findings
        .iter()
        .any(|f| f.family == ContainerdVersionUnknown));
    assert!(!diagnose(&fixture("x509-newer-go-2.x-ip-port.txt"))
        .findings
        .iter()
        .any(|f| f.family == ContainerdVersionUnknown));
}

/// Runs `pullfix diagnose <fixture> [--form <base>] --form-out <tmp>/form.toml` and returns
/// what it printed, the written form's text and the form parsed back.
fn cli_form_out(fixture: &str, base: Option<&std::path::Path>) -> (String, String, pullfix_core::Form) {
    let dir = tempfile::tempdir().unwrap();
    let input = format!("{}/tests/fixtures/diagnose/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let out = dir.path().join("form.toml");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pullfix"));
    cmd.args(["diagnose", &input]);
    if let Some(base) = base {
        cmd.arg("--form").arg(base);
    }
    let o = cmd.arg("--form-out").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let written = std::fs::read_to_string(&out).unwrap();
    let form = pullfix_core::parse_form(&written, pullfix_core::FormFormat::Toml).unwrap();
    (String::from_utf8_lossy(&o.stdout).into_owned(), written, form)
}

#[test]
fn cli_form_out_shows_the_mirror_and_the_version_it_assumes_or_leaves_unset() {
    let run = |name: &str| {
        let (text, _, form) = cli_form_out(name, None);
        (text, form)
    };
    let (text, form) = run("cri-1.6.20-harbor-proxy-x509.txt");
    for want in [
        "[containerd.version_unknown]",
        "mirror      https://harbor.example.net/v2/dockerhub-proxy",
        "its mirror https://harbor.example.net/v2/dockerhub-proxy, the mirror's CA certificate needed",
        "containerd is NOT set in the form",
        // Review 13, D5: generate refuses a form without a version, so the next step says so.
        "Next: set containerd in ",
    ] {
        assert!(text.contains(want), "{want:?} missing in:\n{text}");
    }
    assert_eq!(form.containerd, "");
    assert_eq!(form.registries[0].mirrors[0].ca_file, "/etc/containerd/certs.d/harbor.example.net/ca.crt");

    let (text, form) = run("cri-1.6.20-harbor-proxy-401.txt");
    assert!(text.contains("credentials of harbor.example.net needed (registry harbor.example.net)"), "{text}");
    assert_eq!(
        form.registries.iter().map(|r| r.host.as_str()).collect::<Vec<_>>(),
        ["docker.io", "harbor.example.net"]
    );

    let (text, form) = run("events-1.4-pause-3.2-and-x509.txt");
    assert!(
        text.contains(
            "containerd = \"1.4\" in the form is ASSUMED (from the default pause image k8s.gcr.io/pause:3.2)"
        ),
        "{text}"
    );
    assert!(text.contains("containerd  1.4? (assumed from the default pause image k8s.gcr.io/pause:3.2"), "{text}");
    assert_eq!(form.containerd, "1.4");
    assert_eq!(form.registries[0].ca_file, "/etc/containerd/certs.d/hub.mooc.com/ca.crt");
    assert!(text.contains("\nNext: pullfix generate --form "), "{text}");

    // With the operator's form, an inferred version does not replace the one it names.
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.toml");
    std::fs::write(&base, "containerd = \"1.6.20\"\n").unwrap();
    let (_, _, form) = cli_form_out("events-1.4-pause-3.2-and-x509.txt", Some(&base));
    assert_eq!(form.containerd, "1.6.20");
}

// ---- blob downloads a registry redirected to a CDN (review round 5, M1) -------------------

/// A failing blob download on the host the registry redirected it to: the finding names
/// that host, the CA goes on the image's registry (or the system trust store), and the
/// prefilled form has that registry with a CA path and no mirror.
#[track_caller]
fn check_redirect(name: &str, registry: &str, target: &str) -> Form {
    let d = check(name, &[(X509UnknownAuthority, Some(registry)), (ContainerdVersionUnknown, None)]);
    assert_eq!(d.facts.registry.as_deref(), Some(registry));
    assert_eq!(d.facts.mirror, None, "{name}: a redirect target is no mirror");
    assert_eq!(d.facts.redirect.as_deref(), Some(format!("https://{target}").as_str()));
    let f = &d.findings[0];
    assert!(f.title.contains(target) && f.title.contains(&format!("where {registry} redirected")), "{}", f.title);
    assert!(f.explanation.contains("TLS settings of the host that redirected"), "{}", f.explanation);
    assert!(f.explanation.contains("TLS-intercepting company proxy"), "{}", f.explanation);
    for want in [
        "the node's system trust store".to_owned(),
        format!("{registry}'s own `ca` in /etc/containerd/certs.d/{registry}/hosts.toml"),
        format!("`ca = \"/etc/containerd/certs.d/{registry}/ca.crt\"`"),
        "bundle".to_owned(),
        format!("Do not add {target} as a mirror"),
    ] {
        assert!(f.fix.contains(&want), "{name}: {want:?} missing in {}", f.fix);
    }
    let p = &f.prefill;
    assert_eq!((p.registry().as_deref(), p.mirror.as_deref(), p.ca_needed), (Some(registry), None, true));

    let form = d.apply_all(&unversioned());
    let hosts: Vec<&str> = form.registries.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(hosts, [registry], "{name}: no registry entry for the redirect target");
    let r = &form.registries[0];
    assert!(r.mirrors.is_empty(), "{name}: no mirror: {:?}", r.mirrors);
    assert_eq!(
        r.ca_file,
        format!("/etc/containerd/certs.d/{registry}/ca.crt"),
        "{name}: the CA on the registry itself"
    );
    form
}

#[test]
fn a_blob_redirect_to_a_cdn_with_another_ca_is_no_mirror_real_1_6_20() {
    let form = check_redirect("cri-1.6.20-blob-redirect-cdn-x509.txt", "hub.example.net", "cdn.example.net:9443");
    // What pulled in the review's lab: both CAs (the registry's own and the CDN's) as a
    // bundle in the registry's own `ca`; no `[host]` entry for the CDN.
    let mut form = Form { containerd: "1.6.20".into(), ..form };
    let ca_path = form.registries[0].ca_file.clone();
    form.registries[0].ca_pem = format!("{REAL_PEM}{REAL_PEM}");
    let files = rendered(&form);
    let hosts = file_toml(&files, "etc/containerd/certs.d/hub.example.net/hosts.toml");
    assert_eq!(hosts["server"].as_str(), Some("https://hub.example.net"), "{hosts}");
    // The shape that pulled in the lab (R3): the bundle as the server's `ca`, no mirror table.
    assert_eq!(hosts["ca"].as_str(), Some(ca_path.as_str()), "{hosts}");
    assert!(hosts["host"].as_table_like().unwrap().is_empty(), "no [host.\"…\"] entry: {hosts}");
    let ca = files.iter().find(|f| f.path == ca_path.trim_start_matches('/')).expect("the bundle is written");
    assert_eq!(ca.contents.matches("-----BEGIN CERTIFICATE-----").count(), 2, "both CAs: {}", ca.contents);
    assert!(!files.iter().any(|f| f.path.contains("cdn.example.net") || f.contents.contains("cdn.example.net")));
}

#[test]
fn a_docker_hub_cdn_x509_puts_the_ca_on_docker_io_not_on_a_mirror() {
    let form = check_redirect("dockerhub-blob-redirect-cdn-x509.txt", "docker.io", "production.cloudflare.docker.com");
    let files = rendered(&Form { containerd: "1.6.20".into(), ..form });
    let hosts = file_toml(&files, "etc/containerd/certs.d/docker.io/hosts.toml");
    let tables: Vec<&str> = hosts["host"].as_table_like().unwrap().iter().map(|(k, _)| k).collect();
    assert!(!tables.iter().any(|t| t.contains("cloudflare")), "{hosts}");
}

#[test]
fn a_registry_k8s_io_redirect_to_pkg_dev_is_no_mirror_though_its_path_looks_like_one() {
    let form = check_redirect(
        "registry-k8s-io-blob-redirect-pkg-dev-x509.txt",
        "registry.k8s.io",
        "europe-west2-docker.pkg.dev",
    );
    assert!(form.registries[0].mirrors.iter().all(|m| !m.override_path));
}

#[test]
fn cli_prefills_no_mirror_for_a_blob_redirect() {
    let (text, written, form) = cli_form_out("cri-1.6.20-blob-redirect-cdn-x509.txt", None);
    assert!(text.contains("redirect    https://cdn.example.net:9443"), "{text}");
    assert!(text.contains("Form:  registry hub.example.net, CA certificate needed"), "{text}");
    assert!(!text.contains("its mirror") && !text.contains("mirror      "), "{text}");
    assert_eq!(form.registries.len(), 1, "{written}");
    assert!(form.registries[0].mirrors.is_empty() && !written.contains("cdn.example.net"), "{written}");
    assert_eq!(form.registries[0].ca_file, "/etc/containerd/certs.d/hub.example.net/ca.crt");
}

// ---- ghcr.io's blob CDN (review round 7, M3) ----------------------------------------------

#[test]
fn ghcr_blob_cdn_x509_is_a_redirect_not_a_mirror() {
    // `/ghcr1/blobs/sha256:…` is API-shaped, but has no `ns=` and does not name the
    // image's repository, and pkg-containers.githubusercontent.com is a known blob store.
    let form = check_redirect("ghcr-blob-redirect-cdn-x509.txt", "ghcr.io", "pkg-containers.githubusercontent.com");
    let files = rendered(&Form { containerd: "1.7.22".into(), ..form });
    assert!(!files.iter().any(|f| f.path.contains("githubusercontent") || f.contents.contains("githubusercontent")));
}

#[test]
fn ghcr_blob_cdn_dns_names_ghcr_io_as_the_registry_and_the_cdn_to_allow() {
    let d = check("ghcr-blob-redirect-cdn-dns.txt", &[(DnsLookup, Some("ghcr.io"))]);
    assert_eq!((d.facts.mirror.as_deref(), d.facts.registry.as_deref()), (None, Some("ghcr.io")));
    assert_eq!(d.facts.redirect.as_deref(), Some("https://pkg-containers.githubusercontent.com"));
    let f = &d.findings[0];
    let cdn = "pkg-containers.githubusercontent.com";
    assert!(f.title.contains(cdn) && f.title.contains("where ghcr.io redirected"), "{}", f.title);
    assert!(f.explanation.contains("the registry is still ghcr.io") && f.explanation.contains("10.0.0.2:53"));
    assert!(f.fix.contains(&format!("Allow {cdn} wherever ghcr.io is allowed")), "{}", f.fix);
    assert!(f.fix.contains("firewall") && f.fix.contains(&format!("Do not add {cdn} as a mirror")), "{}", f.fix);
    let p = &f.prefill;
    assert_eq!((p.registry().as_deref(), p.mirror.as_deref(), p.ca_needed), (Some("ghcr.io"), None, false));
    let form = d.apply_all(&unversioned());
    let hosts: Vec<&str> = form.registries.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(hosts, ["ghcr.io"]);
    assert!(form.registries[0].mirrors.is_empty());
}

#[test]
fn a_host_shown_as_a_mirror_elsewhere_keeps_its_copy_phase_blob_get() {
    // `pulling from host cache.example.net` shows the mirror; its later blob GET has no
    // `ns=` and no repository in its path, which alone would read as a redirect.
    let d = diagnose(&fixture("events-mirror-shown-elsewhere-blob-x509.txt"));
    assert_eq!(d.facts.mirror_hosts, ["cache.example.net"]);
    assert_eq!(d.facts.redirect, None);
    let f = d.findings.iter().find(|f| f.family == X509UnknownAuthority).expect("the x509");
    assert_eq!(f.prefill.registry().as_deref(), Some("ghcr.io"));
    assert_eq!(f.prefill.mirror.as_deref(), Some("https://cache.example.net"));
    assert!(f.title.contains("ghcr.io's mirror"), "{}", f.title);
    // Without the line that shows it as a mirror, the same GET is a redirect.
    let alone = fixture("events-mirror-shown-elsewhere-blob-x509.txt").lines().nth(2).unwrap().to_owned();
    let d = diagnose(&alone);
    assert_eq!(d.facts.redirect.as_deref(), Some("https://cache.example.net"));
    assert_eq!(d.findings[0].prefill.mirror, None);
}

#[test]
fn cli_ghcr_cdn_form_has_no_mirror() {
    let (text, written, form) = cli_form_out("ghcr-blob-redirect-cdn-x509.txt", None);
    assert!(text.contains("Form:  registry ghcr.io, CA certificate needed"), "{text}");
    assert!(!text.contains("'s mirror") && !text.contains("mirror      "), "{text}");
    assert_eq!(form.registries.len(), 1, "{written}");
    assert!(form.registries[0].mirrors.is_empty() && !written.contains("githubusercontent"), "{written}");
}

// ---- the form's own containerd version (review round 5, L4) -------------------------------

#[test]
fn a_forms_version_is_kept_in_every_prefill_and_the_note_says_so() {
    use pullfix_core::diagnose::diagnose_keeping_version;
    let d = diagnose_keeping_version(&fixture("events-1.4-pause-3.2-and-x509.txt"), "1.6.20");
    assert_eq!(d.facts.containerd_guess.as_deref(), Some("1.4"), "the text still hints at 1.4");
    assert!(d.findings.iter().all(|f| f.prefill.containerd.as_deref() == Some("1.6.20")), "{:#?}", d.findings);
    let note = d.findings.last().unwrap();
    assert_eq!(note.family, ContainerdVersionUnknown);
    assert!(note.title.ends_with("the form's 1.6.20 is kept") && !note.title.contains("assumes"), "{}", note.title);
    assert!(note.explanation.contains("hints that the node may run 1.4"), "{}", note.explanation);
    assert!(note.fix.contains("that it runs 1.6.20"), "{}", note.fix);
    assert_eq!(d.apply_all(&Form { containerd: "1.6.20".into(), ..Form::default() }).containerd, "1.6.20");

    // No hint in the text: the note still says the form's version is kept.
    let d = diagnose_keeping_version(&fixture("story-2-x509-crictl-1.x.txt"), "1.7");
    let note = d.findings.last().unwrap();
    assert!(note.title.ends_with("the form's 1.7 is kept"), "{}", note.title);
    assert!(note.explanation.contains("nothing in the text contradicts it"), "{}", note.explanation);
    // A version the text prints wins over the form's, with no note.
    let d = diagnose_keeping_version(&fixture("containerd-1.6.20-mirrors-with-config-path.log"), "1.7");
    assert!(d.findings.iter().all(|f| f.prefill.containerd.as_deref() == Some("1.6.20")), "{:#?}", d.findings);
    assert!(!d.findings.iter().any(|f| f.family == ContainerdVersionUnknown));
    // An empty version is no version: as `diagnose`.
    assert_eq!(
        diagnose_keeping_version(&fixture("events-1.4-pause-3.2-and-x509.txt"), " "),
        diagnose(&fixture("events-1.4-pause-3.2-and-x509.txt"))
    );
}

#[test]
fn cli_with_a_forms_version_says_it_is_kept_not_assumed() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!("{}/tests/fixtures/diagnose/events-1.4-pause-3.2-and-x509.txt", env!("CARGO_MANIFEST_DIR"));
    let run = |base: &str, json: bool| {
        let form_in = dir.path().join("in.toml");
        std::fs::write(&form_in, base).unwrap();
        let out = dir.path().join("out.toml");
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pullfix"));
        cmd.args(["diagnose", &input, "--form"]).arg(&form_in).arg("--form-out").arg(&out);
        if json {
            cmd.arg("--json");
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let form =
            pullfix_core::parse_form(&std::fs::read_to_string(&out).unwrap(), pullfix_core::FormFormat::Toml).unwrap();
        (String::from_utf8_lossy(&o.stdout).into_owned(), form)
    };
    let (text, form) = run("containerd = \"1.6.20\"\n", false);
    assert_eq!(form.containerd, "1.6.20");
    for want in [
        "Form:  registry hub.mooc.com, CA certificate needed, containerd 1.6.20 (the form's, kept)",
        "[containerd.version_unknown] The text does not print the containerd version: the form's 1.6.20 is kept",
        "Form:  containerd 1.6.20 (the form's, kept)",
        "containerd  1.4? (hinted at by the default pause image k8s.gcr.io/pause:3.2; not printed; the form's 1.6.20 is kept)",
        "containerd = \"1.6.20\" in the form is KEPT from --form",
    ] {
        assert!(text.contains(want), "{want:?} missing in:\n{text}");
    }
    for wrong in ["(assumed)", "assumes 1.4", ", containerd 1.4", "Form:  containerd 1.4", "ASSUMED"] {
        assert!(!text.contains(wrong), "{wrong:?} in:\n{text}");
    }
    let (json, _) = run("containerd = \"1.6.20\"\n", true);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let versions: Vec<&str> =
        v["findings"].as_array().unwrap().iter().map(|f| f["prefill"]["containerd"].as_str().unwrap()).collect();
    assert_eq!(versions, ["1.6.20"; 4], "{json}");

    // A form without a version gets the inferred one, and says it is assumed.
    let (text, form) = run("containerd = \"\"\n", false);
    assert_eq!(form.containerd, "1.4");
    assert!(text.contains("containerd = \"1.4\" in the form is ASSUMED"), "{text}");
    assert!(text.contains("the form assumes 1.4") && text.contains("containerd 1.4 (assumed)"), "{text}");
}

// ---- a mirror's own failing blob GET is no redirect (review round 6, M1) ------------------

/// An unknown CA on a mirror's own blob GET (copy phase, registry-API path): the finding
/// blames the mirror, and the prefilled form puts the CA on the mirror's entry of
/// `registry`, not on `registry` itself, with no redirect.
#[track_caller]
fn check_mirror_blob_x509(name: &str, registry: &str, mirror: &str) -> Form {
    let d = check(name, &[(X509UnknownAuthority, Some(registry)), (ContainerdVersionUnknown, None)]);
    assert_eq!(d.facts.redirect, None, "{name}: a mirror's blob GET is no redirect");
    assert_eq!(d.facts.mirror.as_deref(), Some(mirror), "{name}");
    let f = &d.findings[0];
    assert!(f.title.contains("harbor.example.net") && f.title.contains(&format!("{registry}'s mirror")), "{}", f.title);
    assert!(!f.title.contains("redirected") && !f.fix.contains("Do not add"), "{name}: {f:#?}");
    assert!(f.fix.contains(&format!("[host.\"{mirror}\"]")), "{}", f.fix);
    assert!(f.fix.contains(&format!("/etc/containerd/certs.d/{registry}/hosts.toml")), "{}", f.fix);
    let p = &f.prefill;
    assert_eq!((p.registry().as_deref(), p.mirror.as_deref(), p.ca_needed), (Some(registry), Some(mirror), true));

    let form = d.apply_all(&unversioned());
    assert_eq!(form.registries.len(), 1, "{name}: {:?}", form.registries);
    let r = &form.registries[0];
    assert_eq!((r.host.as_str(), r.ca_file.as_str()), (registry, ""), "{name}: the registry's own CA is not the fix");
    assert_eq!(r.mirrors.len(), 1, "{name}: {:?}", r.mirrors);
    assert_eq!(r.mirrors[0].url, mirror);
    assert_eq!(r.mirrors[0].ca_file, "/etc/containerd/certs.d/harbor.example.net/ca.crt");

    // 1.6.20: the CA lands on the mirror's [host] table of the registry's hosts.toml.
    let files = rendered(&Form { containerd: "1.6.20".into(), ..form.clone() });
    let hosts = file_toml(&files, &format!("etc/containerd/certs.d/{registry}/hosts.toml"));
    assert_eq!(
        hosts["host"][mirror]["ca"].as_str(),
        Some("/etc/containerd/certs.d/harbor.example.net/ca.crt"),
        "{name}: {hosts}"
    );
    assert!(hosts.get("ca").is_none(), "{name}: no `ca` on the registry's server: {hosts}");
    form
}

#[test]
fn a_mirrors_own_blob_x509_with_ns_is_the_mirrors_ca_real_1_6_20() {
    // The review's live case: hub.example.net's `ca` was already set; the pull worked
    // once the CA was on `[host."https://harbor.example.net"]`.
    let form =
        check_mirror_blob_x509("cri-1.6.20-mirror-blob-x509-ns.txt", "hub.example.net", "https://harbor.example.net");
    assert!(!form.registries[0].mirrors[0].override_path, "/v2/<repo> is containerd's own path");
}

#[test]
fn a_mirrors_own_blob_x509_in_kubelet_events_is_the_mirrors_ca() {
    // No `ns=` in this copy-phase GET and nothing else shows harbor as a mirror, but the
    // path is containerd's own request for the image's repository
    // (`/v2/dockerhub-proxy/library/nginx/blobs/<digest>`): a redirect's Location does not
    // copy it, and harbor.example.net is no known blob store. So it stays the mirror.
    let form = check_mirror_blob_x509(
        "events-mirror-blob-proxy-path-x509.txt",
        "docker.io",
        "https://harbor.example.net/v2/dockerhub-proxy",
    );
    assert!(form.registries[0].mirrors[0].override_path, "the proxy prefix is kept as the mirror's path");
    let form =
        check_mirror_blob_x509("events-mirror-blob-ns-docker-io-x509.txt", "docker.io", "https://harbor.example.net");
    assert!(!form.registries[0].mirrors[0].override_path);
}

#[test]
fn a_mirrors_own_blob_401_with_ns_asks_for_the_mirrors_credentials() {
    let d = diagnose(&fixture("cri-1.6.20-mirror-blob-401-ns.txt"));
    assert_eq!(d.facts.redirect, None);
    let f = d.findings.iter().find(|f| f.family == Unauthorized).expect("the 401");
    assert_eq!(f.prefill.registry().as_deref(), Some("hub.example.net"));
    assert_eq!(f.prefill.mirror.as_deref(), Some("https://harbor.example.net"));
    assert!(f.prefill.credentials_needed);
    assert_eq!(f.prefill.credentials_registry().as_deref(), Some("harbor.example.net"), "the mirror's credentials");
    assert!(f.title.contains("mirror harbor.example.net"), "{}", f.title);
}

// ---- printed containerd versions in every spelling (review round 6, H1) -------------------

/// The review's paste: Docker's `containerd.io` version line, then crictl's x509 error.
const CONTAINERD_IO_PASTE: &str = "$ containerd --version
containerd containerd.io 1.4.13 9cc61520f4cd876b86e77edfeb88fbcd536d1f9d
$ sudo crictl pull hub.mooc.com/kubernetes/cronjob:v1
E1126 02:00:01 failed to do request: Head \"https://hub.mooc.com/v2/kubernetes/cronjob/manifests/v1\": x509: certificate signed by unknown authority
";

/// Applies a diagnosis onto a form that targets 2.1 (the page's state in the review),
/// renders it and checks that it is 1.4's setup: the CA inline in config.toml
/// (`version = 2`, `registry.configs`), no `config_path`, no hosts.toml.
#[track_caller]
fn renders_for_1_4(d: &Diagnosis) {
    let form = d.apply_all(&Form { containerd: "2.1".into(), ..Form::default() });
    assert_eq!(form.containerd, "1.4.13");
    let out = pullfix_core::render(&form);
    let errors: Vec<_> = out.diagnostics.iter().filter(|d| d.severity == pullfix_core::Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let paths: Vec<&str> = out.files.iter().map(|f| f.path.as_str()).collect();
    assert!(!paths.iter().any(|p| p.ends_with("hosts.toml")), "1.4 reads no hosts.toml: {paths:?}");
    let file = out.files.iter().find(|f| f.path == "etc/containerd/config.toml").expect("config.toml");
    let c: toml_edit::DocumentMut = file.contents.parse().unwrap();
    assert_eq!(c["version"].as_integer(), Some(2));
    let registry = &c["plugins"]["io.containerd.grpc.v1.cri"]["registry"];
    assert!(registry.get("config_path").is_none(), "{}", file.contents);
    assert_eq!(
        registry["configs"]["hub.mooc.com"]["tls"]["ca_file"].as_str(),
        Some("/etc/containerd/certs.d/hub.mooc.com/ca.crt"),
        "{}",
        file.contents
    );
}

#[test]
fn containerd_io_version_line_wins_over_the_forms_2_1() {
    use pullfix_core::diagnose::diagnose_keeping_version;
    let d = diagnose_keeping_version(CONTAINERD_IO_PASTE, "2.1");
    assert_eq!(d.facts.containerd.as_deref(), Some("1.4.13"));
    assert_eq!(d.facts.containerd_unread, None);
    let families: Vec<Family> = d.findings.iter().map(|f| f.family).collect();
    assert_eq!(families, [X509UnknownAuthority], "a printed version needs no version note: {:#?}", d.findings);
    assert_eq!(prefill(&d, X509UnknownAuthority).containerd.as_deref(), Some("1.4.13"));
    renders_for_1_4(&d);
    // The same without a form's version.
    assert_eq!(diagnose(CONTAINERD_IO_PASTE).apply_all(&Form::default()).containerd, "1.4.13");
}

#[test]
fn crictl_version_output_wins_over_the_forms_2_1() {
    use pullfix_core::diagnose::diagnose_keeping_version;
    let text = "$ sudo crictl version
Version:  0.1.0
RuntimeName:  containerd
RuntimeVersion:  v1.4.13
RuntimeApiVersion:  v1
$ sudo crictl pull hub.mooc.com/kubernetes/cronjob:v1
E1126 02:00:01 failed to do request: Head \"https://hub.mooc.com/v2/kubernetes/cronjob/manifests/v1\": x509: certificate signed by unknown authority
";
    let d = diagnose_keeping_version(text, "2.1");
    assert_eq!(d.facts.containerd.as_deref(), Some("1.4.13"));
    assert!(!d.findings.iter().any(|f| f.family == ContainerdVersionUnknown), "{:#?}", d.findings);
    renders_for_1_4(&d);
}

#[test]
fn an_unread_version_line_never_lets_the_note_claim_no_contradiction() {
    use pullfix_core::diagnose::diagnose_keeping_version;
    // A spelling pullfix does not read (a vendor build): the form's version is kept, but
    // the note quotes that line and says it may contradict the form.
    let text = CONTAINERD_IO_PASTE.replace("containerd containerd.io 1.4.13", "containerd 1.4.13-vendor build");
    let d = diagnose_keeping_version(&text, "2.1");
    assert_eq!((d.facts.containerd.as_deref(), d.facts.containerd_unread), (None, Some(2)));
    let note = d.findings.iter().find(|f| f.family == ContainerdVersionUnknown).expect("the version note");
    assert_eq!(note.line, 2);
    assert!(note.excerpt.starts_with("containerd 1.4.13-vendor build"), "{}", note.excerpt);
    assert!(!note.explanation.contains("contradicts it"), "{}", note.explanation);
    assert!(!note.explanation.contains("No line prints"), "{}", note.explanation);
    assert!(note.title.contains("could not read the containerd version on line 2"), "{}", note.title);
    assert!(note.explanation.contains("if that line names another release"), "{}", note.explanation);
    assert!(!note.fix.contains("Check with `containerd --version`"), "the version was pasted: {}", note.fix);
    assert!(note.fix.contains("line 2") && note.fix.contains("2.1"), "{}", note.fix);
    // Without a form's version: the note asks for it, quoting the same line.
    let d = diagnose(&text);
    let note = d.findings.iter().find(|f| f.family == ContainerdVersionUnknown).expect("the version note");
    assert!(note.title.ends_with("set it in the form") && !note.explanation.contains("No line prints"), "{note:#?}");
}

// ---- versions that disagree (review round 7, M4) ------------------------------------------

fn printed(d: &Diagnosis) -> Vec<(String, usize)> {
    d.facts.containerd_printed.iter().map(|p| (p.version.clone(), p.line)).collect()
}

#[test]
fn a_mixed_fleet_leaves_the_version_unread_and_lists_both() {
    let name = "kubectl-wide-mixed-fleet-1.x-event.txt";
    let d = check(name, &[(X509UnknownAuthority, Some("harbor.example.net")), (ContainerdVersionUnknown, None)]);
    assert_eq!(d.facts.containerd, None, "which node failed decides");
    assert_eq!(printed(&d), [("2.0.4".to_owned(), 2), ("1.6.20".to_owned(), 3)]);
    assert_eq!(d.facts.containerd_major, Some(1), "the wording's major");
    assert_eq!(d.facts.containerd_unread, None, "the versions were read, just not chosen");
    assert!(d.findings.iter().all(|f| f.prefill.containerd.is_none()), "{:#?}", d.findings);
    let note = &d.findings[1];
    assert_eq!(note.line, 2);
    assert!(note.title.contains("more than one containerd version (2.0.4, 1.6.20)"), "{}", note.title);
    for want in ["2.0.4 (line 2), 1.6.20 (line 3)", "line 4 is containerd 1.x's", "the node that runs 1.6.20"] {
        assert!(note.explanation.contains(want), "{want:?} in {}", note.explanation);
    }
    assert!(note.fix.contains("kubectl get pod -o wide") && note.fix.contains("once per containerd version"));
    let form = d.apply_all(&unversioned());
    assert_eq!(form.containerd, "", "no version prefilled");
    assert_eq!(form.registries[0].ca_file, "/etc/containerd/certs.d/harbor.example.net/ca.crt");

    // A form's version is kept, and the note says so.
    let d = pullfix_core::diagnose::diagnose_keeping_version(&fixture(name), "1.6.20");
    assert!(d.findings.iter().all(|f| f.prefill.containerd.as_deref() == Some("1.6.20")), "{:#?}", d.findings);
    let note = d.findings.iter().find(|f| f.family == ContainerdVersionUnknown).unwrap();
    assert!(note.explanation.contains("The form's `containerd = \"1.6.20\"` is kept"), "{}", note.explanation);
    assert_eq!(d.apply_all(&Form { containerd: "1.6.20".into(), ..unversioned() }).containerd, "1.6.20");
}

#[test]
fn one_printed_version_against_the_wording_is_not_prefilled() {
    let name = "kubectl-wide-2.0.4-with-1.x-event.txt";
    let d = check(name, &[(X509UnknownAuthority, Some("harbor.example.net")), (ContainerdVersionUnknown, None)]);
    assert_eq!((d.facts.containerd.as_deref(), d.facts.containerd_major), (None, Some(1)));
    assert_eq!(printed(&d), [("2.0.4".to_owned(), 2)]);
    assert!(d.findings.iter().all(|f| f.prefill.containerd.is_none()), "{:#?}", d.findings);
    let note = &d.findings[1];
    assert!(
        note.title.contains("prints containerd 2.0.4, but the error's wording is containerd 1.x's"),
        "{}",
        note.title
    );
    assert!(note.explanation.contains("does not prefill 2.0.4"), "{}", note.explanation);
    assert_eq!(d.apply_all(&unversioned()).containerd, "");
    // The same node list with the 2.x wording agrees: 2.0.4 is read and no note is added.
    // (2.x: `failed to resolve image: REF: ...`.)
    let two = fixture(name).replace(
        "failed to resolve reference \"harbor.example.net/kubernetes/cronjob:v1\"",
        "failed to resolve image: harbor.example.net/kubernetes/cronjob:v1",
    );
    let d = diagnose(&two);
    assert_eq!(d.facts.containerd_major, Some(2), "{two}");
    assert_eq!(d.facts.containerd.as_deref(), Some("2.0.4"));
    assert!(!d.findings.iter().any(|f| f.family == ContainerdVersionUnknown));
}

#[test]
fn the_same_version_on_every_node_is_read() {
    let text = fixture("kubectl-wide-mixed-fleet-1.x-event.txt").replace("containerd://2.0.4", "containerd://1.6.20");
    let d = diagnose(&text);
    assert_eq!(d.facts.containerd.as_deref(), Some("1.6.20"));
    assert_eq!(printed(&d), [("1.6.20".to_owned(), 2)]);
    assert_eq!(d.findings[0].prefill.containerd.as_deref(), Some("1.6.20"));
    assert!(!d.findings.iter().any(|f| f.family == ContainerdVersionUnknown));
}

#[test]
fn cli_mixed_fleet_writes_no_version_and_lists_them() {
    let (text, written, form) = cli_form_out("kubectl-wide-mixed-fleet-1.x-event.txt", None);
    assert!(text.contains("containerd  not read: the text prints 2.0.4 (line 2), 1.6.20 (line 3)"), "{text}");
    assert!(text.contains("containerd is NOT set in the form: the text prints 2.0.4"), "{text}");
    assert!(!text.contains("containerd 2.0.4\n"), "{text}");
    assert_eq!(form.containerd, "", "{written}");
}

// ---- `ctr version` / `k3s ctr version` (review round 7, L5) --------------------------------

#[test]
fn ctr_version_and_k3s_ctr_version_are_read_from_the_server_block() {
    for (name, version, line) in
        [("ctr-version-1.6.20-and-x509.txt", "1.6.20", 8), ("k3s-ctr-version-1.7-and-x509.txt", "1.7.23", 8)]
    {
        let d = check(name, &[(X509UnknownAuthority, Some("harbor.example.net"))]);
        assert_eq!(d.facts.containerd.as_deref(), Some(version), "{name}");
        assert_eq!(d.facts.containerd_unread, None, "{name}");
        let at: Vec<usize> = d.facts.containerd_printed.iter().map(|p| p.line).collect();
        assert_eq!(at, [line], "{name}: the Server block's Version line, not the Client's");
        assert_eq!(d.findings[0].prefill.containerd.as_deref(), Some(version), "{name}");
        assert_eq!(d.apply_all(&unversioned()).containerd, version, "{name}");
    }
}

// ---- network failures off the registry (review round 8, M1 and L5) -------------------------

/// A timeout or refused connection on a redirect target (a CDN or object storage): the
/// image's registry is named, the download host is to be allowed in the firewall or
/// proxy, and the form gets the registry alone (no mirror, no CDN entry).
#[track_caller]
fn check_redirect_unreachable(name: &str, family: Family, registry: &str, cdn: &str, addr: &str) {
    // The registry entry alone changes no node file: no version note.
    let d = check(name, &[(family, Some(registry))]);
    assert_eq!(d.facts.redirect.as_deref(), Some(format!("https://{cdn}").as_str()));
    let f = &d.findings[0];
    assert!(f.title.contains(cdn) && f.title.contains(&format!("where {registry} redirected")), "{}", f.title);
    assert!(!f.title.contains(&format!("cannot reach {registry}")), "{}", f.title);
    assert!(f.explanation.contains(&format!("the registry is still {registry}")), "{}", f.explanation);
    assert!(f.explanation.contains(addr), "{}", f.explanation);
    assert!(f.fix.contains(&format!("Allow {cdn} wherever {registry} is allowed")), "{}", f.fix);
    assert!(f.fix.contains("firewall or proxy allow-list"), "{}", f.fix);
    assert!(f.fix.contains(&format!("Do not add {cdn} as a mirror")), "{}", f.fix);
    assert!(!f.fix.contains("add a mirror for"), "{}", f.fix);
    let p = &f.prefill;
    assert_eq!((p.registry().as_deref(), p.mirror.as_deref(), p.ca_needed), (Some(registry), None, false));
    let form = d.apply_all(&unversioned());
    let hosts: Vec<&str> = form.registries.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(hosts, [registry], "{name}: no registry for {cdn}");
    assert!(form.registries[0].mirrors.is_empty(), "{name}: no mirror");
}

#[test]
fn a_timeout_on_a_redirect_target_names_the_registry_and_the_host_to_allow() {
    let s3 = "harbor-registry.s3.eu-west-1.amazonaws.com";
    check_redirect_unreachable(
        "s3-blob-redirect-timeout.txt",
        NetworkTimeout,
        "harbor.example.net",
        s3,
        "52.1.2.3:443",
    );
    let cdn = "production.cloudflare.docker.com";
    check_redirect_unreachable(
        "dockerhub-blob-redirect-cdn-timeout.txt",
        NetworkTimeout,
        "docker.io",
        cdn,
        "104.16.99.55:443",
    );
    let pkg = "us-west1-docker.pkg.dev";
    check_redirect_unreachable(
        "registry-k8s-io-blob-redirect-pkg-dev-timeout.txt",
        NetworkTimeout,
        "registry.k8s.io",
        pkg,
        "142.250.1.1:443",
    );
    // The DNS variant of the S3 line was already right, and stays so.
    let d = check("s3-blob-redirect-dns.txt", &[(DnsLookup, Some("harbor.example.net"))]);
    assert!(d.findings[0].fix.contains(&format!("Allow {s3} wherever harbor.example.net is allowed")));
}

#[test]
fn refused_and_no_route_on_a_redirect_target_are_the_redirect_too() {
    let text = fixture("s3-blob-redirect-timeout.txt");
    for (failure, family, verb) in [
        ("connect: connection refused", ConnectionRefused, "are refused"),
        ("connect: no route to host", NetworkTimeout, "have no route"),
    ] {
        let d = diagnose(&text.replace("i/o timeout", failure));
        let f = &d.findings[0];
        assert_eq!(f.family, family, "{failure}: {f:#?}");
        assert!(f.title.contains("where harbor.example.net redirected"), "{}", f.title);
        assert!(f.explanation.contains(verb), "{}", f.explanation);
        assert_eq!((f.prefill.registry().as_deref(), f.prefill.mirror.as_deref()), (Some("harbor.example.net"), None));
    }
}

/// A timeout or refused connection on a configured mirror (`?ns=docker.io`): the mirror is
/// named as unreachable with its address, no "add a mirror" advice, and the form gets
/// docker.io with that mirror (not the mirror as a registry of its own).
#[track_caller]
fn check_mirror_unreachable(name: &str, family: Family) {
    let d = check(name, &[(family, Some("docker.io")), (ContainerdVersionUnknown, None)]);
    assert_eq!(d.facts.mirror.as_deref(), Some("https://mirror.corp.example"));
    let f = &d.findings[0];
    assert!(f.title.contains("configured mirror mirror.corp.example (10.1.2.3:443) is unreachable"), "{}", f.title);
    assert!(!f.title.contains("cannot reach docker.io"), "{}", f.title);
    assert!(f.explanation.contains("the mirror failing, not docker.io"), "{}", f.explanation);
    assert!(f.fix.contains("curl -v https://mirror.corp.example/v2/"), "{}", f.fix);
    assert!(f.fix.contains("keeps docker.io with the mirror https://mirror.corp.example"), "{}", f.fix);
    assert!(!f.fix.contains("add a mirror for"), "{}", f.fix);
    let p = &f.prefill;
    assert_eq!(
        (p.registry().as_deref(), p.mirror.as_deref(), p.ca_needed),
        (Some("docker.io"), Some("https://mirror.corp.example"), false)
    );
    let form = d.apply_all(&unversioned());
    let hosts: Vec<&str> = form.registries.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(hosts, ["docker.io"], "{name}: the mirror is no registry of its own");
    let mirrors: Vec<&str> = form.registries[0].mirrors.iter().map(|m| m.url.as_str()).collect();
    assert_eq!(mirrors, ["https://mirror.corp.example"], "{name}: the mirror is kept");
}

#[test]
fn a_timeout_on_a_configured_mirror_keeps_the_mirror() {
    check_mirror_unreachable("mirror-manifest-ns-timeout.txt", NetworkTimeout);
    // A form that already has the mirror keeps exactly that one entry.
    let d = diagnose(&fixture("mirror-manifest-ns-timeout.txt"));
    let once = d.apply_all(&unversioned());
    let twice = d.apply_all(&once);
    assert_eq!(twice.registries.len(), 1);
    assert_eq!(twice.registries[0].mirrors.len(), 1);
}

#[test]
fn connection_refused_on_a_configured_mirror_is_the_registry_with_that_mirror() {
    check_mirror_unreachable("mirror-manifest-ns-refused.txt", ConnectionRefused);
    check_mirror_unreachable("mirror-blob-ns-refused.txt", ConnectionRefused);
    // The x509 variant of the same request gives the same registry and mirror.
    let d = check(
        "mirror-manifest-ns-x509.txt",
        &[(X509UnknownAuthority, Some("docker.io")), (ContainerdVersionUnknown, None)],
    );
    assert_eq!(d.findings[0].prefill.mirror.as_deref(), Some("https://mirror.corp.example"));
}

#[test]
fn timeouts_on_the_registry_itself_are_unchanged() {
    // No redirect and no mirror: a public registry is still unreachable, a private one times out.
    let d = diagnose(&fixture("registry-k8s-io-timeout-2.x.txt"));
    assert_eq!(d.findings[0].family, PublicRegistryUnreachable);
    assert!(d.findings[0].title.contains("cannot reach registry.k8s.io"), "{}", d.findings[0].title);
    check("network-timeout-private.txt", &[(NetworkTimeout, Some("10.50.1.104:5000"))]);
    check("ctr-1.6.20-connection-refused.txt", &[(ConnectionRefused, Some("127.0.0.1:15999"))]);
}

// ---- review 9: real containerd 2.1.9 and 1.7.24 texts ------------------------------------

fn hosts(form: &Form) -> Vec<&str> {
    form.registries.iter().map(|r| r.host.as_str()).collect()
}

#[test]
fn ctr_2_1_9_x509_reads_the_registry_from_the_request_url() {
    // 2.1.9's ctr prints `failed to resolve image: failed to do request: ...` without the
    // reference: `failed` is no image, and docker.io is not the registry (H3).
    for name in ["ctr-2.1.9-x509-unknown-authority.txt", "ctr-2.1.9-x509-with-command-line.txt"] {
        let d = check(name, &[(X509UnknownAuthority, Some("harbor.example.net"))]);
        assert_eq!(d.facts.image.as_deref(), Some("harbor.example.net/kubernetes/cronjob:v1"), "{name}");
        assert_eq!((d.facts.registry.as_deref(), d.facts.mirror.as_deref()), (Some("harbor.example.net"), None));
        let f = &d.findings[0];
        assert_eq!((f.prefill.mirror.as_deref(), f.prefill.ca_needed), (None, true));
        assert!(f.explanation.contains("--hosts-dir /etc/containerd/certs.d"), "{}", f.explanation);
        assert!(!f.explanation.contains("after an upgrade"), "ctr never reads config.toml: {}", f.explanation);
        let form = d.apply_all(&unversioned());
        assert_eq!(hosts(&form), ["harbor.example.net"], "{name}");
        assert_eq!(form.registries[0].ca_file, "/etc/containerd/certs.d/harbor.example.net/ca.crt");
        assert!(form.registries[0].mirrors.is_empty());
        assert_eq!(form.containerd, "2.0", "2.x's wording");
    }
}

#[test]
fn ctr_2_1_9_401_without_a_reference_asks_for_no_docker_io_credentials() {
    let d = check("ctr-2.1.9-401-hosts-dir-no-user.txt", &[(Unauthorized, None)]);
    assert_eq!((d.facts.image.as_deref(), d.facts.registry.as_deref()), (None, None));
    let f = &d.findings[0];
    assert!(f.explanation.contains("--user USER:PASSWORD"), "{}", f.explanation);
    assert!(!f.fix.contains("docker.io"), "{}", f.fix);
    assert!(hosts(&d.apply_all(&unversioned())).is_empty());
    // With the command line pasted above it, its argument names the registry.
    let text = fixture("ctr-2.1.9-401-hosts-dir-no-user.txt");
    let cmd =
        "$ sudo ctr -n k8s.io images pull --hosts-dir /etc/containerd/certs.d harbor.example.net/kubernetes/cronjob:v1";
    let d = diagnose(&format!("{cmd}\n{text}"));
    assert_eq!(d.facts.image.as_deref(), Some("harbor.example.net/kubernetes/cronjob:v1"));
    assert_eq!(d.findings.len(), 1, "{:#?}", d.findings);
    assert_eq!(
        (d.findings[0].family, d.findings[0].prefill.registry().as_deref()),
        (Unauthorized, Some("harbor.example.net"))
    );
    assert!(d.findings[0].prefill.credentials_needed);
}

#[test]
fn two_x_markers_beat_the_older_pull_paths_wording() {
    // 2.1.9 with legacy mirrors/configs says `failed to resolve reference` like 1.x; the
    // redacted `ns=` and the `failed to start sandbox "<id>":` prefix are 2.x's (M2).
    let d = check(
        "cri-2.1.9-upgraded-legacy-tls-x509.txt",
        &[
            (X509UnknownAuthority, Some("harbor.example.net")),
            (X509UnknownAuthority, Some("docker.io")),
            (SandboxImage, Some("harbor.example.net")),
        ],
    );
    assert_eq!(d.facts.containerd_major, Some(2));
    for f in &d.findings[..2] {
        assert!(f.explanation.contains("ignored without any error"), "{}", f.explanation);
        assert_eq!(f.prefill.containerd.as_deref(), Some("2.0"));
    }
    assert_eq!(d.findings[1].prefill.mirror.as_deref(), Some("https://harbor.example.net/v2/dockerhub-proxy"));
    let d = check("cri-2.1.9-mirror-x509-redacted-ns-event.txt", &[(X509UnknownAuthority, Some("docker.io"))]);
    assert_eq!(d.facts.containerd_major, Some(2));
    assert!(d.findings[0].explanation.contains("ignored without any error"));
    // Without any 2.x marker the wording stays 1.x's, and the x509 cause names 2.x's case too.
    let d = check(
        "cri-2.1.9-nodeauth-x509.txt",
        &[(X509UnknownAuthority, Some("harbor.example.net")), (ContainerdVersionUnknown, None)],
    );
    assert_eq!(d.facts.containerd_major, Some(1));
    let f = &d.findings[0];
    assert!(
        f.explanation.contains("also containerd 2.x's wording") && f.explanation.contains("ignored without any error")
    );
    assert!(d.findings[1].explanation.contains("also containerd 2.x's wording"), "{}", d.findings[1].explanation);
    // A printed 2.1+ version does not contradict that wording (2.1.9's local pull mode).
    let text = fixture("cri-2.1.9-nodeauth-x509.txt");
    let d = diagnose(&format!("containerd github.com/containerd/containerd/v2 v2.1.9 abc123\n{text}"));
    assert_eq!((d.facts.containerd.as_deref(), d.facts.containerd_major), (Some("2.1.9"), Some(2)));
    assert_eq!(d.findings.iter().map(|f| f.family).collect::<Vec<_>>(), [X509UnknownAuthority]);
    assert!(d.findings[0].explanation.contains("ignored without any error"));
    assert_eq!(d.findings[0].prefill.containerd.as_deref(), Some("2.1.9"));
    // The same markers are absent from 1.7.24's texts: they stay 1.x.
    for name in ["cri-1.7.24-sandbox-401.txt", "cri-1.7.24-mirror-tls-timeout.txt", "containerd-1.7.24-lab-errors.log"]
    {
        assert_eq!(diagnose(&fixture(name)).facts.containerd_major, Some(1), "{name}");
    }
}

#[test]
fn dns_with_an_unreachable_resolver() {
    for name in ["cri-2.1.9-dns-resolver-unreachable.txt", "cri-1.7.24-dns-resolver-unreachable.txt"] {
        let d = check(name, &[(DnsLookup, Some("nosuch.example.org"))]);
        let f = &d.findings[0];
        assert!(f.explanation.contains("(10.255.255.53:53) could not even be reached"), "{}", f.explanation);
        assert_eq!((f.prefill.host.as_deref(), f.prefill.port), (Some("nosuch.example.org"), None));
    }
    // The pause image's lookup on 2.1.9, with the sandbox finding: no image, 2.x.
    let d = check("cri-2.1.9-sandbox-image-dns.txt", &[(DnsLookup, Some("registry.k8s.io")), (SandboxImage, None)]);
    assert_eq!((d.facts.image.as_deref(), d.facts.containerd_major), (None, Some(2)));
    assert_eq!(
        prefill(&d, SandboxImage).sandbox_image.as_deref(),
        Some("registry.aliyuncs.com/google_containers/pause:3.10")
    );
}

#[test]
fn tls_handshake_timeout_on_a_configured_mirror_keeps_the_mirror() {
    for (name, want) in [
        ("cri-2.1.9-mirror-tls-timeout.txt", &[(TlsHandshakeTimeout, Some("docker.io"))][..]),
        (
            "cri-1.7.24-mirror-tls-timeout.txt",
            &[(TlsHandshakeTimeout, Some("docker.io")), (ContainerdVersionUnknown, None)][..],
        ),
    ] {
        let d = check(name, want);
        let f = &d.findings[0];
        assert!(f.title.contains("docker.io's configured mirror 10.50.1.105:7443"), "{}", f.title);
        assert!(f.explanation.contains("TLS handshake times out"), "{}", f.explanation);
        assert!(!f.fix.contains("add one in the form"), "{}", f.fix);
        assert_eq!(f.prefill.mirror.as_deref(), Some("https://10.50.1.105:7443"));
        let form = d.apply_all(&unversioned());
        assert_eq!(hosts(&form), ["docker.io"], "{name}");
        let mirrors: Vec<&str> = form.registries[0].mirrors.iter().map(|m| m.url.as_str()).collect();
        assert_eq!(mirrors, ["https://10.50.1.105:7443"]);
    }
}

#[test]
fn upgraded_node_journal_leads_with_the_ignored_legacy_tls() {
    let d = check(
        "containerd-2.1.9-upgraded-node-startup-and-pull.log",
        &[(UnknownConfigKey, Some("harbor.example.net")), (X509UnknownAuthority, Some("harbor.example.net"))],
    );
    assert_eq!(d.facts.migrated_from, Some(2));
    let f = &d.findings[0];
    assert!(f.title.contains("legacy TLS settings of harbor.example.net"), "{}", f.title);
    assert!(!f.explanation.contains("not migrated"), "{}", f.explanation);
    assert!(f.prefill.ca_needed);
    assert!(d.findings.iter().all(|f| !f.title.contains("disable_cgroup")));
    let form = d.apply_all(&unversioned());
    assert_eq!(hosts(&form), ["harbor.example.net"]);
    assert_eq!(form.registries[0].ca_file, "/etc/containerd/certs.d/harbor.example.net/ca.crt");
    // Another ignored key after a migration is not called "not migrated" either.
    let text = fixture("containerd-2.1.9-upgraded-node-startup-and-pull.log").replace("key=disable_cgroup", "key=foo");
    let d = diagnose(&text);
    let f = d.findings.iter().find(|f| f.title.contains("`foo`")).expect("the unknown key");
    assert!(f.explanation.contains("migrated the version 2 config.toml"), "{}", f.explanation);
}

#[test]
fn runtime_name_must_be_set() {
    let d = check("cri-1.7.24-runtime-name-must-be-set.txt", &[(RuntimeTypeMissing, None)]);
    assert!(d.findings[0].explanation.contains("1.x fills `runtime_type` in for no runtime"));
    for name in ["cri-2.1.9-runtime-name-must-be-set-crun.txt", "events-2.1.9-runtime-name-must-be-set-crun.txt"] {
        let d = check(name, &[(RuntimeTypeMissing, None)]);
        let f = &d.findings[0];
        assert!(f.explanation.contains("only for a runtime named `runc`"), "{}", f.explanation);
        assert!(f.fix.contains("runtime_type = \"io.containerd.runc.v2\""), "{}", f.fix);
        assert_eq!(f.prefill.registry(), None);
    }
    // A RuntimeClass handler's runtime (nvidia, options only), the default being runc: the
    // finding names the handler, not only the default (review 10, M1).
    for name in ["cri-2.1.9-runtime-handler-no-type.txt", "cri-1.7.24-runtime-handler-no-type.txt"] {
        let d = check(name, &[(RuntimeTypeMissing, None)]);
        let f = &d.findings[0];
        assert!(f.explanation.contains("RuntimeClass handler"), "{name}: {}", f.explanation);
        assert!(f.fix.contains("`<name>` is the pod's RuntimeClass handler"), "{name}: {}", f.fix);
    }
}

#[test]
fn start_failures_of_1_7_24_and_2_1_9() {
    let d = check("containerd-1.7.24-version-3.log", &[(ConfigVersionTooNew, None)]);
    // Only 1.7 refuses that way: the form gets 1.7 (review 11 web N7).
    assert_eq!(d.findings[0].prefill.containerd.as_deref(), Some("1.7"));
    assert!(
        d.findings[0].title.contains("version = 3, this containerd reads at most version 2"),
        "{}",
        d.findings[0].title
    );
    assert_eq!(d.findings[0].line, 1);
    let d = check("containerd-2.1.9-short-disabled-plugin.log", &[(ConfigLoadFailed, None)]);
    assert!(d.findings[0].fix.contains("Remove \"cri\" from `disabled_plugins`"), "{}", d.findings[0].fix);
    // 2.1.9's version check stays the version finding, not a second load failure.
    let d = diagnose("containerd: failed to load TOML from /etc/containerd/config.toml: expected containerd config version equal to or less than `3`, got `4`");
    assert_eq!(d.findings.iter().map(|f| f.family).collect::<Vec<_>>(), [ConfigVersionTooNew]);
}

#[test]
fn no_route_and_ipv6_wording() {
    let text = fixture("cri-2.1.9-dns-resolver-unreachable.txt");
    let lookup = "dial tcp: lookup nosuch.example.org on 10.255.255.53:53: dial udp 10.255.255.53:53: connect: network is unreachable";
    assert!(text.contains(lookup));
    for failure in ["connect: network is unreachable", "connect: no route to host"] {
        let d = diagnose(&text.replace(lookup, &format!("dial tcp 10.50.1.104:443: {failure}")));
        let f = &d.findings[0];
        assert_eq!((f.family, f.prefill.registry().as_deref()), (NetworkTimeout, Some("nosuch.example.org")));
        assert_eq!(f.title, "The node has no route to nosuch.example.org");
        assert!(f.explanation.contains("nothing timed out"), "{}", f.explanation);
    }
    let v6 = fixture("cri-1.7.24-mirror-404-upstream-refused.txt").replace(
        "dial tcp 10.50.1.105:443: connect: connection refused",
        "dial tcp [2606:4700::6810:1]:443: connect: cannot assign requested address",
    );
    let d = diagnose(&v6);
    let f = &d.findings[0];
    assert_eq!((f.family, f.prefill.registry().as_deref()), (PublicRegistryUnreachable, Some("docker.io")));
    assert!(f.explanation.contains("no IPv6 address or route"), "{}", f.explanation);
}

#[test]
fn sandbox_401_on_2_1_9_has_no_made_up_image() {
    let d = check(
        "cri-2.1.9-sandbox-401.txt",
        &[(Unauthorized, Some("harbor.example.net")), (SandboxImage, Some("harbor.example.net"))],
    );
    assert_eq!((d.facts.image.as_deref(), d.facts.registry.as_deref()), (None, None));
    assert_eq!(d.facts.containerd_major, Some(2));
    assert_eq!(prefill(&d, Unauthorized).node_auth, Some(true));
    let form = d.apply_all(&unversioned());
    assert_eq!(hosts(&form), ["harbor.example.net"]);
    assert!(form.registries[0].node_auth);
}

#[test]
fn other_real_2_1_9_and_1_7_24_texts() {
    // Docker Hub's refusal after the mirror's 404: the host contacted is registry-1.docker.io.
    let d = check("cri-1.7.24-mirror-404-upstream-refused.txt", &[(ConnectionRefused, Some("docker.io"))]);
    assert!(d.findings[0].fix.contains("curl -v https://registry-1.docker.io/v2/"), "{}", d.findings[0].fix);
    // Docker Hub is reached after the mirrors failed: the mirror is named as the first suspect
    // (review 10 web L4).
    assert!(d.findings[0].explanation.contains("every mirror failed"), "{}", d.findings[0].explanation);
    // A hosts.toml that fails to decode: Docker-style CA files in its directory still count.
    let d = check("containerd-2.1.9-hosts-toml-duplicate.log", &[(HostsTomlInvalid, Some("harbor.example.net"))]);
    assert!(d.findings[0].explanation.contains("`*.crt`"), "{}", d.findings[0].explanation);
    check(
        "containerd-1.7.24-lab-errors.log",
        &[
            (HostsTomlInvalid, None),
            (DnsLookup, Some("nosuch.example.org")),
            (ConnectionRefused, Some("docker.io")),
            (TlsHandshakeTimeout, Some("docker.io")),
            (HttpResponseToHttps, Some("10.50.1.104:5000")),
            (X509UnknownAuthority, Some("harbor.example.net")),
            (Unauthorized, Some("harbor.example.net")),
            (ManifestNotFound, Some("harbor.example.net")),
            (SandboxImage, Some("harbor.example.net")),
            (ContainerdVersionUnknown, None),
        ],
    );
    let d = check(
        "containerd-2.1.9-lab-errors.log",
        &[
            (DnsLookup, Some("nosuch.example.org")),
            (ConnectionRefused, Some("docker.io")),
            (TlsHandshakeTimeout, Some("docker.io")),
            (HttpResponseToHttps, Some("10.50.1.104:5000")),
            (X509UnknownAuthority, Some("harbor.example.net")),
            (Unauthorized, Some("harbor.example.net")),
            (ManifestNotFound, Some("harbor.example.net")),
            (ManifestNotFound, Some("docker.io")),
            (SandboxImage, Some("harbor.example.net")),
        ],
    );
    assert_eq!(d.facts.containerd_major, Some(2));
}

/// Review 10, M2: a client certificate (mTLS) that is missing, a missing key (containerd says
/// CERT for it too), and a pair that does not match, from real 2.1.9 and 1.7.24 pulls.
#[test]
fn client_certificate_problems() {
    for (name, file) in [
        ("cri-2.1.9-client-cert-missing.txt", Some("client.crt")),
        ("cri-2.1.9-client-key-missing.txt", Some("client.key")),
        ("cri-1.7.24-client-cert-missing.txt", Some("client.crt")),
        ("cri-2.1.9-client-keypair-mismatch.txt", None),
    ] {
        let d = check(name, &[(ClientCertUnusable, Some("harbor.example.net"))]);
        let f = &d.findings[0];
        match file {
            Some(file) => assert!(f.title.contains(file) && f.title.contains("missing"), "{name}: {}", f.title),
            None => assert!(f.title.contains("do not belong together"), "{name}: {}", f.title),
        }
        assert!(f.fix.contains("client = [[") && f.fix.contains("openssl"), "{name}: {}", f.fix);
    }
}

/// Review 10, L1: 2.1.9's start failures for a config it cannot parse and for a missing import.
#[test]
fn start_failures_of_2_1_9_for_bad_toml_and_a_missing_import() {
    let d = check("containerd-2.1.9-invalid-toml.log", &[(ConfigLoadFailed, None)]);
    assert!(d.findings[0].title.contains("/tmp/badmain.toml is not valid TOML"), "{}", d.findings[0].title);
    let d = check("containerd-2.1.9-import-missing.log", &[(ConfigLoadFailed, None)]);
    assert!(d.findings[0].title.contains("/etc/containerd/conf.d/99-missing.toml"), "{}", d.findings[0].title);
    assert!(d.findings[0].fix.contains("remove it from `imports`"), "{}", d.findings[0].fix);
}

/// Review 10, L2: 2.1.9 ignoring a version-less cgroup drop-in's runc options under a version 3
/// config.toml warns once per table level; the finding names the deepest key and the version 3
/// runtime table, not registry advice.
#[test]
fn ignored_runtime_keys_name_the_deepest_table() {
    let d = check("containerd-2.1.9-versionless-drop-in-runtime.log", &[(UnknownConfigKey, None)]);
    let f = &d.findings[0];
    assert!(f.title.contains("`containerd runtimes runc options`"), "{}", f.title);
    assert!(f.fix.contains("[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options]"), "{}", f.fix);
    assert!(!f.fix.contains("pinned_images"), "{}", f.fix);
}

/// Review 10, H2: a version 1 config.toml under a version 2 drop-in stops 1.7.24 with an error
/// that names the drop-in; the finding names the short plugin name and where to look.
#[test]
fn a_short_plugin_name_in_a_merged_version_2_config() {
    let d = check("containerd-1.7.24-short-plugin-key.log", &[(ConfigLoadFailed, None)]);
    let f = &d.findings[0];
    assert!(f.title.contains("version 1 name \"cri\""), "{}", f.title);
    assert!(f.explanation.contains("last one loaded"), "{}", f.explanation);
    assert!(f.fix.contains("[plugins.\"io.containerd.grpc.v1.cri\"...]"), "{}", f.fix);
}

/// A configured mirror's name does not resolve: the finding is the mirror's, the form keeps the
/// image's registry with that mirror. The line follows the captured `ns=` mirror requests
/// (`cri-1.6.20-mirror-blob-x509-ns.txt`) with Go's DNS error for the mirror's name.
#[test]
fn dns_failure_on_a_configured_mirror() {
    let d = diagnose(
        "Failed to pull image \"docker.io/library/nginx:1.25\": rpc error: code = Unknown desc = failed to pull and unpack image \"docker.io/library/nginx:1.25\": failed to resolve reference \"docker.io/library/nginx:1.25\": failed to do request: Head \"https://hub-mirror.example.net/v2/library/nginx/manifests/1.25?ns=docker.io\": dial tcp: lookup hub-mirror.example.net on 10.96.0.10:53: no such host",
    );
    let f = &d.findings[0];
    assert_eq!((f.family, f.prefill.registry().as_deref()), (DnsLookup, Some("docker.io")));
    assert_eq!(f.prefill.mirror.as_deref(), Some("https://hub-mirror.example.net"));
    assert!(f.title.contains("docker.io's configured mirror"), "{}", f.title);
    assert!(f.fix.contains("Do not add hub-mirror.example.net as a registry"), "{}", f.fix);
}

/// Review 11, N4: a registry that asks for a client certificate (mTLS) and gets none: the
/// finding names it, and the form gets the registry with suggested client certificate paths.
#[test]
fn an_mtls_registry_refusing_a_node_without_a_client_certificate() {
    for name in ["cri-2.1.9-mtls-no-client.txt", "cri-1.7.24-mtls-no-client.txt"] {
        let d = check(name, &[(ClientCertUnusable, Some("harbor.example.net:9443"))]);
        let f = &d.findings[0];
        assert!(f.title.contains("asks for a client certificate"), "{name}: {}", f.title);
        assert_eq!(
            f.prefill.client_cert.as_deref(),
            Some("/etc/containerd/certs.d/harbor.example.net:9443/client.cert"),
            "{name}"
        );
        let form = apply_prefill(&pullfix_core::Form::default(), &f.prefill);
        assert_eq!(form.registries[0].client_key, "/etc/containerd/certs.d/harbor.example.net:9443/client.key");
    }
    // A missing file the text names goes into the form as that file.
    let d = check("cri-2.1.9-client-key-missing.txt", &[(ClientCertUnusable, Some("harbor.example.net"))]);
    assert_eq!(
        d.findings[0].prefill.client_key.as_deref(),
        Some("/etc/containerd/certs.d/harbor.example.net/client.key")
    );
}

/// Review 11, N5: the file containerd cannot parse is the one its log names (here a drop-in),
/// and 1.x's missing import gets the same finding as 2.x's.
#[test]
fn start_failures_name_the_file() {
    let d = check("containerd-2.1.9-drop-in-invalid-toml.log", &[(ConfigLoadFailed, None)]);
    assert!(
        d.findings[0].title.contains("/etc/containerd/conf.d/20-bad.toml is not valid TOML"),
        "{}",
        d.findings[0].title
    );
    let d = check("containerd-1.7.24-import-missing.txt", &[(ConfigLoadFailed, None)]);
    assert!(
        d.findings[0].title.contains("99-missing.toml, a file config.toml imports, is missing"),
        "{}",
        d.findings[0].title
    );
}

/// Review 11, N10 and N11: a RuntimeClass handler without a runtime table (2.1.9), and a CRI
/// section without its default runtime's table (1.7.24: a GPU drop-in replaced it).
#[test]
fn runtimes_containerd_has_no_table_for() {
    let d = check("cri-2.1.9-runtime-handler-not-configured.txt", &[(RuntimeNotConfigured, None)]);
    assert!(d.findings[0].title.contains("handler \"kata\""), "{}", d.findings[0].title);
    assert!(d.findings[0].fix.contains("runtimes.kata"), "{}", d.findings[0].fix);
    let d = check("containerd-1.7.24-gpu-drop-in-no-runc.log", &[(RuntimeNotConfigured, None)]);
    assert!(d.findings[0].title.contains("default runtime \"runc\""), "{}", d.findings[0].title);
    assert!(d.findings[0].explanation.contains("replaces config.toml's"), "{}", d.findings[0].explanation);
}
