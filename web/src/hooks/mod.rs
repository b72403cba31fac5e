//! Custom hooks.

pub mod use_clipboard;
pub mod use_document_lang;
pub mod use_hash_change;
pub mod use_page;

pub use use_clipboard::{use_clipboard, CopyState};
pub use use_document_lang::use_document_lang;
pub use use_hash_change::use_hash_change;
pub use use_page::use_page;
