//! Whether the DaemonSet's pods can pull their own image before the DaemonSet has run:
//! the installer image's registry must not need the files it installs (a CA, a client
//! certificate, skip_verify, plain HTTP, or a `mirror_only` route), and its pull Secret
//! must exist in the rollout namespace.

use super::Rollout;
use crate::diagnostic::{quoted, Diagnostic, Field};
use crate::form::DEFAULT_SECRET_NAME;
use crate::host::{Host, HostKind};
use crate::image_ref::{canonical_registry, image_registry};
use crate::k8s_name::NameRule;
use crate::output::OutputFile;
use crate::plan::{self, Contact, Inherit, Source, Tls};
use crate::validate::Checked;

/// The installer image fix's words after "Use".
macro_rules! image_fix_tail {
    () => {
        "an installer image the nodes can already pull: one on a registry they reach without \
         these files (a public registry with a certificate from a public CA), or load it on every node first with \
         `ctr -n k8s.io images import <image>.tar` (tagged, not :latest, so the kubelet uses the local copy). \
         Or run node-setup.sh on each node first: it writes the same files, and the DaemonSet keeps them in sync afterwards."
    };
}

/// The fix shared by the installer image's warnings, in an operator's words.
const IMAGE_FIX: &str = concat!("Use ", image_fix_tail!());

/// A setting only the DaemonSet's files give containerd.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// A CA (`ca_pem`, `ca_file`).
    Ca,
    /// A client certificate (mTLS).
    ClientCert,
    /// `skip_verify`.
    SkipVerify,
    /// Plain HTTP.
    Http,
}

impl Need {
    /// What a pull without the setting fails with.
    fn symptom(self) -> &'static str {
        match self {
            Need::Http => "http: server gave HTTP response to HTTPS client",
            Need::ClientCert => "the registry refuses the TLS handshake without a client certificate",
            Need::Ca | Need::SkipVerify => "x509: certificate signed by unknown authority",
        }
    }

    /// The setting in an operator's words, with the registry's field that sets it.
    fn on_registry(self, r: &crate::form::Registry, reg: &Field) -> String {
        match self {
            Need::Ca if !r.ca_file.trim().is_empty() => format!("the CA in {}", reg.key("ca_file")),
            Need::Ca => format!("the CA in {}", reg.key("ca_pem")),
            Need::ClientCert => format!("the client certificate in {}", reg.key("client_cert")),
            Need::SkipVerify => format!("skip_verify ({})", reg.key("skip_verify")),
            Need::Http => format!("plain HTTP ({})", reg.key("scheme")),
        }
    }

    /// The setting in an operator's words, for a mirror.
    fn on_mirror(self) -> &'static str {
        match self {
            Need::Ca => "a private CA",
            Need::ClientCert => "a client certificate",
            Need::SkipVerify => "skip_verify",
            Need::Http => "plain HTTP",
        }
    }
}

/// Why a contact needs a file only the DaemonSet brings: `None` when a plain HTTPS pull with
/// the system's CAs reaches it (what containerd does for a registry without hosts.toml).
fn needs(c: &Contact, loopback: bool) -> Option<Need> {
    if c.scheme == "http" {
        // containerd picks plain HTTP for localhost without any file.
        return (!loopback).then_some(Need::Http);
    }
    tls_needs(&c.tls)
}

fn tls_needs(tls: &Tls) -> Option<Need> {
    if !tls.ca.is_empty() {
        Some(Need::Ca)
    } else if tls.client.is_some() {
        Some(Need::ClientCert)
    } else if tls.skip_verify {
        Some(Need::SkipVerify)
    } else {
        None
    }
}

