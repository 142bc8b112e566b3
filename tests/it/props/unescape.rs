//! Each target's own rules for turning written text into the value a program receives,
//! written from the targets' specifications (not from aspirec's writers), so the round-trip
//! property checks the writers against an independent reading:
//!
//! - [`kubelet`]: Kubernetes dependent-variable expansion (`$$` is `$`, `$(VAR)` is the value of
//!   a variable defined earlier, anything else stays as written);
//! - [`compose`] and [`dotenv`]: Compose interpolation (`$$` is `$`; `${V:-default}` and the
//!   other forms of the Compose specification, defaults interpolated in turn, the closing brace
//!   found by counting braces as compose-go does), with the variables of a `.env` file;
//! - [`bicep_file`]: a small Bicep lexer and reader (single-quoted strings with `\'`, `\\`,
//!   `\n`, `\r`, `\t`, `\$`, `\u{...}` escapes and `${...}` interpolation, `'''` verbatim
//!   strings) giving every object literal's `key: value` pairs and every `param`'s default.
//!
//! - [`go_template`]: the Go `text/template` constructs a generated Helm chart uses, read as
//!   Go's lexer reads them (`{{`...`}}` actions, `{{-`/`-}}` trimming, raw and quoted string
//!   literals, comments); a raw-string action prints its text.
//! - [`hcl_string`] and [`hcl_expression`]: HCL quoted templates as hclsyntax's scanner reads
//!   them (hashicorp/hcl `scan_tokens.rl`): backslash escapes, `$${` and `%%{` literal, `${...}`
//!   evaluated. hcl-rs is not used for this: its template parser reads `%%%{` as `%{` where
//!   HCL (and hclwrite, which writes `%%{` as `%%%{`) reads `%%{`.

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

/// What a generated chart's template renders to with default values, as far as it matters
/// for reading values back: text outside actions as it is; an action that is only a string
/// literal prints it; `with` blocks print nothing (every `with` of the chart is over a value
/// that is empty by default); `if` blocks print their first branch (the chart's `if`s are the
/// Ingress switches, on by default; the generated models have no Aspire conditional, whose
/// switch is off by default); any other action prints `HELM-EXPRESSION`, a placeholder for a
/// value the reader does not need (a namespace, a label, an image).
pub(crate) fn go_template(input: &str) -> Result<String, String> {
    let mut out = String::new();
    // Per open block: whether it prints nothing.
    let mut blocks: Vec<bool> = Vec::new();
    let mut rest = input;
    while let Some(open) = rest.find("{{") {
        let skipping = blocks.contains(&true);
        if !skipping {
            out.push_str(&rest[..open]);
        }
        let mut action = &rest[open + 2..];
        if let Some(trimmed) = action.strip_prefix("- ") {
            if !skipping {
                out.truncate(out.trim_end().len());
            }
            action = trimmed;
        }
        let close = action_end(action).ok_or_else(|| format!("unclosed action in {rest:?}"))?;
        let mut body = &action[..close];
        rest = &action[close + 2..];
        if let Some(trimmed) = body.strip_suffix(" -") {
            body = trimmed;
            rest = rest.trim_start();
        }
        let body = body.trim();
        let word = body.split_whitespace().next().unwrap_or_default();
        match word {
            "with" | "range" => blocks.push(true),
            "if" => blocks.push(false),
            "else" => {
                let last = blocks.last_mut().ok_or("`else` outside a block")?;
                *last = !*last;
            }
            "end" => {
                blocks.pop().ok_or("`end` outside a block")?;
            }
            _ if body.starts_with("/*") || body.contains(":=") => {}
            _ if skipping => {}
            _ => match body.strip_prefix('`').and_then(|b| b.strip_suffix('`')) {
                Some(literal) if !literal.contains('`') => out.push_str(literal),
                _ => out.push_str("HELM-EXPRESSION"),
            },
        }
    }
    if !blocks.is_empty() {
        return Err("a block is not closed".to_string());
    }
    out.push_str(rest);
    Ok(out)
}

