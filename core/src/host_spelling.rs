//! How a registry host is spelled, beyond whether it parses: internationalised names
//! (which image references only take in punycode), stray non-ASCII characters, capital
//! letters (which containerd and the kubelet compare letter for letter), and unbracketed
//! IPv6 addresses that end in what looks like a port. The fixes here are shown beside
//! the host and mirror URL fields.

use crate::diagnostic::{clip, Diagnostic, Field};
use crate::host::{Host, HostError, HostKind};
use crate::shell::quote;

/// Why a host name with non-ASCII characters is refused: [`HostError::Idn`] (naming its
/// first non-ASCII letter) when it reads as an internationalised domain name, every
/// character a letter, a digit, `-` or a dot (an ideographic full stop included); else
/// [`HostError::NonAscii`] naming the first character that is none of those, or
/// [`HostError::BadLabel`] for an IDN with an empty label. `None` for an ASCII name.
pub fn non_ascii_error(name: &str) -> Option<HostError> {
    let first = name.chars().find(|c| !c.is_ascii())?;
    let mut prev: Option<char> = None;
    let odd = name.chars().find(|&c| {
        let ok = c.is_ascii_alphanumeric() || c == '-' || is_dot(c) || is_idn_letter(c, prev);
        prev = Some(c);
        !ok
    });
    if let Some(c) = odd {
        // An ASCII one (`a b`) is the ASCII checks' to name; the first non-ASCII is named then.
        return Some(HostError::NonAscii(if c.is_ascii() { first } else { c }));
    }
    // A trailing dot (the DNS root) is left for the ASCII checks to report.
    let trimmed = name.strip_suffix(is_dot).unwrap_or(name);
    if trimmed.split(is_dot).any(str::is_empty) {
        return Some(HostError::BadLabel);
    }
    Some(HostError::Idn(first))
}

/// `.` and the full stops IDNA reads as one (ideographic, fullwidth, halfwidth).
fn is_dot(c: char) -> bool {
    matches!(c, '.' | '\u{3002}' | '\u{FF0E}' | '\u{FF61}')
}

/// A letter or digit of some script (`ü`, `镜`), or a mark that combines with the
/// non-ASCII letter before it (a Devanagari virama, which is no letter by itself); never
/// a space, an invisible format character, punctuation or a fullwidth ASCII look-alike.
fn is_idn_letter(c: char, prev: Option<char>) -> bool {
    if c.is_ascii() || c.is_whitespace() || c.is_control() || looks_like_punctuation(c) {
        return false;
    }
    c.is_alphanumeric() || prev.is_some_and(|p| !p.is_ascii() && p.is_alphanumeric())
}

/// Non-ASCII characters that are punctuation, symbols, invisible or fullwidth ASCII:
/// Latin-1 signs, general punctuation (dashes, quotes, zero-width and direction marks),
/// CJK punctuation (the ideographic full stop is a dot, handled before), the fullwidth
/// forms, and the byte-order mark.
fn looks_like_punctuation(c: char) -> bool {
    matches!(u32::from(c),
        0x00A0..=0x00BF | 0x00D7 | 0x00F7 | 0x2000..=0x206F | 0x3000..=0x303F | 0xFF00..=0xFFEF | 0xFEFF)
}

/// `host` and `:port` when `hostport` ends in a port (`bücher.example:5000`).
fn split_port(hostport: &str) -> (&str, &str) {
    match hostport.rfind(':') {
        Some(i) if i + 1 < hostport.len() && hostport[i + 1..].bytes().all(|b| b.is_ascii_digit()) => {
            hostport.split_at(i)
        }
        _ => (hostport, ""),
    }
}

/// Which field a host came from, for the wording of its fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostField {
    /// A registry's host: images are named with it.
    Registry,
    /// The host of a mirror URL: only contacted.
    MirrorUrl,
}

