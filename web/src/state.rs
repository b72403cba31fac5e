//! The page's state: the form, what it renders to, and a little UI state, changed only by
//! [`Action`]s through the reducer. Every change of the form renders it again (render is
//! pure and fast), so the outputs always match the form and never go blank.

use std::collections::BTreeMap;
use std::rc::Rc;

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
}

impl State {
    /// The state of a page with this form.
    pub fn new(lang: Lang, form: Form) -> State {
        let rendered = Rc::new(render(&form));
        State { form, rendered, lang, raw: BTreeMap::new(), share_url: None, load_error: None }
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
            Action::Preset(p) => {
                let containerd = std::mem::take(&mut form.containerd);
                *form = p.form();
                if !containerd.trim().is_empty() {
                    form.containerd = containerd;
                }
                self.raw.clear();
                self.load_error = None;
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
        self.rendered = Rc::new(render(&self.form));
        self.share_url = None;
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
}
