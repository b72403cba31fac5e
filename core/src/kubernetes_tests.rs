//! Tests of the Kubernetes outputs: keys, files and diagnostics, through `render`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::form::{Form, Kubernetes, Mirror, PatchTarget, Registry};
use crate::output::{AfterApply, FileKind, OutputFile, Rendered};
use crate::render;

fn reg(host: &str, user: &str, pass: &str) -> Registry {
    Registry { host: host.into(), username: user.into(), password: pass.into(), ..Registry::default() }
}

fn target(kind: &str, name: &str, ns: &str) -> PatchTarget {
    PatchTarget { kind: kind.into(), name: name.into(), namespace: ns.into() }
}

fn form(registries: Vec<Registry>, k: Kubernetes) -> Form {
    Form { registries, kubernetes: k, ..Form::default() }
}

fn k8s_files(out: &Rendered) -> Vec<&OutputFile> {
    out.files.iter().filter(|f| f.path.starts_with("k8s/")).collect()
}

fn file<'a>(out: &'a Rendered, path: &str) -> &'a OutputFile {
    out.files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}; files: {:?}", out.files.iter().map(|f| &f.path).collect::<Vec<_>>()))
}

/// The decoded `.dockerconfigjson` of a Secret file, parsed.
fn auths(f: &OutputFile) -> serde_json::Value {
    let v: serde_yaml::Value = serde_yaml::from_str(&f.contents).unwrap();
    let b64 = v["data"][".dockerconfigjson"].as_str().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&STANDARD.decode(b64).unwrap()).unwrap();
    json["auths"].clone()
}

/// `(field, code)` of every diagnostic.
fn codes(out: &Rendered) -> Vec<(String, &'static str)> {
    out.diagnostics.iter().map(|d| (d.field.to_string(), d.code)).collect()
}

#[test]
fn nothing_without_credentials_or_section() {
    let out = render(&form(vec![reg("harbor.example.net", "", "")], Kubernetes::default()));
    assert!(k8s_files(&out).is_empty());
}

#[test]
fn credentials_alone_give_default_secret_and_a_note() {
    let out = render(&form(vec![reg("harbor.example.net", "admin", "Harbor12345")], Kubernetes::default()));
    let f = file(&out, "k8s/secret-regcred-default.yaml");
    assert!(f.sensitive && f.kind == FileKind::Kubernetes);
    assert_eq!(auths(f)["harbor.example.net"]["username"], "admin");
    assert!(codes(&out).contains(&("kubernetes".into(), "kubernetes.defaults")));
    let mut node = reg("harbor.example.net", "admin", "Harbor12345");
    node.node_auth = true;
    let out2 = render(&form(vec![node], Kubernetes::default()));
    assert!(!codes(&out2).iter().any(|(_, c)| *c == "kubernetes.defaults"), "node_auth needs no Secret note");
    file(&out2, "k8s/secret-regcred-default.yaml");
    let sh = file(&out, "k8s/commands.sh");
    assert!(sh.sensitive && sh.kind == FileKind::Script);
    assert!(sh.contents.contains("kubectl create secret docker-registry regcred --docker-server=harbor.example.net --docker-username=admin --docker-password=Harbor12345 -n default"), "{}", sh.contents);
}

#[test]
fn one_secret_per_namespace_with_every_registry_sorted() {
    let k = Kubernetes {
        namespaces: vec!["default".into(), "batch".into()],
        email: "ops@example.net".into(),
        ..Kubernetes::default()
    };
    let out = render(&form(
        vec![
            reg("harbor.example.net", "robot$ci", "p'w"),
            reg("10.50.1.104:5000", "u", "p"),
            reg("docker.io", "hubuser", "hubpass"),
        ],
        k,
    ));
    for ns in ["default", "batch"] {
        let f = file(&out, &format!("k8s/secret-regcred-{ns}.yaml"));
        let v: serde_yaml::Value = serde_yaml::from_str(&f.contents).unwrap();
        assert_eq!(v["metadata"]["namespace"].as_str(), Some(ns));
        let a = auths(f);
        let keys: Vec<&String> = a.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["10.50.1.104:5000", "harbor.example.net", "https://index.docker.io/v1/"]);
        assert_eq!(a["harbor.example.net"]["password"], "p'w");
        assert_eq!(a["harbor.example.net"]["email"], "ops@example.net");
        assert!(f.instructions.contains("takes one --docker-server"), "{}", f.instructions);
    }
    let sh = &file(&out, "k8s/commands.sh").contents;
    assert!(sh.contains("kubectl apply -f k8s/secret-regcred-batch.yaml"), "{sh}");
}