/// Warns on `rollout.image` when the installer image's registry is reachable only through
/// the files the DaemonSet installs (`installed`): then no node can pull the image, so no
/// node ever gets the files. A registry the form leaves alone, or whose upstream needs
/// nothing and stays a fallback, pulls fine.
pub(super) fn check_image(
    checked: &Checked,
    rollout: &Rollout,
    installed: &[&OutputFile],
    diags: &mut Vec<Diagnostic>,
) {
    let image = rollout.image();
    let Some(registry) = image_registry(image) else { return };
    let same = |h: &Host| h.kind != HostKind::Default && canonical_registry(&h.reference()) == registry;
    let own = checked.registries().find(|(_, _, h)| same(h));
    let Some((i, r, host)) = own.or_else(|| checked.registries().find(|(_, _, h)| h.kind == HostKind::Default)) else {
        return;
    };
    // The image's registry reads this hosts.toml only once the DaemonSet has put it there.
    let path = crate::hosts_toml::node_path(checked, host);
    if !installed.iter().any(|f| f.path == path.trim_start_matches('/')) {
        return;
    }
    let field = Field::root("rollout").key("image");
    let reg = Field::registry(i);
    let is_default = host.kind == HostKind::Default;
    let loopback = Host::parse(&registry).is_ok_and(|h| h.is_loopback());
    // What containerd contacts without the file: the image's registry over HTTPS with the
    // system's CAs. What the form says that host needs (`_default`'s TLS applies to every
    // registry it catches; a public registry's certificate needs none of it).
    let upstream_needs = if is_default {
        let tls = plan::registry_tls(checked, r, host);
        (!crate::host::public_ca(&registry)).then(|| tls_needs(&tls)).flatten()
    } else {
        plan::upstream(checked, r, host).and_then(|c| needs(&c, loopback))
    };
    let contacts = plan::contacts_with(checked, i, Inherit::AnyRegistry);
    let mirror_only = r.mirror_only && contacts.iter().any(|c| c.source != Source::Upstream);
    // `_default` has no upstream of its own: the image's registry as containerd dials it.
    let direct = match plan::upstream(checked, r, host) {
        Some(c) => c.url(),
        None => Host::parse(&registry)
            .ok()
            .and_then(|h| h.server_url("https"))
            .unwrap_or_else(|| format!("https://{registry}")),
    };
    let entry = if is_default { format!("{reg} (_default)") } else { reg.to_string() };
    if let Some(need) = upstream_needs {
        diags.push(Diagnostic::warning(
            field,
            "rollout.image-needs-its-files",
            format!(
                "The DaemonSet's own image {} is on {registry}, which the nodes reach only with {}{}, \
                 and that comes with the files this DaemonSet installs. Until they are on a node, containerd pulls \
                 the image without them and fails ({}): the pods stay in ImagePullBackOff on every node, so no node \
                 ever gets the files.",
                quoted(image),
                need.on_registry(r, &reg),
                if is_default { " (_default, for every registry without its own entry)" } else { "" },
                need.symptom()
            ),
            IMAGE_FIX,
        ));
        return;
    }
    if !mirror_only {
        // The upstream needs nothing and stays the last host: the pull works as it does today.
        return;
    }
    let mirror = contacts.iter().find_map(|c| match c.source {
        Source::Mirror(j) => needs(c, false).map(|need| (j, need)),
        Source::Upstream => None,
    });
    match mirror {
        Some((j, need)) => diags.push(Diagnostic::warning(
            field,
            "rollout.image-needs-its-files",
            format!(
                "The DaemonSet's own image {} is on {registry}, which {entry} reaches only through its mirrors \
                 (mirror_only), and {}.mirror[{j}] needs {}: the route and that setting come with the files this DaemonSet installs. \
                 Until they are on a node, containerd pulls the image from {direct} directly; where the nodes cannot \
                 reach it (the usual reason for mirror_only, e.g. an air-gapped cluster), the pods stay in \
                 ImagePullBackOff on every node, so no node ever gets the files.",
                quoted(image),
                reg,
                need.on_mirror(),
            ),
            IMAGE_FIX,
        )),
        None => diags.push(Diagnostic::info(
            field,
            "rollout.image-before-mirrors",
            format!(
                "Until the DaemonSet has installed {}/hosts.toml on a node, containerd pulls its own image \
                 {} from {direct} directly, not through {entry}'s mirrors (mirror_only). Where the nodes cannot \
                 reach {direct}, the pods stay in ImagePullBackOff and no node gets the files.",
                host.reference(),
                quoted(image)
            ),
            format!(concat!("Nothing to do if the nodes reach {}. Otherwise use ", image_fix_tail!()), direct),
        )),
    }
}

