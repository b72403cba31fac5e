//! One mirror of a registry.

use yew::prelude::*;

use crate::components::action_button::action_button;
use crate::components::diags::diags;
use crate::components::input::{input, row};
use crate::field;
use crate::i18n::fill;
use crate::key::Key;
use crate::state::{Action, Item, State};

/// Mirror `j` of registry `i`: URL, override_path, capabilities, its own TLS settings
/// (a view: see [`crate::components::node_section::node_section`]).
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn mirror_card(page: &UseReducerHandle<State>, i: usize, j: usize) -> Html {
    let t = page.lang.text();
    let n = (j + 1).to_string();
    let path = field::mirror(i, j, "");
    html! {
        <div class="mirror" id={field::dom_id(&path)} tabindex="-1">
            <div class="card-head">
                <h4>{ fill(t.mirror_n, "n", &n) }</h4>
                { action_button(page, format!("remove-mirror-{i}-{j}"), "remove",
                    fill(t.remove_mirror, "n", &n).into(), Action::Remove(Item::Mirror, i, j)) }
            </div>
            { diags(page, &path) }
            { input(page, Key::MirrorUrl.at(i, j)) }
            { input(page, Key::OverridePath.at(i, j)) }
            { row(page, "row", &[Key::Capabilities.at(i, j), Key::MirrorCaFile.at(i, j)]) }
            { input(page, Key::MirrorSkipVerify.at(i, j)) }
        </div>
    }
}
