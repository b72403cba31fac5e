//! The Kubernetes side of a form: one pull Secret per namespace, the
//! `imagePullSecrets` patches, and `k8s/commands.sh` with the same as kubectl commands.
//!
//! Files appear when any registry has credentials or the form has a `[kubernetes]`
//! section. Names are checked against the API server's rules here, so a typo shows on
//! the form and not in `kubectl apply`.

use crate::diagnostic::{quoted, Diagnostic, Field};
use crate::form::{Registry, DEFAULT_SECRET_NAME};
use crate::k8s_name::NameRule;
use crate::output::{AfterApply, FileKind, OutputFile, Placement};
use crate::patch::{patches_for, Patch, PatchType, TargetKind, ALL_KINDS};
use crate::pull_auth::{pull_auths, PullAuth};
use crate::secret::{docker_config_json_sorted, kubectl_create_words, secret_yaml, AuthEntry};
use crate::shell;
use crate::validate::Checked;

/// The namespace a patch target without one lives in.
pub const DEFAULT_NAMESPACE: &str = "default";

/// A checked `[[kubernetes.patch]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Its kind.
    pub kind: TargetKind,
    /// Its name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
}

/// What the Kubernetes files are made of: the Secret's name, its namespaces, the
/// credentials, the patch targets and their file names.
struct Plan {
    name: String,
    namespaces: Vec<String>,
    auths: Vec<PullAuth>,
    targets: Vec<Target>,
    paths: Vec<PatchPaths>,
}

/// The file names of one target's patches: `main` for its patch (a ServiceAccount's
/// append), `replace` for a ServiceAccount's list-replacing patch.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PatchPaths {
    main: String,
    replace: String,
}

/// Renders the Kubernetes files.
pub fn render(checked: &Checked, diags: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let Some(Plan { name, namespaces, auths, targets, paths }) = plan(checked, diags) else { return Vec::new() };
    let mut files = Vec::new();
    if !auths.is_empty() {
        for ns in &namespaces {
            files.push(secret_file(&name, ns, &auths));
        }
    }
    for (t, path) in targets.iter().zip(&paths) {
        files.extend(patch_files(t, &name, path));
    }
    files.push(commands_file(&name, &namespaces, &auths, &targets, &paths));
    files
}

/// The commands that put [`render`]'s files into the cluster, run from the directory
/// that holds `k8s/`: `kubectl apply -f` for each Secret (an object), the
/// `kubectl patch ... --patch-file` command of each patch (a patch body, which
/// `kubectl apply` rejects; a ServiceAccount's append falls back to the replace when
/// the list is absent), and a comment for the kinds that must be recreated. Empty when
/// there are no Kubernetes files.
pub fn apply_commands(checked: &Checked) -> String {
    let Some(Plan { name, namespaces, auths, targets, paths }) = plan(checked, &mut Vec::new()) else {
        return String::new();
    };
    let mut s = String::new();
    if !auths.is_empty() {
        for ns in &namespaces {
            s.push_str(&shell::command(["kubectl", "apply", "-f", &format!("k8s/secret-{name}-{ns}.yaml")]));
            s.push('\n');
        }
    }
    for (t, paths) in targets.iter().zip(&paths) {
        let patches = patches_for(t.kind, &t.name, &t.namespace, &name);
        match (t.kind, patches.as_slice()) {
            (TargetKind::ServiceAccount, [append, replace]) => s.push_str(&format!(
                "{} ||\n  {}\n",
                patch_command_with_file(append, &paths.main),
                patch_command_with_file(replace, &paths.replace)
            )),
            (kind, [_]) if kind.must_recreate() => {
                s.push_str(&format!("# {kind} {}: recreate it with {} in its manifest\n", t.name, paths.main))
            }
            (_, [p]) => {
                s.push_str(&patch_command_with_file(p, &paths.main));
                s.push('\n');
            }
            _ => {}
        }
    }
    s
}