#[test]
fn authenticating_mirror_keys_the_image_registry_with_the_mirrors_credentials() {
    let mut hub = reg("docker.io", "", "");
    hub.mirrors.push(Mirror {
        url: "https://harbor.example.net/v2/dockerhub-proxy".into(),
        override_path: true,
        ..Mirror::default()
    });
    let out = render(&form(vec![hub, reg("harbor.example.net", "robot$proxy", "s3cret")], Kubernetes::default()));
    let f = file(&out, "k8s/secret-regcred-default.yaml");
    let a = auths(f);
    assert_eq!(a["https://index.docker.io/v1/"]["username"], "robot$proxy");
    assert_eq!(a["https://index.docker.io/v1/"]["password"], "s3cret");
    assert_eq!(a["harbor.example.net"]["username"], "robot$proxy");
    assert!(f.instructions.contains("keyed for docker.io but carries harbor.example.net's user"), "{}", f.instructions);
    assert!(f.instructions.contains("set mirror_only"), "{}", f.instructions);
}

#[test]
fn registry_credentials_through_a_mirror_with_other_credentials_warn() {
    let mut hub = reg("docker.io", "hubuser", "hubpass");
    hub.mirrors.push(Mirror { url: "https://harbor.example.net".into(), ..Mirror::default() });
    let out = render(&form(vec![hub, reg("harbor.example.net", "robot$proxy", "s3cret")], Kubernetes::default()));
    assert!(
        codes(&out).contains(&("registry[0].mirror[0].url".into(), "secret.mirror-credentials")),
        "{:?}",
        codes(&out)
    );
    let a = auths(file(&out, "k8s/secret-regcred-default.yaml"));
    assert_eq!(a["https://index.docker.io/v1/"]["username"], "hubuser");
}

#[test]
fn identity_token_is_not_put_into_the_secret() {
    let mut r = reg("harbor.example.net", "", "");
    r.identity_token = "tok".into();
    let out = render(&form(vec![r.clone()], Kubernetes::default()));
    assert!(codes(&out).contains(&("registry[0].identity_token".into(), "secret.identity-token")));
    assert!(k8s_files(&out).is_empty());
    let k = Kubernetes { patches: vec![target("Deployment", "web", "")], ..Kubernetes::default() };
    let out = render(&form(vec![r], k));
    assert!(codes(&out).contains(&("kubernetes".into(), "kubernetes.no-credentials")));
    file(&out, "k8s/patch-deployment-web.yaml");
    assert!(!out.files.iter().any(|f| f.path.starts_with("k8s/secret-")));
}

#[test]
fn half_credentials_and_default_namespace_host_are_reported() {
    let out = render(&form(
        vec![
            reg("a.example.net", "u", ""),
            reg("b.example.net", "", "p"),
            reg("_default", "u", "p"),
            reg("c.example.net", "u", "p"),
        ],
        Kubernetes::default(),
    ));
    let c = codes(&out);
    assert!(c.contains(&("registry[0].password".into(), "credentials.password-missing")), "{c:?}");
    assert!(c.contains(&("registry[1].username".into(), "credentials.username-missing")), "{c:?}");
    assert!(c.contains(&("registry[2].host".into(), "secret.default-namespace")), "{c:?}");
    let a = auths(file(&out, "k8s/secret-regcred-default.yaml"));
    assert_eq!(a.as_object().unwrap().keys().collect::<Vec<_>>(), ["c.example.net"]);
}

