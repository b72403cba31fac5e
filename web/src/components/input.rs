//! One field of the form: its label, control, hint and diagnostics, all from its [`Key`].
//! Every input of the page is rendered by [`input`] and sets its value through one
//! callback (`Action::Set`), so the page's wasm holds one copy of this code.

use pullfix_core::flavor;
use pullfix_core::patch::ALL_KINDS;
use pullfix_core::Target;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::diags::diags;
use crate::components::with_class::with_class;
use crate::field;
use crate::key::{Key, Kind, Loc};
use crate::state::{Action, State};
use crate::value::ON;

/// An example shown while the field is empty.
fn placeholder(page: &State, key: Key) -> Option<&'static str> {
    use Key::*;
    Some(match key {
        Containerd => "1.6.20",
        SandboxImage => Target::parse(&page.form.containerd).unwrap_or(Target::new(1, 7)).default_pause_image(),
        ConfigPath => pullfix_core::form::DEFAULT_CONFIG_PATH,
        Host => "harbor.example.net",
        CaPem => "-----BEGIN CERTIFICATE-----",
        Username => "robot$ci",
        MirrorUrl => "https://mirror.example.net",
        Capabilities => "pull, resolve",
        SecretName => pullfix_core::form::DEFAULT_SECRET_NAME,
        Namespaces => "default, ci",
        PatchName | PatchNamespace => "default",
        RolloutNamespace => pullfix_core::rollout::DEFAULT_NAMESPACE,
        RolloutName => pullfix_core::rollout::DEFAULT_NAME,
        Image => pullfix_core::rollout::DEFAULT_IMAGE,
        NodeSelector => "kubernetes.io/os=linux",
        Tolerations => "*",
        SyncSeconds => "60",
        VerifyImage => "harbor.example.net/library/nginx:latest",
        _ => return None,
    })
}

/// `(value, label)` of a select's options.
fn options(page: &State, key: Key, value: &str) -> Vec<(&'static str, &'static str)> {
    let t = page.lang.text();
    match key {
        Key::Scheme => vec![("https", t.scheme_https), ("http", t.scheme_http)],
        Key::Flavor => flavor::ALL.iter().map(|f| (f.as_str(), f.as_str())).collect(),
        _ => {
            let other = value.is_empty().then_some(("", t.kind_other));
            other.into_iter().chain(ALL_KINDS.iter().map(|k| (k.as_str(), k.as_str()))).collect()
        }
    }
}

/// The field at `loc`: `id` from its path (web/WEB-CONTRACT.md), a `<label for>`, the hint
/// and the field's diagnostics (`aria-describedby` both).
pub fn input(page: &UseReducerHandle<State>, loc: Loc) -> Html {
    let key = loc.key;
    let kind = key.kind();
    let path = loc.path();
    let id = field::dom_id(&path);
    let hint_id = format!("{id}-hint");
    let described = format!("{hint_id} {id}-diags");
    let (label, hint) = page.lang.text().field(key);
    let value = page.shown(loc);
    let on = {
        let dispatch = page.dispatcher();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            let v = if kind == Kind::Check { if el.checked() { ON } else { "" }.to_owned() } else { el.value() };
            dispatch.dispatch(Action::Set(loc, v));
        })
    };
    let label = html! { <label for={id.clone()}>{ label }</label> };
    let control = match kind {
        Kind::Check => html! {
            <input type="checkbox" id={id} checked={value == ON} onchange={on} aria-describedby={described} />
        },
        Kind::Select => {
            let mut options = options(page, key, &value);
            let missing = !options.iter().any(|(v, _)| *v == value);
            html! {
                <select id={id} onchange={on} aria-describedby={described}>
                    { for options.drain(..).map(|(v, l)| html! { <option value={v} selected={v == value}>{ l }</option> }) }
                    if missing { <option value={value.clone()} selected=true>{ value.clone() }</option> }
                </select>
            }
        }
        _ => {
            let invalid = page
                .rendered
                .diagnostics
                .iter()
                .any(|d| d.severity == pullfix_core::Severity::Error && field::belongs_to(d.field.as_str(), &path));
            let oninput = on.reform(InputEvent::into);
            let placeholder = placeholder(page, key);
            if kind == Kind::Multiline {
                html! {
                    <textarea {id} rows="5" spellcheck="false" autocomplete="off" aria-describedby={described}
                        aria-invalid={if invalid { "true" } else { "false" }} {placeholder} {value} {oninput} />
                }
            } else {
                let (type_, autocomplete) =
                    if kind == Kind::Secret { ("password", "new-password") } else { ("text", "off") };
                html! {
                    <input {id} type={type_} {autocomplete} spellcheck="false" autocapitalize="off"
                        aria-describedby={described} aria-invalid={if invalid { "true" } else { "false" }} {placeholder} {value} {oninput} />
                }
            }
        }
    };
    let check = kind == Kind::Check;
    let field = html! {
        <div>
            if check { { control }{ label } } else { { label }{ control } }
            <p class="hint" id={hint_id}>{ hint }</p>
            { diags(page, &path) }
        </div>
    };
    with_class(field, if check { "field check" } else { "field" })
}

/// The fields at `locs` side by side (`class`: `row`, or `row three`).
pub fn row(page: &UseReducerHandle<State>, class: &'static str, locs: &[Loc]) -> Html {
    with_class(html! { <div>{ for locs.iter().map(|loc| input(page, *loc)) }</div> }, class)
}
