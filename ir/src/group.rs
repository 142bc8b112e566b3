//! Grouping: one cause repeated over many resources (or over the Azure targets, which check
//! the same rules) is one diagnostic with a count, not thousands. A grouping sink
//! ([`crate::Diagnostics::grouping`], the driver's) folds a diagnostic into an earlier kept
//! one with the same code, severity, label, help and notes and the same message shape: the
//! message with every name in backticks, and the target in `(bicep target)`, left out. The
//! kept one says how many others there are and where the first few are ([`SHOWN`] in the
//! human format). Folding happens as diagnostics arrive, so a repeat takes no place under
//! the per-file cap ([`crate::diagnostic::MAX_PER_FILE`]) and no memory past its first
//! [`KEPT`] places.

use crate::diagnostic::{Diagnostic, Label, Severity};

/// How many other places of a grouped diagnostic the human format shows, each with its own
/// message.
pub const SHOWN: usize = 3;

/// How many other places a grouped diagnostic keeps (the JSON format lists them all): as many
/// as the per-file cap keeps diagnostics, so memory stays bounded.
pub const KEPT: usize = crate::diagnostic::MAX_PER_FILE;

/// The other places a grouped diagnostic occurs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Repeats {
    /// How many there are, beyond the diagnostic itself.
    pub count: usize,
    /// The first [`KEPT`] of them in the file: where, and the message there (its names
    /// differ).
    pub first: Vec<Label>,
}

/// What makes two diagnostics the same problem: the code, the severity, the message's
/// shape, and the very same label, help and notes (a "did you mean" that differs is another
/// problem, and stays a diagnostic of its own).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Key {
    code: &'static str,
    severity: Severity,
    shape: String,
    label: String,
    help: Option<String>,
    notes: Vec<String>,
}

impl Key {
    pub(crate) fn new(diagnostic: &Diagnostic) -> Key {
        Key {
            code: diagnostic.code.id,
            severity: diagnostic.severity,
            shape: shape(&diagnostic.message),
            label: diagnostic.primary.message.clone(),
            help: diagnostic.help.clone(),
            notes: diagnostic.notes.clone(),
        }
    }
}

/// `message` with every backticked text and the targets of a trailing `(<target> target)` or
/// `(<target> and <target> targets)` replaced by `_`.
fn shape(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let parts: Vec<&str> = message.split('`').collect();
    let last = parts.len() - 1;
    for (index, part) in parts.iter().enumerate() {
        match (index % 2 == 1, index < last) {
            // Between two backticks.
            (true, true) => out.push_str("`_`"),
            // After an unpaired last backtick: text.
            (true, false) => {
                out.push('`');
                out.push_str(part);
            }
            (false, _) => out.push_str(part),
        }
    }
    // `(bicep target)`, `(terraform and bicep targets)`.
    match out
        .strip_suffix(" target)")
        .or_else(|| out.strip_suffix(" targets)"))
        .and_then(|head| head.rsplit_once('('))
    {
        Some((head, _)) => format!("{head}(_ target)"),
        None => out,
    }
}

/// Every kept place of grouped diagnostics as a diagnostic of its own (without secondary
/// labels, which belong to the first place), sorted by position: for callers that handle
/// places one by one. A group of more than [`KEPT`] places gives its first [`KEPT`] only.
pub fn ungrouped(diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for diagnostic in diagnostics {
        let mut single = diagnostic.clone();
        single.repeats = Repeats::default();
        for place in &diagnostic.repeats.first {
            let mut other = single.clone();
            other.primary.span = place.span;
            other.message.clone_from(&place.message);
            other.secondary.clear();
            out.push(other);
        }
        out.push(single);
    }
    out.sort_by(|a, b| (a.primary.span, &a.message).cmp(&(b.primary.span, &b.message)));
    out
}

#[cfg(test)]
mod tests {
    use super::shape;

    #[test]
    fn names_and_targets_do_not_change_the_shape() {
        let a = shape(
            "`w0` asks for cpu `1` and memory `1Gi`, which Azure Container Apps cannot run (bicep target)",
        );
        let b = shape(
            "`w1` asks for cpu `2` and memory `1Gi`, which Azure Container Apps cannot run (terraform target)",
        );
        assert_eq!(a, b);
        assert_eq!(
            a,
            "`_` asks for cpu `_` and memory `_`, which Azure Container Apps cannot run (_ target)"
        );
        assert_ne!(shape("unknown key `a`"), shape("unknown name `a`"));
        assert_eq!(shape("a `b"), "a `b");
        assert_eq!(
            shape("`a` is wrong (terraform and bicep targets)"),
            shape("`b` is wrong (bicep target)")
        );
    }
}
