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
pub(crate) enum Piece {
    /// Text that must reach the container exactly as it is.
    Literal(String),
    /// `$(NAME)`: the value of an environment variable defined earlier in the container.
    Var(String),
}

/// The string to write so that the kubelet produces `pieces` after expansion.
pub(crate) fn render(pieces: &[Piece]) -> String {
    let mut out = String::new();
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
                let mut chars = text.chars().peekable();
                while let Some(c) = chars.next() {
                    out.push(c);
                    let doubled = match chars.peek() {
                        Some(next) => matches!(next, '$' | '('),
                        None => next_is_var,
                    };
                    if c == '$' && doubled {
                        out.push('$');
                    }
                }
            }
        }
    }
    out
}

/// A literal string, escaped so the kubelet leaves it as it is.
pub(crate) fn escape(text: &str) -> String {
    render(&[Piece::Literal(text.to_string())])
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
            Piece::Literal("Password=$".to_string()),
            Piece::Var("ASPIREC_SECRET_PW".to_string()),
            Piece::Literal("($X)".to_string()),
        ];
        let written = render(&pieces);
        assert_eq!(written, "Password=$$$(ASPIREC_SECRET_PW)($X)");
        assert_eq!(
            kubelet_expand(&written, defined),
            "Password=$<ASPIREC_SECRET_PW>($X)"
        );
    }
}