/// The checked Kubernetes side; `None` when it renders no file.
fn plan(checked: &Checked, diags: &mut Vec<Diagnostic>) -> Option<Plan> {
    let form = &checked.form;
    let k = &form.kubernetes;
    if k.is_empty() && !form.registries.iter().any(Registry::has_credentials) {
        return None;
    }
    let kf = Field::root("kubernetes");
    if k.is_empty() && form.registries.iter().any(|r| r.has_credentials() && !r.node_auth) {
        diags.push(Diagnostic::info(
            kf.clone(),
            "kubernetes.defaults",
            format!("Pods get these credentials only through a pull Secret, so one named {DEFAULT_SECRET_NAME:?} for namespace {DEFAULT_NAMESPACE:?} is generated (k8s/); pods must list it in imagePullSecrets."),
            "Add a [kubernetes] section with the namespaces and the workloads ([[kubernetes.patch]]) that pull from this registry, or set node_auth to give every pod on the node these credentials.",
        ));
    }
    let name = secret_name(checked, diags);
    let namespaces = namespaces(checked, diags);
    let auths = pull_auths(checked, &k.email, diags);
    // A registry with both that was left out for its host (a typo such as https://harbor...)
    // already has an error saying so; "no registry has both" would send the operator to
    // the credentials, which are fine.
    let dropped_with_credentials = form.registries.iter().enumerate().any(|(i, r)| {
        checked.hosts.get(i).is_some_and(Option::is_none) && !r.username.is_empty() && !r.password.is_empty()
    });
    if auths.is_empty() && !k.is_empty() && !dropped_with_credentials {
        let also = if k.patches.is_empty() {
            String::new()
        } else {
            format!("; the patches reference a Secret {name:?} that must already exist")
        };
        diags.push(Diagnostic::warning(
            kf.clone(),
            "kubernetes.no-credentials",
            format!("No registry has both a username and a password, so no pull Secret is generated{also}."),
            "Enter a username and password on the registry that needs them.",
        ));
    }
    let targets = targets(checked, &namespaces, diags);
    if auths.is_empty() && targets.is_empty() {
        return None;
    }
    let paths = patch_paths(&targets);
    Some(Plan { name, namespaces, auths, targets, paths })
}

fn secret_name(checked: &Checked, diags: &mut Vec<Diagnostic>) -> String {
    let name = checked.form.kubernetes.secret_name();
    match NameRule::Subdomain.check(name) {
        Ok(()) => name.to_owned(),
        Err(e) => {
            diags.push(Diagnostic::error(
                Field::root("kubernetes").key("secret_name"),
                "kubernetes.secret-name",
                format!(
                    "{} cannot be a Secret's name: {e}. No files until it is fixed (a preview uses {DEFAULT_SECRET_NAME:?}).",
                    quoted(name)
                ),
                format!("Use a name of {}, e.g. regcred or harbor-pull.", NameRule::Subdomain.describe()),
            ));
            DEFAULT_SECRET_NAME.to_owned()
        }
    }
}

/// The valid, distinct namespaces in form order (`default` when none is given).
fn namespaces(checked: &Checked, diags: &mut Vec<Diagnostic>) -> Vec<String> {
    let given = &checked.form.kubernetes.namespaces;
    if given.is_empty() {
        return vec![DEFAULT_NAMESPACE.to_owned()];
    }
    let kf = Field::root("kubernetes");
    let mut out: Vec<String> = Vec::new();
    for (i, ns) in given.iter().enumerate() {
        let ns = ns.trim();
        if let Err(e) = NameRule::Label.check(ns) {
            diags.push(Diagnostic::error(
                kf.index("namespaces", i),
                "kubernetes.namespace",
                format!("{} cannot be a namespace: {e}. No Secret is generated for it.", quoted(ns)),
                format!("Write the namespace as `kubectl get namespaces` lists it: {}.", NameRule::Label.describe()),
            ));
        } else if out.iter().any(|o| o == ns) {
            diags.push(Diagnostic::warning(
                kf.index("namespaces", i),
                "kubernetes.namespace-duplicate",
                format!("{ns:?} is listed twice; it gets one Secret."),
                "Remove the second entry.",
            ));
        } else {
            out.push(ns.to_owned());
        }
    }
    out
}