/// Where the action that starts `action` ends (its `}}`), past string literals.
fn action_end(action: &str) -> Option<usize> {
    let bytes = action.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'`' => i += 1 + action[i + 1..].find('`')? + 1,
            b'"' => {
                i += 1;
                while *bytes.get(i)? != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Compose's interpolation of `input`; `vars` gives the variables that are set.
pub(crate) fn compose(
    input: &str,
    vars: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = input;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let close =
                closing_brace(body).ok_or_else(|| format!("unclosed `${{` in {input:?}"))?;
            out.push_str(&substitute(&body[..close], input, vars)?);
            rest = &body[close + 1..];
        } else if after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            out.push_str(
                &vars(&after[..end])
                    .ok_or_else(|| format!("`${}` is unset in {input:?}", &after[..end]))?,
            );
            rest = &after[end..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The index of the `}` that closes a `${` whose body starts `body`: every `{` opens, every
/// `}` closes (compose-go's rule; a default cannot contain an unbalanced `}`).
fn closing_brace(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `NAME`, `NAME:-default`, `NAME-default`, `NAME:?message`, `NAME?message`, `NAME:+alt`,
/// `NAME+alt`; with `:` an empty value counts as unset.
fn substitute(
    body: &str,
    input: &str,
    vars: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let (name, operator) = body.split_at(end);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("invalid interpolation `${{{body}}}` in {input:?}"));
    }
    let value = vars(name);
    let (colon, operator) = match operator.strip_prefix(':') {
        Some(rest) => (true, rest),
        None => (false, operator),
    };
    let set = value.as_ref().is_some_and(|v| !(colon && v.is_empty()));
    let mut chars = operator.chars();
    match (chars.next(), set) {
        (None, _) if !colon => value.ok_or_else(|| format!("`${name}` is unset in {input:?}")),
        (Some('-'), true) | (Some('?'), true) => Ok(value.unwrap_or_default()),
        (Some('-'), false) | (Some('+'), true) => compose(chars.as_str(), vars),
        (Some('+'), false) => Ok(String::new()),
        (Some('?'), false) => Err(format!(
            "`${name}` is required ({}) in {input:?}",
            chars.as_str()
        )),
        _ => Err(format!("invalid interpolation `${{{body}}}` in {input:?}")),
    }
}

/// The variables of a `.env` file (as `docker compose` reads one): `KEY=value`, the value
/// unquoted (trimmed), in single quotes (verbatim) or in double quotes (`\\`, `\"`, `\$`,
/// `\n`, `\r`, `\t` escapes; `$NAME`/`${` would expand, which is reported as an error).
/// Comments and blank lines are skipped.
pub(crate) fn dotenv(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut vars = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, raw) = line
            .split_once('=')
            .ok_or_else(|| format!(".env line without `=`: {line:?}"))?;
        let value = if let Some(quoted) = raw.strip_prefix('\'') {
            quoted
                .rsplit_once('\'')
                .ok_or_else(|| format!("unclosed ' in {line:?}"))?
                .0
                .to_string()
        } else if let Some(quoted) = raw.strip_prefix('"') {
            let body = quoted
                .rsplit_once('"')
                .ok_or_else(|| format!("unclosed \" in {line:?}"))?
                .0;
            let mut out = String::new();
            let mut chars = body.chars();
            while let Some(c) = chars.next() {
                // Compose expands `$NAME` and `${...}` inside double quotes; aspirec writes
                // only values, so an unescaped one is a bug.
                if c == '$'
                    && chars
                        .clone()
                        .next()
                        .is_some_and(|n| n == '{' || n == '_' || n.is_ascii_alphabetic())
                {
                    return Err(format!("unescaped expansion in .env line {line:?}"));
                }
                if c != '\\' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some(c @ ('\\' | '"' | '$')) => out.push(c),
                    Some(c) => {
                        out.push('\\');
                        out.push(c);
                    }
                    None => out.push('\\'),
                }
            }
            out
        } else {
            raw.trim().to_string()
        };
        vars.push((key.trim().to_string(), value));
    }
    Ok(vars)
}

