//! Custom hooks.

pub mod use_document_lang;
pub mod use_hash_change;

pub use use_document_lang::use_document_lang;
pub use use_hash_change::use_hash_change;
