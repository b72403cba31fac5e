//! The page's state: the form, what it renders to, and a little UI state, changed only by
//! [`Action`]s through the reducer. Every change of the form renders it again (render is
//! pure and fast), so the outputs always match the form and never go blank.

use std::rc::Rc;

use pullfix_core::diagnose::{apply_prefill, diagnose_keeping_version, Diagnosis};
use pullfix_core::merge::page::render_merged;
use pullfix_core::merge::{MergeOptions, MergeResult};
use pullfix_core::{render, Form, Mirror, PatchTarget, Registry, Rendered};
use yew::Reducible;

use crate::i18n::Lang;
use crate::key::{Key, Loc, Scope};
use crate::presets::Preset;
use crate::share;
use crate::value;

/// A list of the form whose items the page adds and removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// `registry[i]`.
    Registry,
    /// `registry[i].mirror[j]`.
    Mirror,
    /// `kubernetes.patch[i]`.
    Patch,
}

/// Everything that can happen to the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A field's input changed (check boxes: [`value::ON`] or empty).
    Set(Loc, String),
    /// A new, empty item at the end (of registry `i`'s mirrors).
    Add(Item, usize),
    /// Remove item `i` (mirror `j` of registry `i`).
    Remove(Item, usize, usize),
    /// The pasted error text changed: diagnose it.
    SetDiagnoseText(String),
    /// Apply the prefill of finding `i` of the current diagnosis to the form.
    ApplyPrefill(usize),
    /// The pasted existing config.toml changed: merge into it.
    SetExistingConfig(String),
    /// Convert the pasted file to the target's config version even when the target reads its own.
    SetConvertVersion(bool),
    /// Fill the form from a preset (keeps the containerd version).
    Preset(Preset),
    /// The URL fragment's pairs are these (the page opened, or a link was pasted into
    /// the same tab): load the form they hold, unless it is the current form's own link.
    OpenLink(Vec<(String, String)>),
    /// Switch the language.
    SetLang(Lang),
    /// A share link was made for the current form.
    SetShareUrl(String),
    /// The copy button of the file at this path was clicked: did the copy work?
    Copied(String, bool),
    /// The first screen is up: show the rest of the page.
    ShowRest,
    /// The link notice was closed ([`State::from_link`]).
    DismissLinkCheck,
}

/// What the "Apply to the form" button of a diagnose finding does ([`State::prefilled`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Prefilled {
    /// The form after it.
    pub form: Form,
    /// The fields it changes, in page order (a new registry's fields left empty are not).
    pub changed: Vec<Loc>,
    /// The registry whose user name to type next, when the finding asks for credentials:
    /// the one the text names, or the form's only registry when the text names none.
    pub credentials: Option<usize>,
}

impl Prefilled {
    /// Whether the button does anything: changes a field or leads to a registry's
    /// credentials. Otherwise the finding shows no button.
    pub fn does_something(&self) -> bool {
        !self.changed.is_empty() || self.credentials.is_some()
    }

    /// Where the keyboard focus goes after it: the first missing credential (user name,
    /// else password: a preset may have filled the user name) of the registry whose
    /// credentials are asked for, else the first changed field.
    pub fn focus(&self) -> Option<String> {
        let loc = match self.credentials {
            Some(i) if self.form.registries.get(i).is_some_and(|r| !r.username.trim().is_empty()) => {
                Key::Password.at(i, 0)
            }
            Some(i) => Key::Username.at(i, 0),
            None => *self.changed.first()?,
        };
        Some(crate::field::dom_id(&loc.path()))
    }
}

/// The fields whose values differ between `before` and `after` (a form with registries
/// and mirrors added at the end), in page order. An added item counts from empty: only
/// its fields that are not at their defaults changed.
pub fn changed_fields(before: &Form, after: &Form) -> Vec<Loc> {
    let mut base = before.clone();
    for (i, r) in after.registries.iter().enumerate() {
        if base.registries.len() <= i {
            base.registries.push(Registry::default());
        }
        let mirrors = &mut base.registries[i].mirrors;
        while mirrors.len() < r.mirrors.len() {
            mirrors.push(Mirror::default());
        }
    }
    while base.kubernetes.patches.len() < after.kubernetes.patches.len() {
        base.kubernetes.patches.push(PatchTarget::default());
    }
    share::locs(after).into_iter().filter(|&loc| value::get(&base, loc) != value::get(after, loc)).collect()
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
    /// What was typed into fields that write their value out differently (lists,
    /// `sync_seconds`), so that typing `a, ` is not rewritten to `a` under the cursor.
    /// (A short list, not a map: a `BTreeMap` per key type costs the page wasm.)
    pub raw: Vec<(Loc, String)>,
    /// The share link made for the current form (cleared when the form changes).
    pub share_url: Option<String>,
    /// What opening the page's link found besides its form (the banner), until the
    /// form is edited.
    pub link_note: Option<share::LinkNote>,
    /// A link's form replaced one with typed passwords or tokens, which links never hold
    /// (a status line says so, review 12 S2), until the form is edited.
    pub passwords_dropped: bool,
    /// The form came from a link: a notice asks to check its hosts, mirrors and images
    /// before typing a password (a link may send node credentials to a mirror or run an
    /// installer image as root, review 13 L-2), until the next edit or its close button.
    pub from_link: bool,
    /// The error text pasted into the diagnose box.
    pub diagnose_text: String,
    /// `diagnose_keeping_version(&diagnose_text, form's containerd)`, made when the text changes.
    pub diagnosis: Rc<Diagnosis>,
    /// The registry whose credentials a applied finding asked for (highlighted, focused).
    pub wants_credentials: Option<usize>,
    /// The fields the last applied finding changed (announced in the diagnose box's status
    /// line), until the form changes otherwise.
    pub applied: Vec<Loc>,
    /// The existing config.toml pasted into the merge box (empty: no merge).
    pub existing_config: String,
    /// The merge box's choice to convert the file to the target's config version (off: the
    /// file keeps a version the target reads, `MergeOptions::convert_to_target_version`).
    pub convert_version: bool,
    /// The merge of the form into `existing_config`, when one was pasted.
    pub merge: Option<Rc<MergeResult>>,
    /// The file whose copy button was clicked last and whether the copy worked, until
    /// that file's contents change.
    pub copied: Option<(String, bool)>,
    /// Whether the fleet options and the docs are shown (not in the first render).
    pub rest: bool,
}