/// The fix for a host with non-ASCII characters: for an IDN, the commands that print
/// its punycode form; else, retype it. `None` for any other error.
pub fn non_ascii_fix(e: HostError, hostport: &str, field: HostField) -> Option<String> {
    let what = match field {
        HostField::Registry => "host",
        HostField::MirrorUrl => "URL's host",
    };
    match e {
        HostError::Idn(_) => {
            let (name, port) = split_port(hostport);
            let q = quote(&clip(name));
            let then = if port.is_empty() { String::new() } else { format!(", then add {port}") };
            let also = match field {
                HostField::Registry => "Name images with that form too; the registry's certificate must hold it",
                HostField::MirrorUrl => "The mirror's certificate must hold that form",
            };
            Some(format!(
                "Write the {what} in its punycode (xn--) form, the ASCII spelling DNS and image references use \
                 (bücher.example is xn--bcher-kva.example): `idn2 {q}` prints it, or \
                 `python3 -c 'import sys; print(sys.argv[1].encode(\"idna\").decode())' {q}`{then}. {also}."
            ))
        }
        HostError::NonAscii(_) => Some(format!(
            "Retype the {what} by hand: only letters a-z, digits, `-` and `.` (and :port). Text copied from a \
             document or a chat can carry invisible or look-alike characters."
        )),
        _ => None,
    }
}

/// The fix for an IPv6 address without brackets (`fd00::1:5000`): bracket all of it, and
/// when the last group reads as a port (digits only, and the rest is an address of its
/// own), also the form with that port (`[fd00::1]:5000`).
pub fn ipv6_fix(h: &str) -> String {
    let h = clip(h);
    let as_port = match port_reading(&h) {
        Some((addr, port)) => format!(" If {port} is the port: [{addr}]:{port}."),
        None => String::new(),
    };
    format!(
        "Put the address in brackets as image references do: [{h}] (with a port: [{h}]:5000).{as_port} Better, give \
         the registry a DNS name: IPv6 literals are reported broken in containerd."
    )
}

