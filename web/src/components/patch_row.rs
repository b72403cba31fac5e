//! One object that must list the Secret in its imagePullSecrets.

use yew::prelude::*;

use crate::components::action_button::action_button;
use crate::components::diags::diags;
use crate::components::input::row;
use crate::field;
use crate::i18n::fill;
use crate::key::Key;
use crate::state::{Action, Item, State};

/// Kind, name and namespace of patch target `i` (a view: see
/// [`crate::components::node_section::node_section`]).
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn patch_row(page: &UseReducerHandle<State>, i: usize) -> Html {
    let t = page.lang.text();
    let n = (i + 1).to_string();
    let path = field::patch(i, "");
    html! {
        <div class="patch" id={field::dom_id(&path)} tabindex="-1">
            <div class="card-head">
                <h4>{ fill(t.patch_n, "n", &n) }</h4>
                { action_button(page, format!("remove-patch-{i}"), "remove",
                    fill(t.remove_patch, "n", &n).into(), Action::Remove(Item::Patch, i, 0)) }
            </div>
            { diags(page, &path) }
            { row(page, "row three", &[Key::PatchKind.at(i, 0), Key::PatchName.at(i, 0), Key::PatchNamespace.at(i, 0)]) }
        </div>
    }
}