#[test]
fn bad_names_are_field_errors_and_output_still_renders() {
    let k = Kubernetes {
        secret_name: "Reg_Cred".into(),
        namespaces: vec!["default".into(), "Batch".into(), "default".into()],
        patches: vec![
            target("CronJob", "cronjob-demo", "default"),
            target("Secret", "x", ""),
            target("", "y", ""),
            target("Deployment", "", ""),
            target("Deployment", "web", "other"),
            target("cj", "cronjob-demo", "default"),
        ],
        ..Kubernetes::default()
    };
    let out = render(&form(vec![reg("harbor.example.net", "u", "p")], k));
    let c = codes(&out);
    for expected in [
        ("kubernetes.secret_name", "kubernetes.secret-name"),
        ("kubernetes.namespaces[1]", "kubernetes.namespace"),
        ("kubernetes.namespaces[2]", "kubernetes.namespace-duplicate"),
        ("kubernetes.patch[1].kind", "patch.kind-unknown"),
        ("kubernetes.patch[2].kind", "patch.kind-missing"),
        ("kubernetes.patch[3].name", "patch.name-missing"),
        ("kubernetes.patch[4].namespace", "patch.namespace-without-secret"),
        ("kubernetes.patch[5]", "patch.duplicate"),
    ] {
        assert!(c.contains(&(expected.0.to_owned(), expected.1)), "missing {expected:?} in {c:?}");
    }
    for d in &out.diagnostics {
        assert!(!d.message.is_empty() && !d.fix.is_empty(), "{d:?}");
    }
    // Rendered anyway, with the default name, for the valid namespace only.
    file(&out, "k8s/secret-regcred-default.yaml");
    assert!(!out.files.iter().any(|f| f.path.contains("Batch")));
    file(&out, "k8s/patch-cronjob-cronjob-demo.yaml");
    file(&out, "k8s/patch-deployment-web.yaml");
}

#[test]
fn patch_files_per_kind() {
    let k = Kubernetes {
        namespaces: vec!["default".into(), "batch".into()],
        patches: vec![
            target("ServiceAccount", "default", "batch"),
            target("Deployment", "web", ""),
            target("Job", "migrate", ""),
            target("Pod", "debug", ""),
            target("StatefulSet", "db", "default"),
            target("StatefulSet", "db", "batch"),
        ],
        ..Kubernetes::default()
    };
    let out = render(&form(vec![reg("harbor.example.net", "u", "p")], k));
    let sa = file(&out, "k8s/patch-serviceaccount-default.yaml");
    assert_eq!(sa.contents, "- op: add\n  path: /imagePullSecrets/-\n  value:\n    name: regcred\n");
    assert!(sa.instructions.contains("--type=json"), "{}", sa.instructions);
    let sa2 = file(&out, "k8s/patch-serviceaccount-default-replace.yaml");
    assert!(sa2.instructions.contains("REPLACES"), "{}", sa2.instructions);
    let d = file(&out, "k8s/patch-deployment-web.yaml");
    assert!(d.instructions.contains("kubectl patch deployment web -n default --type=strategic -p '{\"spec\":{\"template\":{\"spec\":{\"imagePullSecrets\":[{\"name\":\"regcred\"}]}}}}'"), "{}", d.instructions);
    assert!(d.instructions.contains("Only pods created afterwards"));
    for p in ["k8s/patch-job-migrate.yaml", "k8s/patch-pod-debug.yaml"] {
        assert!(file(&out, p).instructions.contains("recreate"), "{p}");
    }
    file(&out, "k8s/patch-statefulset-db-default.yaml");
    file(&out, "k8s/patch-statefulset-db-batch.yaml");
    let sh = &file(&out, "k8s/commands.sh").contents;
    assert!(sh.contains("--type=json -p '[{\"op\":\"add\",\"path\":\"/imagePullSecrets/-\",\"value\":{\"name\":\"regcred\"}}]' ||\n    kubectl patch serviceaccount default -n batch --type=strategic"), "{sh}");
    // The append runs only when the Secret is not listed yet (a second run would list it twice).
    assert!(
        sh.contains("if ! kubectl get serviceaccount default -n batch -o 'jsonpath={range .imagePullSecrets[*]}{.name}{\"\\n\"}{end}' | grep -qxF -e regcred; then\n  kubectl patch serviceaccount default -n batch --type=json"),
        "{sh}"
    );
    assert!(!sa.instructions.contains("harmless"), "{}", sa.instructions);
    assert!(sh.contains("# A Pod must be recreated"), "{sh}");
}

#[test]
fn shell_values_are_single_quoted() {
    let out = render(&form(vec![reg("harbor.example.net", "robot$ci", "it's $(rm -rf /)")], Kubernetes::default()));
    let sh = &file(&out, "k8s/commands.sh").contents;
    assert!(sh.contains("'--docker-username=robot$ci' '--docker-password=it'\\''s $(rm -rf /)'"), "{sh}");
}