/// The fix for a mirror URL whose host is an IPv6 address without brackets.
pub fn ipv6_url_fix(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let (host, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let (scheme, host, path) = (clip(scheme), clip(host), clip(path));
    let as_port = match port_reading(&host) {
        Some((addr, port)) => format!(" If {port} is the port: {scheme}://[{addr}]:{port}{path}."),
        None => String::new(),
    };
    format!(
        "Put the address in brackets: {scheme}://[{host}]{path} (with a port: {scheme}://[{host}]:5000{path}).\
         {as_port} Better, give the mirror a DNS name: IPv6 literals are reported broken in containerd."
    )
}

/// `fd00::1:5000` read as address `fd00::1` and port `5000`: the last group is decimal
/// digits that make a port, and what precedes it is an IPv6 address by itself.
fn port_reading(h: &str) -> Option<(&str, &str)> {
    let (addr, port) = h.rsplit_once(':')?;
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || !matches!(port.parse::<u16>(), Ok(1..)) {
        return None;
    }
    addr.parse::<std::net::Ipv6Addr>().ok()?;
    Some((addr, port))
}

/// A registry host with capital letters. containerd looks up `certs.d/<host>` with the
/// host exactly as the image reference spells it (`hostPaths` in its `hosts.go`; the
/// reference grammar allows `A-Z` in the registry part and keeps it), and the kubelet
/// matches pull Secret keys to image names label by label, case-sensitively. So the files
/// are used as typed, and only images spelled the same way read them: a warning, as
/// for `:443`. (Mirror URLs are addresses, not names to match, and are lowercased.)
pub fn uppercase(host: &Host, field: &Field, diags: &mut Vec<Diagnostic>) {
    let typed = host.reference();
    if host.kind == HostKind::Default || !typed.bytes().any(|b| b.is_ascii_uppercase()) {
        return;
    }
    let lower = typed.to_ascii_lowercase();
    diags.push(Diagnostic::warning(
        field.clone(),
        "host.uppercase",
        format!(
            "{typed} has capital letters, and containerd and the kubelet compare registry names letter for letter: \
             pullfix's files for it (certs.d/{typed}/, or the config.toml entries keyed {typed} where the registry \
             is configured inline) and the pull Secret entry keyed {typed} serve only images named {typed}/...; \
             images named {lower}/... (the usual spelling) read none of them."
        ),
        format!(
            "Write the host exactly as your image references spell it: {lower} if they use lower case (the usual \
             case; DNS ignores case, so the registry is reached either way). If images use both spellings, add a \
             second registry for the other."
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(form_toml: &str) -> crate::output::Rendered {
        let form = crate::form_io::parse_form(form_toml, crate::form_io::FormFormat::Toml).expect("form");
        crate::render(&form)
    }

    fn diag<'a>(r: &'a crate::output::Rendered, field: &str) -> Vec<&'a Diagnostic> {
        r.diagnostics.iter().filter(|d| d.field.as_str() == field).collect()
    }

    #[test]
    fn internationalised_names_are_named_as_such_with_the_punycode_commands() {
        assert_eq!(Host::parse("bücher.example"), Err(HostError::Idn('ü')));
        assert_eq!(Host::parse("镜像.例子.中国"), Err(HostError::Idn('镜')));
        assert_eq!(Host::parse("镜像。例子。中国:5000"), Err(HostError::Idn('镜')));
        // Devanagari: the virama (U+094D) is a combining mark, not a letter.
        assert_eq!(Host::parse("हिन्दी.example"), Err(HostError::Idn('ह')));
        assert_eq!(Host::parse("bücher.example."), Err(HostError::Idn('ü')));
        let r = render("[[registry]]\nhost = \"bücher.example:5000\"\n");
        let d = diag(&r, "registry[0].host");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "host.malformed");
        assert!(
            d[0].message.contains("internationalised") && d[0].message.contains("'ü' (U+00FC) is not ASCII"),
            "{d:?}"
        );
        assert!(!d[0].message.contains("no host name can have"), "{d:?}");
        assert!(d[0].fix.contains("punycode") && d[0].fix.contains("xn--bcher-kva.example"), "{d:?}");
        // The name alone goes to the commands (shell-quoted, as it is not a plain word), the port after.
        assert!(d[0].fix.contains("`idn2 'bücher.example'`"), "{}", d[0].fix);
        assert!(d[0].fix.contains("decode())' 'bücher.example'`, then add :5000"), "{}", d[0].fix);
        // A mirror URL gets the same.
        let r =
            render("[[registry]]\nhost = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://镜像.例子.中国/v2\"\n");
        let d = diag(&r, "registry[0].mirror[0].url");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("internationalised") && d[0].message.contains("U+955C"), "{d:?}");
        assert!(d[0].fix.contains("`idn2 '镜像.例子.中国'`"), "{}", d[0].fix);
        assert!(d[0].fix.contains("mirror's certificate") && !d[0].fix.contains("Name images"), "{}", d[0].fix);
        // The punycode form is a plain host: no diagnostic on it.
        let r = render("[[registry]]\nhost = \"xn--bcher-kva.example\"\n");
        assert!(diag(&r, "registry[0].host").is_empty(), "{:?}", r.diagnostics);
    }

    #[test]
    fn other_non_ascii_characters_are_named_by_code_point() {
        // A zero-width space and a fullwidth colon, as pasted from chat.
        assert_eq!(Host::parse("harbor.example.net\u{200B}"), Err(HostError::NonAscii('\u{200B}')));
        assert_eq!(Host::parse("harbor.example.net\u{FF1A}5000"), Err(HostError::NonAscii('\u{FF1A}')));
        // An IDN with an empty label: that is what to fix first.
        assert_eq!(Host::parse("bücher..example"), Err(HostError::BadLabel));
        // Look-alikes: an en dash, fullwidth letters, a right quote, an emoji.
        assert_eq!(Host::parse("harbor\u{2013}1.example.net"), Err(HostError::NonAscii('\u{2013}')));
        assert_eq!(Host::parse("ｈａｒｂｏｒ.example.net"), Err(HostError::NonAscii('ｈ')));
        assert_eq!(Host::parse("bücher\u{2019}.example"), Err(HostError::NonAscii('\u{2019}')));
        assert_eq!(Host::parse("\u{1F600}.example"), Err(HostError::NonAscii('\u{1F600}')));
        // A zero-width joiner after a letter is still invisible, not a mark.
        assert_eq!(Host::parse("bü\u{200D}cher.example"), Err(HostError::NonAscii('\u{200D}')));
        // An ASCII character no host has, beside a non-ASCII one: the non-ASCII one is named.
        assert_eq!(Host::parse("bü cher.example"), Err(HostError::NonAscii('ü')));
        // (A no-break space at either end is trimmed like any space; inside, it is an error.)
        let r = render("[[registry]]\nhost = \"harbor\u{00A0}.example.net\"\n");
        let d = diag(&r, "registry[0].host");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.contains("U+00A0 (no-break space)") && !d[0].message.contains("internationalised"),
            "{d:?}"
        );
        assert!(d[0].fix.contains("Retype") && !d[0].fix.contains("punycode"), "{d:?}");
        // ASCII hosts keep their own errors.
        assert_eq!(non_ascii_error("a b"), None);
        assert_eq!(Host::parse("a b"), Err(HostError::BadCharacter));
    }

    #[test]
    fn an_ipv6_address_ending_in_a_port_gets_the_bracketed_form_with_that_port() {
        let fix = ipv6_fix("fd00::1:5000");
        assert!(fix.contains("[fd00::1:5000]") && fix.contains("If 5000 is the port: [fd00::1]:5000."), "{fix}");
        // A full address ending in digits, and one whose rest is no address: no port reading.
        for h in ["fd00:0:0:0:0:0:0:1", "fe80::", "::1", "fd00::1:99999"] {
            assert!(!ipv6_fix(h).contains("is the port"), "{h}: {}", ipv6_fix(h));
        }
        let r = render("[[registry]]\nhost = \"fd00::1:5000\"\n");
        let d = diag(&r, "registry[0].host");
        assert!(d[0].fix.contains("[fd00::1]:5000"), "{d:?}");
        let r = render("[[registry]]\nhost = \"docker.io\"\n[[registry.mirror]]\nurl = \"http://fd00::1:5000/v2\"\n");
        let d = diag(&r, "registry[0].mirror[0].url");
        assert!(d[0].fix.contains("If 5000 is the port: http://[fd00::1]:5000/v2."), "{d:?}");
    }

    #[test]
    fn capital_letters_are_kept_as_typed_with_a_warning() {
        let r = render(
            "[[registry]]\nhost = \"Harbor.Example.NET\"\nusername = \"u\"\npassword = \"p\"\n\
             [[registry.mirror]]\nurl = \"https://HARBOR.example.net/v2/proxy\"\noverride_path = true\n",
        );
        let d = diag(&r, "registry[0].host");
        assert_eq!(d.iter().map(|d| d.code).collect::<Vec<_>>(), ["host.uppercase"], "{d:?}");
        assert_eq!(d[0].severity, crate::Severity::Warning);
        assert!(d[0].message.contains("certs.d/Harbor.Example.NET/"), "{d:?}");
        assert!(d[0].fix.contains("harbor.example.net if they use lower case"), "{d:?}");
        // The namespace directory and the Secret key are as typed; the mirror URL (an address) is lowercased.
        let hosts = r.files.iter().find(|f| f.path.ends_with("hosts.toml")).expect("hosts.toml");
        assert!(hosts.path.contains("/Harbor.Example.NET/"), "{}", hosts.path);
        let doc: toml_edit::DocumentMut = hosts.contents.parse().expect("hosts.toml parses");
        assert_eq!(doc["server"].as_str(), Some("https://Harbor.Example.NET"));
        assert!(doc["host"].as_table().is_some_and(|t| t.contains_key("https://harbor.example.net/v2/proxy")));
        let secret = r.files.iter().find(|f| f.contents.contains(".dockerconfigjson")).expect("secret");
        let yaml: serde_yaml::Value = serde_yaml::from_str(&secret.contents).expect("secret yaml");
        let data = yaml["data"][".dockerconfigjson"].as_str().expect("data");
        use base64::Engine as _;
        let json = base64::engine::general_purpose::STANDARD.decode(data).expect("base64");
        let json: serde_json::Value = serde_json::from_slice(&json).expect("json");
        assert!(json["auths"].get("Harbor.Example.NET").is_some(), "{json}");
        // Lower case, `_default` and an IPv4 address: no warning.
        for h in ["harbor.example.net", "_default", "10.50.1.104:5000"] {
            let r = render(&format!("[[registry]]\nhost = \"{h}\"\n"));
            assert!(!r.diagnostics.iter().any(|d| d.code == "host.uppercase"), "{h}");
        }
        let r = render("[[registry]]\nhost = \"[FD00::1]:5000\"\n");
        assert!(r.diagnostics.iter().any(|d| d.code == "host.uppercase" && d.fix.contains("[fd00::1]:5000")));
    }
}
