//! Kubernetes dependent-variable expansion: writing strings that the kubelet expands.
//!
//! The kubelet rewrites `$(NAME)` in a container's `command`, `args` and `env[].value` to the
//! value of the variable `NAME` defined earlier in the same container's `env`, and `$$` to `$`
//! (its reader turns `$$` into `$` whatever follows). aspirec uses this to assemble a value
//! that mixes text and secrets inside the container, so the secret itself is never written.
//! Every literal `$` that the kubelet would read as the start of `$(` or `$$` is therefore
//! doubled; any other `$` (as in a shell's `$HOME`) is left as it is, so output stays readable.

/// A piece of a string as the kubelet reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// Text that must reach the container exactly as it is.
    Literal(&'a str),
    /// `$(NAME)`: the value of an environment variable defined earlier in the container.
    Var(&'a str),
}

/// The string to write so that the kubelet produces `pieces` after expansion.
pub(crate) fn render(pieces: &[Piece<'_>]) -> String {
    // `$(`, `)` and a few doubled `$`: room for all but an unusual string.
    let size: usize = pieces
        .iter()
        .map(|piece| match piece {
            Piece::Literal(text) => text.len() + 2,
            Piece::Var(name) => name.len() + 3,
        })
        .sum();
    let mut out = String::with_capacity(size);
    for (index, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Var(name) => {
                out.push_str("$(");
                out.push_str(name);
                out.push(')');
            }
            Piece::Literal(text) => {
                // A `$` at the end of a literal run meets the next piece's first character.
                let next_is_var = matches!(pieces.get(index + 1), Some(Piece::Var(_)));
                push_literal(&mut out, text, next_is_var);
            }
        }
    }
    out
}

/// A literal string, escaped so the kubelet leaves it as it is.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_literal(&mut out, text, false);
    out
}

/// [`escape`], without a copy when there is nothing to escape.
pub(crate) fn escape_owned(text: String) -> String {
    if text.contains('$') {
        escape(&text)
    } else {
        text
    }
}

/// Appends `text`, doubling each `$` that the kubelet would read as the start of `$(` or
/// `$$`: one followed by `$` or `(`, or ending the text when a variable follows
/// (`next_is_var`). Text runs between `$`s are copied whole.
fn push_literal(out: &mut String, text: &str, next_is_var: bool) {
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        let (with_dollar, after) = rest.split_at(at + 1);
        out.push_str(with_dollar);
        let doubled = match after.chars().next() {
            Some(next) => matches!(next, '$' | '('),
            None => next_is_var,
        };
        if doubled {
            out.push('$');
        }
        rest = after;
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kubelet's expansion (k8s.io/kubernetes third_party/forked/golang/expansion), so the
    /// tests check the round trip rather than one spelling.
    fn kubelet_expand(input: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
        let bytes = input.as_bytes();
        let mut out = String::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'$' && i + 1 < bytes.len() {
                match bytes[i + 1] {
                    b'$' => {
                        out.push('$');
                        i += 2;
                    }
                    b'(' => match input[i + 2..].find(')') {
                        Some(close) => {
                            let name = &input[i + 2..i + 2 + close];
                            out.push_str(&lookup(name).unwrap_or_else(|| format!("$({name})")));
                            i += close + 3;
                        }
                        None => {
                            out.push_str("$(");
                            i += 2;
                        }
                    },
                    _ => {
                        out.push('$');
                        i += 1;
                    }
                }
            } else {
                let c = input[i..].chars().next().unwrap();
                out.push(c);
                i += c.len_utf8();
            }
        }
        out
    }

    fn defined(name: &str) -> Option<String> {
        (name == "X" || name == "ASPIREC_SECRET_PW").then(|| format!("<{name}>"))
    }

    #[test]
    fn literal_dollars_survive_expansion() {
        for text in [
            "$(X)",
            "$$(X)",
            "a$$b",
            "$",
            "a$",
            "$HOME",
            "${X}",
            "echo $(date) $$",
            "($)",
            "é$(X)é",
            "$$$(",
        ] {
            let written = escape(text);
            assert_eq!(
                kubelet_expand(&written, defined),
                text,
                "written as {written}"
            );
        }
        assert_eq!(escape("$(X)"), "$$(X)");
        assert_eq!(
            escape("redis-server --requirepass \"$REDIS_PASSWORD\""),
            "redis-server --requirepass \"$REDIS_PASSWORD\""
        );
    }

    #[test]
    fn variables_expand_next_to_literal_dollars() {
        let pieces = [
            Piece::Literal("Password=$"),
            Piece::Var("ASPIREC_SECRET_PW"),
            Piece::Literal("($X)"),
        ];
        let written = render(&pieces);
        assert_eq!(written, "Password=$$$(ASPIREC_SECRET_PW)($X)");
        assert_eq!(
            kubelet_expand(&written, defined),
            "Password=$<ASPIREC_SECRET_PW>($X)"
        );
    }
}