impl State {
    /// The state of a page with this form.
    pub fn new(lang: Lang, form: Form) -> State {
        let rendered = Rc::new(render(&form));
        State {
            form,
            rendered,
            lang,
            raw: Vec::new(),
            share_url: None,
            link_note: None,
            passwords_dropped: false,
            from_link: false,
            diagnose_text: String::new(),
            diagnosis: Rc::default(),
            wants_credentials: None,
            applied: Vec::new(),
            existing_config: String::new(),
            convert_version: false,
            merge: None,
            copied: None,
            rest: false,
        }
    }

    /// The state a page opens with: the form of the share link in the fragment's
    /// `pairs`, if any.
    pub fn open(lang: Lang, pairs: Vec<(String, String)>) -> State {
        let mut state = State::new(lang, Form::default());
        // Not through `apply`: the first render then compiles only what opening needs
        // (the browser compiles each wasm function on its first call).
        state.open_link(pairs);
        state
    }

    /// The text to show in the input of `loc`: as typed while it still means what the
    /// form holds, else the form's value written out.
    pub fn shown(&self, loc: Loc) -> String {
        let now = value::get(&self.form, loc).unwrap_or_default();
        if let Some((_, raw)) = self.raw.iter().find(|(l, _)| *l == loc) {
            let mut typed = self.form.clone();
            if value::set(&mut typed, loc, raw) && value::get(&typed, loc).as_ref() == Some(&now) {
                return raw.clone();
            }
        }
        now
    }

    /// Where the keyboard focus goes once `action` (taken in this state) is on the page:
    /// the new item's first field after an add; after a remove the first field of the
    /// item that took its place, else of the one before it, else the add button.
    #[inline(never)]
    pub fn focus_after(&self, action: &Action) -> Option<String> {
        let registries = &self.form.registries;
        let mirrors = |i: usize| registries.get(i).map(|r| r.mirrors.len());
        let patches = self.form.kubernetes.patches.len();
        let first = |item: Item, i: usize, k: usize| match item {
            Item::Registry => Key::Host.at(k, 0),
            Item::Mirror => Key::MirrorUrl.at(i, k),
            Item::Patch => Key::PatchKind.at(k, 0),
        };
        let loc = match *action {
            Action::Add(Item::Registry, _) => first(Item::Registry, 0, registries.len()),
            Action::Add(Item::Mirror, i) => first(Item::Mirror, i, mirrors(i)?),
            Action::Add(Item::Patch, _) => first(Item::Patch, 0, patches),
            Action::Remove(item, i, j) => {
                let (count, at) = match item {
                    Item::Registry => (registries.len(), i),
                    Item::Mirror => (mirrors(i)?, j),
                    Item::Patch => (patches, i),
                };
                if at >= count {
                    return None;
                }
                match if at + 1 < count { Some(at) } else { at.checked_sub(1) } {
                    Some(k) => first(item, i, k),
                    None => {
                        return Some(match item {
                            Item::Registry => "add-registry".to_owned(),
                            Item::Mirror => format!("add-mirror-{i}"),
                            Item::Patch => "add-patch".to_owned(),
                        })
                    }
                }
            }
            Action::ApplyPrefill(i) => return self.prefilled(i)?.focus(),
            _ => return None,
        };
        Some(crate::field::dom_id(&loc.path()))
    }

    /// What applying finding `i` of the current diagnosis does to the current form. The
    /// form's containerd version is kept unless the text prints one (a pause image only
    /// hints at one, and the form may have changed since the paste).
    pub fn prefilled(&self, i: usize) -> Option<Prefilled> {
        let finding = self.diagnosis.findings.get(i)?;
        let p = &finding.prefill;
        let mut form = apply_prefill(&self.form, p);
        if self.diagnosis.facts.containerd.is_none() {
            form.containerd = self.form.containerd.clone();
        }
        // A mirror's credentials belong to the mirror's [[registry]], not the image's; a
        // text that names no registry (`[manifests v1]: 401`) means the only one listed.
        let credentials = match p.credentials_registry() {
            _ if !p.credentials_needed => None,
            Some(host) => form.registries.iter().position(|r| r.host.trim().eq_ignore_ascii_case(&host)),
            None if form.registries.len() == 1 => Some(0),
            None => None,
        };
        // A registry that already has a user name and a password (or token) is asked for
        // nothing: no button that only moves the focus (review 10 web L2).
        let credentials = credentials.filter(|&i| {
            form.registries.get(i).is_some_and(|r| {
                r.username.trim().is_empty() || (r.password.is_empty() && r.identity_token.trim().is_empty())
            })
        });
        let changed = changed_fields(&self.form, &form);
        Some(Prefilled { form, changed, credentials })
    }

