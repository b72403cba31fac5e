//! The generated files, the problems, the zip download and the share link.

use yew::prelude::*;

use crate::browser;
use crate::components::output_card::output_card;
use crate::components::problems::problems;
use crate::components::share_box::share_box;
use crate::state::State;
use crate::zip;

/// The output column (a view: see [`crate::components::node_section::node_section`]).
pub fn outputs(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let files = &page.rendered.files;
    // A file withheld by an error ("no files until it is fixed") is only a preview: no zip.
    let preview = files.iter().any(|f| page.rendered.withheld_by(f).is_some());
    let download = {
        let rendered = page.rendered.clone();
        Callback::from(move |_: MouseEvent| {
            if rendered.files.iter().any(|f| rendered.withheld_by(f).is_some()) {
                return;
            }
            let entries: Vec<zip::Entry> = rendered
                .files
                .iter()
                .map(|f| zip::Entry { name: &f.path, data: f.contents.as_bytes(), mode: f.mode() })
                .collect();
            if let Some(bytes) = zip::write(&entries) {
                browser::download_zip(&bytes);
            }
        })
    };
    html! {
        <section id="outputs" class="outputs" tabindex="-1" aria-labelledby="outputs-heading">
            <div class="outputs-head">
                <h2 id="outputs-heading">{ t.section_outputs }</h2>
                <button type="button" id="download-zip" class="primary" onclick={download}
                    disabled={files.is_empty() || preview}>
                    { t.download_zip }
                </button>
            </div>
            <p class="hint">{ t.outputs_hint }</p>
            if files.iter().any(|f| f.sensitive) {
                <p class="hint zip-private">{ t.zip_private }</p>
            }
            if preview {
                <p class="badge-sensitive preview-note">{ t.preview_only }</p>
            }
            { problems(page) }
            if files.is_empty() {
                <p class="empty">{ t.outputs_empty }</p>
            }
            { for (0..files.len()).map(|i| output_card(page, i)) }
            { share_box(page) }
        </section>
    }
}