fn targets(checked: &Checked, namespaces: &[String], diags: &mut Vec<Diagnostic>) -> Vec<Target> {
    let kf = Field::root("kubernetes");
    let kinds = ALL_KINDS.map(TargetKind::as_str).join(", ");
    let mut out: Vec<Target> = Vec::new();
    for (i, p) in checked.form.kubernetes.patches.iter().enumerate() {
        let pf = kf.index("patch", i);
        let kind = match TargetKind::parse(&p.kind) {
            Some(kind) => Some(kind),
            None => {
                let (message, code) = if p.kind.trim().is_empty() {
                    ("The patch names no kind, so it cannot be generated.".to_owned(), "patch.kind-missing")
                } else {
                    (
                        format!(
                            "{} is not a kind that references pull Secrets; this patch is not generated.",
                            quoted(p.kind.trim())
                        ),
                        "patch.kind-unknown",
                    )
                };
                diags.push(Diagnostic::error(pf.key("kind"), code, message, format!("Use one of {kinds}.")));
                None
            }
        };
        let name = p.name.trim();
        let name_ok = match NameRule::Subdomain.check(name) {
            Ok(()) => true,
            Err(e) => {
                let message = if name.is_empty() {
                    "The patch names no object, so it cannot be generated.".to_owned()
                } else {
                    format!("{} cannot be an object's name: {e}; this patch is not generated.", quoted(name))
                };
                diags.push(Diagnostic::error(
                    pf.key("name"),
                    if name.is_empty() { "patch.name-missing" } else { "patch.name" },
                    message,
                    "Write the name as `kubectl get <kind> -n <namespace>` lists it.",
                ));
                false
            }
        };
        let ns = p.namespace.trim();
        let ns = if ns.is_empty() { DEFAULT_NAMESPACE } else { ns };
        let ns_ok = match NameRule::Label.check(ns) {
            Ok(()) => true,
            Err(e) => {
                diags.push(Diagnostic::error(
                    pf.key("namespace"),
                    "patch.namespace",
                    format!("{} cannot be a namespace: {e}; this patch is not generated.", quoted(ns)),
                    format!(
                        "Write the namespace as `kubectl get namespaces` lists it: {}.",
                        NameRule::Label.describe()
                    ),
                ));
                false
            }
        };
        let (Some(kind), true, true) = (kind, name_ok, ns_ok) else { continue };
        if !namespaces.iter().any(|n| n == ns) {
            diags.push(Diagnostic::error(
                pf.key("namespace"),
                "patch.namespace-without-secret",
                format!("{kind} {name} is in namespace {ns:?}, which gets no Secret: a Secret only serves pods in its own namespace, so its pods would fail with FailedToRetrieveImagePullSecret."),
                format!("Add {ns:?} to kubernetes.namespaces."),
            ));
        }
        let t = Target { kind, name: name.to_owned(), namespace: ns.to_owned() };
        if out.contains(&t) {
            diags.push(Diagnostic::warning(
                pf.clone(),
                "patch.duplicate",
                format!("{kind} {name} in {ns} is listed twice; it gets one patch."),
                "Remove the second entry.",
            ));
            continue;
        }
        out.push(t);
    }
    out
}

fn secret_file(name: &str, ns: &str, auths: &[PullAuth]) -> OutputFile {
    let entries: Vec<(&str, &AuthEntry)> = auths.iter().map(|a| (a.key.as_str(), &a.entry)).collect();
    let json = docker_config_json_sorted(&entries);
    let path = format!("k8s/secret-{name}-{ns}.yaml");
    let mut instructions = format!(
        "Create or update it with: {}\n\nA Secret only serves pods in its own namespace ({ns}). Pods use it when their spec lists it under imagePullSecrets (see the patch files) or their ServiceAccount does; only pods created afterwards get it.\n",
        shell::command(["kubectl", "apply", "-f", &path])
    );
    for a in auths {
        instructions.push_str(&format!("\n{}: {}", a.key, a.note));
    }
    instructions.push('\n');
    match single(auths) {
        // The password stays out of this note (it is printed, shown and copied): commands.sh
        // (mode 0600) has the whole command.
        Some(a) => instructions.push_str(&format!(
            "\nThe same Secret, made by kubectl (with the real password in place of <password>; k8s/commands.sh has the whole command): {}\n",
            shell::command(kubectl_create_words(
                name,
                Some(ns),
                &a.key,
                &AuthEntry { password: "<password>".to_owned(), ..a.entry.clone() }
            ))
        )),
        None => instructions.push_str(
            "\nkubectl create secret docker-registry takes one --docker-server, so a Secret for several registries is applied from this file.\n",
        ),
    }
    OutputFile {
        path,
        contents: secret_yaml(name, Some(ns), &json),
        kind: FileKind::Kubernetes,
        title: format!("Pull Secret {name} for namespace {ns} (kubernetes.io/dockerconfigjson)"),
        instructions,
        after: AfterApply::KubectlApply,
        placement: Placement::Cluster,
        sensitive: true,
    }
}

