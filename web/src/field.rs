//! Form field paths (built with core's [`Field`], so they are the paths diagnostics carry)
//! and the DOM ids the page gives their inputs (web/WEB-CONTRACT.md).

use pullfix_core::{Diagnostic, Field, Severity};

use crate::i18n::{fill, Text};
use crate::key::{Loc, Scope};

/// The id of a field's input: `registry[0].mirror[1].url` -> `f-registry-0-mirror-1-url`.
/// `.`, `[`, `]` become `-`, runs of `-` collapse, a trailing `-` goes.
pub fn dom_id(path: &str) -> String {
    let mut id = String::from("f-");
    for c in path.chars() {
        let c = if matches!(c, '.' | '[' | ']') { '-' } else { c };
        if c == '-' && id.ends_with('-') {
            continue;
        }
        id.push(c);
    }
    while id.ends_with('-') && id.len() > 2 {
        id.pop();
    }
    id
}

/// Whether a diagnostic on `field` belongs beside the input for `path`: the same path, an
/// element of it (`kubernetes.namespaces[2]` beside `kubernetes.namespaces`), or an entry of
/// a map typed into one input (`rollout.node_selector.<key>` beside `rollout.node_selector`).
pub fn belongs_to(field: &str, path: &str) -> bool {
    match field.strip_prefix(path) {
        Some("") => true,
        Some(rest) => rest.starts_with('[') || (path.ends_with(MAP_SUFFIX) && rest.starts_with('.')),
        None => false,
    }
}

/// The one map field of the form typed into a single input.
const MAP_SUFFIX: &str = "rollout.node_selector";

/// The diagnostics to show beside the input for `path` (all of them: `None`), errors
/// first, then warnings, then infos, each in the order core reported them. (Filtered per
/// severity, not sorted: a stable sort instantiates a few kilobytes of wasm per call site.)
pub fn worst_first<'a>(diagnostics: &'a [Diagnostic], path: Option<&str>) -> Vec<&'a Diagnostic> {
    let mut out = Vec::new();
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        out.extend(
            diagnostics
                .iter()
                .filter(|d| d.severity == severity && path.is_none_or(|p| belongs_to(d.field.as_str(), p))),
        );
    }
    out
}

/// The path and its parents, nearest first: `registry[0].mirror[1].url`,
/// `registry[0].mirror[1]`, `registry[0].mirror`, `registry[0]`, `registry`. A
/// diagnostic's link focuses the first of them that the page has an element for.
pub fn ancestors(path: &str) -> Vec<String> {
    let mut out = vec![path.to_owned()];
    let mut p = path;
    loop {
        let cut = if p.ends_with(']') { p.rfind('[') } else { p.rfind('.') };
        match cut {
            Some(at) if at > 0 => p = &p[..at],
            _ => return out,
        }
        out.push(p.to_owned());
    }
}

/// How the page names the field at `path` for people: `Registry 1 › Mirror 2 › Mirror URL`
/// for `registry[0].mirror[1].url` (the page counts from 1 and shows labels; the path stays
/// in the link's title). The nearest parent the page has a field or an item for; the path
/// itself when there is none.
pub fn label(t: &Text, path: &str) -> String {
    if let Some(&(_, label, _)) = section(path) {
        return label(t).to_owned();
    }
    let parents = ancestors(path);
    if let Some(loc) = parents.iter().find_map(|p| Loc::parse(p)) {
        let mut parts = item_labels(t, loc.key.scope(), loc.i, loc.j);
        parts.push(t.field(loc.key).0.to_owned());
        return parts.join(" › ");
    }
    // A whole registry, mirror or patch target: `registry[0]`, `registry[0].mirror[1]`.
    parents
        .iter()
        .find_map(|p| item(p))
        .map_or_else(|| path.to_owned(), |(scope, i, j)| item_labels(t, scope, i, j).join(" › "))
}

/// A part of the form core reports on as a whole (`kubernetes`: no registry has
/// credentials), with no input of its own: its name for people, and the ids of the
/// elements its problem's link focuses, the first that exists.
type Section = (&'static str, fn(&Text) -> &'static str, &'static [&'static str]);

/// The [`Section`]s: the pull Secret's name, the rollout's first switch, the pasted
/// config.toml, the first registry (or the button that adds one).
const SECTIONS: &[Section] = &[
    ("kubernetes", |t| t.section_kubernetes, &["f-kubernetes-secret_name"]),
    ("rollout", |t| t.rollout_legend, &["f-rollout-daemonset", "f-flavor"]),
    ("existing_config", |t| t.merge_label, &["existing-config"]),
    ("registry", |t| t.section_registries, &["f-registry-0-host", "add-registry"]),
];

