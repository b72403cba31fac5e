//! The page's state: the form, what it renders to, and a little UI state, changed only by
//! [`Action`]s through the reducer. Every change of the form renders it again (render is
//! pure and fast), so the outputs always match the form and never go blank.

use std::collections::BTreeMap;
use std::rc::Rc;

use pullfix_core::diagnose::{apply_prefill, diagnose, Diagnosis};
use pullfix_core::form::{Flavor, Rollout};
use pullfix_core::merge::page::render_merged;
use pullfix_core::merge::{MergeOptions, MergeResult};
use pullfix_core::rollout::Toleration;
use pullfix_core::{render, Form, Mirror, PatchTarget, Registry, Rendered, Scheme};
use yew::Reducible;

use crate::field;
use crate::i18n::Lang;
use crate::presets::Preset;
use crate::share;

/// A top-level text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopText {
    /// `containerd`
    Containerd,
    /// `config_path`
    ConfigPath,
    /// `sandbox_image`
    SandboxImage,
}

/// A text field of a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryText {
    /// `host`
    Host,
    /// `ca_file`
    CaFile,
    /// `ca_pem`
    CaPem,
    /// `client_cert`
    ClientCert,
    /// `client_key`
    ClientKey,
    /// `username`
    Username,
    /// `password`
    Password,
    /// `identity_token`
    IdentityToken,
}

/// A check box of a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryFlag {
    /// `skip_verify`
    SkipVerify,
    /// `node_auth`
    NodeAuth,
    /// `mirror_only`
    MirrorOnly,
}

/// A text field of a mirror.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MirrorText {
    /// `url`
    Url,
    /// `ca_file`
    CaFile,
    /// `capabilities`, typed as one comma separated list.
    Capabilities,
}

/// A check box of a mirror.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MirrorFlag {
    /// `override_path`
    OverridePath,
    /// `skip_verify`
    SkipVerify,
}

/// A text field of the Kubernetes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KubeText {
    /// `secret_name`
    SecretName,
    /// `namespaces`, typed as one comma or space separated list.
    Namespaces,
    /// `email`
    Email,
}

/// A field of a patch target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchText {
    /// `kind`
    Kind,
    /// `name`
    Name,
    /// `namespace`
    Namespace,
}

/// A text field of `[rollout]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolloutText {
    /// `namespace`
    Namespace,
    /// `name`
    Name,
    /// `image`
    Image,
    /// `image_pull_secret`
    ImagePullSecret,
    /// `verify_image`
    VerifyImage,
    /// `sync_seconds`, digits only.
    SyncSeconds,
    /// `node_selector`, typed as `key=value` items separated by commas or spaces.
    NodeSelector,
    /// `toleration`, typed as kubectl taints: `key[=value][:Effect]` items, or `*` for every taint.
    Tolerations,
}

impl RolloutText {
    /// The core's name of the field.
    pub fn name(self) -> &'static str {
        match self {
            RolloutText::Namespace => "namespace",
            RolloutText::Name => "name",
            RolloutText::Image => "image",
            RolloutText::ImagePullSecret => "image_pull_secret",
            RolloutText::VerifyImage => "verify_image",
            RolloutText::SyncSeconds => "sync_seconds",
            RolloutText::NodeSelector => "node_selector",
            RolloutText::Tolerations => "toleration",
        }
    }
}

/// A check box of `[rollout]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolloutFlag {
    /// `daemonset`
    Daemonset,
    /// `node_script`
    NodeScript,
}

