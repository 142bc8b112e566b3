//! TOML string literals for the generated models, in all four of TOML's spellings, so that the
//! front end's string handling (escapes, and the span arithmetic inside strings) is exercised,
//! not just its happy path. Written from the TOML 1.0 specification, independent of any parser.

/// The four ways TOML spells a string.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Style {
    Basic,
    Literal,
    MultiBasic,
    MultiLiteral,
}

impl Style {
    pub(crate) const ALL: [Style; 4] = [
        Style::Basic,
        Style::Literal,
        Style::MultiBasic,
        Style::MultiLiteral,
    ];
}

/// `text` as a TOML string in `style`, or in a basic string when `style` cannot hold it.
pub(crate) fn string(text: &str, style: Style) -> String {
    match style {
        Style::Literal if literal_ok(text) => format!("'{text}'"),
        Style::MultiLiteral if multi_literal_ok(text) => format!("'''{text}'''"),
        Style::MultiBasic => multi_basic(text),
        _ => basic(text),
    }
}

/// A control character TOML forbids raw (tab is allowed everywhere).
fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && c != '\t' && !('\u{80}'..='\u{9f}').contains(&c)) || c == '\u{7f}'
}

fn literal_ok(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c == '\'' || c == '\n' || is_forbidden_control(c))
}

fn multi_literal_ok(text: &str) -> bool {
    // A newline right after the opening delimiter is trimmed; `'''` would close the string, and
    // a trailing `'` is legal (up to two) but stresses the closing rule, which is the point.
    !text.starts_with('\n')
        && !text.starts_with("\r\n")
        && !text.contains("'''")
        && !text.ends_with("''")
        && !text.chars().any(|c| c != '\n' && is_forbidden_control(c))
        && !text.contains('\r')
}

fn escape_char(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        c if is_forbidden_control(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
        c => out.push(c),
    }
}

fn basic(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        escape_char(c, &mut out);
    }
    out.push('"');
    out
}

/// A multi-line basic string: newlines stay raw (except a leading one, which TOML would trim).
fn multi_basic(text: &str) -> String {
    let mut out = String::from("\"\"\"");
    for (i, c) in text.chars().enumerate() {
        if c == '\n' && i > 0 {
            out.push('\n');
        } else {
            escape_char(c, &mut out);
        }
    }
    out.push_str("\"\"\"");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_style_reads_back_through_the_toml_crate() {
        let samples = [
            "",
            "plain",
            "a'b",
            "x\ny",
            "\nlead",
            "tail'",
            "q\"\"\"q",
            "\u{7f}\u{1b}\r\t",
            "a\\b",
            "''x''",
        ];
        for sample in samples {
            for style in Style::ALL {
                let doc = format!("k = {}", string(sample, style));
                let table: toml::Table =
                    toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
                assert_eq!(table["k"].as_str(), Some(sample), "{doc:?}");
            }
        }
    }
}
