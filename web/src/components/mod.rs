//! One component or view function per file (`App` is the only component).

pub mod action_button;
pub mod app;
pub mod diagnose_box;
pub mod diags;
pub mod docs;
pub mod existing_config;
pub mod finding;
pub mod fleet_section;
pub mod header;
pub mod input;
pub mod kubernetes_section;
pub mod lang_switch;
pub mod mirror_card;
pub mod node_section;
pub mod output_card;
pub mod outputs;
pub mod patch_row;
pub mod preset_bar;
pub mod problems;
pub mod registry_card;
pub mod registry_list;
pub mod share_box;
pub mod with_class;