fn single(auths: &[PullAuth]) -> Option<&PullAuth> {
    match auths {
        [a] => Some(a),
        _ => None,
    }
}

/// `k8s/patch-<kind>-<name>.yaml` (and a ServiceAccount's `...-replace.yaml`); with
/// `-<namespace>` before `.yaml` when the same kind and name appear in several namespaces.
///
/// Those names can coincide: Deployment `a` in `b` and in `c` gives
/// `patch-deployment-a-b.yaml`, which is also Deployment `a-b`'s name, and ServiceAccount
/// `x`'s replace file is ServiceAccount `x-replace`'s append file. Every target with a
/// name that another file also gets (and its kind and name in the other namespaces) is named `k8s/patch-<kind>-<name>_<namespace>.yaml`
/// (`..._<namespace>_replace.yaml`) instead. No Kubernetes name or namespace holds `_`
/// and no kind holds `-`, so these names cannot coincide with each other or with the
/// plain ones.
fn patch_paths(targets: &[Target]) -> Vec<PatchPaths> {
    let same = |t: &Target| targets.iter().filter(|o| o.kind == t.kind && o.name == t.name).count();
    let plain: Vec<PatchPaths> = targets
        .iter()
        .map(|t| {
            let stem = if same(t) > 1 {
                format!("k8s/patch-{}-{}-{}", t.kind.resource(), t.name, t.namespace)
            } else {
                format!("k8s/patch-{}-{}", t.kind.resource(), t.name)
            };
            PatchPaths { main: format!("{stem}.yaml"), replace: format!("{stem}-replace.yaml") }
        })
        .collect();
    let names = |(t, p): (&Target, &PatchPaths)| {
        let mut v = vec![p.main.clone()];
        if t.kind == TargetKind::ServiceAccount {
            v.push(p.replace.clone());
        }
        v
    };
    let all: Vec<String> = targets.iter().zip(&plain).flat_map(names).collect();
    let collides =
        |i: usize| names((&targets[i], &plain[i])).iter().any(|n| all.iter().filter(|a| *a == n).count() > 1);
    // The same kind and name in other namespaces is renamed along, so they read alike.
    let renamed: Vec<bool> = targets
        .iter()
        .map(|t| (0..targets.len()).any(|i| targets[i].kind == t.kind && targets[i].name == t.name && collides(i)))
        .collect();
    targets
        .iter()
        .zip(plain)
        .zip(renamed)
        .map(|((t, p), renamed)| {
            if renamed {
                let stem = format!("k8s/patch-{}-{}_{}", t.kind.resource(), t.name, t.namespace);
                PatchPaths { main: format!("{stem}.yaml"), replace: format!("{stem}_replace.yaml") }
            } else {
                p
            }
        })
        .collect()
}

fn patch_command_with_file(p: &Patch, path: &str) -> String {
    shell::command([
        "kubectl",
        "patch",
        p.kind.resource(),
        &p.name,
        "-n",
        &p.namespace,
        &format!("--type={}", p.patch_type.as_str()),
        "--patch-file",
        path,
    ])
}