/// Everything that can happen to the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A top-level text field changed.
    SetTop(TopText, String),
    /// `legacy_config` toggled.
    SetLegacyConfig(bool),
    /// A new, empty registry at the end.
    AddRegistry,
    /// Remove registry `i`.
    RemoveRegistry(usize),
    /// A registry's text field changed.
    SetRegistryText(usize, RegistryText, String),
    /// A registry's check box changed.
    SetRegistryFlag(usize, RegistryFlag, bool),
    /// A registry's protocol changed.
    SetScheme(usize, Scheme),
    /// A new, empty mirror at the end of registry `i`.
    AddMirror(usize),
    /// Remove mirror `j` of registry `i`.
    RemoveMirror(usize, usize),
    /// A mirror's text field changed.
    SetMirrorText(usize, usize, MirrorText, String),
    /// A mirror's check box changed.
    SetMirrorFlag(usize, usize, MirrorFlag, bool),
    /// A Kubernetes text field changed.
    SetKubeText(KubeText, String),
    /// A new patch target at the end.
    AddPatch,
    /// Remove patch target `i`.
    RemovePatch(usize),
    /// A patch target's field changed.
    SetPatchText(usize, PatchText, String),
    /// The Kubernetes distribution changed.
    SetFlavor(Flavor),
    /// A `[rollout]` text field changed.
    SetRolloutText(RolloutText, String),
    /// A `[rollout]` check box changed.
    SetRolloutFlag(RolloutFlag, bool),
    /// The pasted error text changed: diagnose it.
    SetDiagnoseText(String),
    /// Apply the prefill of finding `i` of the current diagnosis to the form.
    ApplyPrefill(usize),
    /// The pasted existing config.toml changed: merge into it.
    SetExistingConfig(String),
    /// Keep the pasted file's config version when the target still reads it.
    SetKeepFileVersion(bool),
    /// Fill the form from a preset (keeps the containerd version).
    Preset(Preset),
    /// The URL fragment is this (the page opened, or a link was pasted into the same
    /// tab): load the form it holds, unless it is the current form's own share link.
    OpenLink(String),
    /// Switch the language.
    SetLang(Lang),
    /// A share link was made for the current form.
    SetShareUrl(String),
}

/// The page's state.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The form as typed.
    pub form: Form,
    /// `render(&form)`, always current.
    pub rendered: Rc<Rendered>,
    /// The page's language.
    pub lang: Lang,
    /// List fields (namespaces, capabilities) exactly as typed, by field path, so that
    /// typing `a, ` is not rewritten to `a` under the cursor.
    pub raw: BTreeMap<String, String>,
    /// The share link made for the current form (cleared when the form changes).
    pub share_url: Option<String>,
    /// Why the form in the page's link could not be read.
    pub load_error: Option<String>,
    /// The error text pasted into the diagnose box.
    pub diagnose_text: String,
    /// `diagnose(&diagnose_text)`, always current.
    pub diagnosis: Rc<Diagnosis>,
    /// The registry whose credentials a applied finding asked for (highlighted, focused).
    pub wants_credentials: Option<usize>,
    /// The existing config.toml pasted into the merge box (empty: no merge).
    pub existing_config: String,
    /// The merge option of the merge box.
    pub keep_file_version: bool,
    /// The merge of the form into `existing_config`, when one was pasted.
    pub merge: Option<Rc<MergeResult>>,
}

impl State {
    /// The state of a page with this form.
    pub fn new(lang: Lang, form: Form) -> State {
        let rendered = Rc::new(render(&form));
        State {
            form,
            rendered,
            lang,
            raw: BTreeMap::new(),
            share_url: None,
            load_error: None,
            diagnose_text: String::new(),
            diagnosis: Rc::default(),
            wants_credentials: None,
            existing_config: String::new(),
            keep_file_version: false,
            merge: None,
        }
    }

    /// The state a page opens with: the form of the share link in `fragment`, if any.
    pub fn open(lang: Lang, fragment: &str) -> State {
        let mut state = State::new(lang, Form::default());
        state.apply(Action::OpenLink(fragment.to_owned()));
        state
    }

    /// The text to show in a list field: as typed while it still means `items`.
    pub fn list_text(&self, path: &str, items: &[String]) -> String {
        match self.raw.get(path) {
            Some(raw) if split_list(raw) == items => raw.clone(),
            _ => items.join(", "),
        }
    }