    fn apply(&mut self, action: Action) {
        if matches!(
            action,
            Action::Set(..) | Action::Add(..) | Action::Remove(..) | Action::Preset(_) | Action::OpenLink(_)
        ) {
            self.applied.clear();
            // An edit: the link's banner no longer concerns the form (review 12 S1).
            self.link_note = None;
            self.passwords_dropped = false;
            // The same link again (the `hashchange` of the link the page opened on) or one
            // that cannot be read leaves the form, and its notice, as they are.
            self.from_link &= matches!(action, Action::OpenLink(_));
        }
        let form = &mut self.form;
        match action {
            Action::Set(loc, v) => {
                if !value::set(form, loc, &v) {
                    return;
                }
                self.raw.retain(|(l, _)| *l != loc);
                if value::get(form, loc).as_ref() != Some(&v) {
                    self.raw.push((loc, v));
                }
            }
            Action::Add(item, i) => match item {
                Item::Registry => form.registries.push(Registry::default()),
                Item::Mirror => match form.registries.get_mut(i) {
                    Some(r) => r.mirrors.push(Mirror::default()),
                    None => return,
                },
                Item::Patch => form
                    .kubernetes
                    .patches
                    .push(PatchTarget { kind: "ServiceAccount".to_owned(), ..PatchTarget::default() }),
            },
            Action::Remove(item, i, j) => {
                let removed = match item {
                    Item::Registry => remove(&mut form.registries, i),
                    Item::Mirror => form.registries.get_mut(i).is_some_and(|r| remove(&mut r.mirrors, j)),
                    Item::Patch => remove(&mut form.kubernetes.patches, i),
                };
                if !removed {
                    return;
                }
                // Items moved up: their typed texts no longer match; the rest still do.
                self.raw.retain(|(l, _)| matches!(l.key.scope(), Scope::Top | Scope::Kubernetes | Scope::Rollout));
                if item == Item::Registry {
                    self.wants_credentials = None;
                }
            }
            Action::SetDiagnoseText(text) => {
                // The form's version is kept in every prefill (a pause image only hints at one).
                self.diagnosis = Rc::new(diagnose_keeping_version(&text, &form.containerd));
                self.diagnose_text = text;
                return;
            }
            Action::ApplyPrefill(i) => {
                let Some(done) = self.prefilled(i) else { return };
                self.form = done.form;
                self.wants_credentials = done.credentials;
                self.applied = done.changed;
                self.raw.clear();
                self.changed();
                return;
            }
            Action::SetExistingConfig(text) => self.existing_config = text,
            Action::SetConvertVersion(b) => self.convert_version = b,
            Action::Preset(p) => {
                let containerd = std::mem::take(&mut form.containerd);
                *form = p.form();
                if !containerd.trim().is_empty() {
                    form.containerd = containerd;
                }
                self.raw.clear();
                self.wants_credentials = None;
            }
            Action::OpenLink(pairs) => {
                self.open_link(pairs);
                return;
            }
            Action::SetLang(l) => {
                self.lang = l;
                // The page's own diagnostics (of typed texts, of the node selector) are in
                // the page's language.
                if self.rendered.diagnostics.iter().any(|d| value::PAGE_CODES.contains(&d.code)) {
                    self.render();
                }
                return;
            }
            Action::SetShareUrl(u) => {
                self.share_url = Some(u);
                return;
            }
            Action::Copied(path, ok) => {
                self.copied = Some((path, ok));
                return;
            }
            Action::ShowRest => {
                self.rest = true;
                return;
            }
            Action::DismissLinkCheck => {
                self.from_link = false;
                return;
            }
        }
        self.changed();
    }

    /// Loads the form the link's `pairs` hold, if any.
    #[inline(never)]
    fn open_link(&mut self, pairs: Vec<(String, String)>) {
        // The link just made for this very form (its pairs are the form's own, secrets
        // left out): loading it would only wipe the passwords typed so far. Comparing
        // the pairs, not the forms, spares the page a deep `Form` comparison.
        if pairs == share::pairs(&self.form) {
            return;
        }
        match share::from_pairs(&pairs) {
            // Not a form (`#outputs`).
            None => {}
            // The fields this page knows are loaded; what it left out is listed, a value
            // the form holds differently stays as in the link with its error beside the
            // field (review 12 S1).
            Some(Ok(opened)) => {
                self.passwords_dropped =
                    self.form.registries.iter().any(|r| !r.password.is_empty() || !r.identity_token.trim().is_empty());
                self.form = opened.form;
                self.raw = opened.typed;
                self.from_link = true;
                self.link_note = (!opened.ignored.is_empty()).then_some(share::LinkNote::Ignored(opened.ignored));
                self.changed();
            }
            Some(Err(note)) => self.link_note = Some(note),
        }
    }

    /// The form changed: render it again; an old share link no longer matches it, an
    /// old "Copied" no longer holds when its file changed.
    fn changed(&mut self) {
        let before = self.rendered.clone();
        self.render();
        self.share_url = None;
        if let Some((path, _)) = &self.copied {
            let contents = |r: &Rendered| r.files.iter().find(|f| f.path == *path).map(|f| f.contents.clone());
            if contents(&before) != contents(&self.rendered) {
                self.copied = None;
            }
        }
    }

