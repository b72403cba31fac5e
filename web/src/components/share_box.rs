//! The share link: the form, without secrets, in the URL fragment.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::browser;
use crate::share;
use crate::state::{Action, State};

/// `#share-link` writes the link into `#share-url` and the address bar. A view: see
/// [`crate::components::node_section::node_section`].
pub fn share_box(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let make = {
        let page = page.clone();
        Callback::from(move |_: MouseEvent| {
            let link = browser::set_location_hash(&share::encode(&page.form));
            page.dispatch(Action::SetShareUrl(link));
        })
    };
    let select_all = Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select());
    html! {
        <div class="share" role="region" aria-labelledby="share-heading">
            <h3 id="share-heading">{ t.share_heading }</h3>
            <p class="hint" id="share-hint">{ t.share_hint }</p>
            <div class="share-row">
                <button type="button" id="share-link" onclick={make}>{ t.share_button }</button>
                <label for="share-url" class="visually-hidden">{ t.share_url_label }</label>
                <input id="share-url" type="text" readonly=true aria-describedby="share-hint"
                    value={page.share_url.clone().unwrap_or_default()} onfocus={select_all} />
            </div>
            <p class="share-status" role="status">{ if page.share_url.is_some() { t.share_made } else { "" } }</p>
        </div>
    }
}
