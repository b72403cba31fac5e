//! Talos Linux: a machine config patch with `machine.registries` (mirrors and
//! config), the CA inline. Apply it with
//! `talosctl patch machineconfig --patch @talos/registries-patch.yaml -n <nodes>`.
//!
//! Talos (v1alpha1 machine config) has `mirrors.<registry>.endpoints`,
//! `overridePath` and `skipFallback` per registry, and per contacted host
//! `config.<host>.tls.{ca, clientIdentity, insecureSkipVerify}` and
//! `config.<host>.auth.{username, password, identityToken}`. `ca` is the base64 of
//! the PEM text, since a Talos node has no place for a file from us.

use base64::Engine as _;
use serde_yaml::{Mapping, Value};

use crate::diagnostic::{Diagnostic, Field};
use crate::form::DEFAULT_MIRROR_CAPABILITIES;
use crate::host::{HostKind, DEFAULT_NAMESPACE};
use crate::output::{AfterApply, FileKind, OutputFile, Placement};
use crate::per_host::keep_first;
use crate::rollout::{map, s};
use crate::validate::Checked;

/// The patch file.
pub const PATCH_PATH: &str = "talos/registries-patch.yaml";

/// Renders the machine config patch.
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn render(checked: &Checked, diags: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let mut mirrors = Mapping::new();
    let mut config: Vec<(String, Mapping)> = Vec::new();
    let mut sensitive = false;
    for (i, (r, host)) in checked.form.registries.iter().zip(&checked.hosts).enumerate() {
        let Some(host) = host else { continue };
        let f = Field::registry(i);
        let ns = host.reference();
        let key = if ns == DEFAULT_NAMESPACE { "*".to_owned() } else { ns.clone() };
        let mut tls = Mapping::new();
        if !r.ca_pem.trim().is_empty() {
            let b64 = base64::engine::general_purpose::STANDARD.encode(r.ca_pem.as_bytes());
            tls.insert(s("ca"), Value::String(b64));
        } else if !r.ca_file.trim().is_empty() {
            diags.push(Diagnostic::warning(
                f.key("ca_pem"),
                "talos.ca-inline",
                format!("Talos takes the CA inline; the path {} means nothing on a Talos node.", r.ca_file.trim()),
                "Paste the CA certificate (PEM text) into ca_pem.",
            ));
        }
        if !r.client_cert.trim().is_empty() || !r.client_key.trim().is_empty() {
            diags.push(Diagnostic::warning(
                f.key("client_cert"),
                "talos.client-identity",
                "Talos takes the client certificate and key inline (tls.clientIdentity.crt/key, base64), not as paths; they are left out of the patch.",
                "Add tls.clientIdentity with the base64 of the certificate and key to the patch by hand.",
            ));
        }
        if r.skip_verify {
            tls.insert(s("insecureSkipVerify"), Value::Bool(true));
        }
        let mut auth = Mapping::new();
        if r.node_auth && crate::plan::usable_credentials(r) {
            for (k, v) in [("username", &r.username), ("password", &r.password), ("identityToken", &r.identity_token)] {
                if !v.is_empty() {
                    auth.insert(s(k), s(v));
                }
            }
        }
        sensitive |= !auth.is_empty();
        let mut endpoints = Vec::new();
        // Talos sets overridePath for all of a registry's mirrors at once. When only some
        // have it, it is set, and the others get the /v2 containerd would have appended.
        let valid = |j: &usize| super::mirror_endpoint(checked, i, *j).is_some();
        let override_path = (0..r.mirrors.len()).filter(valid).any(|j| r.mirrors[j].override_path);
        let mixed = override_path && (0..r.mirrors.len()).filter(valid).any(|j| !r.mirrors[j].override_path);
        for (j, m) in r.mirrors.iter().enumerate() {
            let mf = f.index("mirror", j);
            let Some(e) = super::mirror_endpoint(checked, i, j) else { continue };
            let caps: Vec<&str> = m.capabilities.iter().map(|c| c.trim()).collect();
            if !caps.is_empty() && caps != DEFAULT_MIRROR_CAPABILITIES {
                diags.push(Diagnostic::warning(
                    mf.key("capabilities"),
                    "talos.capabilities",
                    format!("Talos gives every mirror pull and resolve; capabilities {caps:?} cannot be expressed."),
                    "Leave capabilities empty.",
                ));
            }
            // containerd appends /v2 only to a path that does not end in it (`parseHostConfig`).
            let url = match (mixed, m.override_path, e.path.as_str()) {
                (true, false, p) | (true, true, p @ "") if !p.ends_with("/v2") => {
                    format!("{}://{}{p}/v2", e.scheme, e.host.reference())
                }
                _ => e.url(),
            };
            endpoints.push(s(&url));
            // As in the engine's hosts.toml: a mirror on the registry's own host shares
            // its TLS; any other mirror has only its own settings.
            let contact = crate::plan::mirror(checked, i, j, e);
            let mut mtls = if contact.host.eq_ignore_ascii_case(&ns) { tls.clone() } else { Mapping::new() };
            if contact.tls.skip_verify {
                mtls.insert(s("insecureSkipVerify"), Value::Bool(true));
            }
            if !m.ca_file.trim().is_empty() {
                diags.push(Diagnostic::warning(
                    mf.key("ca_file"),
                    "talos.ca-inline",
                    "Talos takes a mirror's CA inline; this path is left out and the registry's CA (if any) is used.",
                    "Give the registry's ca_pem, or add config.<mirror>.tls.ca (base64 PEM) to the patch by hand.",
                ));
            }
            push_config(&mut config, e.host.reference(), &mtls, &auth, &mf, diags);
        }
        if endpoints.is_empty() && r.scheme.as_str() == "http" && host.kind != HostKind::Default {
            if let Some(url) = host.server_url("http") {
                endpoints.push(s(&url));
            }
        }
        if !endpoints.is_empty() || r.mirror_only {
            let mut entry = Mapping::new();
            entry.insert(s("endpoints"), Value::Sequence(endpoints));
            if override_path {
                entry.insert(s("overridePath"), Value::Bool(true));
            }
            if r.mirror_only {
                entry.insert(s("skipFallback"), Value::Bool(true));
            }
            mirrors.insert(s(&key), Value::Mapping(entry));
        }
        if let Some(up) = crate::plan::upstream(checked, r, host).filter(|_| !r.mirror_only || r.mirrors.is_empty()) {
            push_config(&mut config, up.host, &tls, &auth, &f, diags);
        }
    }
    if !checked.form.sandbox_image.trim().is_empty() {
        diags.push(Diagnostic::info(
            Field::root("sandbox_image"),
            "talos.sandbox-image",
            "Talos sets the sandbox (pause) image in its CRI config, not in machine.registries.",
            "Add a machine.files entry writing /etc/cri/conf.d/20-customization.part with the pinned sandbox image (see Talos' containerd guide).",
        ));
    }
    let mut registries = Mapping::new();
    registries.insert(s("mirrors"), Value::Mapping(mirrors));
    if !config.is_empty() {
        registries
            .insert(s("config"), Value::Mapping(config.into_iter().map(|(h, m)| (s(&h), Value::Mapping(m))).collect()));
    }
    let doc = map([("machine", map([("registries", Value::Mapping(registries))]))]);
    vec![OutputFile {
        path: PATCH_PATH.to_owned(),
        contents: crate::yaml::to_string(&doc),
        kind: FileKind::Other,
        title: "Talos machine config patch: machine.registries".to_owned(),
        instructions: "talosctl patch machineconfig --patch @talos/registries-patch.yaml --nodes <node IPs>\n\
             (or --config-patch @talos/registries-patch.yaml with talosctl gen config). Talos applies registry \
             settings without a reboot."
            .to_owned(),
        after: AfterApply::SeeNotes,
        placement: Placement::Workstation,
        sensitive,
    }]
}

fn push_config(
    config: &mut Vec<(String, Mapping)>,
    host: String,
    tls: &Mapping,
    auth: &Mapping,
    field: &Field,
    diags: &mut Vec<Diagnostic>,
) {
    let mut entry = Mapping::new();
    if !tls.is_empty() {
        entry.insert(s("tls"), Value::Mapping(tls.clone()));
    }
    if !auth.is_empty() {
        entry.insert(s("auth"), Value::Mapping(auth.clone()));
    }
    if entry.is_empty() {
        return;
    }
    if keep_first(config, host.clone(), entry, PartialEq::eq).is_some() {
        diags.push(Diagnostic::warning(
            field.clone(),
            "talos.config-conflict",
            format!("Talos has one TLS and auth entry per host, and {host} already has a different one; this one is left out."),
            format!("Give every registry that reaches {host} the same CA, skip_verify and credentials."),
        ));
    }
}