fn section(path: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|(root, _, _)| *root == path)
}

/// The ids of the elements a problem on `path` links to, the one to focus first: the
/// field's input, else its nearest parent's (a list, an item); for a section (`kubernetes`) the
/// field that stands for it.
pub fn targets(path: &str) -> Vec<String> {
    match section(path) {
        Some((_, _, ids)) => ids.iter().map(|id| (*id).to_owned()).collect(),
        None => ancestors(path).iter().map(|p| dom_id(p)).collect(),
    }
}

/// `registry[i]`, `registry[i].mirror[j]` or `kubernetes.patch[i]`, exactly.
fn item(path: &str) -> Option<(Scope, usize, usize)> {
    fn index(s: &str) -> Option<(usize, &str)> {
        let (n, rest) = s.split_once(']')?;
        Some((n.parse().ok()?, rest))
    }
    if let Some(rest) = path.strip_prefix("kubernetes.patch[") {
        let (i, rest) = index(rest)?;
        return rest.is_empty().then_some((Scope::Patch, i, 0));
    }
    let (i, rest) = index(path.strip_prefix("registry[")?)?;
    if rest.is_empty() {
        return Some((Scope::Registry, i, 0));
    }
    let (j, rest) = index(rest.strip_prefix(".mirror[")?)?;
    rest.is_empty().then_some((Scope::Mirror, i, j))
}

/// `Registry 1`, `Mirror 2`, `Object 3`: the items around a field of `scope`.
fn item_labels(t: &Text, scope: Scope, i: usize, j: usize) -> Vec<String> {
    let n = |template: &str, k: usize| fill(template, "n", &(k + 1).to_string());
    match scope {
        Scope::Registry => vec![n(t.registry_n, i)],
        Scope::Mirror => vec![n(t.registry_n, i), n(t.mirror_n, j)],
        Scope::Patch => vec![n(t.patch_n, i)],
        Scope::Top | Scope::Kubernetes | Scope::Rollout => Vec::new(),
    }
}

/// `registry[i]` (`name` empty) or `registry[i].name`.
pub fn registry(i: usize, name: &str) -> String {
    let r = Field::registry(i);
    if name.is_empty() {
        r.to_string()
    } else {
        r.key(name).to_string()
    }
}

/// `registry[i].mirror[j]` (`name` empty) or `registry[i].mirror[j].name`.
pub fn mirror(i: usize, j: usize, name: &str) -> String {
    let m = Field::registry(i).index("mirror", j);
    if name.is_empty() {
        m.to_string()
    } else {
        m.key(name).to_string()
    }
}

/// `kubernetes.name`.
pub fn kubernetes(name: &str) -> String {
    Field::root("kubernetes").key(name).to_string()
}

/// `rollout.name`.
pub fn rollout(name: &str) -> String {
    Field::root("rollout").key(name).to_string()
}