#[test]
fn credentials_round_trip_for_many_awkward_values() {
    const ALPHABET: [char; 20] = [
        'a', 'Z', '0', '$', '\'', '"', '\\', '<', '>', '&', '\u{2028}', '\u{2029}', 'ü', '🔑', ' ', ':', '`', '=', '/',
        '#',
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    for round in 0..300 {
        let mut word = |min: usize| (0..min + next(16)).map(|_| ALPHABET[next(ALPHABET.len())]).collect::<String>();
        let (user, pass, email) = (word(1), word(1), if round % 3 == 0 { word(0) } else { String::new() });
        let k = Kubernetes { email: email.clone(), ..Kubernetes::default() };
        let out = render(&form(vec![reg("harbor.example.net:8443", &user, &pass)], k));
        let f = file(&out, "k8s/secret-regcred-default.yaml");
        let v: serde_yaml::Value = serde_yaml::from_str(&f.contents).unwrap();
        let raw = STANDARD.decode(v["data"][".dockerconfigjson"].as_str().unwrap()).unwrap();
        let text = String::from_utf8(raw).unwrap();
        assert!(!text.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "Go escapes these: {text}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let e = &json["auths"]["harbor.example.net:8443"];
        assert_eq!((e["username"].as_str(), e["password"].as_str()), (Some(user.as_str()), Some(pass.as_str())));
        assert_eq!(e.get("email").and_then(|x| x.as_str()).unwrap_or(""), email);
        let auth = STANDARD.decode(e["auth"].as_str().unwrap()).unwrap();
        assert_eq!(auth, format!("{user}:{pass}").into_bytes());
    }
}

#[test]
fn a_registry_dropped_for_its_host_does_not_also_claim_missing_credentials() {
    let k = Kubernetes { namespaces: vec!["default".into()], ..Kubernetes::default() };
    let out = render(&form(vec![reg("https://harbor.example.net", "robot$ci", "pw")], k.clone()));
    let c = codes(&out);
    assert!(c.contains(&("registry[0].host".into(), "host.malformed")), "{c:?}");
    assert!(!c.iter().any(|(_, code)| *code == "kubernetes.no-credentials"), "{c:?}");
    // Without credentials anywhere, the warning stays.
    let out = render(&form(vec![reg("https://harbor.example.net", "", "")], k));
    assert!(codes(&out).contains(&("kubernetes".into(), "kubernetes.no-credentials")));
}

#[test]
fn patch_bodies_are_patched_not_applied() {
    let k = Kubernetes {
        namespaces: vec!["default".into(), "batch".into()],
        patches: vec![
            target("ServiceAccount", "default", "batch"),
            target("CronJob", "nightly", "batch"),
            target("Job", "migrate", ""),
        ],
        ..Kubernetes::default()
    };
    let out = render(&form(vec![reg("harbor.example.net", "u", "p")], k.clone()));
    for f in k8s_files(&out) {
        assert_eq!(f.placement, crate::output::Placement::Cluster, "{}", f.path);
        let want = match f.path.as_str() {
            "k8s/commands.sh" => AfterApply::Run,
            p if p.starts_with("k8s/secret-") => AfterApply::KubectlApply,
            "k8s/patch-job-migrate.yaml" => AfterApply::SeeNotes,
            _ => AfterApply::KubectlPatch,
        };
        assert_eq!(f.after, want, "{}", f.path);
        if f.path.starts_with("k8s/patch-") {
            // A patch body has no kind: `kubectl apply -f` on it fails.
            assert!(!f.instructions.contains("kubectl apply"), "{}: {}", f.path, f.instructions);
        }
    }
    let mut diags = Vec::new();
    let checked = crate::validate::check(&form(vec![reg("harbor.example.net", "u", "p")], k), &mut diags);
    assert_eq!(
        crate::kubernetes::apply_commands(&checked),
        "kubectl apply -f k8s/secret-regcred-default.yaml\n\
         kubectl apply -f k8s/secret-regcred-batch.yaml\n\
         kubectl patch serviceaccount default -n batch --type=json --patch-file k8s/patch-serviceaccount-default.yaml ||\n  \
         kubectl patch serviceaccount default -n batch --type=strategic --patch-file k8s/patch-serviceaccount-default-replace.yaml\n\
         kubectl patch cronjob nightly -n batch --type=strategic --patch-file k8s/patch-cronjob-nightly.yaml\n\
         # Job migrate: recreate it with k8s/patch-job-migrate.yaml in its manifest\n"
    );
    let none =
        crate::validate::check(&form(vec![reg("harbor.example.net", "", "")], Kubernetes::default()), &mut diags);
    assert_eq!(crate::kubernetes::apply_commands(&none), "");
}

/// Names that the plain scheme gives twice (review 12, L7): Deployment `a` in `b` and in
/// `c` is `patch-deployment-a-b.yaml`, also Deployment `a-b`'s name; ServiceAccount `x`'s
/// replace file is ServiceAccount `x-replace`'s append file. Each file gets its own name,
/// holds its own target's patch, and the commands name that file.
#[test]
fn patch_file_names_never_coincide() {
    let k = Kubernetes {
        namespaces: vec!["b".into(), "c".into(), "d".into()],
        patches: vec![
            target("Deployment", "a", "b"),
            target("Deployment", "a", "c"),
            target("Deployment", "a-b", "d"),
            target("ServiceAccount", "x", "b"),
            target("ServiceAccount", "x-replace", "c"),
            target("Deployment", "web", "b"),
        ],
        ..Kubernetes::default()
    };
    let f = form(vec![reg("h.example.net", "u", "p")], k);
    let out = render(&f);
    let mut paths: Vec<&str> = out.files.iter().map(|f| f.path.as_str()).collect();
    paths.sort_unstable();
    let n = paths.len();
    paths.dedup();
    assert_eq!(paths.len(), n, "{paths:?}");
    for (path, wants) in [
        ("k8s/patch-deployment-a_b.yaml", "deployment a -n b "),
        ("k8s/patch-deployment-a_c.yaml", "deployment a -n c "),
        ("k8s/patch-deployment-a-b_d.yaml", "deployment a-b -n d "),
        ("k8s/patch-serviceaccount-x_b.yaml", "serviceaccount x -n b --type=json"),
        ("k8s/patch-serviceaccount-x_b_replace.yaml", "serviceaccount x -n b --type=strategic"),
        ("k8s/patch-serviceaccount-x-replace_c.yaml", "serviceaccount x-replace -n c --type=json"),
        ("k8s/patch-serviceaccount-x-replace_c_replace.yaml", "serviceaccount x-replace -n c --type=strategic"),
        // Not involved in a collision: the plain name stays.
        ("k8s/patch-deployment-web.yaml", "deployment web -n b "),
    ] {
        let file = file(&out, path);
        assert!(file.instructions.contains(&format!("kubectl patch {wants}")), "{path}: {}", file.instructions);
        assert!(file.instructions.contains(&format!("--patch-file {path}\n")), "{path}: {}", file.instructions);
        let body: serde_yaml::Value = serde_yaml::from_str(&file.contents).unwrap();
        // A JSON patch is a list of operations, a strategic patch a mapping.
        assert_eq!(body.is_sequence(), wants.contains("--type=json"), "{path}: {}", file.contents);
    }
    let checked = crate::validate::check(&f, &mut Vec::new());
    let commands = crate::kubernetes::apply_commands(&checked);
    assert!(
        commands.contains(
            "kubectl patch serviceaccount x -n b --type=json --patch-file k8s/patch-serviceaccount-x_b.yaml ||\n  \
         kubectl patch serviceaccount x -n b --type=strategic --patch-file k8s/patch-serviceaccount-x_b_replace.yaml\n"
        ),
        "{commands}"
    );
    for line in commands.lines().filter(|l| l.contains("--patch-file")) {
        let path = line.trim_start().split(' ').nth(8).unwrap();
        file(&out, path);
    }
}

#[test]
fn no_note_names_a_password() {
    // Review 13: the Secret's note printed `--docker-password=<the password>` on stderr.
    let out = render(&form(vec![reg("harbor.example.net", "robot$ci", "S3cret-Pw")], Kubernetes::default()));
    let note = &file(&out, "k8s/secret-regcred-default.yaml").instructions;
    assert!(note.contains("'--docker-password=<password>'"), "{note}");
    for f in &out.files {
        assert!(!f.instructions.contains("S3cret-Pw"), "{}: {}", f.path, f.instructions);
        assert!(!f.title.contains("S3cret-Pw"), "{}", f.path);
    }
    for d in &out.diagnostics {
        assert!(!d.message.contains("S3cret-Pw") && !d.fix.contains("S3cret-Pw"), "{d:?}");
    }
    // The files themselves hold it where they must: the Secret (base64) and commands.sh (0600).
    assert!(file(&out, "k8s/commands.sh").contents.contains("S3cret-Pw"));
}
