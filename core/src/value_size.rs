//! Credentials far longer than any registry's: most likely a file or a log pasted into
//! the wrong field. They are kept (pullfix never drops data it cannot prove wrong) and
//! warned about, since the whole value goes into the pull Secret, node credentials and
//! the web page's share link.

use crate::diagnostic::{Diagnostic, Field};
use crate::form::Form;

/// User names above this many characters get a warning. Harbor robot accounts
/// (`robot$project+name`) and LDAP or e-mail logins stay far below it.
pub const USERNAME_MAX: usize = 256;

/// Passwords and identity tokens above this many characters get a warning. Cloud
/// registry tokens (`aws ecr get-login-password`, an ACR refresh token) are a few
/// thousand characters.
pub const SECRET_MAX: usize = 16 * 1024;

/// Warns on each credential longer than its limit.
pub fn check(form: &Form, diags: &mut Vec<Diagnostic>) {
    for (i, r) in form.registries.iter().enumerate() {
        let f = Field::registry(i);
        let n = r.username.chars().count();
        if n > USERNAME_MAX {
            diags.push(Diagnostic::warning(
                f.key("username"),
                "username.too-long",
                format!(
                    "This user name is {n} characters long; registry user names are short (Harbor's robot accounts \
                     such as robot$project+ci too). Something else was probably pasted here, and all of it goes into \
                     the pull Secret."
                ),
                "Enter only the account's user name, as the registry shows it (for Harbor: your login, or the robot \
                 account's full name).",
            ));
        }
        for (key, what, value) in
            [("password", "password", &r.password), ("identity_token", "token", &r.identity_token)]
        {
            let n = value.chars().count();
            if n > SECRET_MAX {
                diags.push(Diagnostic::warning(
                    f.key(key),
                    "credentials.too-long",
                    format!(
                        "This {what} is {n} characters long, far more than registry passwords and tokens (even cloud \
                         registry tokens are a few thousand). A file or a log was probably pasted here, and all of \
                         it goes into the pull Secret."
                    ),
                    format!("Give only the {what} itself, nothing around it."),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Registry;

    fn codes(r: Registry) -> Vec<(String, &'static str)> {
        let form = Form { registries: vec![r], ..Form::default() };
        let mut d = Vec::new();
        check(&form, &mut d);
        d.into_iter().map(|d| (d.field.to_string(), d.code)).collect()
    }

    #[test]
    fn credentials_beyond_any_registry_are_warned_about_and_kept() {
        let usual = Registry {
            host: "harbor.example.net".into(),
            username: "robot$library+ci".into(),
            // An ECR-sized token.
            password: "A".repeat(3000),
            identity_token: "t".repeat(SECRET_MAX),
            ..Registry::default()
        };
        assert_eq!(codes(usual.clone()), []);
        assert_eq!(codes(Registry { username: "ü".repeat(USERNAME_MAX), ..usual.clone() }), []);
        let long = Registry {
            username: "u".repeat(USERNAME_MAX + 1),
            password: "p".repeat(100_000),
            identity_token: "t".repeat(SECRET_MAX + 1),
            ..usual
        };
        assert_eq!(
            codes(long.clone()),
            [
                ("registry[0].username".to_owned(), "username.too-long"),
                ("registry[0].password".to_owned(), "credentials.too-long"),
                ("registry[0].identity_token".to_owned(), "credentials.too-long"),
            ]
        );
        // Through render: a warning with the length, and the Secret is still written.
        let form = Form { registries: vec![long], ..Form::default() };
        let out = crate::render(&form);
        let d = out.diagnostics.iter().find(|d| d.code == "username.too-long").expect("warning");
        assert_eq!(d.severity, crate::Severity::Warning);
        assert!(d.message.contains("257 characters"), "{d:?}");
        assert!(out.files.iter().any(|f| f.contents.contains(".dockerconfigjson")), "the Secret is written");
    }
}
