//! Compose interpolation: how literal text and deploy-time variables are written so that
//! Compose's own interpolation gives back exactly the model's value.
//!
//! Compose interpolates every string value of the file (compose-go's `template` package):
//!
//! - Outside `${...}`, `$` is the only special character and `$$` is a literal `$`; a lone `$`
//!   followed by a name would be read as a variable. So literal text is written with every `$`
//!   doubled, and nothing else changes (quotes, `#`, braces and line breaks are the YAML
//!   writer's business, and it double-quotes every string).
//! - In `${NAME:-default}` and `${NAME:?message}` the default or message is interpolated again,
//!   so `$` is still doubled there. But the expression ends at the first `}` that balances the
//!   braces counted from `${` (no escape exists for a brace), and the expression cannot span a
//!   line break (compose-go matches it with a regular expression whose `.` stops at `\n`). A
//!   default holding `{`, `}` or a line break therefore cannot be written inline: such a
//!   parameter uses the required form, and `.env.example` carries its default instead.
//!
//! The test `tests/interpolation.rs` runs the real `docker compose config` on these forms.

use std::borrow::Cow;
use std::collections::BTreeSet;

use ir::{CheckedModel, Encoding, ParamId, Parameter, percent_encode};

/// The message of a required variable, shown by `docker compose up` when it is missing:
/// "required variable X is missing a value: <message>". It is interpolated too, so it holds
/// no `$` and no braces.
const REQUIRED: &str = "set it in .env (see .env.example)";

/// Literal text as a Compose string: every `$` doubled.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// [`escape`], appended to `out`: a value is assembled from many pieces without a string for
/// each.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    // Most text has no `$`: one byte search, without `split_once`'s character searcher, and
    // one copy.
    if !text.as_bytes().contains(&b'$') {
        out.push_str(text);
        return;
    }
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('$') {
        out.push_str(before);
        out.push_str("$$");
        rest = after;
    }
    out.push_str(rest);
}

/// Whether `text` can be the default in `${NAME:-default}` (after [`escape`]).
pub(crate) fn fits_default(text: &str) -> bool {
    !text.contains(['{', '}', '\n'])
}

/// A deploy-time variable that `compose.yaml` reads: a parameter's value, as it is or
/// percent-encoded for use inside a URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Variable {
    pub(crate) param: ParamId,
    pub(crate) uri_encoded: bool,
}

impl Variable {
    /// `LOG_LEVEL`, or `PG_PASSWORD_URI_ENCODED` for the encoded form.
    pub(crate) fn name(self, model: &CheckedModel) -> String {
        ir::publish::input_name(&model.parameter(self.param).name, self.uri_encoded)
    }
}

/// The default compose.yaml may write for a parameter: a non-secret default only. (The check
/// already drops secret defaults; this keeps the rule local to where output is written.)
pub(crate) fn writable_default(param: &Parameter) -> Option<&str> {
    param.default.as_deref().filter(|_| !param.secret)
}

/// Appends a reference to parameter `param` to `out` and records the variables it reads in
/// `used`.
///
/// - Secret, or no default: `${NAME:?message}`, so `docker compose up` stops when it is unset.
/// - A non-secret default: `${NAME:-default}` (empty counts as unset, so the `NAME=` lines of
///   `.env.example` keep the default).
/// - [`Encoding::Uri`]: Compose cannot percent-encode at deploy time, so a second variable
///   `NAME_URI_ENCODED` holds the encoded value, falling back to `NAME` itself:
///   `${NAME_URI_ENCODED:-${NAME:?message}}`. The fallback is exact whenever the value has only
///   unreserved characters, which is what the generation rules of passwords used in URIs give;
///   `.env.example` says when the encoded variable must be set. A default is encoded here.
pub(crate) fn push_reference(
    out: &mut String,
    model: &CheckedModel,
    param: ParamId,
    encoding: Encoding,
    used: &mut BTreeSet<Variable>,
) {
    let raw = Variable {
        param,
        uri_encoded: false,
    };
    used.insert(raw);
    if encoding == Encoding::Uri {
        let encoded = Variable {
            param,
            uri_encoded: true,
        };
        used.insert(encoded);
        out.push_str("${");
        out.push_str(&encoded.name(model));
        out.push_str(":-");
    }
    let default = writable_default(model.parameter(param)).map(|d| match encoding {
        Encoding::Raw => Cow::Borrowed(d),
        Encoding::Uri => Cow::Owned(percent_encode(d)),
    });
    out.push_str("${");
    out.push_str(&raw.name(model));
    match default.filter(|d| fits_default(d)) {
        Some(default) => {
            out.push_str(":-");
            push_escaped(out, &default);
        }
        None => {
            out.push_str(":?");
            out.push_str(REQUIRED);
        }
    }
    out.push('}');
    if encoding == Encoding::Uri {
        out.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_doubles_every_dollar_and_nothing_else() {
        assert_eq!(escape("a$b $$ ${X} $"), "a$$b $$$$ $${X} $$");
        assert_eq!(escape("\"q\" #c\nnl é☃ {}"), "\"q\" #c\nnl é☃ {}");
    }

    #[test]
    fn defaults_with_braces_or_line_breaks_do_not_fit() {
        assert!(fits_default("info"));
        assert!(fits_default("a$b:-c?d \"q\" #"));
        assert!(fits_default(""));
        assert!(!fits_default("a}b"));
        assert!(!fits_default("{x}"));
        assert!(!fits_default("two\nlines"));
    }
}