/// The value of an HCL quoted template whose text starts right after its opening `"`, and the
/// text after its closing `"`. Follows hclsyntax's scanner: backslash escapes; `$${` and `%%{`
/// are literal `${` and `%{`; a `$` or `%` not starting one of those is itself (so `%%%{` is
/// `%` then the escape `%%{`); `${expr}` is evaluated by [`hcl_expression`]; a directive
/// (`%{`) is an error.
pub(crate) fn hcl_string<'a>(
    text: &'a str,
    vars: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(String, &'a str), String> {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let mut chars = rest.chars();
        let c = chars.next().ok_or("unterminated HCL string")?;
        let after = chars.as_str();
        match c {
            '"' => return Ok((out, after)),
            '\\' => {
                let mut chars = after.chars();
                let escape = chars.next().ok_or("unterminated escape")?;
                rest = chars.as_str();
                match escape {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'u' | 'U' => {
                        let len = if escape == 'u' { 4 } else { 8 };
                        let hex = rest.get(..len).ok_or("short unicode escape")?;
                        let code = u32::from_str_radix(hex, 16)
                            .map_err(|_| format!("bad escape \\{escape}{hex}"))?;
                        out.push(
                            char::from_u32(code)
                                .ok_or_else(|| format!("bad code point {code:x}"))?,
                        );
                        rest = &rest[len..];
                    }
                    other => return Err(format!("invalid HCL escape \\{other}")),
                }
            }
            '$' if after.starts_with('{') => {
                let (inner, tail) = interpolation(&after[1..], vars)?;
                out.push_str(&hcl_expression(inner, vars)?);
                rest = tail;
            }
            '%' if after.starts_with('{') => {
                return Err(format!("HCL template directive in {text:?}"));
            }
            '$' | '%' if after.starts_with(c) && after[1..].starts_with('{') => {
                out.push(c);
                out.push('{');
                rest = &after[2..];
            }
            '\n' | '\r' => return Err("line break in a quoted HCL string".into()),
            c => {
                out.push(c);
                rest = after;
            }
        }
    }
}

/// The source of a `${...}` (text right after `${`) and the text after its `}`; strings inside
/// are skipped whole, so their braces do not count.
fn interpolation<'a>(
    text: &'a str,
    vars: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(&'a str, &'a str), String> {
    let mut depth = 0;
    let mut rest = text;
    loop {
        let mut chars = rest.chars();
        let c = chars.next().ok_or("unterminated interpolation")?;
        match c {
            '}' if depth == 0 => return Ok((&text[..text.len() - rest.len()], chars.as_str())),
            '}' => depth -= 1,
            '{' => depth += 1,
            '"' => {
                rest = hcl_string(chars.as_str(), vars)?.1;
                continue;
            }
            _ => {}
        }
        rest = chars.as_str();
    }
}

/// The value of the HCL expressions aspirec writes for strings: a quoted template, or
/// `var.<name>` (through `vars`).
pub(crate) fn hcl_expression(
    text: &str,
    vars: &dyn Fn(&str) -> Result<String, String>,
) -> Result<String, String> {
    let text = text.trim();
    if let Some(quoted) = text.strip_prefix('"') {
        let (value, rest) = hcl_string(quoted, vars)?;
        return if rest.trim().is_empty() {
            Ok(value)
        } else {
            Err(format!("not one string: {text:?}"))
        };
    }
    match text.strip_prefix("var.") {
        Some(name)
            if name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
        {
            vars(name)
        }
        _ => Err(format!("an expression: {text}")),
    }
}

/// A piece of a Bicep string: text, or the source of an interpolated expression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Segment {
    Text(String),
    Expr(String),
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Str(Vec<Segment>),
    Word(String),
    Punct(char),
    Newline,
}

/// A value in a Bicep object or a `param` default, as far as the properties need it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum BicepValue {
    /// One string literal.
    Str(Vec<Segment>),
    /// One identifier (a parameter or variable).
    Word(String),
    /// Anything else, described.
    Other(String),
}

/// What the properties read from a Bicep file.
#[derive(Debug, Default)]
pub(crate) struct BicepFile {
    /// Every object literal's `key: value` pairs, innermost objects first.
    pub(crate) objects: Vec<Vec<(String, BicepValue)>>,
    /// `param <name> <type> = <default>`.
    pub(crate) params: Vec<(String, Option<BicepValue>)>,
}

fn push_text(segments: &mut Vec<Segment>, c: char) {
    match segments.last_mut() {
        Some(Segment::Text(text)) => text.push(c),
        _ => segments.push(Segment::Text(c.to_string())),
    }
}

