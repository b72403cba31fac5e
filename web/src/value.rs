//! A field's value as its input shows it: [`get`] writes it out, [`set`] reads what was
//! typed. Every input, the share link and the presets go through [`set`].

use pullfix_core::rollout::Toleration;
use pullfix_core::{Diagnostic, Field, Form};

use crate::i18n::{fill, Text};
use crate::key::{Key, Loc};

/// The text of a check box that is on (off: empty).
pub const ON: &str = "true";

/// The value at `loc` as its input shows it (check boxes: [`ON`] or empty); `None` when
/// the registry, mirror or patch target does not exist.
pub fn get(form: &Form, loc: Loc) -> Option<String> {
    use Key::*;
    let (k, r, p) = (&form.kubernetes, &form.rollout, form.kubernetes.patches.get(loc.i));
    let reg = form.registries.get(loc.i);
    let m = reg.and_then(|r| r.mirrors.get(loc.j));
    let flag = |b: bool| if b { ON } else { "" }.to_owned();
    let list = |items: &[String]| items.join(", ");
    Some(match loc.key {
        Containerd => form.containerd.clone(),
        SandboxImage => form.sandbox_image.clone(),
        ConfigPath => form.config_path.clone(),
        LegacyConfig => flag(form.legacy_config),
        Flavor => form.flavor.as_str().to_owned(),
        Host => reg?.host.clone(),
        Scheme => reg?.scheme.as_str().to_owned(),
        CaFile => reg?.ca_file.clone(),
        CaPem => reg?.ca_pem.clone(),
        ClientCert => reg?.client_cert.clone(),
        ClientKey => reg?.client_key.clone(),
        SkipVerify => flag(reg?.skip_verify),
        Username => reg?.username.clone(),
        Password => reg?.password.clone(),
        IdentityToken => reg?.identity_token.clone(),
        NodeAuth => flag(reg?.node_auth),
        MirrorOnly => flag(reg?.mirror_only),
        MirrorUrl => m?.url.clone(),
        OverridePath => flag(m?.override_path),
        Capabilities => list(&m?.capabilities),
        MirrorCaFile => m?.ca_file.clone(),
        MirrorSkipVerify => flag(m?.skip_verify),
        SecretName => k.secret_name.clone(),
        Namespaces => list(&k.namespaces),
        Email => k.email.clone(),
        PatchKind => p?.kind.clone(),
        PatchName => p?.name.clone(),
        PatchNamespace => p?.namespace.clone(),
        Daemonset => flag(r.daemonset),
        NodeScript => flag(r.node_script),
        RolloutNamespace => r.namespace.clone(),
        RolloutName => r.name.clone(),
        Image => r.image.clone(),
        ImagePullSecret => r.image_pull_secret.clone(),
        NodeSelector => r.node_selector.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", "),
        Tolerations => r.tolerations.iter().map(toleration_text).collect::<Vec<_>>().join(", "),
        SyncSeconds if r.sync_seconds == 0 => String::new(),
        SyncSeconds => r.sync_seconds.to_string(),
        VerifyImage => r.verify_image.clone(),
    })
}

