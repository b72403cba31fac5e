//! The distribution the nodes run, and the fleet rollout (DaemonSet, node script).

use pullfix_core::flavor::{Flavor, ALL};
use yew::prelude::*;

use crate::components::check_field::CheckField;
use crate::components::diags::diags;
use crate::components::select_field::SelectField;
use crate::components::text_field::TextField;
use crate::field;
use crate::state::{Action, RolloutFlag, RolloutText, State};

/// `#f-flavor` and the `[rollout]` options (`#f-rollout-daemonset`, ...). A view: see
/// [`crate::components::node_section::node_section`].
pub fn fleet_section(page: &UseReducerHandle<State>) -> Html {
    let t = page.lang.text();
    let r = &page.form.rollout;
    let on_flavor = {
        let p = page.clone();
        Callback::from(move |v: String| {
            if let Some(f) = Flavor::parse(&v) {
                p.dispatch(Action::SetFlavor(f))
            }
        })
    };
    let text = |f: RolloutText, label: &'static str, hint: &'static str, placeholder: &'static str| {
        let p = page.clone();
        let oninput = Callback::from(move |v: String| p.dispatch(Action::SetRolloutText(f, v)));
        TextField::new(field::rollout(f.name()), label, hint, page.rollout_text(f), oninput)
            .placeholder(placeholder)
            .view(page)
    };
    let flag = |f: RolloutFlag, name: &str, label: &'static str, hint: &'static str, checked: bool| {
        let p = page.clone();
        let onchange = Callback::from(move |b: bool| p.dispatch(Action::SetRolloutFlag(f, b)));
        CheckField::new(field::rollout(name), label, hint, checked, onchange).view(page)
    };
    let options = ALL.iter().map(|f| (AttrValue::from(f.as_str()), AttrValue::from(f.as_str()))).collect();
    let kubeadm = page.form.flavor == Flavor::Kubeadm;
    html! {
        <section class="card" aria-labelledby="fleet-heading">
            <h2 id="fleet-heading">{ t.section_fleet }</h2>
            { SelectField::new("flavor", t.flavor_label, t.flavor_hint, options, page.form.flavor.as_str(), on_flavor)
                .view(page) }
            <fieldset class="group">
                <legend>{ t.rollout_legend }</legend>
                <p class="hint">{ if kubeadm { t.rollout_hint } else { t.rollout_kubeadm_only } }</p>
                { diags(page, "rollout") }
                { flag(RolloutFlag::Daemonset, "daemonset", t.daemonset_label, t.daemonset_hint, r.daemonset) }
                { flag(RolloutFlag::NodeScript, "node_script", t.node_script_label, t.node_script_hint, r.node_script) }
                <div class="row">
                    { text(RolloutText::Namespace, t.rollout_namespace_label, t.rollout_namespace_hint,
                        pullfix_core::rollout::DEFAULT_NAMESPACE) }
                    { text(RolloutText::Name, t.rollout_name_label, t.rollout_name_hint, pullfix_core::rollout::DEFAULT_NAME) }
                </div>
                <div class="row">
                    { text(RolloutText::Image, t.rollout_image_label, t.rollout_image_hint, pullfix_core::rollout::DEFAULT_IMAGE) }
                    { text(RolloutText::ImagePullSecret, t.rollout_pull_secret_label, t.rollout_pull_secret_hint, "") }
                </div>
                <div class="row">
                    { text(RolloutText::NodeSelector, t.node_selector_label, t.node_selector_hint, "kubernetes.io/os=linux") }
                    { text(RolloutText::Tolerations, t.tolerations_label, t.tolerations_hint, "*") }
                </div>
                <div class="row">
                    { text(RolloutText::SyncSeconds, t.sync_seconds_label, t.sync_seconds_hint, "60") }
                    { text(RolloutText::VerifyImage, t.verify_image_label, t.verify_image_hint,
                        "harbor.example.net/library/nginx:latest") }
                </div>
            </fieldset>
        </section>
    }
}