fn patch_files(t: &Target, secret: &str, paths: &PatchPaths) -> Vec<OutputFile> {
    let patches = patches_for(t.kind, &t.name, &t.namespace, secret);
    let what = format!("{} {} in namespace {}", t.kind, t.name, t.namespace);
    let file = |path: String, p: &Patch, title: String, instructions: String, after| OutputFile {
        path,
        contents: p.yaml(),
        kind: FileKind::Kubernetes,
        title,
        instructions,
        after,
        placement: Placement::Cluster,
        sensitive: false,
    };
    let afterwards = "Only pods created afterwards get the Secret; running pods keep pulling as before.";
    match (t.kind, patches.as_slice()) {
        (TargetKind::ServiceAccount, [append, replace]) => {
            let p1 = paths.main.clone();
            let p2 = paths.replace.clone();
            vec![
                file(
                    p1.clone(),
                    append,
                    format!("imagePullSecrets append for {what} (JSON patch)"),
                    format!(
                        "Appends {secret} to the ServiceAccount's imagePullSecrets, keeping the Secrets already listed:\n{}\nor: {}\n\nIt fails (\"doc is missing path\") when the ServiceAccount has no imagePullSecrets yet: then use {p2}. Run it only when the Secret is not listed yet (`{}`): a second run lists it twice, and every pod then created with this ServiceAccount gets the API warning `duplicate name`; k8s/commands.sh checks first. Pods that use this ServiceAccount (spec.serviceAccountName, or none given for `default`) get the Secret when they are created. {afterwards}",
                        append.command(),
                        patch_command_with_file(append, &p1),
                        shell::command(listed_secrets_words(t)),
                    ),
                    AfterApply::KubectlPatch,
                ),
                file(
                    p2.clone(),
                    replace,
                    format!("imagePullSecrets for {what}, replacing the list (strategic merge)"),
                    format!(
                        "Sets the ServiceAccount's imagePullSecrets to exactly [{secret}]: a ServiceAccount's list has no merge key, so this REPLACES any Secrets already listed. Use it when the list is empty or absent (where the append in {p1} fails):\n{}\nor: {}\n\n{afterwards}",
                        replace.command(),
                        patch_command_with_file(replace, &p2),
                    ),
                    AfterApply::KubectlPatch,
                ),
            ]
        }
        (kind, [p]) if kind.must_recreate() => {
            let path = paths.main.clone();
            let why = if kind == TargetKind::Pod {
                format!(
                    "A Pod's imagePullSecrets cannot be changed once it exists. Add this snippet to the Pod's manifest and recreate it, for example:\n{} | {} | {}\n(If a controller owns the Pod, patch the controller instead.)",
                    shell::command(["kubectl", "get", "pod", &t.name, "-n", &t.namespace, "-o", "yaml"]),
                    shell::command(["kubectl", "patch", "--local", "-f", "-", "--type=strategic", "-p", &p.json(), "-o", "yaml"]),
                    shell::command(["kubectl", "replace", "--force", "-f", "-"]),
                )
            } else {
                format!(
                    "A Job's pod template cannot be changed once the Job exists. Add this snippet to the Job's manifest (at spec.template.spec), then recreate it: {} and apply the edited manifest. A Job created by a CronJob: patch the CronJob instead.",
                    shell::command(["kubectl", "delete", "job", &t.name, "-n", &t.namespace]),
                )
            };
            vec![file(
                path,
                p,
                format!("imagePullSecrets snippet for {what} (must be recreated)"),
                format!("{why}\n\n{afterwards}"),
                AfterApply::SeeNotes,
            )]
        }
        (kind, [p]) => {
            let path = paths.main.clone();
            let rollout = match kind {
                TargetKind::CronJob => "The next Job the CronJob starts gets it.",
                TargetKind::ReplicaSet | TargetKind::ReplicationController => {
                    "It does not replace running pods: delete them to have them recreated with the Secret."
                }
                _ => "The change rolls out new pods.",
            };
            vec![file(
                path.clone(),
                p,
                format!("imagePullSecrets patch for {what} (strategic merge)"),
                format!(
                    "Adds {secret} to the pod template's imagePullSecrets ({}); the list merges by name, so Secrets already listed stay:\n{}\nor: {}\n\n{rollout} {afterwards}",
                    kind.list_path().join("."),
                    p.command(),
                    patch_command_with_file(p, &path),
                ),
                AfterApply::KubectlPatch,
            )]
        }
        _ => Vec::new(),
    }
}