/// Sets the field at `loc` from what was typed: lists split like [`split_list`],
/// `sync_seconds` a whole number (anything else, and `0`, leaves its default, and
/// [`typed_problem`] says so), the node selector's `label=value` items (an item without `=` is left out,
/// [`typed_problem`] says so), check boxes take [`ON`] or empty (also `false`).
/// False, changing nothing, when the item does not exist or the value is not one the
/// control offers (a check box's `yes`, an unknown flavour).
pub fn set(form: &mut Form, loc: Loc, v: &str) -> bool {
    use Key::*;
    let Form { kubernetes: k, rollout: r, .. } = form;
    let flag = match v {
        ON => Some(true),
        "" | "false" => Some(false),
        _ => None,
    };
    let text = match loc.key {
        Containerd => &mut form.containerd,
        SandboxImage => &mut form.sandbox_image,
        ConfigPath => &mut form.config_path,
        SecretName => &mut k.secret_name,
        Email => &mut k.email,
        RolloutNamespace => &mut r.namespace,
        RolloutName => &mut r.name,
        Image => &mut r.image,
        ImagePullSecret => &mut r.image_pull_secret,
        VerifyImage => &mut r.verify_image,
        PatchKind | PatchName | PatchNamespace => {
            let Some(p) = k.patches.get_mut(loc.i) else { return false };
            match loc.key {
                PatchKind => &mut p.kind,
                PatchName => &mut p.name,
                _ => &mut p.namespace,
            }
        }
        Host | CaFile | CaPem | ClientCert | ClientKey | Username | Password | IdentityToken => {
            let Some(reg) = form.registries.get_mut(loc.i) else { return false };
            match loc.key {
                Host => &mut reg.host,
                CaFile => &mut reg.ca_file,
                CaPem => &mut reg.ca_pem,
                ClientCert => &mut reg.client_cert,
                ClientKey => &mut reg.client_key,
                Username => &mut reg.username,
                Password => &mut reg.password,
                _ => &mut reg.identity_token,
            }
        }
        MirrorUrl | MirrorCaFile => {
            let Some(m) = form.registries.get_mut(loc.i).and_then(|r| r.mirrors.get_mut(loc.j)) else { return false };
            if loc.key == MirrorUrl {
                &mut m.url
            } else {
                &mut m.ca_file
            }
        }
        _ => return set_other(form, loc, v, flag),
    };
    *text = v.to_owned();
    true
}

/// [`set`] of the fields that are not plain text.
fn set_other(form: &mut Form, loc: Loc, v: &str, flag: Option<bool>) -> bool {
    use Key::*;
    let Form { kubernetes: k, rollout: r, .. } = form;
    let b = match loc.key {
        LegacyConfig => &mut form.legacy_config,
        Daemonset => &mut r.daemonset,
        NodeScript => &mut r.node_script,
        Namespaces => {
            k.namespaces = split_list(v);
            return true;
        }
        Flavor => match pullfix_core::flavor::Flavor::parse(v) {
            Some(f) => {
                form.flavor = f;
                return true;
            }
            None => return false,
        },
        SyncSeconds => {
            r.sync_seconds = seconds(v).unwrap_or(0);
            return true;
        }
        NodeSelector => {
            r.node_selector = split_list(v)
                .iter()
                .filter_map(|item| item.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            return true;
        }
        Tolerations => {
            r.tolerations = split_list(v).iter().map(|t| parse_toleration(t)).collect();
            return true;
        }
        _ => {
            let Some(reg) = form.registries.get_mut(loc.i) else { return false };
            match loc.key {
                Scheme => {
                    reg.scheme = match v {
                        "http" => pullfix_core::Scheme::Http,
                        "https" => pullfix_core::Scheme::Https,
                        _ => return false,
                    };
                    return true;
                }
                SkipVerify => &mut reg.skip_verify,
                NodeAuth => &mut reg.node_auth,
                MirrorOnly => &mut reg.mirror_only,
                _ => {
                    let Some(m) = reg.mirrors.get_mut(loc.j) else { return false };
                    match loc.key {
                        Capabilities => {
                            m.capabilities = split_list(v);
                            return true;
                        }
                        OverridePath => &mut m.override_path,
                        _ => &mut m.skip_verify,
                    }
                }
            }
        }
    };
    match flag {
        Some(on) => {
            *b = on;
            true
        }
        None => false,
    }
}

/// The smallest interval the sync loop takes, in seconds (`0` in the form means the
/// default, [`pullfix_core::rollout::DEFAULT_SYNC_SECONDS`]).
pub const MIN_SYNC_SECONDS: u32 = 1;

/// A whole number of seconds as typed (surrounding spaces allowed); `None` for anything
/// else (`3.5`, `-5`, `abc`, more than `u32` holds). Empty is 0: the default.
fn seconds(text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return Some(0);
    }
    text.bytes().all(|b| b.is_ascii_digit()).then(|| text.parse().ok()).flatten()
}

