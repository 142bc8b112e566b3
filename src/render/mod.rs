//! Rendering diagnostics: `human` (rustc style: `file:line:col`, the source line, carets,
//! labels, help and notes) and `json` (one object per diagnostic, for editors and CI).
//!
//! This is the only module that knows how diagnostics look. Columns count characters, so a
//! multi-byte character before an error does not shift the caret; carets are drawn by
//! terminal columns ([`width`]), so a wide character (CJK, emoji) does not either. Secret
//! values never show:
//! [`mask`] hides them in snippets and messages, for every diagnostic.

mod mask;
mod width;

use std::fmt::Write;

use ir::{Diagnostic, Label, Severity, SourceMap, Span};

/// The human format. `color` adds ANSI colours (for terminals).
pub fn human(sources: &SourceMap, diagnostics: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    let secrets = mask::secrets(sources);
    for diagnostic in diagnostics {
        render_one(&mut out, sources, diagnostic, color, &secrets);
        out.push('\n');
    }
    out
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn severity_name(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
        Severity::Bug => ("internal error", "1;35"),
    }
}

fn render_one(
    out: &mut String,
    sources: &SourceMap,
    diagnostic: &Diagnostic,
    color: bool,
    secrets: &[String],
) {
    let style = Style { on: color };
    let (name, paint) = severity_name(diagnostic.severity);
    let redact = |text: &str| mask::redact(text, secrets).into_owned();
    let _ = writeln!(
        out,
        "{}{} {}",
        style.paint(paint, &format!("{name}[{}]", diagnostic.code.id)),
        style.paint("1", ":"),
        style.paint("1", &redact(&diagnostic.message))
    );
    let labels: Vec<(&Label, bool)> = std::iter::once((&diagnostic.primary, true))
        .chain(diagnostic.secondary.iter().map(|l| (l, false)))
        .filter(|(l, _)| !l.span.is_detached() && sources.get(l.span.file).is_some())
        .collect();
    let width = labels
        .iter()
        .filter_map(|(l, _)| sources.get(l.span.file).map(|f| f.line_col(l.span.start).0))
        .max()
        .map_or(1, |line| line.to_string().len());
    let pad = " ".repeat(width);
    // Group labels by file, the primary's file first, then by line.
    let mut files: Vec<ir::FileId> = Vec::new();
    for (label, _) in &labels {
        if !files.contains(&label.span.file) {
            files.push(label.span.file);
        }
    }
    for (index, file_id) in files.iter().enumerate() {
        let Some(file) = sources.get(*file_id) else {
            continue;
        };
        let mut in_file: Vec<&(&Label, bool)> = labels
            .iter()
            .filter(|(l, _)| l.span.file == *file_id)
            .collect();
        in_file.sort_by_key(|(l, primary)| (l.span.start, !primary));
        let anchor = in_file
            .iter()
            .find(|(_, p)| *p)
            .unwrap_or(&in_file[0])
            .0
            .span;
        let (line, col) = file.line_col(anchor.start);
        let arrow = if index == 0 { "-->" } else { ":::" };
        let _ = writeln!(
            out,
            "{pad}{} {}:{line}:{col}",
            style.paint("1;34", arrow),
            file.name
        );
        let _ = writeln!(out, "{pad} {}", style.paint("1;34", "|"));
        let mut last_line = 0;
        for (label, primary) in in_file {
            let (start_line, start_col) = file.line_col(label.span.start);
            let (end_line, end_col) = file.line_col(label.span.end);
            if last_line != 0 && start_line > last_line + 1 {
                let _ = writeln!(out, "{}", style.paint("1;34", "..."));
            }
            // Tabs as spaces, secret values masked; columns follow the shown text.
            let shown = mask::ShownLine::new(file, start_line);
            let full = shown.text.as_str();
            let line_chars = full.chars().count();
            let end = if end_line == start_line {
                shown.end_column(end_col)
            } else {
                line_chars + 1
            };
            let start_col = shown.column(start_col);
            // A minified manifest or a generated model can have lines of megabytes: show a
            // window around the label, so the caret stays on screen.
            let (text, shift) = window(full, start_col);
            let (start_col, end) = (
                start_col - shift,
                (end - shift)
                    .min(text.chars().count() + 1)
                    .max(start_col - shift + 1),
            );
            if start_line != last_line {
                let _ = writeln!(
                    out,
                    "{} {} {text}",
                    style.paint("1;34", &format!("{start_line:>width$}")),
                    style.paint("1;34", "|")
                );
            }
            last_line = start_line;
            let (before, marks) = width::marker(&text, start_col - 1, end - 1);
            let mark = if *primary { "^" } else { "-" };
            let marker = format!("{}{}", " ".repeat(before), mark.repeat(marks));
            let painted = style.paint(if *primary { paint } else { "1;34" }, &marker);
            if label.message.is_empty() {
                let _ = writeln!(out, "{pad} {} {painted}", style.paint("1;34", "|"));
            } else {
                let message = style.paint(
                    if *primary { paint } else { "1;34" },
                    &redact(&label.message),
                );
                let _ = writeln!(
                    out,
                    "{pad} {} {painted} {message}",
                    style.paint("1;34", "|")
                );
            }
        }
        let _ = writeln!(out, "{pad} {}", style.paint("1;34", "|"));
    }
    let pad = if labels.is_empty() {
        String::new()
    } else {
        pad
    };
    if let Some(help) = &diagnostic.help {
        let _ = writeln!(
            out,
            "{pad} {} {}",
            style.paint("1", "= help:"),
            redact(help)
        );
    }
    for note in &diagnostic.notes {
        let _ = writeln!(
            out,
            "{pad} {} {}",
            style.paint("1", "= note:"),
            redact(note)
        );
    }
    if diagnostic.repeats.count > 0 {
        let repeats = &diagnostic.repeats;
        let _ = writeln!(
            out,
            "{pad} {} the same problem at {}:",
            style.paint("1", "= note:"),
            plural(repeats.count, "more place")
        );
        // Under the note's text.
        let indent = format!("{pad}{}", " ".repeat("  = note: ".len() - 1));
        for place in repeats.first.iter().take(ir::group::SHOWN) {
            let _ = writeln!(
                out,
                "{indent}{}: {}",
                position(sources, place.span),
                redact(&place.message)
            );
        }
        let shown = repeats.first.len().min(ir::group::SHOWN);
        if repeats.count > shown {
            let _ = writeln!(out, "{indent}and {} more", repeats.count - shown);
        }
    }
    if let Some(more) = omitted_note(diagnostic.omitted) {
        let _ = writeln!(out, "{pad} {} {more}", style.paint("1", "= note:"));
    }
}