    /// The text to show in a `[rollout]` list field: as typed while it still means what
    /// the form holds, else the form's value written out.
    pub fn rollout_text(&self, f: RolloutText) -> String {
        let r = &self.form.rollout;
        if let Some(raw) = self.raw.get(&field::rollout(f.name())) {
            let mut typed = r.clone();
            set_rollout_text(&mut typed, f, raw);
            if typed == *r {
                return raw.clone();
            }
        }
        match f {
            RolloutText::NodeSelector => {
                r.node_selector.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
            }
            RolloutText::Tolerations => r.tolerations.iter().map(toleration_text).collect::<Vec<_>>().join(", "),
            RolloutText::SyncSeconds if r.sync_seconds == 0 => String::new(),
            RolloutText::SyncSeconds => r.sync_seconds.to_string(),
            RolloutText::Namespace => r.namespace.clone(),
            RolloutText::Name => r.name.clone(),
            RolloutText::Image => r.image.clone(),
            RolloutText::ImagePullSecret => r.image_pull_secret.clone(),
            RolloutText::VerifyImage => r.verify_image.clone(),
        }
    }

    fn apply(&mut self, action: Action) {
        let form = &mut self.form;
        match action {
            Action::SetTop(f, v) => *top_text(form, f) = v,
            Action::SetLegacyConfig(b) => form.legacy_config = b,
            Action::AddRegistry => form.registries.push(Registry::default()),
            Action::RemoveRegistry(i) => {
                if i < form.registries.len() {
                    form.registries.remove(i);
                    self.raw.clear();
                    self.wants_credentials = None;
                }
            }
            Action::SetRegistryText(i, f, v) => {
                if let Some(r) = form.registries.get_mut(i) {
                    *registry_text(r, f) = v;
                }
            }
            Action::SetRegistryFlag(i, f, b) => {
                if let Some(r) = form.registries.get_mut(i) {
                    *registry_flag(r, f) = b;
                }
            }
            Action::SetScheme(i, s) => {
                if let Some(r) = form.registries.get_mut(i) {
                    r.scheme = s;
                }
            }
            Action::AddMirror(i) => {
                if let Some(r) = form.registries.get_mut(i) {
                    r.mirrors.push(Mirror::default());
                }
            }
            Action::RemoveMirror(i, j) => {
                if let Some(r) = form.registries.get_mut(i) {
                    if j < r.mirrors.len() {
                        r.mirrors.remove(j);
                        self.raw.clear();
                    }
                }
            }
            Action::SetMirrorText(i, j, f, v) => {
                if let Some(m) = form.registries.get_mut(i).and_then(|r| r.mirrors.get_mut(j)) {
                    match f {
                        MirrorText::Url => m.url = v,
                        MirrorText::CaFile => m.ca_file = v,
                        MirrorText::Capabilities => {
                            m.capabilities = split_list(&v);
                            self.raw.insert(field::mirror(i, j, "capabilities"), v);
                        }
                    }
                }
            }
            Action::SetMirrorFlag(i, j, f, b) => {
                if let Some(m) = form.registries.get_mut(i).and_then(|r| r.mirrors.get_mut(j)) {
                    match f {
                        MirrorFlag::OverridePath => m.override_path = b,
                        MirrorFlag::SkipVerify => m.skip_verify = b,
                    }
                }
            }
            Action::SetKubeText(f, v) => {
                let k = &mut form.kubernetes;
                match f {
                    KubeText::SecretName => k.secret_name = v,
                    KubeText::Email => k.email = v,
                    KubeText::Namespaces => {
                        k.namespaces = split_list(&v);
                        self.raw.insert(field::kubernetes("namespaces"), v);
                    }
                }
            }
            Action::AddPatch => form
                .kubernetes
                .patches
                .push(PatchTarget { kind: "ServiceAccount".to_owned(), ..PatchTarget::default() }),
            Action::RemovePatch(i) => {
                if i < form.kubernetes.patches.len() {
                    form.kubernetes.patches.remove(i);
                }
            }
            Action::SetPatchText(i, f, v) => {
                if let Some(p) = form.kubernetes.patches.get_mut(i) {
                    match f {
                        PatchText::Kind => p.kind = v,
                        PatchText::Name => p.name = v,
                        PatchText::Namespace => p.namespace = v,
                    }
                }
            }
            Action::SetFlavor(f) => form.flavor = f,
            Action::SetRolloutText(f, v) => {
                set_rollout_text(&mut form.rollout, f, &v);
                if matches!(f, RolloutText::NodeSelector | RolloutText::Tolerations) {
                    self.raw.insert(field::rollout(f.name()), v);
                }
            }
            Action::SetRolloutFlag(f, b) => match f {
                RolloutFlag::Daemonset => form.rollout.daemonset = b,
                RolloutFlag::NodeScript => form.rollout.node_script = b,
            },
            Action::SetDiagnoseText(text) => {
                self.diagnosis = Rc::new(diagnose(&text));
                self.diagnose_text = text;
                return;
            }
            Action::ApplyPrefill(i) => {
                let Some(finding) = self.diagnosis.findings.get(i) else { return };
                *form = apply_prefill(form, &finding.prefill);
                self.wants_credentials = match finding.prefill.registry() {
                    Some(host) if finding.prefill.credentials_needed => {
                        form.registries.iter().position(|r| r.host.trim().eq_ignore_ascii_case(&host))
                    }
                    _ => None,
                };
                self.raw.clear();
            }
            Action::SetExistingConfig(text) => self.existing_config = text,
            Action::SetKeepFileVersion(b) => self.keep_file_version = b,
            Action::Preset(p) => {
                let containerd = std::mem::take(&mut form.containerd);
                *form = p.form();
                if !containerd.trim().is_empty() {
                    form.containerd = containerd;
                }
                self.raw.clear();
                self.load_error = None;
                self.wants_credentials = None;
            }
            Action::OpenLink(fragment) => match share::decode(&fragment) {
                // Not a form (`#outputs`), or the link just made for this very form:
                // loading it would only wipe the passwords typed so far.
                None => return,
                Some(Ok(f)) if f == share::strip_secrets(form) => return,
                Some(Ok(f)) => {
                    *form = f;
                    self.raw.clear();
                    self.load_error = None;
                }
                Some(Err(e)) => {
                    self.load_error = Some(e.to_string());
                    return;
                }
            },
            Action::SetLang(l) => {
                self.lang = l;
                return;
            }
            Action::SetShareUrl(u) => {
                self.share_url = Some(u);
                return;
            }
        }
        // The form changed: render it again; an old share link no longer matches it.
        self.render();
        self.share_url = None;
    }

