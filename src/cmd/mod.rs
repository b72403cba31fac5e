//! One module per subcommand.

pub mod apply;
pub mod diagnose;
pub mod doctor;
pub mod drop_ins;
pub mod generate;
pub mod import;
pub mod input;
pub mod safe_write;
pub mod secret;
