//! Keeps `<html lang>` in step with the page's language.

use yew::prelude::*;

use crate::browser;
use crate::i18n::Lang;

/// Sets `<html lang>` whenever `lang` changes.
#[hook]
pub fn use_document_lang(lang: Lang) {
    use_effect_with(lang, |lang| browser::set_document_lang(*lang));
}