    /// Renders the form: merged into the pasted config.toml when there is one.
    fn render(&mut self) {
        if self.existing_config.trim().is_empty() {
            self.rendered = Rc::new(render(&self.form));
            self.merge = None;
        } else {
            let options = MergeOptions { keep_file_version: self.keep_file_version };
            let out = render_merged(&self.form, &self.existing_config, options);
            self.rendered = Rc::new(out.rendered);
            self.merge = Some(Rc::new(out.merge));
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        next.apply(action);
        Rc::new(next)
    }
}

/// The items of a list typed into one field: separated by commas (also `，`) or spaces,
/// empty items dropped.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Sets a `[rollout]` field from what was typed. Lists are split like [`split_list`];
/// `sync_seconds` keeps its digits (empty: the default).
pub fn set_rollout_text(r: &mut Rollout, f: RolloutText, v: &str) {
    match f {
        RolloutText::Namespace => r.namespace = v.to_owned(),
        RolloutText::Name => r.name = v.to_owned(),
        RolloutText::Image => r.image = v.to_owned(),
        RolloutText::ImagePullSecret => r.image_pull_secret = v.to_owned(),
        RolloutText::VerifyImage => r.verify_image = v.to_owned(),
        RolloutText::SyncSeconds => {
            let digits: String = v.chars().filter(char::is_ascii_digit).collect();
            r.sync_seconds = digits.parse().unwrap_or(if digits.is_empty() { 0 } else { u32::MAX });
        }
        RolloutText::NodeSelector => {
            r.node_selector = split_list(v)
                .into_iter()
                .map(|item| match item.split_once('=') {
                    Some((k, v)) => (k.to_owned(), v.to_owned()),
                    None => (item, String::new()),
                })
                .collect();
        }
        RolloutText::Tolerations => r.tolerations = split_list(v).iter().map(|t| parse_toleration(t)).collect(),
    }
}

/// A toleration typed as kubectl writes taints: `key=value:Effect` (Equal), `key:Effect`
/// or `key` (Exists), `*` or `:Effect` (every taint, of that effect).
pub fn parse_toleration(text: &str) -> Toleration {
    let (kv, effect) = match text.rsplit_once(':') {
        Some((kv, effect)) => (kv, effect),
        None => (text, ""),
    };
    let (key, value, operator) = match kv.split_once('=') {
        Some((k, v)) => (k, v, "Equal"),
        None if kv == "*" => ("", "", "Exists"),
        None => (kv, "", "Exists"),
    };
    Toleration {
        key: key.to_owned(),
        operator: operator.to_owned(),
        value: value.to_owned(),
        effect: effect.to_owned(),
    }
}

/// The text of a toleration as [`parse_toleration`] reads it.
pub fn toleration_text(t: &Toleration) -> String {
    let mut s = if t.key.is_empty() && t.operator == "Exists" { "*".to_owned() } else { t.key.clone() };
    if t.operator != "Exists" {
        s.push('=');
        s.push_str(&t.value);
    }
    if !t.effect.is_empty() {
        s.push(':');
        s.push_str(&t.effect);
    }
    s
}

/// The value of a top-level text field.
pub fn top_text(form: &mut Form, f: TopText) -> &mut String {
    match f {
        TopText::Containerd => &mut form.containerd,
        TopText::ConfigPath => &mut form.config_path,
        TopText::SandboxImage => &mut form.sandbox_image,
    }
}

/// The value of a registry's text field.
pub fn registry_text(r: &mut Registry, f: RegistryText) -> &mut String {
    match f {
        RegistryText::Host => &mut r.host,
        RegistryText::CaFile => &mut r.ca_file,
        RegistryText::CaPem => &mut r.ca_pem,
        RegistryText::ClientCert => &mut r.client_cert,
        RegistryText::ClientKey => &mut r.client_key,
        RegistryText::Username => &mut r.username,
        RegistryText::Password => &mut r.password,
        RegistryText::IdentityToken => &mut r.identity_token,
    }
}

/// The value of a registry's check box.
pub fn registry_flag(r: &mut Registry, f: RegistryFlag) -> &mut bool {
    match f {
        RegistryFlag::SkipVerify => &mut r.skip_verify,
        RegistryFlag::NodeAuth => &mut r.node_auth,
        RegistryFlag::MirrorOnly => &mut r.mirror_only,
    }
}

impl RegistryText {
    /// The core's name of the field.
    pub fn name(self) -> &'static str {
        match self {
            RegistryText::Host => "host",
            RegistryText::CaFile => "ca_file",
            RegistryText::CaPem => "ca_pem",
            RegistryText::ClientCert => "client_cert",
            RegistryText::ClientKey => "client_key",
            RegistryText::Username => "username",
            RegistryText::Password => "password",
            RegistryText::IdentityToken => "identity_token",
        }
    }
}

