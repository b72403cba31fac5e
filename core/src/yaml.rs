//! YAML out, read the same by YAML 1.2 and YAML 1.1 parsers.
//!
//! serde_yaml (serde_norway) writes YAML 1.2: it leaves `no`, `on`, `y`, `1:20` or
//! `2001-12-14` unquoted, because YAML 1.2 reads them as strings. The readers of our files
//! do not: kubectl and the API server (sigs.k8s.io/yaml on go-yaml v2), Ansible (PyYAML) and
//! other YAML 1.1 parsers read them as a boolean, a number or a date. A Secret named `no`
//! is then rejected (`cannot unmarshal bool into ... metadata.name`), a `gpu: "yes"` node
//! selector fails validation, and a Kubespray password `on` becomes `True`.
//!
//! [`to_string`] writes such strings double-quoted, as kubectl's own `-o yaml` does. The
//! library has no per-scalar style setting, so each of them goes through serde_yaml as a
//! unique plain token that is then replaced by its quoted form. Only strings made of
//! characters that need no escaping inside double quotes are treated so (every string
//! YAML 1.1 reads as something else is), so the replacement is exact.

use serde_yaml::Value;

/// `value` as YAML (serde_yaml's layout), with every string a YAML 1.1 parser would read as
/// a boolean, null, number, date or merge key double-quoted. Empty if it cannot be serialized.
pub fn to_string(value: &Value) -> String {
    if !any_to_quote(value) {
        return serde_yaml::to_string(value).unwrap_or_default();
    }
    let mut value = value.clone();
    let mut prefix = String::from("pullfixyamlq");
    while mentions(&value, &prefix) {
        prefix.push('q');
    }
    let mut quoted = Vec::new();
    mark(&mut value, &prefix, &mut quoted);
    let mut text = serde_yaml::to_string(&value).unwrap_or_default();
    for (i, s) in quoted.iter().enumerate() {
        // `z` ends the token, so `…q1z` is not a prefix of `…q10z`.
        text = text.replace(&format!("{prefix}{i}z"), &format!("\"{s}\""));
    }
    text
}

fn needs_quotes(s: &str) -> bool {
    read_as_non_string_by_yaml_1_1(s) && plain_safe(s)
}

fn any_to_quote(value: &Value) -> bool {
    match value {
        Value::String(s) => needs_quotes(s),
        Value::Sequence(items) => items.iter().any(any_to_quote),
        Value::Mapping(m) => m.iter().any(|(k, v)| any_to_quote(k) || any_to_quote(v)),
        Value::Tagged(t) => any_to_quote(&t.value),
        _ => false,
    }
}

/// Whether a YAML 1.1 parser reads the plain scalar `s` as anything but a string: YAML 1.1's
/// bool, null, merge and value words, its ints (`0b…`, `0x…`, octal, `1_000`, sexagesimal
/// `1:20`), floats (`1.5`, `.5`, `1e3`, `.inf`, `1:20.5`) and timestamps (`2001-12-14…`).
/// IP addresses and `host:port` are strings to every reader and stay plain.
pub fn read_as_non_string_by_yaml_1_1(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "~", "null", "Null", "NULL", "=", "<<",
    ];
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    WORDS.contains(&s)
        || [".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"].contains(&body)
        || is_int(body)
        || is_sexagesimal(body)
        || is_float(body)
        || is_timestamp(s)
}

fn digits_and_underscores(t: &str) -> bool {
    t.starts_with(|c: char| c.is_ascii_digit()) && t.chars().all(|c| c.is_ascii_digit() || c == '_')
}

/// `0b1010`, `0o17`, `0x1F`, `017`, `1_000` (sign stripped), with the prefixes in either
/// case as go-yaml v2 takes them (`strconv.ParseInt(s, 0, 64)`), and Go's hex floats
/// (`0x1p-2`, `strconv.ParseFloat`).
fn is_int(b: &str) -> bool {
    let radix = |prefixes: [&str; 2], ok: fn(char) -> bool| {
        prefixes.iter().any(|p| b.strip_prefix(p).is_some_and(|r| !r.is_empty() && r.chars().all(ok)))
    };
    radix(["0b", "0B"], |c| matches!(c, '0' | '1' | '_'))
        || radix(["0o", "0O"], |c| matches!(c, '0'..='7' | '_'))
        || radix(["0x", "0X"], |c| c.is_ascii_hexdigit() || matches!(c, '_' | '.' | 'p' | 'P' | '+' | '-'))
        || digits_and_underscores(b)
}

