//! Diagnostics as data: a code, a severity, a message, labelled spans, help and notes.
//!
//! Every stage reports into a [`Diagnostics`] sink and goes on; rendering lives in the root
//! crate (`src/render.rs`). Messages start lowercase, have no final period and name model
//! things in backticks.

use crate::codes::Code;
use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// A defect in aspirec itself, reported instead of panicking.
    Bug,
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        let severity = match code.id.as_bytes().first() {
            Some(b'W') => Severity::Warning,
            Some(b'B') => Severity::Bug,
            _ => Severity::Error,
        };
        Diagnostic {
            code,
            severity,
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// The short text under the primary carets.
    pub fn label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        if !span.is_detached() {
            self.secondary.push(Label {
                span,
                message: message.into(),
            });
        }
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The warning form of an unsupported-resource or unsupported-feature error, for
    /// `--allow-unsupported`: code W0701, severity warning, and `note` saying what was left out.
    pub fn left_out(mut self, note: impl Into<String>) -> Self {
        self.code = crate::codes::UNSUPPORTED_LEFT_OUT;
        self.severity = Severity::Warning;
        self.note(note)
    }

    pub fn is_error(&self) -> bool {
        self.severity != Severity::Warning
    }
}

/// The sink every stage reports into.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Spans of secret values in the source: the driver hands them to the [`crate::SourceMap`]
    /// so that no rendering of any diagnostic shows them.
    concealed: Vec<Span>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Starts a diagnostic and pushes it; the returned reference lets the caller add labels.
    pub fn report(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.items.push(Diagnostic::new(code, span, message));
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    /// Marks `span` as a secret value in the source. Masking is a property of the rendering,
    /// not of one diagnostic: every snippet of every diagnostic that shows these bytes masks
    /// them, in every format.
    pub fn conceal(&mut self, span: Span) {
        if !span.is_detached() && span.start < span.end {
            self.concealed.push(span);
        }
    }

    /// The spans marked with [`Diagnostics::conceal`], taken out of the sink.
    pub fn take_concealed(&mut self) -> Vec<Span> {
        std::mem::take(&mut self.concealed)
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
        self.concealed.extend(other.concealed);
    }

    /// All diagnostics sorted by (file, position, code) with exact duplicates removed.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (
                a.primary.span.file,
                a.primary.span.start,
                a.code.id,
                &a.message,
            )
                .cmp(&(
                    b.primary.span.file,
                    b.primary.span.start,
                    b.code.id,
                    &b.message,
                ))
        });
        self.items.dedup();
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

/// Builder methods on a diagnostic already pushed into a sink.
impl Diagnostic {
    pub fn with_label(&mut self, message: impl Into<String>) -> &mut Self {
        self.primary.message = message.into();
        self
    }

    pub fn with_secondary(&mut self, span: Span, message: impl Into<String>) -> &mut Self {
        if !span.is_detached() {
            self.secondary.push(Label {
                span,
                message: message.into(),
            });
        }
        self
    }

    pub fn with_help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(&mut self, note: impl Into<String>) -> &mut Self {
        self.notes.push(note.into());
        self
    }
}

/// "did you mean": the one closest candidate, case-insensitive match first, then normalised
/// Damerau-Levenshtein similarity of at least 0.6.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if candidate.eq_ignore_ascii_case(name) {
            return Some(candidate);
        }
        let score = strsim::normalized_damerau_levenshtein(&lower, &candidate.to_ascii_lowercase());
        if score >= 0.6 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_the_closest_name_only_when_close() {
        let names = ["cache", "db", "catalog"];
        assert_eq!(did_you_mean("catalgo", names), Some("catalog"));
        assert_eq!(did_you_mean("CACHE", names), Some("cache"));
        assert_eq!(did_you_mean("zzzzzz", names), None);
    }
}
