//! Checks of `[rollout]`: Kubernetes names, label keys and values, tolerations, images.

use std::collections::BTreeMap;

use super::{Rollout, DEFAULT_NAME, DEFAULT_NAMESPACE};
use crate::diagnostic::{quoted, Diagnostic, Field};

/// Checks `[rollout]`, reports bad values on their fields, and returns the settings
/// with those values blanked (so the defaults apply and the output stays valid).
pub fn check(rollout: &Rollout, diags: &mut Vec<Diagnostic>) -> Rollout {
    let mut r = rollout.clone();
    let f = Field::root("rollout");
    if !r.namespace.is_empty() && !is_dns_label(r.namespace.trim()) {
        diags.push(Diagnostic::error(
            f.key("namespace"),
            "rollout.namespace",
            format!("{} is not a valid namespace name; using {DEFAULT_NAMESPACE}.", quoted(&r.namespace)),
            "Use lowercase letters, digits and '-', at most 63 characters, e.g. kube-system.",
        ));
        r.namespace.clear();
    }
    let name_ok = is_dns_label(r.name.trim()) && r.name.trim().len() <= 52;
    if !r.name.is_empty() && !name_ok {
        diags.push(Diagnostic::error(
            f.key("name"),
            "rollout.name",
            format!("{} cannot name a DaemonSet; using {DEFAULT_NAME}.", quoted(&r.name)),
            "Use lowercase letters, digits and '-', at most 52 characters (DaemonSet pod names add a suffix).",
        ));
        r.name.clear();
    }
    if !r.image_pull_secret.is_empty() && !is_dns_subdomain(r.image_pull_secret.trim()) {
        diags.push(Diagnostic::error(
            f.key("image_pull_secret"),
            "rollout.image-pull-secret",
            format!("{} is not a valid Secret name; it is left out.", quoted(&r.image_pull_secret)),
            "Give the name of an existing docker-registry Secret in the rollout namespace, e.g. regcred.",
        ));
        r.image_pull_secret.clear();
    }
    for (field, value, what) in [
        (f.key("image"), &mut r.image, "installer image"),
        (f.key("verify_image"), &mut r.verify_image, "image to verify"),
    ] {
        if !value.is_empty() && !crate::image_ref::is_image_reference(value.trim()) {
            diags.push(Diagnostic::error(
                field,
                "rollout.image",
                format!("{} is not an image reference; the {what} is left out.", quoted(value)),
                "Write an image as you would pull it, e.g. harbor.example.net/library/busybox:1.36.",
            ));
            value.clear();
        }
    }
    let mut selector = BTreeMap::new();
    for (k, v) in &r.node_selector {
        let field = f.key("node_selector").key(k);
        if !is_label_key(k) {
            diags.push(Diagnostic::error(
                field,
                "rollout.node-selector-key",
                format!("{} is not a valid node label key; this selector entry is left out.", quoted(k)),
                "Use a label key like node-role.kubernetes.io/worker or kubernetes.io/os.",
            ));
        } else if !is_label_value(v) {
            diags.push(Diagnostic::error(
                field,
                "rollout.node-selector-value",
                format!("{} is not a valid label value; this selector entry is left out.", quoted(v)),
                "Use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.",
            ));
        } else {
            selector.insert(k.clone(), v.clone());
        }
    }
    r.node_selector = selector;
    let mut tolerations = Vec::new();
    for (i, t) in r.tolerations.iter().enumerate() {
        let field = f.index("toleration", i);
        let op_ok = matches!(t.operator.as_str(), "" | "Equal" | "Exists");
        let effect_ok = matches!(t.effect.as_str(), "" | "NoSchedule" | "PreferNoSchedule" | "NoExecute");
        let key_ok = (t.key.is_empty() && t.operator == "Exists") || is_label_key(&t.key);
        let value_ok = is_label_value(&t.value) && (t.operator != "Exists" || t.value.is_empty());
        if !op_ok {
            diags.push(Diagnostic::error(
                field.key("operator"),
                "rollout.toleration-operator",
                format!("{} is not a toleration operator; this toleration is left out.", quoted(&t.operator)),
                "Use Exists or Equal.",
            ));
        } else if !effect_ok {
            diags.push(Diagnostic::error(
                field.key("effect"),
                "rollout.toleration-effect",
                format!("{} is not a taint effect; this toleration is left out.", quoted(&t.effect)),
                "Use NoSchedule, PreferNoSchedule or NoExecute, or leave it empty for all effects.",
            ));
        } else if !key_ok {
            diags.push(Diagnostic::error(
                field.key("key"),
                "rollout.toleration-key",
                format!("{} is not a taint key; this toleration is left out.", quoted(&t.key)),
                "Use the taint's key, e.g. node-role.kubernetes.io/control-plane; an empty key needs operator = \"Exists\".",
            ));
        } else if !value_ok {
            diags.push(Diagnostic::error(
                field.key("value"),
                "rollout.toleration-value",
                format!("{} cannot be a toleration value here; this toleration is left out.", quoted(&t.value)),
                "With Exists leave the value empty; with Equal use a valid label value.",
            ));
        } else {
            tolerations.push(t.clone());
        }
    }
    r.tolerations = tolerations;
    r
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}

fn is_label_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && s.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric)
        && s.as_bytes().last().is_some_and(u8::is_ascii_alphanumeric)
}

/// True when `s` is a valid Kubernetes label key (`name` or `dns.prefix/name`), as
/// [`check`] requires of a node selector's keys (the web page words its own error with it).
pub fn is_label_key(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => is_dns_subdomain(prefix) && is_label_name(name),
        None => is_label_name(s),
    }
}

/// True when `s` is a valid Kubernetes label value (empty allowed), as [`check`] requires
/// of a node selector's values.
pub fn is_label_value(s: &str) -> bool {
    s.is_empty() || is_label_name(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_names_and_labels() {
        let mut d = Vec::new();
        let r = Rollout {
            namespace: "Kube System".into(),
            node_selector: [
                ("node-role.kubernetes.io/worker".to_owned(), String::new()),
                ("bad key!".to_owned(), "x".to_owned()),
            ]
            .into_iter()
            .collect(),
            tolerations: vec![super::super::Toleration { operator: "Sometimes".into(), ..Default::default() }],
            image: "busybox:1.36 ; rm -rf /".into(),
            ..Default::default()
        };
        let c = check(&r, &mut d);
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            ["rollout.namespace", "rollout.image", "rollout.node_selector.bad key!", "rollout.toleration[0].operator"]
        );
        assert_eq!(
            (c.namespace(), c.image(), c.node_selector.len(), c.tolerations.len()),
            (DEFAULT_NAMESPACE, super::super::DEFAULT_IMAGE, 1, 0)
        );
    }
}