/// The namespaces that get the generated pull Secret, as `kubernetes` renders them: the
/// valid ones of `kubernetes.namespaces`, or `default`.
fn secret_namespaces(checked: &Checked) -> Vec<&str> {
    let given = &checked.form.kubernetes.namespaces;
    if given.is_empty() {
        return vec![crate::kubernetes::DEFAULT_NAMESPACE];
    }
    given.iter().map(|n| n.trim()).filter(|n| NameRule::Label.check(n).is_ok()).collect()
}

/// Checks `rollout.image_pull_secret` against the Secrets pullfix generates: the generated
/// Secret serves the DaemonSet only when the rollout namespace gets one (an error
/// otherwise, as for a `[[kubernetes.patch]]`); any other name must already exist there.
pub(super) fn check_pull_secret(checked: &Checked, rollout: &Rollout, diags: &mut Vec<Diagnostic>) {
    let name = rollout.image_pull_secret.trim();
    if name.is_empty() {
        return;
    }
    let k = &checked.form.kubernetes;
    let ns = rollout.namespace();
    let field = Field::root("rollout").key("image_pull_secret");
    let generated =
        if NameRule::Subdomain.check(k.secret_name()).is_ok() { k.secret_name() } else { DEFAULT_SECRET_NAME };
    let generates = !crate::pull_auth::pull_auths(checked, &k.email, &mut Vec::new()).is_empty();
    let namespaces = secret_namespaces(checked);
    if generates && name == generated {
        if !namespaces.contains(&ns) {
            diags.push(Diagnostic::error(
                field,
                "rollout.pull-secret-namespace",
                format!(
                    "The DaemonSet is in namespace {ns:?}, which gets no Secret {name:?}: a Secret only serves pods \
                     in its own namespace, so its pods would fail with FailedToRetrieveImagePullSecret."
                ),
                format!("Add {ns:?} to kubernetes.namespaces."),
            ));
        }
        return;
    }
    let why = if generates {
        format!("pullfix generates {generated:?}, not {name:?}")
    } else {
        "pullfix generates no pull Secret (no registry has a username and password)".to_owned()
    };
    let or_generated = if generates {
        format!(", or set image_pull_secret = {generated:?} and add {ns:?} to kubernetes.namespaces")
    } else {
        String::new()
    };
    diags.push(Diagnostic::info(
        field,
        "rollout.pull-secret-existing",
        format!(
            "The DaemonSet's pods use the pull Secret {name:?}, and {why}: it must already exist in namespace \
             {ns:?} (a Secret only serves pods in its own namespace), or they fail with FailedToRetrieveImagePullSecret."
        ),
        format!("Check with `kubectl -n {ns} get secret {name}` before applying the DaemonSet{or_generated}."),
    ));
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::form::Form;

    fn diags(toml: &str) -> Vec<Diagnostic> {
        let form: Form = crate::parse_form(toml, crate::FormFormat::Toml).expect("form");
        crate::render(&form).diagnostics
    }

    fn codes_on(toml: &str, field: &str) -> Vec<&'static str> {
        diags(toml).into_iter().filter(|d| d.field.as_str() == field).map(|d| d.code).collect()
    }

    const CA: &str = "ca_pem = \"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\"\n";
    const ON: &str = "[rollout]\ndaemonset = true\n";

    fn image(toml: &str) -> Vec<&'static str> {
        codes_on(toml, "rollout.image")
    }

    #[test]
    fn installer_image_on_the_registry_whose_ca_it_installs_is_warned() {
        let harbor = format!("[[registry]]\nhost = \"harbor.example.net\"\n{CA}");
        let own = format!("{harbor}{ON}image = \"harbor.example.net/library/busybox:1.36\"\n");
        assert_eq!(image(&own), ["rollout.image-needs-its-files"]);
        let d = diags(&own);
        let w = d.iter().find(|d| d.code == "rollout.image-needs-its-files").expect("warned");
        assert!(w.message.contains("x509") && w.message.contains("the CA in registry[0].ca_pem"), "{}", w.message);
        assert!(w.fix.contains("ctr -n k8s.io images import") && w.fix.contains("node-setup.sh"), "{}", w.fix);
        // The default busybox:1.36 from Docker Hub does not use harbor's files.
        assert!(image(&format!("{harbor}{ON}")).is_empty());
        // Another registry the form leaves alone.
        assert!(image(&format!("{harbor}{ON}image = \"quay.io/prometheus/busybox:latest\"\n")).is_empty());
        // The same registry with nothing to install but the server line pulls as today.
        let plain = format!("[[registry]]\nhost = \"harbor.example.net\"\n{ON}image = \"harbor.example.net/b:1\"\n");
        assert!(image(&plain).is_empty());
    }

    #[test]
    fn skip_verify_http_and_client_certificates_need_their_files_too() {
        for (reg, what) in [
            ("host = \"10.50.1.104:5000\"\nskip_verify = true\n", "x509"),
            ("host = \"10.50.1.104:5000\"\nscheme = \"http\"\n", "HTTP response to HTTPS client"),
            ("host = \"10.50.1.104:5000\"\nclient_cert = \"/c.crt\"\nclient_key = \"/c.key\"\n", "TLS handshake"),
        ] {
            let toml = format!("[[registry]]\n{reg}{ON}image = \"10.50.1.104:5000/busybox:1.36\"\n");
            let d = diags(&toml);
            let w =
                d.iter().find(|d| d.code == "rollout.image-needs-its-files").unwrap_or_else(|| panic!("{reg}: {d:?}"));
            assert!(w.message.contains(what), "{}", w.message);
            // A different port is a different registry, which these settings do not concern.
            assert!(image(&toml.replace("10.50.1.104:5000/busybox", "10.50.1.104:5001/busybox")).is_empty());
        }
        // containerd reaches a loopback registry over plain HTTP without any file.
        let local =
            format!("[[registry]]\nhost = \"localhost:5000\"\nscheme = \"http\"\n{ON}image = \"localhost:5000/b:1\"\n");
        assert!(image(&local).is_empty());
    }

    #[test]
    fn docker_hub_mirror_only_through_a_private_mirror_is_warned_and_a_fallback_is_not() {
        let harbor = format!("[[registry]]\nhost = \"harbor.example.net\"\n{CA}");
        let hub = "[[registry]]\nhost = \"docker.io\"\nmirror_only = true\n[[registry.mirror]]\nurl = \"https://harbor.example.net/v2/dockerhub-proxy\"\noverride_path = true\n";
        // The review's air-gapped form: the default image, docker.io only through harbor (CA).
        let airgap = format!("{harbor}{hub}{ON}");
        assert_eq!(image(&airgap), ["rollout.image-needs-its-files"]);
        let d = diags(&airgap);
        let w = d.iter().find(|d| d.code == "rollout.image-needs-its-files").expect("warned");
        assert!(
            w.message.contains("registry[1].mirror[0]") && w.message.contains("registry-1.docker.io"),
            "{}",
            w.message
        );
        // Every spelling of Docker Hub.
        for img in ["busybox:1.36", "docker.io/library/busybox:1.36", "index.docker.io/library/busybox:1.36"] {
            assert_eq!(image(&format!("{airgap}image = \"{img}\"\n")), ["rollout.image-needs-its-files"], "{img}");
        }
        // Without mirror_only, containerd falls back to Docker Hub: the pull works if reachable.
        assert!(image(&format!("{harbor}{}{ON}", hub.replace("mirror_only = true\n", ""))).is_empty());
        // An image elsewhere does not go through docker.io's hosts.toml.
        assert!(image(&format!("{airgap}image = \"quay.io/b/busybox:1\"\n")).is_empty());
        // mirror_only through a public mirror: only an info (Docker Hub may be blocked).
        let public = "[[registry]]\nhost = \"docker.io\"\nmirror_only = true\n[[registry.mirror]]\nurl = \"https://mirror.gcr.io\"\n";
        assert_eq!(image(&format!("{public}{ON}")), ["rollout.image-before-mirrors"]);
    }

    #[test]
    fn a_default_catch_all_ca_concerns_private_registries_only() {
        let default = format!("containerd = \"1.7\"\n[[registry]]\nhost = \"_default\"\n{CA}");
        assert_eq!(
            image(&format!("{default}{ON}image = \"registry.corp.example/busybox:1\"\n")),
            ["rollout.image-needs-its-files"]
        );
        // Docker Hub's certificate is from a public CA; containerd keeps the system's CAs beside `ca`.
        assert!(image(&format!("{default}{ON}")).is_empty());
        // Everything through a private proxy (mirror_only): Docker Hub is dialled directly until then.
        let proxy = "containerd = \"1.7\"\n[[registry]]\nhost = \"_default\"\nmirror_only = true\n[[registry.mirror]]\nurl = \"http://proxy.corp.example:5000\"\n";
        let d = diags(&format!("{proxy}{ON}"));
        let w = d.iter().find(|d| d.code == "rollout.image-needs-its-files").expect("warned");
        assert!(
            w.message.contains("https://registry-1.docker.io") && w.message.contains("plain HTTP"),
            "{}",
            w.message
        );
        assert!(image(&format!("{}{ON}", proxy.replace("mirror_only = true\n", ""))).is_empty());
        // A registry of its own is read instead of _default.
        let own = format!(
            "{default}[[registry]]\nhost = \"registry.corp.example\"\n{ON}image = \"registry.corp.example/b:1\"\n"
        );
        assert!(image(&own).is_empty());
    }

    #[test]
    fn nothing_is_said_when_no_daemonset_is_rendered() {
        let toml = format!("[[registry]]\nhost = \"harbor.example.net\"\n{CA}[rollout]\nnode_script = true\nimage = \"harbor.example.net/b:1\"\n");
        assert!(image(&toml).is_empty());
    }

    fn secret(toml: &str) -> Vec<&'static str> {
        codes_on(toml, "rollout.image_pull_secret")
    }

    const CREDS: &str = "[[registry]]\nhost = \"harbor.example.net\"\nusername = \"u\"\npassword = \"p\"\n";

    #[test]
    fn the_generated_secret_must_reach_the_rollout_namespace() {
        let ips = format!("{CREDS}[kubernetes]\nnamespaces = [\"default\"]\n{ON}image_pull_secret = \"regcred\"\n");
        assert_eq!(secret(&ips), ["rollout.pull-secret-namespace"]);
        let d = diags(&ips);
        let e = d.iter().find(|d| d.code == "rollout.pull-secret-namespace").expect("error");
        assert_eq!(e.severity, crate::diagnostic::Severity::Error);
        assert!(e.message.contains("\"kube-system\"") && e.message.contains("FailedToRetrieveImagePullSecret"));
        assert_eq!(e.fix, "Add \"kube-system\" to kubernetes.namespaces.");
        // With the namespace listed, the Secret is there.
        assert!(secret(&ips.replace("[\"default\"]", "[\"default\", \"kube-system\"]")).is_empty());
        // No [kubernetes] section: the Secret goes to "default" only.
        assert_eq!(secret(&format!("{CREDS}{ON}image_pull_secret = \"regcred\"\n")), ["rollout.pull-secret-namespace"]);
        // A custom secret_name and rollout namespace.
        let custom = format!("{CREDS}[kubernetes]\nsecret_name = \"harbor-pull\"\nnamespaces = [\"pullfix\"]\n{ON}namespace = \"pullfix\"\nimage_pull_secret = \"harbor-pull\"\n");
        assert!(secret(&custom).is_empty());
        assert_eq!(secret(&custom.replace("[\"pullfix\"]", "[\"apps\"]")), ["rollout.pull-secret-namespace"]);
    }

    #[test]
    fn another_secret_must_already_exist() {
        let other =
            format!("{CREDS}[kubernetes]\nnamespaces = [\"kube-system\"]\n{ON}image_pull_secret = \"mirror-pull\"\n");
        assert_eq!(secret(&other), ["rollout.pull-secret-existing"]);
        let d = diags(&other);
        let i = d.iter().find(|d| d.code == "rollout.pull-secret-existing").expect("info");
        assert_eq!(i.severity, crate::diagnostic::Severity::Info);
        assert!(
            i.message.contains("\"kube-system\"") && i.fix.contains("kubectl -n kube-system get secret mirror-pull")
        );
        assert!(i.fix.contains("image_pull_secret = \"regcred\""), "{}", i.fix);
        // pullfix generates no Secret at all: even "regcred" must exist already.
        let none = format!("[[registry]]\nhost = \"harbor.example.net\"\n{ON}image_pull_secret = \"regcred\"\n");
        assert_eq!(secret(&none), ["rollout.pull-secret-existing"]);
        assert!(secret(&format!("{CREDS}{ON}")).is_empty());
    }
}