impl RegistryFlag {
    /// The core's name of the field.
    pub fn name(self) -> &'static str {
        match self {
            RegistryFlag::SkipVerify => "skip_verify",
            RegistryFlag::NodeAuth => "node_auth",
            RegistryFlag::MirrorOnly => "mirror_only",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(actions: impl IntoIterator<Item = Action>) -> Rc<State> {
        actions.into_iter().fold(Rc::new(State::new(Lang::En, Form::default())), |s, a| s.reduce(a))
    }

    #[test]
    fn every_form_change_renders_again() {
        let before = run([]);
        let after = before.clone().reduce(Action::SetTop(TopText::Containerd, "one".into()));
        assert_eq!(after.form.containerd, "one");
        assert_eq!(*after.rendered, render(&after.form));
        assert!(after.rendered.diagnostics.iter().any(|d| d.field.as_str() == "containerd"));
        assert!(!before.rendered.diagnostics.iter().any(|d| d.field.as_str() == "containerd"));
    }

    #[test]
    fn registries_and_mirrors_are_added_edited_and_removed_by_index() {
        let s = run([
            Action::AddRegistry,
            Action::AddRegistry,
            Action::SetRegistryText(0, RegistryText::Host, "a.example".into()),
            Action::SetRegistryText(1, RegistryText::Host, "b.example".into()),
            Action::SetRegistryText(1, RegistryText::Password, "pw".into()),
            Action::SetRegistryFlag(1, RegistryFlag::NodeAuth, true),
            Action::SetScheme(1, Scheme::Http),
            Action::AddMirror(1),
            Action::AddMirror(1),
            Action::SetMirrorText(1, 0, MirrorText::Url, "https://m0".into()),
            Action::SetMirrorText(1, 1, MirrorText::Url, "https://m1".into()),
            Action::SetMirrorFlag(1, 1, MirrorFlag::OverridePath, true),
            Action::RemoveMirror(1, 0),
            Action::RemoveRegistry(0),
        ]);
        assert_eq!(s.form.registries.len(), 1);
        let r = &s.form.registries[0];
        assert_eq!(
            (r.host.as_str(), r.password.as_str(), r.node_auth, r.scheme),
            ("b.example", "pw", true, Scheme::Http)
        );
        assert_eq!(r.mirrors.len(), 1);
        assert_eq!((r.mirrors[0].url.as_str(), r.mirrors[0].override_path), ("https://m1", true));
    }

    #[test]
    fn out_of_range_indexes_change_nothing() {
        let s = run([
            Action::RemoveRegistry(3),
            Action::SetRegistryText(0, RegistryText::Host, "x".into()),
            Action::AddMirror(0),
            Action::RemoveMirror(0, 0),
            Action::RemovePatch(0),
            Action::SetPatchText(2, PatchText::Name, "x".into()),
        ]);
        assert_eq!(s.form, Form::default());
    }

    #[test]
    fn list_fields_keep_what_was_typed_while_it_means_the_same() {
        let s = run([Action::SetKubeText(KubeText::Namespaces, "apps, ci ".into())]);
        assert_eq!(s.form.kubernetes.namespaces, ["apps", "ci"]);
        assert_eq!(s.list_text("kubernetes.namespaces", &s.form.kubernetes.namespaces), "apps, ci ");
        let s = run([
            Action::AddRegistry,
            Action::AddMirror(0),
            Action::SetMirrorText(0, 0, MirrorText::Capabilities, "pull，resolve push".into()),
        ]);
        assert_eq!(s.form.registries[0].mirrors[0].capabilities, ["pull", "resolve", "push"]);
        // A preset replaces the lists: the typed text no longer applies.
        let s = s.reduce(Action::OpenLink(share::encode(&Form {
            kubernetes: pullfix_core::Kubernetes { namespaces: vec!["x".into(), "y".into()], ..Default::default() },
            ..Form::default()
        })));
        assert!(s.raw.is_empty());
        assert_eq!(s.list_text("kubernetes.namespaces", &s.form.kubernetes.namespaces), "x, y");
    }

    #[test]
    fn patches_start_as_service_accounts() {
        let s = run([
            Action::AddPatch,
            Action::AddPatch,
            Action::SetPatchText(1, PatchText::Kind, "Deployment".into()),
            Action::SetPatchText(1, PatchText::Name, "web".into()),
            Action::RemovePatch(0),
        ]);
        let p = &s.form.kubernetes.patches;
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].kind.as_str(), p[0].name.as_str()), ("Deployment", "web"));
        let s = run([Action::AddPatch]);
        assert_eq!(s.form.kubernetes.patches[0].kind, "ServiceAccount");
    }

    #[test]
    fn presets_keep_the_chosen_containerd_version() {
        let s = run([Action::SetTop(TopText::Containerd, "1.6.20".into()), Action::Preset(Preset::HttpIp)]);
        assert_eq!(s.form.containerd, "1.6.20");
        assert_eq!(s.form.registries[0].host, "10.50.1.104:5000");
        let s = run([Action::SetTop(TopText::Containerd, String::new()), Action::Preset(Preset::HttpIp)]);
        assert_eq!(s.form.containerd, Preset::HttpIp.form().containerd);
    }

    #[test]
    fn share_link_is_dropped_when_the_form_changes_but_not_on_language() {
        let s = run([Action::SetShareUrl("u".into()), Action::SetLang(Lang::Zh)]);
        assert_eq!((s.share_url.as_deref(), s.lang), (Some("u"), Lang::Zh));
        let s = s.reduce(Action::SetLegacyConfig(true));
        assert_eq!(s.share_url, None);
        assert!(s.form.legacy_config);
    }

    #[test]
    fn a_page_opens_with_the_form_of_its_link() {
        let form = Preset::DockerhubProxy.form();
        let s = State::open(Lang::Zh, &share::encode(&form));
        assert_eq!((&s.form, s.lang, &s.load_error), (&form, Lang::Zh, &None));
        assert_eq!(*s.rendered, render(&form));
        assert_eq!(State::open(Lang::En, "").form, Form::default());
        assert_eq!(State::open(Lang::En, "#outputs").form, Form::default());
    }

    #[test]
    fn a_broken_link_says_so_until_a_form_is_loaded() {
        let s = Rc::new(State::open(Lang::En, "#f=%%%"));
        assert!(s.load_error.as_deref().is_some_and(|e| e.contains("base64")), "{:?}", s.load_error);
        assert_eq!(s.form, Form::default());
        let s = s.reduce(Action::Preset(Preset::Harbor));
        assert_eq!(s.load_error, None);
    }

    #[test]
    fn the_forms_own_link_does_not_wipe_typed_passwords() {
        let s =
            run([Action::Preset(Preset::Harbor), Action::SetRegistryText(0, RegistryText::Password, "typed".into())]);
        let link = share::encode(&s.form);
        let s = s.reduce(Action::SetShareUrl(link.clone())).reduce(Action::OpenLink(link));
        assert_eq!(s.form.registries[0].password, "typed");
        assert_eq!(s.share_url.as_deref().map(|u| u.starts_with("#f=")), Some(true));
        // Another form's link replaces the form.
        let s = s.reduce(Action::OpenLink(share::encode(&Preset::HttpIp.form())));
        assert_eq!(s.form, Preset::HttpIp.form());
    }

    const STORY_X509: &str = "failed to do request: Head https://hub.mooc.com/v2/kubernetes/cronjob/manifests/v1: x509: certificate signed by unknown authority";

    #[test]
    fn a_pasted_error_is_diagnosed_and_its_prefill_applied() {
        let s = run([Action::SetDiagnoseText(STORY_X509.into())]);
        assert_eq!(s.diagnosis.findings[0].code, "x509.unknown_authority");
        // Diagnosing alone does not touch the form.
        assert_eq!(s.form, Form::default());
        let s = s.reduce(Action::ApplyPrefill(0));
        assert_eq!(s.form, pullfix_core::diagnose::apply_prefill(&Form::default(), &s.diagnosis.findings[0].prefill));
        assert_eq!(s.form.registries[0].host, "hub.mooc.com");
        assert_eq!(*s.rendered, render(&s.form));
        // Out of range: nothing.
        assert_eq!(s.clone().reduce(Action::ApplyPrefill(9)).form, s.form);
    }

    #[test]
    fn a_finding_that_needs_credentials_marks_its_registry() {
        let s = run([
            Action::AddRegistry,
            Action::SetRegistryText(0, RegistryText::Host, "other.example".into()),
            Action::SetDiagnoseText(
                "Failed to pull image \"hub.mooc.com/app:v1\": failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized".into(),
            ),
        ]);
        let i = s.diagnosis.findings.iter().position(|f| f.prefill.credentials_needed).expect("an auth finding");
        let s = s.reduce(Action::ApplyPrefill(i));
        assert_eq!(s.form.registries[1].host, "hub.mooc.com");
        assert_eq!(s.wants_credentials, Some(1));
        assert_eq!(s.reduce(Action::RemoveRegistry(0)).wants_credentials, None);
    }

    #[test]
    fn a_pasted_config_is_merged_and_cleared_again() {
        let s = run([Action::Preset(Preset::Harbor), Action::SetExistingConfig("version = 2\n".into())]);
        let want = render_merged(&s.form, "version = 2\n", MergeOptions::default());
        assert_eq!(*s.rendered, want.rendered);
        assert!(s.rendered.files.iter().any(|f| f.path == "merged/config.toml"));
        let s = s.reduce(Action::SetExistingConfig("[broken\n".into()));
        assert!(s
            .rendered
            .diagnostics
            .iter()
            .any(|d| d.field.as_str() == "existing_config" && d.message.contains("line 1")));
        let s = s.reduce(Action::SetExistingConfig(String::new()));
        assert_eq!((*s.rendered == render(&s.form), s.merge.is_none()), (true, true));
    }

    #[test]
    fn flavor_and_rollout_fields_reach_the_form() {
        let s = run([
            Action::SetFlavor(Flavor::K3s),
            Action::SetRolloutFlag(RolloutFlag::Daemonset, true),
            Action::SetRolloutText(RolloutText::Namespace, "infra".into()),
            Action::SetRolloutText(RolloutText::SyncSeconds, "3x0".into()),
            Action::SetRolloutText(RolloutText::NodeSelector, "b=1, node-role.kubernetes.io/worker=".into()),
            Action::SetRolloutText(RolloutText::Tolerations, "dedicated=gpu:NoSchedule, *, x:NoExecute".into()),
        ]);
        let r = &s.form.rollout;
        assert_eq!(
            (s.form.flavor, r.daemonset, r.namespace.as_str(), r.sync_seconds),
            (Flavor::K3s, true, "infra", 30)
        );
        assert_eq!(r.node_selector.get("b").map(String::as_str), Some("1"));
        assert_eq!(r.node_selector.get("node-role.kubernetes.io/worker").map(String::as_str), Some(""));
        let t = |k: &str, o: &str, v: &str, e: &str| Toleration {
            key: k.into(),
            operator: o.into(),
            value: v.into(),
            effect: e.into(),
        };
        assert_eq!(
            r.tolerations,
            [t("dedicated", "Equal", "gpu", "NoSchedule"), t("", "Exists", "", ""), t("x", "Exists", "", "NoExecute")]
        );
        // Typed text stays as typed (unsorted), the form's value is written out otherwise.
        assert_eq!(s.rollout_text(RolloutText::NodeSelector), "b=1, node-role.kubernetes.io/worker=");
        for tol in &r.tolerations {
            assert_eq!(parse_toleration(&toleration_text(tol)), *tol);
        }
        let link = share::encode(&s.form);
        let s2 = State::open(Lang::En, &link);
        assert_eq!(s2.rollout_text(RolloutText::Tolerations), "dedicated=gpu:NoSchedule, *, x:NoExecute");
        assert_eq!(s2.rollout_text(RolloutText::SyncSeconds), "30");
        assert!(s2.rendered.files.iter().any(|f| f.path.ends_with("registries.yaml")));
    }
}
