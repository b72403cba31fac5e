//! One registry: host and protocol, TLS, credentials, mirrors.

use pullfix_core::Scheme;
use yew::prelude::*;

use crate::components::check_field::CheckField;
use crate::components::diags::diags;
use crate::components::mirror_card::mirror_card;
use crate::components::select_field::SelectField;
use crate::components::text_field::TextField;
use crate::field;
use crate::i18n::fill;
use crate::state::{Action, RegistryFlag, RegistryText, State};

/// Registry `i` of the form (a view: see [`crate::components::node_section::node_section`]).
pub fn registry_card(page: &UseReducerHandle<State>, i: usize) -> Html {
    let t = page.lang.text();
    let Some(r) = page.form.registries.get(i) else { return html! {} };
    let n = (i + 1).to_string();

    let text = |f: RegistryText, label: &'static str, hint: &'static str, value: &str| {
        let p = page.clone();
        let oninput = Callback::from(move |v: String| p.dispatch(Action::SetRegistryText(i, f, v)));
        let secret = matches!(f, RegistryText::Password | RegistryText::IdentityToken);
        let multiline = f == RegistryText::CaPem;
        let placeholder = match f {
            RegistryText::Host => Some("harbor.example.net"),
            RegistryText::CaPem => Some("-----BEGIN CERTIFICATE-----"),
            RegistryText::Username => Some("robot$ci"),
            _ => None,
        };
        let field = TextField::new(field::registry(i, f.name()), label, hint, value.to_owned(), oninput)
            .secret(secret)
            .multiline(multiline);
        match placeholder {
            Some(p) => field.placeholder(p),
            None => field,
        }
        .view(page)
    };
    let flag = |f: RegistryFlag, label: &'static str, hint: &'static str, checked: bool| {
        let p = page.clone();
        let onchange = Callback::from(move |b: bool| p.dispatch(Action::SetRegistryFlag(i, f, b)));
        CheckField::new(field::registry(i, f.name()), label, hint, checked, onchange).view(page)
    };
    let on_scheme = {
        let p = page.clone();
        Callback::from(move |v: String| {
            p.dispatch(Action::SetScheme(i, if v == "http" { Scheme::Http } else { Scheme::Https }))
        })
    };
    let remove = {
        let p = page.clone();
        Callback::from(move |_: MouseEvent| p.dispatch(Action::RemoveRegistry(i)))
    };
    let add_mirror = {
        let p = page.clone();
        Callback::from(move |_: MouseEvent| p.dispatch(Action::AddMirror(i)))
    };
    // A diagnose finding asked for this registry's credentials: highlight them (the app
    // puts the cursor into the user name).
    let wants_credentials = page.wants_credentials == Some(i) && !r.has_credentials();
    let path = field::registry(i, "");
    let heading_id = format!("registry-{i}-heading");
    html! {
        <fieldset key={i} class="card registry" id={field::dom_id(&path)} tabindex="-1" aria-labelledby={heading_id.clone()}>
            <div class="card-head">
                <h3 id={heading_id}>
                    { fill(t.registry_n, "n", &n) }
                    if !r.host.trim().is_empty() { <code class="card-sub">{ r.host.trim() }</code> }
                </h3>
                <button type="button" class="remove" id={format!("remove-registry-{i}")} onclick={remove}>
                    { fill(t.remove_registry, "n", &n) }
                </button>
            </div>
            { diags(page, &path) }
            <div class="row">
                { text(RegistryText::Host, t.host_label, t.host_hint, &r.host) }
                { SelectField::new(field::registry(i, "scheme"), t.scheme_label, t.scheme_hint,
                    vec![("https".into(), t.scheme_https.into()), ("http".into(), t.scheme_http.into())],
                    r.scheme.as_str(), on_scheme).view(page) }
            </div>
            <fieldset class="group">
                <legend>{ t.tls_legend }</legend>
                { text(RegistryText::CaFile, t.ca_file_label, t.ca_file_hint, &r.ca_file) }
                { text(RegistryText::CaPem, t.ca_pem_label, t.ca_pem_hint, &r.ca_pem) }
                <div class="row">
                    { text(RegistryText::ClientCert, t.client_cert_label, t.client_cert_hint, &r.client_cert) }
                    { text(RegistryText::ClientKey, t.client_key_label, t.client_key_hint, &r.client_key) }
                </div>
                { flag(RegistryFlag::SkipVerify, t.skip_verify_label, t.skip_verify_hint, r.skip_verify) }
            </fieldset>
            <fieldset class={classes!("group", wants_credentials.then_some("wanted"))}>
                <legend>{ t.credentials_legend }</legend>
                if wants_credentials {
                    <p class="wanted-note" role="status">{ t.credentials_needed }</p>
                }
                <div class="row">
                    { text(RegistryText::Username, t.username_label, t.username_hint, &r.username) }
                    { text(RegistryText::Password, t.password_label, t.password_hint, &r.password) }
                </div>
                { text(RegistryText::IdentityToken, t.identity_token_label, t.identity_token_hint, &r.identity_token) }
                { flag(RegistryFlag::NodeAuth, t.node_auth_label, t.node_auth_hint, r.node_auth) }
            </fieldset>
            <fieldset class="group">
                <legend>{ t.mirrors_legend }</legend>
                <p class="hint">{ t.mirrors_hint }</p>
                { for (0..r.mirrors.len()).map(|j| mirror_card(page, i, j)) }
                <button type="button" class="add" id={format!("add-mirror-{i}")} onclick={add_mirror}>
                    { "+ " }{ t.add_mirror }
                </button>
                { flag(RegistryFlag::MirrorOnly, t.mirror_only_label, t.mirror_only_hint, r.mirror_only) }
            </fieldset>
        </fieldset>
    }
}
