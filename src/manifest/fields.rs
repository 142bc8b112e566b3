//! Typed, diagnosed access to JSON objects: the manifest schema's shape checks in one place.
//!
//! A [`Record`] is an object with a fixed set of keys. Creating one reports every key that the
//! schema does not define (E0201, with the closest known key as help); its getters report
//! values of the wrong type (E0202) and required keys that are absent (E0203, pointed at the
//! key that owns the object, since an object's own span covers many lines). A getter that
//! reported returns `None`, so lowering goes on and reports everything in one run.

use ir::diagnostic::did_you_mean;
use ir::{Diagnostics, Span, Spanned, codes};

use super::json::{Member, Node, Str, Value};

/// An object whose keys are checked against a list.
pub(super) struct Record<'j> {
    members: &'j [Member],
    /// Where to point when a required key is missing: the key that owns the object.
    owner: Span,
    /// What the object is, for messages: "resource `api`", "binding `http` of `api`".
    what: String,
}

impl<'j> Record<'j> {
    /// Views `node` as an object with the keys `known`; reports every other key.
    pub(super) fn new(
        node: &'j Node,
        owner: Span,
        what: String,
        known: &[&str],
        diags: &mut Diagnostics,
    ) -> Option<Record<'j>> {
        let members = object(node, &what, diags)?;
        for member in members {
            if !known.contains(&member.key.text.as_str()) {
                report_unknown_key(member, &what, known, diags);
            }
        }
        Some(Record {
            members,
            owner,
            what,
        })
    }

    /// Views `node` as an object whose keys are not checked.
    pub(super) fn open(
        node: &'j Node,
        owner: Span,
        what: String,
        diags: &mut Diagnostics,
    ) -> Option<Record<'j>> {
        Some(Record {
            members: object(node, &what, diags)?,
            owner,
            what,
        })
    }

    pub(super) fn what(&self) -> &str {
        &self.what
    }

    pub(super) fn get(&self, key: &str) -> Option<&'j Node> {
        self.members
            .iter()
            .find(|m| m.key.text == key)
            .map(|m| &m.value)
    }

    pub(super) fn member(&self, key: &str) -> Option<&'j Member> {
        self.members.iter().find(|m| m.key.text == key)
    }

    /// A required key: reports its absence.
    pub(super) fn require(&self, key: &str, diags: &mut Diagnostics) -> Option<&'j Node> {
        let node = self.get(key);
        if node.is_none() {
            diags
                .report(
                    codes::MISSING_KEY,
                    self.owner,
                    format!("{} has no `{key}`", self.what),
                )
                .with_label(format!("`{key}` is required here"));
        }
        node
    }

    /// A string value with its decoded-offset map, and the span of the whole token.
    pub(super) fn str(&self, key: &str, diags: &mut Diagnostics) -> Option<(&'j Str, Span)> {
        let node = self.get(key)?;
        string(node, &format!("`{key}`"), diags).map(|s| (s, node.span))
    }

    /// A plain string (no expressions), spanned without its quotes.
    pub(super) fn string(&self, key: &str, diags: &mut Diagnostics) -> Option<Spanned<String>> {
        self.str(key, diags)
            .map(|(s, _)| Spanned::new(s.text.clone(), s.content_span()))
    }

    /// [`Self::string`] for a key that must be present: a missing key is reported.
    pub(super) fn required_string(
        &self,
        key: &str,
        diags: &mut Diagnostics,
    ) -> Option<Spanned<String>> {
        self.require(key, diags)?;
        self.string(key, diags)
    }

    pub(super) fn bool(&self, key: &str, diags: &mut Diagnostics) -> Option<Spanned<bool>> {
        let node = self.get(key)?;
        match &node.value {
            Value::Bool(b) => Some(Spanned::new(*b, node.span)),
            other => {
                wrong_type(node, &format!("`{key}`"), "a boolean", other, diags);
                None
            }
        }
    }

    /// An integer; a number with a fraction or exponent, or out of range, is reported.
    pub(super) fn integer(&self, key: &str, diags: &mut Diagnostics) -> Option<Spanned<i64>> {
        let node = self.get(key)?;
        match &node.value {
            Value::Number(text) => match text.parse::<i64>() {
                Ok(n) => Some(Spanned::new(n, node.span)),
                Err(_) => {
                    diags
                        .report(
                            codes::WRONG_TYPE,
                            node.span,
                            format!("`{key}` must be a whole number"),
                        )
                        .with_label(format!("`{text}` is not an integer aspirec can use"));
                    None
                }
            },
            other => {
                wrong_type(node, &format!("`{key}`"), "a number", other, diags);
                None
            }
        }
    }

    /// A non-negative count that fits in `u32`.
    pub(super) fn count(&self, key: &str, diags: &mut Diagnostics) -> Option<u32> {
        let n = self.integer(key, diags)?;
        match u32::try_from(n.value) {
            Ok(count) => Some(count),
            Err(_) => {
                diags
                    .report(
                        codes::INVALID_VALUE,
                        n.span,
                        format!("`{key}` must be between 0 and {}", u32::MAX),
                    )
                    .with_label(format!("{} is out of range", n.value));
                None
            }
        }
    }

    /// The members of an object-valued key (a map such as `env` or `bindings`).
    pub(super) fn map(&self, key: &str, diags: &mut Diagnostics) -> &'j [Member] {
        self.get(key)
            .and_then(|node| object(node, &format!("`{key}`"), diags))
            .unwrap_or_default()
    }

    /// The elements of an array-valued key.
    pub(super) fn array(&self, key: &str, diags: &mut Diagnostics) -> &'j [Node] {
        let Some(node) = self.get(key) else {
            return &[];
        };
        match &node.value {
            Value::Array(items) => items,
            other => {
                wrong_type(node, &format!("`{key}`"), "an array", other, diags);
                &[]
            }
        }
    }
}

/// The members of an object, or a wrong-type report.
pub(super) fn object<'j>(
    node: &'j Node,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<&'j [Member]> {
    match &node.value {
        Value::Object(members) => Some(members),
        other => {
            wrong_type(node, what, "an object", other, diags);
            None
        }
    }
}

/// A string, or a wrong-type report.
pub(super) fn string<'j>(node: &'j Node, what: &str, diags: &mut Diagnostics) -> Option<&'j Str> {
    match &node.value {
        Value::String(s) => Some(s),
        other => {
            wrong_type(node, what, "a string", other, diags);
            None
        }
    }
}

fn wrong_type(node: &Node, what: &str, expected: &str, found: &Value, diags: &mut Diagnostics) {
    diags
        .report(
            codes::WRONG_TYPE,
            node.span,
            format!("{what} must be {expected}"),
        )
        .with_label(format!("found {}", found.kind()));
}

fn report_unknown_key(member: &Member, what: &str, known: &[&str], diags: &mut Diagnostics) {
    let key = &member.key.text;
    let d = diags
        .report(
            codes::UNKNOWN_KEY,
            member.key_span,
            format!("unknown key `{key}` in {what}"),
        )
        .with_label("the Aspire manifest schema (8.0) does not define this key here");
    match did_you_mean(key, known.iter().copied().filter(|k| *k != "type")) {
        Some(suggestion) => d.with_help(format!("did you mean `{suggestion}`?")),
        None => d.with_note(format!(
            "known keys here: {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    };
}
