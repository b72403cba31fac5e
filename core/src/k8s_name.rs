//! Kubernetes object names: the DNS-1123 rules the API server enforces.
//!
//! Namespaces are DNS-1123 *labels*; Secrets, ServiceAccounts and workloads are
//! DNS-1123 *subdomains*. Checking here means a typo is caught on the form, not by
//! `kubectl apply` after the operator has copied everything.

use std::fmt;

/// Which rule a name must follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// Up to 63 characters: lowercase letters, digits, `-`; starts and ends alphanumeric.
    Label,
    /// Up to 253 characters: labels as above joined by `.`.
    Subdomain,
}

/// Why a name breaks its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    /// Nothing given.
    Empty,
    /// Longer than the rule allows (the limit).
    TooLong(usize),
    /// Upper-case letters (Kubernetes names are lowercase).
    Uppercase,
    /// A character other than `a-z`, `0-9`, `-` (and `.` in subdomains).
    BadCharacter(char),
    /// Starts or ends with `-` or `.`, or has `..`, `.-`, `-.`.
    BadEdge,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Empty => f.write_str("it is empty"),
            NameError::TooLong(n) => write!(f, "it is longer than {n} characters"),
            NameError::Uppercase => f.write_str("it has upper-case letters; Kubernetes names are lowercase"),
            NameError::BadCharacter(c) => {
                write!(f, "it contains {}, which a Kubernetes name cannot have", crate::diagnostic::describe_char(*c))
            }
            NameError::BadEdge => f.write_str("it must start and end with a letter or digit"),
        }
    }
}

impl NameRule {
    /// The longest allowed name.
    pub fn max_len(self) -> usize {
        match self {
            NameRule::Label => 63,
            NameRule::Subdomain => 253,
        }
    }

    /// Checks `name` against the rule.
    pub fn check(self, name: &str) -> Result<(), NameError> {
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if let Some(c) =
            name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.'))
        {
            return Err(if c.is_ascii_uppercase() { NameError::Uppercase } else { NameError::BadCharacter(c) });
        }
        if self == NameRule::Label && name.contains('.') {
            return Err(NameError::BadCharacter('.'));
        }
        if name.len() > self.max_len() {
            return Err(NameError::TooLong(self.max_len()));
        }
        let edge_ok = |l: &str| {
            !l.is_empty() && !l.starts_with('-') && !l.ends_with('-') && (self == NameRule::Subdomain || l.len() <= 63)
        };
        if !name.split('.').all(edge_ok) {
            return Err(NameError::BadEdge);
        }
        Ok(())
    }

    /// What the rule is, for a fix text.
    pub fn describe(self) -> &'static str {
        match self {
            NameRule::Label => {
                "at most 63 characters: lowercase letters, digits and '-', starting and ending with a letter or digit"
            }
            NameRule::Subdomain => {
                "at most 253 characters: lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_subdomains() {
        use NameRule::*;
        assert_eq!(Label.check("kube-system"), Ok(()));
        assert_eq!(Label.check("123"), Ok(()));
        assert_eq!(Label.check(""), Err(NameError::Empty));
        assert_eq!(Label.check("Default"), Err(NameError::Uppercase));
        assert_eq!(Label.check("a.b"), Err(NameError::BadCharacter('.')));
        assert_eq!(Label.check("-a"), Err(NameError::BadEdge));
        assert_eq!(Label.check(&"a".repeat(64)), Err(NameError::TooLong(63)));
        assert_eq!(Subdomain.check("regcred.v2"), Ok(()));
        assert_eq!(Subdomain.check("a..b"), Err(NameError::BadEdge));
        assert_eq!(Subdomain.check("a.-b"), Err(NameError::BadEdge));
        assert_eq!(Subdomain.check("reg_cred"), Err(NameError::BadCharacter('_')));
        assert_eq!(Subdomain.check(&"a".repeat(254)), Err(NameError::TooLong(253)));
    }
}