    /// Renders the form: merged into the pasted config.toml when there is one; with the
    /// errors of typed texts the form could not take and the node selector's errors, in
    /// the page's language ([`value::page_diagnostics`]).
    fn render(&mut self) {
        let mut rendered = if self.existing_config.trim().is_empty() {
            self.merge = None;
            render(&self.form)
        } else {
            let options = MergeOptions { convert_to_target_version: self.convert_version };
            let out = render_merged(&self.form, &self.existing_config, options);
            self.merge = out.merge.map(Rc::new);
            out.rendered
        };
        value::page_diagnostics(self.lang.text(), &self.form, &self.raw, &mut rendered.diagnostics);
        self.rendered = Rc::new(rendered);
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

/// Removes item `i`; false when there is none.
fn remove<T>(items: &mut Vec<T>, i: usize) -> bool {
    let there = i < items.len();
    if there {
        items.remove(i);
    }
    there
}

#[cfg(test)]
mod tests {
    use super::*;
    use pullfix_core::flavor::Flavor;
    use pullfix_core::Scheme;

    fn run(actions: impl IntoIterator<Item = Action>) -> Rc<State> {
        actions.into_iter().fold(Rc::new(State::new(Lang::En, Form::default())), |s, a| s.reduce(a))
    }

    fn set(key: Key, i: usize, j: usize, v: &str) -> Action {
        Action::Set(key.at(i, j), v.to_owned())
    }

    fn link(form: &Form) -> Vec<(String, String)> {
        share::pairs(form)
    }

    #[test]
    fn every_form_change_renders_again() {
        let before = run([]);
        let after = before.clone().reduce(set(Key::Containerd, 0, 0, "one"));
        assert_eq!(after.form.containerd, "one");
        assert_eq!(*after.rendered, render(&after.form));
        assert!(after.rendered.diagnostics.iter().any(|d| d.field.as_str() == "containerd"));
        assert!(!before.rendered.diagnostics.iter().any(|d| d.field.as_str() == "containerd"));
    }

    #[test]
    fn registries_and_mirrors_are_added_edited_and_removed_by_index() {
        let s = run([
            Action::Add(Item::Registry, 0),
            Action::Add(Item::Registry, 0),
            set(Key::Host, 0, 0, "a.example"),
            set(Key::Host, 1, 0, "b.example"),
            set(Key::Password, 1, 0, "pw"),
            set(Key::NodeAuth, 1, 0, value::ON),
            set(Key::Scheme, 1, 0, "http"),
            Action::Add(Item::Mirror, 1),
            Action::Add(Item::Mirror, 1),
            set(Key::MirrorUrl, 1, 0, "https://m0"),
            set(Key::MirrorUrl, 1, 1, "https://m1"),
            set(Key::OverridePath, 1, 1, value::ON),
            Action::Remove(Item::Mirror, 1, 0),
            Action::Remove(Item::Registry, 0, 0),
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
            Action::Remove(Item::Registry, 3, 0),
            set(Key::Host, 0, 0, "x"),
            Action::Add(Item::Mirror, 0),
            Action::Remove(Item::Mirror, 0, 0),
            Action::Remove(Item::Patch, 0, 0),
            set(Key::PatchName, 2, 0, "x"),
        ]);
        assert_eq!(s.form, Form::default());
    }

    #[test]
    fn list_fields_keep_what_was_typed_while_it_means_the_same() {
        let ns = Key::Namespaces.into();
        let s = run([Action::Set(ns, "apps, ci ".into())]);
        assert_eq!(s.form.kubernetes.namespaces, ["apps", "ci"]);
        assert_eq!(s.shown(ns), "apps, ci ");
        let s = run([
            Action::Add(Item::Registry, 0),
            Action::Add(Item::Mirror, 0),
            set(Key::Capabilities, 0, 0, "pull，resolve push"),
        ]);
        assert_eq!(s.form.registries[0].mirrors[0].capabilities, ["pull", "resolve", "push"]);
        // A link replaces the lists: the typed text no longer applies.
        let s = s.reduce(Action::OpenLink(link(&Form {
            kubernetes: pullfix_core::Kubernetes { namespaces: vec!["x".into(), "y".into()], ..Default::default() },
            ..Form::default()
        })));
        assert!(s.raw.is_empty());
        assert_eq!(s.shown(ns), "x, y");
        // Typed text that no longer means the form's value is not shown.
        let s = run([Action::Set(ns, "a, ".into())]);
        let mut s = Rc::unwrap_or_clone(s);
        s.form.kubernetes.namespaces = vec!["b".into()];
        assert_eq!(s.shown(ns), "b");
    }

    #[test]
    fn patches_start_as_service_accounts() {
        let s = run([
            Action::Add(Item::Patch, 0),
            Action::Add(Item::Patch, 0),
            set(Key::PatchKind, 1, 0, "Deployment"),
            set(Key::PatchName, 1, 0, "web"),
            Action::Remove(Item::Patch, 0, 0),
        ]);
        let p = &s.form.kubernetes.patches;
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].kind.as_str(), p[0].name.as_str()), ("Deployment", "web"));
        let s = run([Action::Add(Item::Patch, 0)]);
        assert_eq!(s.form.kubernetes.patches[0].kind, "ServiceAccount");
    }

    #[test]
    fn copied_holds_until_the_files_contents_change() {
        let s = run([Action::Preset(Preset::Harbor)]);
        let path = s.rendered.files.iter().find(|f| f.path.ends_with("hosts.toml")).expect("hosts.toml").path.clone();
        let s = s.reduce(Action::Copied(path.clone(), true)).reduce(Action::SetLang(Lang::Zh));
        assert_eq!(s.copied, Some((path.clone(), true)));
        // The email is only in the Secret: hosts.toml stays as it is, and so does "Copied".
        let s = s.reduce(set(Key::Email, 0, 0, "ops@example.net"));
        assert_eq!(s.copied, Some((path.clone(), true)));
        let s = s.reduce(set(Key::CaFile, 0, 0, "/etc/pki/other-ca.crt"));
        assert_eq!(s.copied, None);
    }

    #[test]
    fn presets_keep_the_chosen_containerd_version() {
        let s = run([set(Key::Containerd, 0, 0, "1.6.20"), Action::Preset(Preset::HttpIp)]);
        assert_eq!(s.form.containerd, "1.6.20");
        assert_eq!(s.form.registries[0].host, "10.50.1.104:5000");
        let s = run([set(Key::Containerd, 0, 0, ""), Action::Preset(Preset::HttpIp)]);
        assert_eq!(s.form.containerd, Preset::HttpIp.form().containerd);
    }

    #[test]
    fn share_link_is_dropped_when_the_form_changes_but_not_on_language() {
        let s = run([Action::SetShareUrl("u".into()), Action::SetLang(Lang::Zh)]);
        assert_eq!((s.share_url.as_deref(), s.lang), (Some("u"), Lang::Zh));
        let s = s.reduce(set(Key::LegacyConfig, 0, 0, value::ON));
        assert_eq!(s.share_url, None);
        assert!(s.form.legacy_config);
    }

    #[test]
    fn a_page_opens_with_the_form_of_its_link() {
        let form = Preset::DockerhubProxy.form();
        let s = State::open(Lang::Zh, link(&form));
        assert_eq!((&s.form, s.lang, &s.link_note), (&form, Lang::Zh, &None));
        assert_eq!(*s.rendered, render(&form));
        assert_eq!(State::open(Lang::En, Vec::new()).form, Form::default());
        assert_eq!(State::open(Lang::En, vec![("outputs".into(), String::new())]).form, Form::default());
    }

    #[test]
    fn a_broken_link_says_so_until_a_form_is_loaded() {
        let s = Rc::new(State::open(Lang::En, vec![("f".into(), "%%%".into())]));
        assert_eq!(s.link_note, Some(share::LinkNote::Unreadable("%%%".into())));
        assert_eq!(s.form, Form::default());
        let s = s.reduce(Action::Preset(Preset::Harbor));
        assert_eq!(s.link_note, None);
    }

    /// Review 12 S1: a newer page's link loads what this page knows and says what it
    /// left out until the next edit; a value the form cannot take is an error beside its
    /// field; a newer format keeps the current form.
    #[test]
    fn a_link_with_unknown_parts_loads_the_rest_and_warns_until_the_next_edit() {
        let pairs = |p: &[(&str, &str)]| p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let s = Rc::new(State::open(
            Lang::Zh,
            pairs(&[
                ("f", "2"),
                ("registry[0].host", "harbor.example.net"),
                ("registry[0].dial_timeout", "5s"),
                ("rollout.sync_seconds", "-5"),
            ]),
        ));
        assert_eq!(s.form.registries[0].host, "harbor.example.net");
        assert_eq!(s.link_note, Some(share::LinkNote::Ignored(vec!["registry[0].dial_timeout".into()])));
        assert_eq!(s.shown(Key::SyncSeconds.into()), "-5");
        assert!(
            s.rendered
                .diagnostics
                .iter()
                .any(|d| d.field.as_str() == "rollout.sync_seconds" && d.code == "rollout.sync-seconds"),
            "{:?}",
            s.rendered.diagnostics
        );
        let edited = s.clone().reduce(set(Key::Username, 0, 0, "admin"));
        assert_eq!(edited.link_note, None, "the banner goes on the next edit");
        // A newer format: the form stays, the banner says why.
        let s = edited.clone().reduce(Action::OpenLink(pairs(&[("f", "3"), ("containerd", "9.0")])));
        assert_eq!(s.form, edited.form);
        assert_eq!(s.link_note, Some(share::LinkNote::Newer("3".into())));
    }

    /// Review 13 L-2: a link may pre-fill where credentials go (a mirror with node_auth) and
    /// what runs as root (the installer image): a form opened from a link says to check them,
    /// until the next edit or the notice's close button; a page without a link, or whose
    /// link cannot be read, does not.
    #[test]
    fn a_form_from_a_link_asks_to_check_it_until_the_next_edit_or_dismiss() {
        let mut form = Preset::Harbor.form();
        form.registries[0]
            .mirrors
            .push(pullfix_core::Mirror { url: "https://evil-mirror.attacker.example/v2".into(), ..Default::default() });
        let s = Rc::new(State::open(Lang::En, link(&form)));
        assert!(s.from_link);
        assert_eq!(s.form.registries[0].mirrors[0].url, "https://evil-mirror.attacker.example/v2");
        assert!(!s.clone().reduce(set(Key::Password, 0, 0, "typed")).from_link, "an edit ends it");
        assert!(!s.clone().reduce(Action::DismissLinkCheck).from_link);
        assert!(s.clone().reduce(Action::SetLang(Lang::Zh)).from_link, "not an edit");
        // The browser's `hashchange` for the link the page opened on, an unreadable link.
        assert!(s.clone().reduce(Action::OpenLink(link(&form))).from_link);
        assert!(s.clone().reduce(Action::OpenLink(vec![("f".into(), "%%%".into())])).from_link);
        // The next link shows it again; no link, an unreadable one or `#outputs` do not.
        let s = s.reduce(Action::DismissLinkCheck).reduce(Action::OpenLink(link(&Preset::HttpIp.form())));
        assert!(s.from_link);
        assert!(!State::open(Lang::En, Vec::new()).from_link);
        assert!(!State::open(Lang::En, vec![("f".into(), "%%%".into())]).from_link);
        assert!(!State::open(Lang::En, vec![("outputs".into(), String::new())]).from_link);
        for lang in [Lang::En, Lang::Zh] {
            assert!(!lang.text().link_check.is_empty() && !lang.text().dismiss.is_empty());
        }
        assert!(Lang::Zh.text().link_check.contains("镜像源"));
    }

    #[test]
    fn the_forms_own_link_does_not_wipe_typed_passwords() {
        let s = run([Action::Preset(Preset::Harbor), set(Key::Password, 0, 0, "typed")]);
        let own = link(&s.form);
        let s = s.reduce(Action::SetShareUrl("#f=2".into())).reduce(Action::OpenLink(own));
        assert_eq!(s.form.registries[0].password, "typed");
        assert_eq!(s.share_url.as_deref(), Some("#f=2"));
        // Another form's link replaces the form.
        let s = s.reduce(Action::OpenLink(link(&Preset::HttpIp.form())));
        assert_eq!(s.form, Preset::HttpIp.form());
        // Review 12 S2: the typed password went; a status line says so until the next edit.
        assert!(s.passwords_dropped);
        let s = s.reduce(set(Key::Host, 0, 0, "10.0.0.1"));
        assert!(!s.passwords_dropped);
        let s = s.reduce(Action::OpenLink(link(&Preset::Harbor.form())));
        assert!(!s.passwords_dropped, "no password was typed");
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

    const STORY_401: &str = "unexpected status code [manifests v1]: 401 Unauthorized";

    /// Review 6 M2: a finding whose button would change nothing has none (the version
    /// finding, whose prefill only repeats the form's version).
    #[test]
    fn a_finding_that_changes_nothing_offers_no_button() {
        for text in [STORY_X509, STORY_401] {
            let s = run([set(Key::Containerd, 0, 0, "1.7"), Action::SetDiagnoseText(text.into())]);
            let i = s
                .diagnosis
                .findings
                .iter()
                .position(|f| f.code == "containerd.version_unknown")
                .expect("the version finding");
            assert!(!s.diagnosis.findings[i].prefill.is_empty(), "core's prefill names the version");
            let done = s.prefilled(i).expect("a finding");
            assert!(done.changed.is_empty() && !done.does_something(), "{done:?}");
            assert_eq!(s.focus_after(&Action::ApplyPrefill(i)), None);
        }
        // The x509 finding changes fields: a button, focus on the first changed one.
        let s = run([Action::SetDiagnoseText(STORY_X509.into())]);
        let i = s.diagnosis.findings.iter().position(|f| f.code == "x509.unknown_authority").expect("x509");
        let done = s.prefilled(i).expect("a finding");
        assert!(done.does_something());
        assert_eq!(done.changed.first(), Some(&Key::Host.at(0, 0)), "{:?}", done.changed);
        assert!(done.changed.contains(&Key::CaFile.at(0, 0)), "{:?}", done.changed);
        assert!(
            !done.changed.contains(&Key::Username.at(0, 0)),
            "an empty field of the new registry: {:?}",
            done.changed
        );
        assert_eq!(s.focus_after(&Action::ApplyPrefill(i)).as_deref(), Some("f-registry-0-host"));
        let after = s.reduce(Action::ApplyPrefill(i));
        assert_eq!(after.applied, done.changed);
        // Typing elsewhere ends the announcement.
        assert!(after.reduce(set(Key::SandboxImage, 0, 0, "x")).applied.is_empty());
    }

    /// Review 8 L3: after the Harbor preset the user name is filled; a 401's button leads
    /// to the password, the credential still missing.
    #[test]
    fn a_401_leads_to_the_first_missing_credential() {
        let s = run([Action::Preset(Preset::Harbor), Action::SetDiagnoseText(STORY_401.into())]);
        let i = s.diagnosis.findings.iter().position(|f| f.prefill.credentials_needed).expect("the 401 finding");
        assert_eq!(s.focus_after(&Action::ApplyPrefill(i)).as_deref(), Some("f-registry-0-password"));
        let blank = run([Action::Preset(Preset::Harbor), set(Key::Username, 0, 0, "")])
            .reduce(Action::SetDiagnoseText(STORY_401.into()));
        assert_eq!(blank.focus_after(&Action::ApplyPrefill(i)).as_deref(), Some("f-registry-0-username"));
    }

    /// Review 10 web L2: a 401 for a registry that already has its credentials changes
    /// nothing, so it offers nothing.
    #[test]
    fn a_401_for_a_registry_with_credentials_offers_nothing() {
        let full = run([
            Action::Preset(Preset::Harbor),
            set(Key::Username, 0, 0, "robot$ci"),
            set(Key::Password, 0, 0, "secret"),
        ])
        .reduce(Action::SetDiagnoseText(STORY_401.into()));
        let i = full.diagnosis.findings.iter().position(|f| f.prefill.credentials_needed).expect("the 401 finding");
        let done = full.prefilled(i).expect("a finding");
        assert_eq!(done.credentials, None, "{done:?}");
        assert!(!done.does_something(), "{done:?}");
    }

    /// Review 6 M2: STORY step 3's 401 names no registry. With exactly one registry in the
    /// form the button leads to its user name; with none or several there is no button.
    #[test]
    fn a_401_without_a_host_leads_to_the_only_registry_or_none() {
        let none = run([Action::SetDiagnoseText(STORY_401.into())]);
        let i = none.diagnosis.findings.iter().position(|f| f.prefill.credentials_needed).expect("the 401 finding");
        let done = none.prefilled(i).expect("a finding");
        assert_eq!((done.credentials, done.does_something()), (None, false), "{done:?}");

        let one = run([Action::Add(Item::Registry, 0), set(Key::Host, 0, 0, "hub.mooc.com")])
            .reduce(Action::SetDiagnoseText(STORY_401.into()));
        let done = one.prefilled(i).expect("a finding");
        assert_eq!(done.credentials, Some(0));
        assert!(done.does_something());
        assert_eq!(one.focus_after(&Action::ApplyPrefill(i)).as_deref(), Some("f-registry-0-username"));
        let one = one.reduce(Action::ApplyPrefill(i));
        assert_eq!(one.wants_credentials, Some(0));
        assert_eq!(one.form.registries.len(), 1, "no registry added");

        let two = run([
            Action::Add(Item::Registry, 0),
            set(Key::Host, 0, 0, "hub.mooc.com"),
            Action::Add(Item::Registry, 0),
            set(Key::Host, 1, 0, "docker.io"),
            Action::SetDiagnoseText(STORY_401.into()),
        ]);
        let done = two.prefilled(i).expect("a finding");
        assert_eq!((done.credentials, done.does_something()), (None, false), "{done:?}");
    }

    #[test]
    fn a_finding_that_needs_credentials_marks_its_registry() {
        let s = run([
            Action::Add(Item::Registry, 0),
            set(Key::Host, 0, 0, "other.example"),
            Action::SetDiagnoseText(
                "Failed to pull image \"hub.mooc.com/app:v1\": failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized".into(),
            ),
        ]);
        let i = s.diagnosis.findings.iter().position(|f| f.prefill.credentials_needed).expect("an auth finding");
        let s = s.reduce(Action::ApplyPrefill(i));
        assert_eq!(s.form.registries[1].host, "hub.mooc.com");
        assert_eq!(s.wants_credentials, Some(1));
        assert_eq!(s.reduce(Action::Remove(Item::Registry, 0, 0)).wants_credentials, None);
    }

    #[test]
    fn a_mirror_401_asks_for_the_mirror_registrys_credentials() {
        // containerd 1.6.20 through CRI, Docker Hub via a Harbor proxy cache (operator review 4, M2).
        let text = "failed to pull and unpack image \"docker.io/library/busybox:1.36\": failed to resolve reference \"docker.io/library/busybox:1.36\": pulling from host harbor.example.net failed with status code [manifests 1.36]: 401 Unauthorized";
        let s = run([Action::SetDiagnoseText(text.into())]);
        let i = s.diagnosis.findings.iter().position(|f| f.prefill.credentials_needed).expect("an auth finding");
        let s = s.reduce(Action::ApplyPrefill(i));
        let hosts: Vec<&str> = s.form.registries.iter().map(|r| r.host.as_str()).collect();
        assert_eq!(hosts, ["docker.io", "harbor.example.net"]);
        assert_eq!(s.wants_credentials, Some(1), "the mirror's registry, not docker.io");
    }

    #[test]
    fn a_prefill_keeps_the_forms_version_unless_the_text_prints_one() {
        // The STORY's pause:3.2 event only hints at containerd 1.4: the form's 2.1 stays,
        // also when the form changed after the paste.
        let text = include_str!("../../tests/fixtures/diagnose/events-1.4-pause-3.2-and-x509.txt");
        let s = run([set(Key::Containerd, 0, 0, "1.7"), Action::SetDiagnoseText(text.into())]);
        let s = s.reduce(set(Key::Containerd, 0, 0, "2.1"));
        assert!(s.diagnosis.facts.containerd.is_none());
        let i = s.diagnosis.findings.iter().position(|f| f.prefill.containerd.is_some()).expect("a versioned prefill");
        let s = s.reduce(Action::ApplyPrefill(i));
        assert_eq!(s.form.containerd, "2.1");
        // A version the text prints (containerd's own journal) replaces it.
        let journal = include_str!("../../tests/fixtures/diagnose/containerd-2.x-unknown-key-journal.log");
        let s = s.reduce(Action::SetDiagnoseText(journal.into()));
        let printed = s.diagnosis.facts.containerd.clone().expect("the journal prints its version");
        let i = s.diagnosis.findings.iter().position(|f| f.prefill.containerd.is_some()).expect("a versioned prefill");
        let s = s.reduce(Action::ApplyPrefill(i));
        assert_eq!(s.form.containerd, printed);
    }

    #[test]
    fn a_pasted_containerd_io_version_replaces_the_forms_2_1() {
        // Review 6 H1: Docker's containerd.io package prints its own spelling.
        let text = "$ containerd --version\ncontainerd containerd.io 1.4.13 9cc61520f4cd876b86e77edfeb88fbcd536d1f9d\n\
                    E1126 02:00:01 failed to do request: Head \"https://hub.mooc.com/v2/kubernetes/cronjob/manifests/v1\": \
                    x509: certificate signed by unknown authority\n";
        let s = run([set(Key::Containerd, 0, 0, "2.1"), Action::SetDiagnoseText(text.into())]);
        assert_eq!(s.diagnosis.facts.containerd.as_deref(), Some("1.4.13"));
        let i = s.diagnosis.findings.iter().position(|f| f.prefill.ca_needed).expect("the x509 finding");
        let s = s.reduce(Action::ApplyPrefill(i));
        assert_eq!(s.form.containerd, "1.4.13");
    }

    #[test]
    fn a_version_2_paste_keeps_its_version_on_2x_until_converting_is_chosen() {
        let file = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n";
        let s = run([Action::Preset(Preset::Harbor), Action::SetExistingConfig(file.into())]);
        let s = s.reduce(set(Key::Containerd, 0, 0, "2.1"));
        assert!(!s.convert_version);
        assert_eq!(s.merge.as_ref().and_then(|m| m.version), Some(2));
        let s = s.reduce(Action::SetConvertVersion(true));
        assert_eq!(s.merge.as_ref().and_then(|m| m.version), Some(3));
        assert!(s.rendered.diagnostics.iter().any(|d| d.code == "merge.ignored-tables"
            && d.severity == pullfix_core::Severity::Error
            && d.message.contains("SystemdCgroup")));
    }

    /// The review's M1: on k3s the pasted file is not merged (k3s regenerates config.toml
    /// from registries.yaml): no merged card, no merge summary, an info on the box instead.
    #[test]
    fn a_pasted_config_is_not_merged_on_a_flavour_that_writes_it() {
        let s = run([Action::Preset(Preset::Harbor), Action::SetExistingConfig("version = 2\n".into())]);
        assert!(s.merge.is_some());
        let s = s.reduce(set(Key::Flavor, 0, 0, "k3s"));
        assert!(s.merge.is_none());
        assert!(s.rendered.files.iter().all(|f| !f.path.starts_with("merged/")), "{:?}", s.rendered.files);
        assert!(s.rendered.files.iter().any(|f| f.path == "etc/rancher/k3s/registries.yaml"));
        assert!(s
            .rendered
            .diagnostics
            .iter()
            .any(|d| d.field.as_str() == "existing_config" && d.code == "merge.not-for-flavor"));
        let s = s.reduce(set(Key::Flavor, 0, 0, "minikube"));
        assert!(s.merge.is_some() && s.rendered.files.iter().any(|f| f.path == "merged/config.toml"));
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
            set(Key::Flavor, 0, 0, "k3s"),
            set(Key::Daemonset, 0, 0, value::ON),
            set(Key::RolloutNamespace, 0, 0, "infra"),
            set(Key::SyncSeconds, 0, 0, "30 "),
            set(Key::NodeSelector, 0, 0, "b=1, node-role.kubernetes.io/worker="),
            set(Key::Tolerations, 0, 0, "dedicated=gpu:NoSchedule, *, x:NoExecute"),
        ]);
        let r = &s.form.rollout;
        assert_eq!(
            (s.form.flavor, r.daemonset, r.namespace.as_str(), r.sync_seconds),
            (Flavor::K3s, true, "infra", 30)
        );
        assert_eq!(r.node_selector.get("b").map(String::as_str), Some("1"));
        assert_eq!(r.tolerations.len(), 3);
        // Typed text stays as typed (unsorted), the form's value is written out otherwise.
        assert_eq!(s.shown(Key::NodeSelector.into()), "b=1, node-role.kubernetes.io/worker=");
        assert_eq!(s.shown(Key::SyncSeconds.into()), "30 ");
        let s2 = State::open(Lang::En, link(&s.form));
        assert_eq!(s2.shown(Key::Tolerations.into()), "dedicated=gpu:NoSchedule, *, x:NoExecute");
        assert_eq!(s2.shown(Key::SyncSeconds.into()), "30");
        assert!(s2.rendered.files.iter().any(|f| f.path.ends_with("registries.yaml")));
        // A value no control offers changes nothing.
        let s2 = Rc::new(s2);
        assert_eq!(s2.clone().reduce(set(Key::Flavor, 0, 0, "openshift")).form, s2.form);
    }

    /// What the form could not take from a typed text is an error beside the field, in
    /// the page's language, kept while the text is shown, gone once it is fixed.
    #[test]
    fn typed_texts_the_form_cannot_take_are_errors_on_their_fields() {
        let errors = |s: &State, field: &str| {
            s.rendered
                .diagnostics
                .iter()
                .filter(|d| d.field.as_str() == field)
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
        };
        let s = run([set(Key::SyncSeconds, 0, 0, "3.5"), set(Key::NodeSelector, 0, 0, "kubernetes.io/os linux")]);
        assert_eq!(s.form.rollout.sync_seconds, 0);
        assert!(s.form.rollout.node_selector.is_empty());
        assert_eq!(s.shown(Key::SyncSeconds.into()), "3.5", "the field keeps what was typed");
        assert_eq!(errors(&s, "rollout.sync_seconds").len(), 1);
        assert_eq!(errors(&s, "rollout.node_selector").len(), 1);
        // Removing a registry keeps the rollout's typed texts and their errors.
        let s = s.reduce(Action::Add(Item::Registry, 0)).reduce(Action::Remove(Item::Registry, 0, 0));
        assert_eq!(errors(&s, "rollout.sync_seconds").len(), 1);
        let en = errors(&s, "rollout.node_selector");
        let s = s.reduce(Action::SetLang(Lang::Zh));
        assert_ne!(errors(&s, "rollout.node_selector"), en, "in the page's language");
        let s =
            s.reduce(set(Key::SyncSeconds, 0, 0, "35")).reduce(set(Key::NodeSelector, 0, 0, "kubernetes.io/os=linux"));
        assert_eq!(s.form.rollout.sync_seconds, 35);
        assert!(errors(&s, "rollout.sync_seconds").is_empty() && errors(&s, "rollout.node_selector").is_empty());
        // `0` is no silent 60 (the review's L2): the field keeps `0` and says so.
        let s = s.reduce(set(Key::SyncSeconds, 0, 0, "0"));
        assert_eq!((s.form.rollout.sync_seconds, s.shown(Key::SyncSeconds.into()).as_str()), (0, "0"));
        assert_eq!(errors(&s, "rollout.sync_seconds").len(), 1, "{:?}", s.rendered.diagnostics);
        let s = s.reduce(set(Key::SyncSeconds, 0, 0, ""));
        assert!(errors(&s, "rollout.sync_seconds").is_empty());
    }

    /// The review's L5: a bad label key in the node selector is an error in the page's
    /// language, also when the form came from a link (no typed text), and it follows a
    /// language switch; core's English one is not shown as well.
    #[test]
    fn node_selector_label_errors_follow_the_pages_language() {
        let in_selector = |s: &State| {
            s.rendered
                .diagnostics
                .iter()
                .filter(|d| d.field.as_str().starts_with("rollout.node_selector"))
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
        };
        let s = run([set(Key::NodeSelector, 0, 0, "bad key!=x")]);
        let en = in_selector(&s);
        assert_eq!(en.len(), 2, "{en:?}");
        let s = s.reduce(Action::SetLang(Lang::Zh));
        let zh = in_selector(&s);
        assert_eq!(zh.len(), 2, "{zh:?}");
        assert!(zh.iter().all(|m| m.contains("节点") || m.contains("label=value")), "{zh:?}");
        assert!(zh.iter().any(|m| m.contains("\"key!\"：不是有效的节点标签键")), "{zh:?}");
        // Sibling errors on one field quote alike: `"item"：…，已从节点选择器中略去。` (the review's L4).
        for m in &zh {
            let (quoted, rest) =
                m.split_once('：').unwrap_or_else(|| panic!("no full-width colon after the item: {m}"));
            assert!(quoted.starts_with('"') && quoted.ends_with('"'), "{m}");
            assert!(rest.ends_with("，已从节点选择器中略去。"), "{m}");
        }
        // From a link: the same error, in Chinese, without a typed text.
        let opened = State::open(Lang::Zh, link(&s.form));
        assert!(opened.raw.is_empty());
        let key_error: Vec<String> = zh.into_iter().filter(|m| m.contains("\"key!\"")).collect();
        assert_eq!(in_selector(&opened), key_error);
    }

    #[test]
    fn focus_goes_to_the_new_item_or_the_neighbour() {
        let focus = |s: &State, a: Action| s.focus_after(&a);
        let (add, remove) = (Action::Add, Action::Remove);
        let s = run([add(Item::Registry, 0), add(Item::Registry, 0), add(Item::Mirror, 1), add(Item::Patch, 0)]);
        assert_eq!(focus(&s, add(Item::Registry, 0)).as_deref(), Some("f-registry-2-host"));
        assert_eq!(focus(&s, add(Item::Mirror, 1)).as_deref(), Some("f-registry-1-mirror-1-url"));
        assert_eq!(focus(&s, add(Item::Mirror, 5)), None, "no such registry");
        assert_eq!(focus(&s, add(Item::Patch, 0)).as_deref(), Some("f-kubernetes-patch-1-kind"));
        // The next item moves up into the removed one's place; the last one's neighbour is
        // the one before; the only one's is the add button.
        assert_eq!(focus(&s, remove(Item::Registry, 0, 0)).as_deref(), Some("f-registry-0-host"));
        assert_eq!(focus(&s, remove(Item::Registry, 1, 0)).as_deref(), Some("f-registry-0-host"));
        assert_eq!(focus(&s, remove(Item::Registry, 2, 0)), None, "nothing to remove");
        assert_eq!(focus(&s, remove(Item::Mirror, 1, 0)).as_deref(), Some("add-mirror-1"));
        assert_eq!(focus(&s, remove(Item::Patch, 0, 0)).as_deref(), Some("add-patch"));
        let one = run([add(Item::Registry, 0)]);
        assert_eq!(focus(&one, remove(Item::Registry, 0, 0)).as_deref(), Some("add-registry"));
        assert_eq!(focus(&s, Action::ShowRest), None);
    }
}