/// Lexes one single-quoted Bicep string starting after its `'`; returns the token and the rest.
fn bicep_string(input: &str) -> Result<(Token, &str), String> {
    let mut segments = Vec::new();
    let mut rest = input;
    loop {
        let mut chars = rest.chars();
        let c = chars.next().ok_or("unterminated Bicep string")?;
        rest = chars.as_str();
        match c {
            '\'' => return Ok((Token::Str(segments), rest)),
            '\\' => {
                let mut chars = rest.chars();
                let escape = chars.next();
                rest = chars.as_str();
                let c = match escape {
                    Some('\\') => '\\',
                    Some('\'') => '\'',
                    Some('n') => '\n',
                    Some('r') => '\r',
                    Some('t') => '\t',
                    Some('$') => '$',
                    Some('u') => {
                        let (hex, after) = rest
                            .strip_prefix('{')
                            .and_then(|r| r.split_once('}'))
                            .ok_or("bad \\u escape")?;
                        rest = after;
                        let code = u32::from_str_radix(hex, 16)
                            .map_err(|_| format!("bad \\u{{{hex}}}"))?;
                        char::from_u32(code).ok_or_else(|| format!("bad code point {code:x}"))?
                    }
                    other => return Err(format!("invalid Bicep escape \\{other:?}")),
                };
                push_text(&mut segments, c);
            }
            '\n' | '\r' => return Err("line break inside a single-quoted Bicep string".into()),
            '$' if rest.starts_with('{') => {
                let after = skip_interpolation(&rest[1..])?;
                // The expression's source, without `${` and `}`.
                segments.push(Segment::Expr(
                    rest[1..rest.len() - after.len() - 1].to_string(),
                ));
                rest = after;
            }
            c => push_text(&mut segments, c),
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
            tokens.push(Token::Str(vec![Segment::Text(body.to_string())]));
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

fn value_of(tokens: &[Token], nested: bool) -> BicepValue {
    match (nested, tokens) {
        (false, [Token::Str(segments)]) => BicepValue::Str(segments.clone()),
        (false, [Token::Word(word)]) => BicepValue::Word(word.clone()),
        _ => BicepValue::Other(format!("an expression: {tokens:?}")),
    }
}

#[derive(Default)]
struct Frame {
    object: bool,
    pairs: Vec<(String, BicepValue)>,
    /// Tokens since the last line break (before a key's colon), and the value's tokens.
    line: Vec<Token>,
    key: Option<String>,
    value: Vec<Token>,
    nested: bool,
}

impl Frame {
    fn end_line(&mut self, params: &mut Vec<(String, Option<BicepValue>)>) {
        if let Some(key) = self.key.take() {
            self.pairs.push((key, value_of(&self.value, self.nested)));
        } else if !self.object {
            // Top level: `param name type = default` (decorators sit on lines of their own).
            if let [
                Token::Word(param),
                Token::Word(name),
                Token::Word(_),
                rest @ ..,
            ] = self.line.as_slice()
            {
                if param == "param" {
                    let default = match rest {
                        [Token::Punct('='), value @ ..] => Some(value_of(value, self.nested)),
                        _ => None,
                    };
                    params.push((name.clone(), default));
                }
            }
        }
        self.line.clear();
        self.value.clear();
        self.nested = false;
    }
}

/// Reads a Bicep file's object literals and parameter defaults.
pub(crate) fn bicep_file(text: &str) -> Result<BicepFile, String> {
    let mut file = BicepFile::default();
    let mut stack = vec![Frame::default()];
    for token in bicep_tokens(text)? {
        let top = stack.last_mut().ok_or("unbalanced brackets")?;
        match token {
            Token::Punct(open @ ('{' | '[' | '(')) => {
                top.nested = true;
                stack.push(Frame {
                    object: open == '{',
                    ..Frame::default()
                });
            }
            Token::Punct('}' | ']' | ')') => {
                let mut frame = stack.pop().ok_or("unbalanced brackets")?;
                frame.end_line(&mut file.params);
                if frame.object {
                    file.objects.push(frame.pairs);
                }
                if stack.is_empty() {
                    return Err("unbalanced brackets".into());
                }
            }
            Token::Newline => top.end_line(&mut file.params),
            Token::Punct(':') if top.object && top.key.is_none() => {
                let key = match top.line.as_slice() {
                    [Token::Word(key)] => key.clone(),
                    // A quoted key, possibly interpolated (`'${identity.id}': {}`).
                    [Token::Str(segments)] => format!("{segments:?}"),
                    _ => return Err(format!("unexpected `:` after {:?}", top.line)),
                };
                top.key = Some(key);
            }
            token if top.key.is_some() => top.value.push(token),
            token => top.line.push(token),
        }
    }
    Ok(file)
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
    fn compose_interpolation_follows_the_compose_spec() {
        let vars = |name: &str| match name {
            "E" => Some(String::new()),
            "S" => Some("s".to_string()),
            _ => None,
        };
        assert_eq!(
            compose("a$$b$$$${c} $( $1 $", &vars).unwrap(),
            "a$b$${c} $( $1 $"
        );
        assert_eq!(
            compose("${X:-d$${e}} ${Y-${Z:-{n}}} ${W:+alt}", &vars).unwrap(),
            "d${e} {n} "
        );
        assert_eq!(
            compose("${E:-d}|${E-d}|${E:+a}|${E+a}|${S:?m}|$S|${E}", &vars).unwrap(),
            "d|||a|s|s|"
        );
        assert!(compose("${X}", &vars).is_err());
        assert!(compose("$x", &vars).is_err());
        assert!(compose("${E:?set it}", &vars).is_err());
    }

    #[test]
    fn hcl_templates_read_as_hclsyntax_reads_them() {
        let vars = |name: &str| {
            if name == "p" {
                Ok("<p>".to_string())
            } else {
                Err(format!("no {name}"))
            }
        };
        let read = |text: &str| hcl_expression(text, &vars);
        assert_eq!(
            read(r#""a\"\\$${x}%%{y}\u00e9$$ %%%{ $$${""#).unwrap(),
            "a\"\\${x}%{y}é$$ %%{ $${"
        );
        assert_eq!(read(r#""${var.p}-${"$$"}${var.p}""#).unwrap(), "<p>-$$<p>");
        assert_eq!(read("var.p").unwrap(), "<p>");
        assert!(read(r#""%{if x}""#).is_err());
        assert!(read(r#""${var.q}""#).is_err());
    }

    #[test]
    fn dotenv_values_unquote() {
        let vars = dotenv("# c\nA=\nB=\"\\${x} \\\"q\\\" \\\\ \\n\"\nC='${y}'\n").unwrap();
        let expected = [("A", ""), ("B", "${x} \"q\" \\ \n"), ("C", "${y}")];
        assert_eq!(vars, expected.map(|(k, v)| (k.to_string(), v.to_string())));
    }

    #[test]
    fn bicep_values_and_param_defaults() {
        let text = "param p string = 'it\\'s'\nparam q string\nresource a 'x@1' = {\n  env: [\n    {\n      name: 'A'\n      value: 'it\\'s \\$ \\u{1F980}\\n'\n    }\n    {\n      name: 'B'\n      value: 'h-${p}-\\'q\\''\n    }\n    {\n      name: 'C'\n      value: '''\nraw ${x}'''\n    }\n    {\n      name: 'D'\n      value: q\n    }\n  ]\n}\n";
        let file = bicep_file(text).unwrap();
        let value = |name: &str| {
            let named = |v: &BicepValue| *v == BicepValue::Str(vec![Segment::Text(name.into())]);
            file.objects
                .iter()
                .find(|o| o.iter().any(|(k, v)| k == "name" && named(v)))
                .and_then(|o| o.iter().find(|(k, _)| k == "value"))
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(
            value("A"),
            BicepValue::Str(vec![Segment::Text("it's $ 🦀\n".into())])
        );
        assert_eq!(
            value("B"),
            BicepValue::Str(vec![
                Segment::Text("h-".into()),
                Segment::Expr("p".into()),
                Segment::Text("-'q'".into())
            ])
        );
        assert_eq!(
            value("C"),
            BicepValue::Str(vec![Segment::Text("raw ${x}".into())])
        );
        assert_eq!(value("D"), BicepValue::Word("q".into()));
        assert_eq!(
            file.params,
            vec![
                (
                    "p".into(),
                    Some(BicepValue::Str(vec![Segment::Text("it's".into())]))
                ),
                ("q".into(), None)
            ]
        );
    }
}