/// `kubernetes.patch[i]` (`name` empty) or `kubernetes.patch[i].name`.
pub fn patch(i: usize, name: &str) -> String {
    let p = Field::root("kubernetes").index("patch", i);
    if name.is_empty() {
        p.to_string()
    } else {
        p.key(name).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn labels_count_from_one_and_name_the_field() {
        let en = Lang::En.text();
        assert_eq!(
            label(en, "registry[0].mirror[1].url"),
            format!("Registry 1 › Mirror 2 › {}", en.field(crate::key::Key::MirrorUrl).0)
        );
        assert_eq!(label(en, "registry[2].host"), format!("Registry 3 › {}", en.host_label));
        assert_eq!(label(en, "registry[0]"), "Registry 1");
        assert_eq!(label(en, "kubernetes.patch[1]"), "Object 2");
        assert!(label(en, "registry[0].mirror[0].capabilities[1]").starts_with("Registry 1 › Mirror 1 › "));
        assert_eq!(label(en, "containerd"), en.containerd_label);
        assert_eq!(label(en, "no.such.field"), "no.such.field");
        let zh = Lang::Zh.text();
        assert_eq!(label(zh, "registry[0]"), "仓库 1");
    }

    /// A problem with the whole Kubernetes part (no registry has credentials) names it
    /// for people, in both languages, and links to the Secret name's input.
    #[test]
    fn a_problem_of_a_whole_section_is_named_and_links_to_a_field() {
        assert_eq!(label(Lang::En.text(), "kubernetes"), "Kubernetes: pull Secret");
        assert_eq!(label(Lang::Zh.text(), "kubernetes"), Lang::Zh.text().section_kubernetes);
        assert_eq!(targets("kubernetes")[0], dom_id(&kubernetes("secret_name")));
        assert_eq!(targets("rollout")[0], dom_id(&rollout("daemonset")));
        assert_eq!(label(Lang::En.text(), "rollout"), Lang::En.text().rollout_legend);
        // Fields keep their own input first.
        assert_eq!(targets("kubernetes.namespaces[1]")[..2], ["f-kubernetes-namespaces-1", "f-kubernetes-namespaces"]);
        // Every path core reports on a section as a whole has a name and a target.
        let mut form = crate::presets::Preset::Harbor.form();
        form.registries[0].password.clear();
        let rendered = pullfix_core::render(&form);
        let whole = rendered.diagnostics.iter().find(|d| d.field.as_str() == "kubernetes").expect("kubernetes");
        assert!(section(whole.field.as_str()).is_some());
    }

    #[test]
    fn ids_follow_the_contract() {
        for (path, id) in [
            ("containerd", "f-containerd"),
            ("registry[0].host", "f-registry-0-host"),
            ("registry[0].mirror[1].url", "f-registry-0-mirror-1-url"),
            ("kubernetes.namespaces", "f-kubernetes-namespaces"),
            ("kubernetes.patch[0].kind", "f-kubernetes-patch-0-kind"),
            ("registry[12]", "f-registry-12"),
        ] {
            assert_eq!(dom_id(path), id, "{path}");
        }
    }

    #[test]
    fn paths_are_the_ones_core_reports() {
        assert_eq!(registry(3, "ca_pem"), "registry[3].ca_pem");
        assert_eq!(registry(3, ""), "registry[3]");
        assert_eq!(mirror(0, 2, "override_path"), "registry[0].mirror[2].override_path");
        assert_eq!(mirror(1, 0, ""), "registry[1].mirror[0]");
        assert_eq!(kubernetes("secret_name"), "kubernetes.secret_name");
        assert_eq!(patch(4, "namespace"), "kubernetes.patch[4].namespace");
    }

    #[test]
    fn ancestors_walk_up_to_the_root() {
        assert_eq!(
            ancestors("registry[0].mirror[1].capabilities[2]"),
            [
                "registry[0].mirror[1].capabilities[2]",
                "registry[0].mirror[1].capabilities",
                "registry[0].mirror[1]",
                "registry[0].mirror",
                "registry[0]",
                "registry"
            ]
        );
        assert_eq!(ancestors("containerd"), ["containerd"]);
        assert_eq!(ancestors(""), [""]);
    }

    #[test]
    fn diagnostics_land_beside_their_field_and_list_elements() {
        assert!(belongs_to("registry[0].host", "registry[0].host"));
        assert!(belongs_to("kubernetes.namespaces[2]", "kubernetes.namespaces"));
        assert!(belongs_to("registry[0].mirror[0].capabilities[1]", "registry[0].mirror[0].capabilities"));
        assert!(!belongs_to("registry[10].host", "registry[1]"));
        assert!(!belongs_to("registry[1].host", "registry[1]"));
        assert!(!belongs_to("registry[0].hostname", "registry[0].host"));
        let d = |f: &str, severity: Severity, message: &str| Diagnostic {
            field: Field::root(f),
            severity,
            code: "t",
            message: message.to_owned(),
            fix: String::new(),
        };
        let all = vec![
            d("containerd", Severity::Info, "i1"),
            d("config_path", Severity::Error, "e1"),
            d("containerd", Severity::Error, "e2"),
            d("containerd", Severity::Warning, "w1"),
            d("containerd", Severity::Error, "e3"),
        ];
        let messages = |v: Vec<&Diagnostic>| v.iter().map(|d| d.message.clone()).collect::<Vec<_>>();
        assert_eq!(messages(worst_first(&all, Some("containerd"))), ["e2", "e3", "w1", "i1"]);
        assert_eq!(messages(worst_first(&all, None)), ["e1", "e2", "e3", "w1", "i1"]);
        assert_eq!(worst_first(&all, Some("sandbox_image")).len(), 0);
    }
}
