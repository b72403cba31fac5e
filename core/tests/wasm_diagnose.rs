//! Diagnose and doctor on wasm32 (what the web page runs), in Node through
//! wasm-bindgen-test: the incident's texts give the same findings and prefills as natively.
//!
//! `cargo test -p pullfix-core --target wasm32-unknown-unknown --test wasm_diagnose`
//! (the runner comes from `scripts/env.sh`).
#![cfg(target_arch = "wasm32")]

use pullfix_core::diagnose::{diagnose, Family};
use pullfix_core::doctor::{check, NodeFiles};
use pullfix_core::{Form, Scheme};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn the_whole_story_on_wasm() {
    let text = include_str!("../../tests/fixtures/diagnose/the-whole-story.txt");
    let d = diagnose(text);
    let families: Vec<Family> = d.findings.iter().map(|f| f.family).collect();
    assert_eq!(
        families,
        [Family::DnsLookup, Family::X509NameMismatch, Family::Unauthorized, Family::ContainerdVersionUnknown]
    );
    let form = d.apply_all(&Form::default());
    assert_eq!(form.registries[0].host, "hub.mooc.com");
    assert!(form.registries[1].skip_verify);
}

#[wasm_bindgen_test]
fn http_capture_prefills_http_on_wasm() {
    let d = diagnose(include_str!("../../tests/fixtures/diagnose/ctr-1.6.20-http-response-to-https.txt"));
    assert_eq!(d.findings[0].prefill.scheme, Some(Scheme::Http));
    assert_eq!(d.findings[0].prefill.registry().as_deref(), Some("127.0.0.1:15000"));
}

#[wasm_bindgen_test]
fn doctor_on_wasm() {
    let files = NodeFiles {
        containerd: Some("1.6.20".into()),
        config_file: "/etc/containerd/config.toml".into(),
        config: Some(
            include_str!("../../tests/fixtures/diagnose/containerd-1.6.20-mirrors-with-config-path.config.toml").into(),
        ),
        ..NodeFiles::default()
    };
    assert!(check(&files).iter().any(|c| c.code == "config.mixed_styles"));
}
