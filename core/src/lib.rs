//! pullfix's engine: one [`Form`] in, the containerd and Kubernetes files that fix
//! `ImagePullBackOff` against a private registry out, with field-level diagnostics.
//!
//! Pure logic: no I/O, no clock, no randomness, no panics on any input. It builds for
//! the host (the CLI) and for `wasm32-unknown-unknown` (the web page).
//!
//! ```
//! let form: pullfix_core::Form = pullfix_core::parse_form(
//!     r#"containerd = "1.7"
//!        [[registry]]
//!        host = "harbor.example.net""#,
//!     pullfix_core::FormFormat::Toml,
//! ).unwrap();
//! let out = pullfix_core::render(&form);
//! assert!(out.files.iter().any(|f| f.path == "etc/containerd/certs.d/harbor.example.net/hosts.toml"));
//! ```

pub mod ca_file;
pub mod config_file;
pub mod containerd_config;
pub mod diagnose;
pub mod diagnostic;
pub mod doctor;
pub mod flavor;
pub mod form;
pub mod form_io;
pub mod host;
pub mod host_spelling;
pub mod hosts_toml;
pub mod image_ref;
pub mod k8s_name;
pub mod kubernetes;
pub mod merge;
pub mod node_config;
pub mod node_script;
pub mod output;
pub mod patch;
pub mod per_host;
pub mod plan;
pub mod plugin_ids;
pub mod pull_auth;
pub mod redact;
pub mod render;
pub mod rollout;
pub mod rules;
pub mod secret;
pub mod shell;
mod small_sort;
mod toml_table;
pub mod validate;
pub mod value_size;
pub mod version;
pub mod yaml;

pub use diagnostic::{Diagnostic, Field, Severity};
pub use form::{Form, Kubernetes, Mirror, PatchTarget, Registry, Scheme};
pub use form_io::{parse_form, FormFormat};
pub use output::{AfterApply, FileKind, OutputFile, Placement, Rendered};
pub use render::render;
pub use version::Target;