/// What [`set`] could not take from a field's typed text: it then says so beside the
/// field, rather than silently reading something else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedProblem {
    /// `sync_seconds` is not a whole number of seconds (the default applies).
    NotSeconds,
    /// `sync_seconds` is `0` (or `00`): below [`MIN_SYNC_SECONDS`]; the form holds 0,
    /// which means the default, 60, so the field says so instead of a silent 60.
    ZeroSeconds,
    /// Node selector items without `=`, left out.
    NotLabelValue(Vec<String>),
}

/// The problem with `text` typed into the field at `loc`, if [`set`] could not take all of it.
pub fn typed_problem(loc: Loc, text: &str) -> Option<TypedProblem> {
    match loc.key {
        Key::SyncSeconds => match seconds(text) {
            None => Some(TypedProblem::NotSeconds),
            Some(0) if !text.trim().is_empty() => Some(TypedProblem::ZeroSeconds),
            Some(_) => None,
        },
        Key::NodeSelector => {
            let bad: Vec<String> = split_list(text).into_iter().filter(|item| !item.contains('=')).collect();
            (!bad.is_empty()).then_some(TypedProblem::NotLabelValue(bad))
        }
        _ => None,
    }
}

/// The diagnostics of the typed texts `raw` that [`set`] could not take (errors on their
/// fields, in the page's language).
pub fn typed_diagnostics(t: &Text, raw: &[(Loc, String)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (loc, text) in raw {
        let field = Field::root(&loc.path());
        match typed_problem(*loc, text) {
            Some(TypedProblem::NotSeconds) => out.push(Diagnostic::error(
                field,
                "rollout.sync-seconds",
                fill(t.sync_seconds_error, "value", &format!("{:?}", text.trim())),
                t.sync_seconds_fix,
            )),
            Some(TypedProblem::ZeroSeconds) => out.push(Diagnostic::error(
                field,
                "rollout.sync-seconds",
                fill(t.sync_seconds_zero_error, "value", &format!("{:?}", text.trim())),
                fill(t.sync_seconds_zero_fix, "min", &MIN_SYNC_SECONDS.to_string()),
            )),
            Some(TypedProblem::NotLabelValue(bad)) => {
                let items = bad.iter().map(|b| format!("{b:?}")).collect::<Vec<_>>().join(", ");
                // `kubernetes.io/os linux`: a space typed for the `=`.
                let example = match &bad[..] {
                    [k, v] => format!("{k}={v}"),
                    _ => "kubernetes.io/os=linux".to_owned(),
                };
                out.push(Diagnostic::error(
                    field,
                    "rollout.node-selector-entry",
                    fill(t.node_selector_error, "items", &items),
                    fill(t.node_selector_fix, "example", &example),
                ));
            }
            None => {}
        }
    }
    out
}

/// The codes of the diagnostics the page writes itself, in its language: those of
/// [`typed_diagnostics`] and of [`selector_diagnostics`] (switching the language renders
/// again when any is shown).
pub const PAGE_CODES: &[&str] = &[
    "rollout.sync-seconds",
    "rollout.node-selector-entry",
    "rollout.node-selector-key",
    "rollout.node-selector-value",
];

/// The node selector's bad label keys and values, as core's rollout check finds them
/// (same codes, fields and order, `pullfix_core::rollout::check`), in the page's
/// language: the page shows these instead of core's English ones, so one field never
/// mixes languages (the review's L5).
pub fn selector_diagnostics(t: &Text, form: &Form) -> Vec<Diagnostic> {
    use pullfix_core::diagnostic::quoted;
    use pullfix_core::rollout::{is_label_key, is_label_value};
    let mut out = Vec::new();
    for (k, v) in &form.rollout.node_selector {
        let field = Field::root("rollout").key("node_selector").key(k);
        if !is_label_key(k) {
            out.push(Diagnostic::error(
                field,
                "rollout.node-selector-key",
                fill(t.node_selector_key_error, "key", &quoted(k)),
                t.node_selector_key_fix,
            ));
        } else if !is_label_value(v) {
            out.push(Diagnostic::error(
                field,
                "rollout.node-selector-value",
                fill(t.node_selector_value_error, "value", &quoted(v)),
                t.node_selector_value_fix,
            ));
        }
    }
    out
}

/// The page's own diagnostics in place of core's English ones: drops core's node
/// selector key/value errors from `diagnostics` and adds [`selector_diagnostics`] and
/// [`typed_diagnostics`], in the page's language.
pub fn page_diagnostics(t: &Text, form: &Form, raw: &[(Loc, String)], diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.retain(|d| !matches!(d.code, "rollout.node-selector-key" | "rollout.node-selector-value"));
    diagnostics.extend(selector_diagnostics(t, form));
    diagnostics.extend(typed_diagnostics(t, raw));
}

/// The items of a list typed into one field: separated by commas (also `，`) or spaces,
/// empty items dropped.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{Scope, KEYS};
    use pullfix_core::{Mirror, PatchTarget, Registry};

    fn shaped() -> Form {
        let mut f = Form {
            registries: vec![
                Registry::default(),
                Registry { mirrors: vec![Mirror::default(); 2], ..Registry::default() },
            ],
            ..Form::default()
        };
        f.kubernetes.patches = vec![PatchTarget::default(); 2];
        f
    }

    fn loc(key: Key) -> Loc {
        match key.scope() {
            Scope::Registry | Scope::Patch => key.at(1, 0),
            Scope::Mirror => key.at(1, 1),
            _ => key.at(0, 0),
        }
    }

    #[test]
    fn every_field_reads_back_what_was_set() {
        for &key in KEYS {
            let value = match key {
                Key::Scheme => "http",
                Key::Flavor => "k3s",
                Key::SyncSeconds => "30",
                Key::Capabilities | Key::Namespaces => "pull, resolve",
                Key::NodeSelector => "a=1, b=",
                Key::Tolerations => "dedicated=gpu:NoSchedule, *",
                _ if key.kind() == crate::key::Kind::Check => ON,
                _ => "a value",
            };
            let mut form = shaped();
            assert!(set(&mut form, loc(key), value), "{key:?}");
            assert_ne!(form, shaped(), "{key:?} changed nothing");
            assert_eq!(get(&form, loc(key)).as_deref(), Some(value), "{key:?}");
            // Only that field: setting it on the other item changes the other item.
            let mut other = shaped();
            let elsewhere = match key.scope() {
                Scope::Registry | Scope::Patch => key.at(0, 0),
                Scope::Mirror => key.at(1, 0),
                _ => continue,
            };
            assert!(set(&mut other, elsewhere, value));
            assert_ne!(other, form, "{key:?}");
        }
    }

    #[test]
    fn missing_items_and_values_no_control_offers_change_nothing() {
        for &key in KEYS {
            let mut form = Form::default();
            let missing = key.at(0, 0);
            if matches!(key.scope(), Scope::Registry | Scope::Mirror | Scope::Patch) {
                assert!(!set(&mut form, missing, "x"), "{key:?}");
                assert_eq!(get(&form, missing), None, "{key:?}");
            }
            assert_eq!(form, Form::default());
        }
        let mut form = shaped();
        for (key, bad) in [(Key::NodeAuth, "yes"), (Key::Scheme, "ftp"), (Key::Flavor, "openshift")] {
            assert!(!set(&mut form, loc(key), bad), "{key:?}");
        }
        assert_eq!(form, shaped());
    }

    #[test]
    fn typed_lists_are_split_and_written_out() {
        let mut form = shaped();
        assert!(set(&mut form, Key::Namespaces.into(), "apps, ci ，x "));
        assert_eq!(form.kubernetes.namespaces, ["apps", "ci", "x"]);
        assert!(set(&mut form, Key::SyncSeconds.into(), " 30 "));
        assert_eq!(form.rollout.sync_seconds, 30);
        assert!(set(&mut form, Key::NodeSelector.into(), "b=1, node-role.kubernetes.io/worker="));
        assert_eq!(form.rollout.node_selector.get("b").map(String::as_str), Some("1"));
        assert!(set(&mut form, Key::Tolerations.into(), "dedicated=gpu:NoSchedule, *, x:NoExecute"));
        let t = |k: &str, o: &str, v: &str, e: &str| Toleration {
            key: k.into(),
            operator: o.into(),
            value: v.into(),
            effect: e.into(),
        };
        assert_eq!(
            form.rollout.tolerations,
            [t("dedicated", "Equal", "gpu", "NoSchedule"), t("", "Exists", "", ""), t("x", "Exists", "", "NoExecute")]
        );
        for tol in &form.rollout.tolerations {
            assert_eq!(parse_toleration(&toleration_text(tol)), *tol);
        }
    }

    /// `3.5` is not 35 s, `-5` not 5 s, `abc` not silently 60 s; `kubernetes.io/os linux`
    /// is not two empty-valued labels: the form keeps the default or leaves them out,
    /// and the field gets an error naming the expected form.
    #[test]
    fn typed_text_set_cannot_take_gets_an_error_not_another_value() {
        let en = crate::i18n::Lang::En.text();
        for bad in ["3.5", "-5", "abc", "3x0", "99999999999"] {
            let mut form = shaped();
            form.rollout.sync_seconds = 30;
            assert!(set(&mut form, Key::SyncSeconds.into(), bad));
            assert_eq!(form.rollout.sync_seconds, 0, "{bad}: the default applies");
            assert_eq!(typed_problem(Key::SyncSeconds.into(), bad), Some(TypedProblem::NotSeconds), "{bad}");
            let d = typed_diagnostics(en, &[(Key::SyncSeconds.into(), bad.to_owned())]);
            assert_eq!(d.len(), 1, "{bad}");
            assert_eq!((d[0].field.as_str(), d[0].severity), ("rollout.sync_seconds", pullfix_core::Severity::Error));
            assert!(d[0].message.contains(bad) && d[0].message.contains("whole number"), "{:?}", d[0]);
        }
        for fine in ["", " ", "30", " 45 ", "1"] {
            assert_eq!(typed_problem(Key::SyncSeconds.into(), fine), None, "{fine:?}");
        }

        let mut form = shaped();
        assert!(set(&mut form, Key::NodeSelector.into(), "kubernetes.io/os linux"));
        assert!(form.rollout.node_selector.is_empty(), "{:?}", form.rollout.node_selector);
        assert!(set(&mut form, Key::NodeSelector.into(), "pool=gpu, zone"));
        assert_eq!(form.rollout.node_selector.len(), 1, "the label=value item stays");
        let typed = [(Key::NodeSelector.into(), "kubernetes.io/os linux".to_owned())];
        let d = typed_diagnostics(en, &typed);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field.as_str(), "rollout.node_selector");
        assert!(d[0].message.contains("\"kubernetes.io/os\", \"linux\"") && d[0].message.contains("label=value"));
        assert!(d[0].fix.contains("kubernetes.io/os=linux"), "{:?}", d[0]);
        // An empty value is written `label=`; that is fine.
        assert_eq!(typed_problem(Key::NodeSelector.into(), "node-role.kubernetes.io/worker="), None);
        let zh = typed_diagnostics(crate::i18n::Lang::Zh.text(), &typed);
        assert!(zh[0].message.contains("label=value") && zh[0].message != d[0].message);
    }

    /// The review's L2: `0` and `00` are no silent 60 s: the form keeps its default (0,
    /// which means 60), and the field gets an error in the page's language that says 0 is
    /// not allowed, names the minimum and that empty means 60.
    #[test]
    fn zero_seconds_is_an_error_naming_the_minimum_and_the_default() {
        for zero in ["0", "00", " 0 "] {
            let mut form = shaped();
            form.rollout.sync_seconds = 30;
            assert!(set(&mut form, Key::SyncSeconds.into(), zero));
            assert_eq!(form.rollout.sync_seconds, 0, "{zero:?}: the default applies");
            assert_eq!(form.rollout.sync_seconds(), pullfix_core::rollout::DEFAULT_SYNC_SECONDS);
            assert_eq!(typed_problem(Key::SyncSeconds.into(), zero), Some(TypedProblem::ZeroSeconds), "{zero:?}");
            let typed = [(Key::SyncSeconds.into(), zero.to_owned())];
            let en = typed_diagnostics(crate::i18n::Lang::En.text(), &typed);
            assert_eq!(en.len(), 1, "{zero:?}");
            assert_eq!((en[0].field.as_str(), en[0].severity), ("rollout.sync_seconds", pullfix_core::Severity::Error));
            assert!(en[0].message.contains("0 seconds is not allowed") && en[0].message.contains("60"), "{:?}", en[0]);
            assert!(en[0].fix.contains("at least 1 second") && en[0].fix.contains("empty for 60"), "{:?}", en[0]);
            let zh = typed_diagnostics(crate::i18n::Lang::Zh.text(), &typed);
            assert!(zh[0].message.contains("不允许为 0") && zh[0].message.contains("60"), "{:?}", zh[0]);
            assert!(zh[0].fix.contains("至少 1 秒") && zh[0].fix.contains("留空即 60"), "{:?}", zh[0]);
        }
        assert_eq!(typed_problem(Key::SyncSeconds.into(), "10"), None);
    }

    /// The review's L5: `bad key!=x` in the node selector gave one Chinese error (`bad`:
    /// not label=value) and one English one from core (`key!`: not a label key). The
    /// page's own check covers the label keys and values, same codes and fields as core's,
    /// in the page's language, and replaces core's English ones.
    #[test]
    fn node_selector_key_and_value_errors_are_in_the_pages_language() {
        let mut form = shaped();
        assert!(set(&mut form, Key::NodeSelector.into(), "bad key!=x, pool=-gpu, node-role.kubernetes.io/worker="));
        let raw = [(Key::NodeSelector.into(), "bad key!=x, pool=-gpu, node-role.kubernetes.io/worker=".to_owned())];
        let core = pullfix_core::render(&form).diagnostics;
        let core_codes = |d: &[Diagnostic]| {
            d.iter()
                .filter(|d| d.code.starts_with("rollout.node-selector-"))
                .map(|d| (d.field.to_string(), d.code))
                .collect::<Vec<_>>()
        };
        let expected = [
            ("rollout.node_selector.key!".to_owned(), "rollout.node-selector-key"),
            ("rollout.node_selector.pool".to_owned(), "rollout.node-selector-value"),
        ];
        assert_eq!(core_codes(&core), expected, "core's check finds both");
        for lang in [crate::i18n::Lang::En, crate::i18n::Lang::Zh] {
            let t = lang.text();
            let mut d = core.clone();
            page_diagnostics(t, &form, &raw, &mut d);
            let mut selector: Vec<_> = core_codes(&d);
            selector.retain(|(_, code)| *code != "rollout.node-selector-entry");
            assert_eq!(selector, expected, "{lang:?}: core's errors replaced one for one");
            let on_field: Vec<&Diagnostic> =
                d.iter().filter(|d| d.field.as_str().starts_with("rollout.node_selector")).collect();
            assert_eq!(on_field.len(), 3, "{lang:?}: {on_field:?}");
            for diag in &on_field {
                let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                let zh = lang == crate::i18n::Lang::Zh;
                assert_eq!(cjk(&diag.message), zh, "{lang:?}: {diag:?}");
                assert_eq!(cjk(&diag.fix), zh, "{lang:?}: {diag:?}");
                assert_eq!(diag.severity, pullfix_core::Severity::Error);
            }
            assert!(on_field.iter().any(|d| d.message.contains("\"key!\"")), "{on_field:?}");
            assert!(on_field.iter().any(|d| d.message.contains("\"-gpu\"")), "{on_field:?}");
        }
        // A clean selector: nothing added.
        let mut form = shaped();
        assert!(set(&mut form, Key::NodeSelector.into(), "kubernetes.io/os=linux, node-role.kubernetes.io/worker="));
        assert!(selector_diagnostics(crate::i18n::Lang::Zh.text(), &form).is_empty());
    }
}