/// `190:20:30` and `190:20:30.15` (sign stripped).
fn is_sexagesimal(b: &str) -> bool {
    let Some((head, rest)) = b.split_once(':') else { return false };
    let rest = match rest.rsplit_once('.') {
        Some((parts, frac)) if frac.chars().all(|c| c.is_ascii_digit() || c == '_') => parts,
        _ => rest,
    };
    digits_and_underscores(head)
        && rest.split(':').all(|p| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
}

/// `1.5`, `.5`, `1_000.0`, `1e3`, `1.5E-3` (sign stripped): one dot at most, and a dot or
/// an exponent (go-yaml v2 also takes an exponent without a sign).
fn is_float(b: &str) -> bool {
    let (mantissa, exponent) = match b.find(['e', 'E']) {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let part = |t: &str| t.chars().all(|c| c.is_ascii_digit() || c == '_');
    exponent_ok
        && (frac.is_some() || exponent.is_some())
        && (int.is_empty() || int.starts_with(|c: char| c.is_ascii_digit()))
        && part(int)
        && frac.is_none_or(part)
        && mantissa.chars().any(|c| c.is_ascii_digit())
}

/// `2001-12-14` and anything that continues it (`2001-12-14t21:59:43.10-05:00`).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut it = s[5..].splitn(3, '-');
    let (Some(month), Some(day)) = (it.next(), it.next()) else { return false };
    let day_digits = day.chars().take_while(char::is_ascii_digit).count();
    (1..=2).contains(&month.len()) && month.chars().all(|c| c.is_ascii_digit()) && (1..=2).contains(&day_digits)
}

/// Needs no escaping between double quotes (and cannot hold a token's `z`-terminated name).
fn plain_safe(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ')
}

fn mentions(value: &Value, prefix: &str) -> bool {
    match value {
        Value::String(s) => s.contains(prefix),
        Value::Sequence(items) => items.iter().any(|v| mentions(v, prefix)),
        Value::Mapping(m) => m.iter().any(|(k, v)| mentions(k, prefix) || mentions(v, prefix)),
        Value::Tagged(t) => mentions(&t.value, prefix),
        _ => false,
    }
}

/// Replaces each string to quote (keys too) by its token; `quoted[i]` is token `i`'s string.
fn mark(value: &mut Value, prefix: &str, quoted: &mut Vec<String>) {
    match value {
        Value::String(s) if needs_quotes(s) => {
            let token = format!("{prefix}{}z", quoted.len());
            quoted.push(std::mem::replace(s, token));
        }
        Value::Sequence(items) => items.iter_mut().for_each(|v| mark(v, prefix, quoted)),
        Value::Mapping(m) => {
            let entries = std::mem::take(m);
            for (mut k, mut v) in entries {
                mark(&mut k, prefix, quoted);
                mark(&mut v, prefix, quoted);
                m.insert(k, v);
            }
        }
        Value::Tagged(t) => mark(&mut t.value, prefix, quoted),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(pairs: &[(&str, &str)]) -> Value {
        let mut m = serde_yaml::Mapping::new();
        for (k, v) in pairs {
            m.insert((*k).into(), (*v).into());
        }
        Value::Mapping(m)
    }

    #[test]
    fn yaml_1_1_scalars_are_quoted_as_kubectl_quotes_them() {
        let v = doc(&[
            ("name", "no"),
            ("gpu", "yes"),
            ("y", "on"),
            ("password", "1:20"),
            ("count", "1_000"),
            ("day", "2001-12-14"),
            ("eq", "="),
            ("merge", "<<"),
            ("digits", "0123"),
            ("plain", "harbor.example.net"),
            ("word", "yesterday"),
        ]);
        assert_eq!(
            to_string(&v),
            "name: \"no\"\ngpu: \"yes\"\n\"y\": \"on\"\npassword: \"1:20\"\ncount: \"1_000\"\nday: \"2001-12-14\"\n\
             eq: \"=\"\nmerge: \"<<\"\ndigits: \"0123\"\nplain: harbor.example.net\nword: yesterday\n"
        );
    }

    #[test]
    fn quoted_output_reads_back_as_the_same_strings() {
        let v = doc(&[("a", "off"), ("b", "+.inf"), ("c", "0x1F"), ("d", "1e3"), ("e", "-12:30:45.5"), ("f", ".5")]);
        let back: Value = serde_yaml::from_str(&to_string(&v)).unwrap();
        assert_eq!(back, v);
        for s in [
            "off",
            "+.inf",
            "0x1F",
            "0X1F",
            "0O17",
            "0o17",
            "0B101",
            "0x1p-2",
            "1e3",
            "-12:30:45.5",
            ".5",
            "0b101",
            "017",
            "2001-12-14t21:59:43.10-05:00",
        ] {
            assert!(read_as_non_string_by_yaml_1_1(s), "{s}");
        }
        for s in [
            "regcred",
            "harbor.example.net",
            "robot$ci",
            "default",
            "a1",
            ".hidden",
            "10.50.1.104",
            "10.50.1.104:5000",
            "1.2.3",
            "v1.37",
        ] {
            assert!(!read_as_non_string_by_yaml_1_1(s), "{s}");
        }
    }

    #[test]
    fn a_string_that_looks_like_a_token_stays_itself() {
        let v = doc(&[("a", "pullfixyamlq0z"), ("b", "no"), ("c", "pullfixyamlqq0z")]);
        let text = to_string(&v);
        let back: Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, v, "{text}");
        assert!(text.contains("b: \"no\""), "{text}");
    }
}
