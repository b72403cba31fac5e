//! Every diagnostic in one list, each linking to its field: nothing is missed, even a
//! problem that belongs to no single input.

use yew::prelude::*;

use crate::browser;
use crate::components::diags::severity_word;
use crate::components::with_class::with_class;
use crate::field;
use crate::i18n::fill;
use crate::state::State;

/// The summary of every diagnostic, errors first. A view: see
/// [`crate::components::node_section::node_section`].
pub fn problems(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let diags = field::worst_first(&page.rendered.diagnostics, None);
    // The count is a status line that is always on the page: screen readers announce it
    // when it changes (not each field's diagnostics while typing, review 12 A1).
    let count = fill(t.problems_heading, "n", &diags.len().to_string());
    let (said, class) =
        if diags.is_empty() { (t.problems_none, "problems-none") } else { (&*count, "visually-hidden") };
    let status = with_class(html! { <p role="status" id="problems-status">{ said }</p> }, class);
    if diags.is_empty() {
        return status;
    }
    html! {
        <>
        { status }
        <div class="problems" role="region" aria-labelledby="problems-heading">
            <h3 id="problems-heading">{ count }</h3>
            <ul>
                { for diags.iter().map(|d| {
                    let path = d.field.to_string();
                    let ids = field::targets(&path);
                    let href = format!("#{}", ids[0]);
                    let onclick = Callback::from(move |e: MouseEvent| {
                        // Focus the field without replacing the URL's fragment (the share link).
                        e.prevent_default();
                        browser::focus_first(&ids);
                    });
                    let severity = d.severity.to_string();
                    let class = format!("problem problem-{severity}");
                    with_class(html! {
                        <li data-field={path.clone()}
                            data-severity={severity.clone()}>
                            <span class="diag-severity">{ severity_word(t, d.severity) }</span>{ " " }
                            <a {href} {onclick}>{ field::label(t, &path) }</a>{ " " }
                            <span class="diag-message" lang={page.lang.en()}>{ &d.message }</span>
                        </li>
                    }, class)
                }) }
            </ul>
        </div>
        </>
    }
}
