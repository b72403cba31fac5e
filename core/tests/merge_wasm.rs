//! Merging on wasm32 (what the web page's paste box runs), in Node through wasm-bindgen-test:
//! a real `containerd config default` output merges, the diff is produced, merging is
//! idempotent, and bad TOML is located.
//!
//! `cargo test -p pullfix-core --target wasm32-unknown-unknown` (the runner comes from
//! `scripts/env.sh`).
#![cfg(target_arch = "wasm32")]

use pullfix_core::merge::page::{render_merged, DIFF_PATH, MERGED_PATH};
use pullfix_core::merge::{merge, MergeOptions};
use pullfix_core::{parse_form, FormFormat};
use wasm_bindgen_test::wasm_bindgen_test;

const DEFAULT_1_7: &str = include_str!("../../tests/fixtures/configs/containerd-1.7.34-default.toml");

#[wasm_bindgen_test]
fn merges_into_containerd_config_default() {
    let form = parse_form(
        "containerd = \"1.7\"\nsandbox_image = \"harbor.example.net/library/pause:3.8\"\n[[registry]]\nhost = \"harbor.example.net\"\n",
        FormFormat::Toml,
    )
    .expect("form");
    let out = render_merged(&form, DEFAULT_1_7, MergeOptions::default());
    let merged = out.rendered.files.iter().find(|f| f.path == MERGED_PATH).expect("merged file");
    let doc: toml_edit::DocumentMut = merged.contents.parse().expect("parses");
    let cri = &doc["plugins"]["io.containerd.grpc.v1.cri"];
    assert_eq!(cri["sandbox_image"].as_str(), Some("harbor.example.net/library/pause:3.8"));
    assert_eq!(cri["registry"]["config_path"].as_str(), Some("/etc/containerd/certs.d"));
    let diff = out.rendered.files.iter().find(|f| f.path == DIFF_PATH).expect("diff");
    assert!(diff.contents.contains("-    sandbox_image = \"registry.k8s.io/pause:3.8\""), "{}", diff.contents);
    assert_eq!(merge(&merged.contents, &form).changes, vec![], "idempotent");
}

#[wasm_bindgen_test]
fn bad_toml_is_located() {
    let r = merge("version = 2\n[plugins\n", &Default::default());
    assert_eq!(r.text, None);
    assert_eq!(r.parse_error.map(|e| e.line), Some(2));
}