/// `file:line:col` of a span, or `(no position)`.
fn position(sources: &SourceMap, span: Span) -> String {
    match sources.get(span.file).filter(|_| !span.is_detached()) {
        Some(file) => {
            let (line, column) = file.line_col(span.start);
            format!("{}:{line}:{column}", file.name)
        }
        None => "(no position)".to_string(),
    }
}

/// Lines longer than this are cut to a window around the label.
const MAX_LINE: usize = 120;

/// The part of `line` to show for a label starting at 1-based column `column`, and how many
/// columns were cut from the left (the shown text starts with `...` when something was cut).
fn window(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_LINE {
        return (line.to_string(), 0);
    }
    let start = column.saturating_sub(1).saturating_sub(MAX_LINE / 3);
    let end = (start + MAX_LINE).min(chars.len());
    let mut shown: String = chars[start..end].iter().collect();
    let shift = if start > 0 {
        shown.insert_str(0, "...");
        start.saturating_sub(3)
    } else {
        0
    };
    if end < chars.len() {
        shown.push_str("...");
    }
    (shown, shift)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// "and N more": what [`ir::diagnostic::MAX_PER_FILE`] left out of a file.
fn omitted_note(omitted: ir::Omitted) -> Option<String> {
    let what = match (omitted.errors, omitted.warnings) {
        (0, 0) => return None,
        (e, 0) => plural(e, "more error"),
        (0, w) => plural(w, "more warning"),
        (e, w) => format!(
            "{} and {}",
            plural(e, "more error"),
            plural(w, "more warning")
        ),
    };
    Some(format!(
        "and {what} in this file, not shown (at most {} errors and {} warnings are shown per file)",
        ir::diagnostic::MAX_PER_FILE,
        ir::diagnostic::MAX_PER_FILE
    ))
}

/// The one-line summary printed after the diagnostics; it counts those left out by the cap
/// per file too.
pub fn summary(file: &str, diagnostics: &[Diagnostic]) -> Option<String> {
    // A grouped diagnostic counts every place it stands for.
    let count = |d: &Diagnostic| 1 + d.repeats.count;
    let shown_errors: usize = diagnostics.iter().filter(|d| d.is_error()).map(count).sum();
    let shown: usize = diagnostics.iter().map(count).sum();
    let omitted = diagnostics
        .iter()
        .fold(ir::Omitted::default(), |sum, d| ir::Omitted {
            errors: sum.errors + d.omitted.errors,
            warnings: sum.warnings + d.omitted.warnings,
        });
    let errors = shown_errors + omitted.errors;
    let warnings = shown - shown_errors + omitted.warnings;
    let hidden = if omitted.total() > 0 {
        format!(" ({} not shown)", omitted.total())
    } else {
        String::new()
    };
    match (errors, warnings) {
        (0, 0) => None,
        (0, w) => Some(format!(
            "warning: {} in {file}{hidden}",
            plural(w, "warning")
        )),
        (e, 0) => Some(format!("error: {} in {file}{hidden}", plural(e, "error"))),
        (e, w) => Some(format!(
            "error: {} and {} in {file}{hidden}",
            plural(e, "error"),
            plural(w, "warning")
        )),
    }
}

/// The JSON format: an array of diagnostics with 1-based lines and columns.
pub fn json(sources: &SourceMap, diagnostics: &[Diagnostic]) -> serde_json::Value {
    let secrets = mask::secrets(sources);
    let redact = |text: &str| mask::redact(text, &secrets).into_owned();
    let location = |span: Span| -> serde_json::Value {
        match sources.get(span.file).filter(|_| !span.is_detached()) {
            Some(file) => {
                let (line, column) = file.line_col(span.start);
                let (end_line, end_column) = file.line_col(span.end);
                serde_json::json!({
                    "file": file.name, "line": line, "column": column,
                    "end_line": end_line, "end_column": end_column,
                })
            }
            None => serde_json::Value::Null,
        }
    };
    serde_json::Value::Array(
        diagnostics
            .iter()
            .map(|d| {
                let mut object = serde_json::json!({
                    "code": d.code.id,
                    "name": d.code.name,
                    "severity": severity_name(d.severity).0,
                    "message": redact(&d.message),
                    "location": location(d.primary.span),
                    "label": redact(&d.primary.message),
                    "secondary": d.secondary.iter().map(|l| serde_json::json!({
                        "location": location(l.span), "label": redact(&l.message),
                    })).collect::<Vec<_>>(),
                    "help": d.help.as_deref().map(redact),
                    "notes": d.notes.iter().map(|n| redact(n)).collect::<Vec<_>>(),
                });
                // Only on a diagnostic that stands for the same problem elsewhere too.
                if d.repeats.count > 0 {
                    object["repeats"] = serde_json::json!({
                        "count": d.repeats.count,
                        "first": d.repeats.first.iter().map(|l| serde_json::json!({
                            "location": location(l.span), "message": redact(&l.message),
                        })).collect::<Vec<_>>(),
                    });
                }
                // Only on the last diagnostic of a file that had more than the cap.
                if d.omitted.total() > 0 {
                    object["omitted"] = serde_json::json!({
                        "errors": d.omitted.errors, "warnings": d.omitted.warnings,
                    });
                }
                object
            })
            .collect(),
    )
}
