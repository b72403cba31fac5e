//! The distribution the nodes run, and the fleet rollout (DaemonSet, node script).

use pullfix_core::flavor::Flavor;
use yew::prelude::*;

use crate::components::diags::diags;
use crate::components::input::{input, row};
use crate::key::Key;
use crate::state::State;

/// `#f-flavor` and the `[rollout]` options (`#f-rollout-daemonset`, ...). A view: see
/// [`crate::components::node_section::node_section`].
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn fleet_section(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let kubeadm = page.form.flavor == Flavor::Kubeadm;
    let pair = |a: Key, b: Key| row(page, "row", &[a.into(), b.into()]);
    html! {
        <section class="card" aria-labelledby="fleet-heading">
            <h2 id="fleet-heading">{ t.section_fleet }</h2>
            { input(page, Key::Flavor.into()) }
            <fieldset class="group">
                <legend>{ t.rollout_legend }</legend>
                <p class="hint">{ if kubeadm { t.rollout_hint } else { t.rollout_kubeadm_only } }</p>
                { diags(page, "rollout") }
                { input(page, Key::Daemonset.into()) }
                { input(page, Key::NodeScript.into()) }
                { pair(Key::RolloutNamespace, Key::RolloutName) }
                { pair(Key::Image, Key::ImagePullSecret) }
                { pair(Key::NodeSelector, Key::Tolerations) }
                { pair(Key::SyncSeconds, Key::VerifyImage) }
            </fieldset>
        </section>
    }
}
