//! A parameter's `generate` rule told to the person who supplies its value: the rule in words
//! and a shell command that follows it. Every target that leaves a generated value to whoever
//! deploys (Compose's `.env.example`, the Kubernetes inputs and the Helm chart, Bicep's
//! parameters) says it with these, so the targets never disagree on what a valid value is.

use crate::model::Generate;

/// The character classes of a rule: whether allowed, the minimum count, the `tr` set, and the
/// words. The special characters are URI-unreserved (RFC 3986), so a value drawn from them
/// needs no quoting in a shell, a `.env` file or YAML, and no percent-encoding in a URI; the
/// trailing `-` is literal in `tr`, so the special set always comes last.
fn classes(rule: &Generate) -> [(bool, u32, &'static str, &'static str); 4] {
    [
        (rule.lower, rule.min_lower, "a-z", "lowercase letter"),
        (rule.upper, rule.min_upper, "A-Z", "uppercase letter"),
        (rule.numeric, rule.min_numeric, "0-9", "digit"),
        (rule.special, rule.min_special, "._~-", "special character"),
    ]
}

fn plural(count: u32, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

impl Generate {
    /// The length a value is generated with: the minimum length, or the sum of the
    /// per-class minimums when that is more.
    pub fn length(&self) -> u32 {
        let minimums: u32 = classes(self).iter().filter(|c| c.0).map(|c| c.1).sum();
        self.min_length.max(minimums)
    }

    /// The rule in words, for a comment: `at least 22 characters from lowercase letters,
    /// digits and ._~-, with at least 2 digits`.
    pub fn describe(&self) -> String {
        let classes = classes(self);
        let allowed: Vec<String> = classes
            .iter()
            .filter(|c| c.0)
            .map(|c| match c.2 {
                "._~-" => "._~-".to_string(),
                _ => format!("{}s", c.3),
            })
            .collect();
        let mut words = format!(
            "at least {} characters from {}",
            self.length(),
            join_and(&allowed)
        );
        let minimums: Vec<String> = classes
            .iter()
            .filter(|c| c.0 && c.1 > 0)
            .map(|c| plural(c.1, c.3))
            .collect();
        if !minimums.is_empty() {
            words.push_str(&format!(", with at least {}", join_and(&minimums)));
        }
        words
    }

    /// A POSIX shell command (`tr` and `head` only) printing a value that follows the rule,
    /// without a trailing newline. The characters each class must have come first, drawn from
    /// that class; the rest from every allowed class. Fixed positions cost a little over one
    /// bit per required character, which keeps the command portable (no `shuf`).
    pub fn shell_command(&self) -> String {
        let classes = classes(self);
        let mut draws: Vec<(String, u32)> = classes
            .iter()
            .filter(|c| c.0 && c.1 > 0)
            .map(|c| (c.2.to_string(), c.1))
            .collect();
        let required: u32 = draws.iter().map(|d| d.1).sum();
        let all: String = classes.iter().filter(|c| c.0).map(|c| c.2).collect();
        if self.length() > required {
            draws.push((all, self.length() - required));
        }
        let parts: Vec<String> = draws
            .iter()
            .map(|(set, count)| format!("LC_ALL=C tr -dc '{set}' </dev/urandom | head -c {count}"))
            .collect();
        match parts.as_slice() {
            [one] => one.clone(),
            _ => format!("{{ {}; }}", parts.join("; ")),
        }
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rule_is_one_draw_from_every_class() {
        let rule = Generate::default();
        assert_eq!(
            rule.describe(),
            "at least 22 characters from lowercase letters, uppercase letters, digits and ._~-"
        );
        assert_eq!(
            rule.shell_command(),
            "LC_ALL=C tr -dc 'a-zA-Z0-9._~-' </dev/urandom | head -c 22"
        );
    }

    #[test]
    fn minimums_are_drawn_first_and_can_lengthen_the_value() {
        let rule = Generate {
            min_length: 3,
            special: false,
            min_upper: 2,
            min_numeric: 1,
            min_lower: 1,
            ..Generate::default()
        };
        assert_eq!(rule.length(), 4);
        assert_eq!(
            rule.describe(),
            "at least 4 characters from lowercase letters, uppercase letters and digits, \
             with at least 1 lowercase letter, 2 uppercase letters and 1 digit"
        );
        // Exactly the minimums: no draw from the whole set is left.
        assert_eq!(
            rule.shell_command(),
            "{ LC_ALL=C tr -dc 'a-z' </dev/urandom | head -c 1; \
             LC_ALL=C tr -dc 'A-Z' </dev/urandom | head -c 2; \
             LC_ALL=C tr -dc '0-9' </dev/urandom | head -c 1; }"
        );
    }

    #[test]
    fn a_minimum_of_a_class_that_is_not_allowed_is_ignored() {
        let rule = Generate {
            special: false,
            min_special: 3,
            ..Generate::default()
        };
        assert_eq!(rule.length(), 22);
        assert!(!rule.describe().contains("special"), "{}", rule.describe());
        assert!(
            !rule.shell_command().contains('~'),
            "{}",
            rule.shell_command()
        );
    }

    // The one test here that runs a process: the command the targets print, run as a
    // deployer would run it.
    #[test]
    #[allow(clippy::disallowed_methods)]
    fn the_command_follows_the_rule_when_run() {
        let rule = Generate {
            min_length: 30,
            numeric: false,
            min_special: 4,
            min_upper: 5,
            ..Generate::default()
        };
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(rule.shell_command())
            .output()
            .expect("sh runs");
        let value = String::from_utf8(out.stdout).expect("ASCII");
        assert_eq!(value.len(), 30, "{value}");
        assert!(value.chars().filter(|c| c.is_ascii_uppercase()).count() >= 5);
        assert!(value.chars().filter(|c| "._~-".contains(*c)).count() >= 4);
        assert!(!value.chars().any(|c| c.is_ascii_digit()), "{value}");
        assert!(
            value
                .chars()
                .all(|c| c.is_ascii_alphabetic() || "._~-".contains(c))
        );
    }
}