/// `kubectl get` printing the names of a ServiceAccount's `imagePullSecrets`, one a line
/// (nothing when it has none or does not exist).
fn listed_secrets_words(t: &Target) -> Vec<String> {
    [
        "kubectl",
        "get",
        t.kind.resource(),
        &t.name,
        "-n",
        &t.namespace,
        "-o",
        r#"jsonpath={range .imagePullSecrets[*]}{.name}{"\n"}{end}"#,
    ]
    .map(str::to_owned)
    .to_vec()
}

fn commands_file(
    name: &str,
    namespaces: &[String],
    auths: &[PullAuth],
    targets: &[Target],
    paths: &[PatchPaths],
) -> OutputFile {
    let mut s =
        // Values are single-quoted on purpose (SC2016: nothing in them may expand).
        String::from("#!/bin/sh\n# shellcheck disable=SC2016\n# pullfix: kubectl commands for the pull Secret and the imagePullSecrets patches.\n");
    if !auths.is_empty() {
        s.push_str(
            "# It holds passwords, which also show up in `ps` and shell history while it runs: keep it private.\n",
        );
    }
    s.push_str("# Run it from the directory that holds k8s/, with kubectl pointed at the cluster.\nset -eu\n");
    if !auths.is_empty() {
        for ns in namespaces {
            s.push_str(&format!("\n# Secret {name} in namespace {ns}\n"));
            match single(auths) {
                Some(a) => {
                    // The words as a Vec, like secret_file's: one shell::command instance.
                    let mut words = kubectl_create_words(name, Some(ns), &a.key, &a.entry);
                    for w in ["--dry-run=client", "-o", "yaml"] {
                        words.push(w.to_owned());
                    }
                    let create = shell::command(words);
                    s.push_str("# (create --dry-run | apply: also updates an existing Secret)\n");
                    s.push_str(&format!("{create} | kubectl apply -f -\n"));
                }
                None => {
                    s.push_str(&format!(
                        "# kubectl create secret docker-registry takes one --docker-server; this Secret holds {} registries.\n",
                        auths.len()
                    ));
                    s.push_str(&shell::command(["kubectl", "apply", "-f", &format!("k8s/secret-{name}-{ns}.yaml")]));
                    s.push('\n');
                }
            }
        }
    }
    for (t, paths) in targets.iter().zip(paths) {
        let patches = patches_for(t.kind, &t.name, &t.namespace, name);
        s.push_str(&format!("\n# {} {} in namespace {}\n", t.kind, t.name, t.namespace));
        match (t.kind, patches.as_slice()) {
            (TargetKind::ServiceAccount, [append, replace]) => {
                s.push_str("# Append unless the Secret is listed already (a second run would list it twice, and every\n# new pod would get the warning `duplicate name`); when the ServiceAccount has no\n# imagePullSecrets yet the append fails and the list is set instead.\n");
                s.push_str(&format!(
                    "if ! {} | {}; then\n  {} ||\n    {}\nfi\n",
                    shell::command(listed_secrets_words(t)),
                    shell::command(["grep", "-qxF", "-e", name]),
                    append.command(),
                    replace.command()
                ));
            }
            (kind, [_]) if kind.must_recreate() => {
                s.push_str(&format!(
                    "# A {kind} must be recreated with the Secret in its manifest: see {}.\n",
                    paths.main
                ));
            }
            (_, [p]) if p.patch_type == PatchType::Strategic => {
                s.push_str(&p.command());
                s.push('\n');
            }
            _ => {}
        }
    }
    OutputFile {
        path: "k8s/commands.sh".to_owned(),
        contents: s,
        kind: FileKind::Script,
        title: "The same with kubectl commands".to_owned(),
        instructions: "Run with sh k8s/commands.sh from the directory that holds k8s/. It creates (or updates) the Secret in each namespace and patches each workload; Jobs and Pods are only listed, they must be recreated.".to_owned(),
        after: AfterApply::Run,
        placement: Placement::Cluster,
        sensitive: !auths.is_empty(),
    }
}

#[cfg(test)]
#[path = "kubernetes_tests.rs"]
mod tests;
