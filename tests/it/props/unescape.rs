//! Each target's own rules for turning written text into the value a program receives,
//! written from the targets' specifications (not from aspirec's writers), so the round-trip
//! property checks the writers against an independent reading:
//!
//! - [`kubelet`]: Kubernetes dependent-variable expansion (`$$` is `$`, `$(VAR)` is the value of
//!   a variable defined earlier, anything else stays);
//! - [`compose`]: Compose interpolation (`$$` is `$`; `${...}` and `$NAME` substitute);
//! - [`hcl_quoted`] and [`hcl_template`]: HCL quoted-string escapes and template markers
//!   (`$${` is `${`, `%%{` is `%{`; an unescaped `${` or `%{` is an expression);
//! - [`bicep_objects`]: a small Bicep lexer (single-quoted strings with `\'`, `\\`, `\n`, `\r`,
//!   `\t`, `\$`, `\u{...}` escapes and `${...}` interpolation; `'''` verbatim strings) that
//!   returns the `key: value` pairs of every object literal.

/// The kubelet's expansion of `$(NAME)` in an env value; `lookup` gives earlier variables.
pub(crate) fn kubelet(input: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = input;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix('(') {
            match tail.find(')') {
                Some(close) => {
                    let name = &tail[..close];
                    out.push_str(&lookup(name).unwrap_or_else(|| format!("$({name})")));
                    rest = &tail[close + 1..];
                }
                // An unterminated reference is kept as written.
                None => {
                    out.push_str("$(");
                    rest = tail;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Compose's reading of a string with no variables: `$$` is `$`; a substitution is an error.
pub(crate) fn compose(input: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('$') => {
                chars.next();
                out.push('$');
            }
            Some('{') => return Err(format!("Compose would interpolate `${{` in {input:?}")),
            Some(n) if n.is_ascii_alphabetic() || *n == '_' => {
                return Err(format!("Compose would interpolate `${n}` in {input:?}"));
            }
            _ => out.push('$'),
        }
    }
    Ok(out)
}

/// The raw text of an HCL quoted template to its value, failing on interpolation/directives.
pub(crate) fn hcl_quoted(raw: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some(u @ ('u' | 'U')) => {
                    let digits: String = (0..if u == 'u' { 4 } else { 8 })
                        .filter_map(|_| chars.next())
                        .collect();
                    let code = u32::from_str_radix(&digits, 16)
                        .map_err(|_| format!("bad escape \\{u}{digits}"))?;
                    out.push(
                        char::from_u32(code).ok_or_else(|| format!("bad code point {code:x}"))?,
                    );
                }
                other => return Err(format!("bad HCL escape \\{other:?} in {raw:?}")),
            },
            '$' | '%' if chars.peek() == Some(&c) => {
                chars.next();
                if chars.peek() == Some(&'{') {
                    chars.next();
                    out.push(c);
                    out.push('{');
                } else {
                    out.push(c);
                    out.push(c);
                }
            }
            '$' | '%' if chars.peek() == Some(&'{') => {
                return Err(format!("HCL template expression in {raw:?}"));
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Template markers in text whose backslash escapes are already resolved (a string as hcl-rs
/// returns it, or a heredoc): `$${` is `${`, `%%{` is `%{`, an unescaped marker is an error.
pub(crate) fn hcl_template(text: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(['$', '%']) {
        out.push_str(&rest[..at]);
        let marker = &rest[at..at + 1];
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix(marker).and_then(|t| t.strip_prefix('{')) {
            out.push_str(marker);
            out.push('{');
            rest = tail;
        } else if after.starts_with('{') {
            return Err(format!("HCL template marker `{marker}{{` in {text:?}"));
        } else {
            out.push_str(marker);
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    /// A string literal: its value, or why it is not plain text (it interpolates).
    Str(Result<String, String>),
    Word(String),
    Punct(char),
    Newline,
}

/// Lexes one single-quoted Bicep string starting after its `'`; returns the token and the rest.
fn bicep_string(input: &str) -> Result<(Token, &str), String> {
    let mut out = String::new();
    let mut interpolated = false;
    let mut rest = input;
    loop {
        let mut chars = rest.chars();
        let c = chars.next().ok_or("unterminated Bicep string")?;
        rest = chars.as_str();
        match c {
            '\'' => {
                let written = &input[..input.len() - rest.len() - 1];
                let value = if interpolated {
                    Err(format!("interpolated string '{written}'"))
                } else {
                    Ok(out)
                };
                return Ok((Token::Str(value), rest));
            }
            '\\' => {
                let mut chars = rest.chars();
                let escape = chars.next();
                rest = chars.as_str();
                match escape {
                    Some('\\') => out.push('\\'),
                    Some('\'') => out.push('\''),
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some('$') => out.push('$'),
                    Some('u') => {
                        let (hex, after) = rest
                            .strip_prefix('{')
                            .and_then(|r| r.split_once('}'))
                            .ok_or("bad \\u escape")?;
                        let code = u32::from_str_radix(hex, 16)
                            .map_err(|_| format!("bad \\u{{{hex}}}"))?;
                        out.push(
                            char::from_u32(code)
                                .ok_or_else(|| format!("bad code point {code:x}"))?,
                        );
                        rest = after;
                    }
                    other => return Err(format!("invalid Bicep escape \\{other:?}")),
                }
            }
            '\n' | '\r' => return Err("line break inside a single-quoted Bicep string".into()),
            '$' if rest.starts_with('{') => {
                interpolated = true;
                rest = skip_interpolation(&rest[1..])?;
            }
            c => out.push(c),
        }
    }
}

/// The text after a `${...}` expression (its `${` already consumed): balanced braces, with
/// nested strings lexed so that braces inside them do not count.
fn skip_interpolation(mut rest: &str) -> Result<&str, String> {
    let mut depth = 1;
    loop {
        let mut chars = rest.chars();
        let c = chars.next().ok_or("unterminated interpolation")?;
        rest = chars.as_str();
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(rest);
                }
            }
            '\'' => rest = bicep_string(rest)?.1,
            _ => {}
        }
    }
}

fn bicep_tokens(mut input: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    while let Some(c) = input.chars().next() {
        if c == '\n' {
            tokens.push(Token::Newline);
            input = &input[1..];
        } else if c.is_whitespace() {
            input = &input[c.len_utf8()..];
        } else if let Some(rest) = input.strip_prefix("//") {
            input = rest.find('\n').map_or("", |end| &rest[end..]);
        } else if let Some(rest) = input.strip_prefix("/*") {
            input = rest.split_once("*/").ok_or("unterminated comment")?.1;
        } else if let Some(rest) = input.strip_prefix("'''") {
            // A verbatim string: no escapes, no interpolation; a line break right after the
            // opening quotes is not part of it.
            let (body, after) = rest.split_once("'''").ok_or("unterminated ''' string")?;
            let body = body
                .strip_prefix("\r\n")
                .or_else(|| body.strip_prefix('\n'))
                .unwrap_or(body);
            tokens.push(Token::Str(Ok(body.to_string())));
            input = after;
        } else if let Some(rest) = input.strip_prefix('\'') {
            let (token, after) = bicep_string(rest)?;
            tokens.push(token);
            input = after;
        } else if c.is_alphanumeric() || c == '_' {
            let end = input
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(input.len());
            tokens.push(Token::Word(input[..end].to_string()));
            input = &input[end..];
        } else {
            tokens.push(Token::Punct(c));
            input = &input[c.len_utf8()..];
        }
    }
    Ok(tokens)
}

/// One object literal's `key: value` pairs; a value is a plain string or why it is not one.
pub(crate) type BicepObject = Vec<(String, Result<String, String>)>;

#[derive(Default)]
struct Frame {
    object: bool,
    pairs: BicepObject,
    /// Tokens since the last line break (the key and the colon), and the value's tokens.
    line: Vec<Token>,
    key: Option<String>,
    value: Vec<Token>,
    nested: bool,
}

impl Frame {
    fn finish_pair(&mut self) {
        if let Some(key) = self.key.take() {
            let value = match (self.nested, self.value.as_slice()) {
                (false, [Token::Str(value)]) => value.clone(),
                _ => Err(format!("`{key}` is an expression, not a string literal")),
            };
            self.pairs.push((key, value));
        }
        self.line.clear();
        self.value.clear();
        self.nested = false;
    }
}

/// Every object literal in a Bicep file, innermost first.
pub(crate) fn bicep_objects(text: &str) -> Result<Vec<BicepObject>, String> {
    let mut objects = Vec::new();
    let mut stack = vec![Frame::default()];
    for token in bicep_tokens(text)? {
        let top = stack.last_mut().ok_or("unbalanced brackets")?;
        match token {
            Token::Punct(open @ ('{' | '[' | '(')) => {
                if top.key.is_some() {
                    top.nested = true;
                }
                stack.push(Frame {
                    object: open == '{',
                    ..Frame::default()
                });
            }
            Token::Punct('}' | ']' | ')') => {
                let mut frame = stack.pop().ok_or("unbalanced brackets")?;
                frame.finish_pair();
                if frame.object {
                    objects.push(frame.pairs);
                }
                if stack.is_empty() {
                    return Err("unbalanced brackets".into());
                }
            }
            Token::Newline => {
                if top.object {
                    top.finish_pair();
                }
            }
            Token::Punct(':') if top.object && top.key.is_none() => match top.line.as_slice() {
                [Token::Word(key)] => top.key = Some(key.clone()),
                // An interpolated key (`'${identity.id}': {}`) is kept as its description.
                [Token::Str(key)] => top.key = Some(key.clone().unwrap_or_else(|why| why)),
                _ => return Err(format!("unexpected `:` after {:?}", top.line)),
            },
            token => {
                if top.key.is_some() {
                    top.value.push(token);
                } else {
                    top.line.push(token);
                }
            }
        }
    }
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubelet_expansion_follows_kubernetes() {
        let lookup = |name: &str| (name == "A").then(|| "<a>".to_string());
        assert_eq!(
            kubelet("$$(A) $(A) $(B) $( $ $$ x$", lookup),
            "$(A) <a> $(B) $( $ $ x$"
        );
    }

    #[test]
    fn compose_reads_doubled_dollars_and_rejects_substitutions() {
        assert_eq!(compose("a$$b$$$${c} $( $1 $").unwrap(), "a$b$${c} $( $1 $");
        assert!(compose("${X}").is_err());
        assert!(compose("$x").is_err());
    }

    #[test]
    fn hcl_templates_unescape_markers() {
        assert_eq!(
            hcl_quoted(r#"a\"\\$${x}%%{y}\u00e9$$"#).unwrap(),
            "a\"\\${x}%{y}é$$"
        );
        assert!(hcl_quoted("${x}").is_err());
        assert_eq!(hcl_template("$${a}%%{b}%$").unwrap(), "${a}%{b}%$");
        assert!(hcl_template("%{if}").is_err());
    }

    #[test]
    fn bicep_objects_give_literal_values_only() {
        let text = "resource a 'x@1' = {\n  env: [\n    {\n      name: 'A'\n      value: 'it\\'s \\$ \\u{1F980}\\n'\n    }\n    {\n      name: 'B'\n      value: 'h-${env.x}-\\'q\\''\n    }\n    {\n      name: 'C'\n      value: '''\nraw ${x}'''\n    }\n  ]\n}\n";
        let objects = bicep_objects(text).unwrap();
        let value = |name: &str| {
            objects
                .iter()
                .find(|o| {
                    o.iter()
                        .any(|(k, v)| k == "name" && v.as_deref() == Ok(name))
                })
                .and_then(|o| o.iter().find(|(k, _)| k == "value"))
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(value("A").unwrap(), "it's $ 🦀\n");
        assert!(value("B").is_err());
        assert_eq!(value("C").unwrap(), "raw ${x}");
    }
}
