//! Diagnostics as data: a code, a severity, a message, labelled spans, help and notes.
//!
//! Every stage reports into a [`Diagnostics`] sink and goes on; rendering lives in the root
//! crate (`src/render.rs`). Messages start lowercase, have no final period and name model
//! things in backticks.

use std::collections::BTreeMap;

use crate::codes::Code;
use crate::span::{FileId, Span};

/// At most this many errors, and as many warnings, are kept per file; the rest are counted
/// and reported as "N more" on the file's last diagnostic. Junk input (10 MB of `!!!`) gave
/// hundreds of thousands of diagnostics and gigabytes of memory; nobody reads past the first
/// few, and fixing those changes the rest. Documented in the README (Diagnostics).
pub const MAX_PER_FILE: usize = 100;

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
    /// On the last diagnostic shown for a file: how many more that file has, left out by
    /// [`MAX_PER_FILE`].
    pub omitted: Omitted,
}

/// Diagnostics of one file that were counted but not kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Omitted {
    pub errors: usize,
    pub warnings: usize,
}

impl Omitted {
    pub fn total(self) -> usize {
        self.errors + self.warnings
    }
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
            omitted: Omitted::default(),
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

/// The sink every stage reports into. Its memory is bounded: past [`MAX_PER_FILE`] errors
/// (or warnings) of one file, diagnostics are only counted.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Spans of secret values in the source: the driver hands them to the [`crate::SourceMap`]
    /// so that no rendering of any diagnostic shows them.
    concealed: Vec<Span>,
    /// How many errors (`true`) and warnings each file has kept.
    kept: BTreeMap<(FileId, bool), usize>,
    /// What the cap left out, per file.
    omitted: BTreeMap<FileId, Omitted>,
    /// Where [`Diagnostics::report`] builds a diagnostic past the cap, to be dropped.
    discarded: Option<Box<Diagnostic>>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        if self.admit(&diagnostic) {
            self.items.push(diagnostic);
        }
    }

    /// Counts errors of `file` that a stage found but did not build, as it knew they were past
    /// the cap (the TOML front end on junk input).
    pub fn count_unreported_errors(&mut self, file: FileId, errors: usize) {
        if errors > 0 {
            self.omitted.entry(file).or_default().errors += errors;
        }
    }

    /// Whether `diagnostic` is kept under [`MAX_PER_FILE`]; counts it either way.
    fn admit(&mut self, diagnostic: &Diagnostic) -> bool {
        let file = diagnostic.primary.span.file;
        let error = diagnostic.is_error();
        let kept = self.kept.entry((file, error)).or_insert(0);
        if *kept < MAX_PER_FILE {
            *kept += 1;
            return true;
        }
        let omitted = self.omitted.entry(file).or_default();
        if error {
            omitted.errors += 1;
        } else {
            omitted.warnings += 1;
        }
        false
    }

    /// Starts a diagnostic and pushes it; the returned reference lets the caller add labels.
    pub fn report(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let diagnostic = Diagnostic::new(code, span, message);
        if !self.admit(&diagnostic) {
            return self.discarded.insert(Box::new(diagnostic));
        }
        self.items.push(diagnostic);
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
        self.items.iter().any(Diagnostic::is_error) || self.omitted.values().any(|o| o.errors > 0)
    }

    /// Errors reported so far, the ones past the cap included.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
            + self.omitted.values().map(|o| o.errors).sum::<usize>()
    }

    /// Diagnostics reported so far, the ones past the cap included.
    pub fn len(&self) -> usize {
        self.items.len() + self.omitted.values().map(|o| o.total()).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for diagnostic in other.items {
            self.push(diagnostic);
        }
        for (file, omitted) in other.omitted {
            let mine = self.omitted.entry(file).or_default();
            mine.errors += omitted.errors;
            mine.warnings += omitted.warnings;
        }
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
        // "N more" goes on the last diagnostic shown for each file.
        for (file, omitted) in &self.omitted {
            match self
                .items
                .iter_mut()
                .rev()
                .find(|d| d.primary.span.file == *file)
            {
                Some(last) => last.omitted = *omitted,
                // Counted but none kept: a stage's mistake, which must not hide the errors.
                None => {
                    let mut bug = Diagnostic::new(
                        crate::codes::INTERNAL,
                        Span::DETACHED,
                        "diagnostics were counted past the cap but none was kept",
                    );
                    bug.omitted = *omitted;
                    self.items.push(bug);
                }
            }
        }
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
    use super::*;

    #[test]
    fn each_file_keeps_a_bounded_number_of_diagnostics_and_counts_the_rest() {
        let mut diags = Diagnostics::new();
        let a = Span::new(FileId(0), 0, 1);
        let b = Span::new(FileId(1), 0, 1);
        for i in 0..MAX_PER_FILE + 7 {
            diags
                .report(crate::codes::TOML_SYNTAX, a, format!("error {i}"))
                .with_label("x");
            diags.push(Diagnostic::new(
                crate::codes::SECRET_LITERAL_DEFAULT,
                a,
                format!("w {i}"),
            ));
        }
        diags.push(Diagnostic::new(crate::codes::TOML_SYNTAX, b, "other file"));
        assert_eq!(diags.error_count(), MAX_PER_FILE + 7 + 1);
        assert_eq!(diags.len(), 2 * (MAX_PER_FILE + 7) + 1);
        let sorted = diags.into_sorted();
        assert_eq!(sorted.len(), 2 * MAX_PER_FILE + 1);
        let last_of_a = sorted
            .iter()
            .rev()
            .find(|d| d.primary.span.file == FileId(0))
            .unwrap();
        assert_eq!(
            last_of_a.omitted,
            Omitted {
                errors: 7,
                warnings: 7
            }
        );
        assert_eq!(sorted.last().unwrap().omitted, Omitted::default());
    }

    #[test]
    fn suggests_the_closest_name_only_when_close() {
        let names = ["cache", "db", "catalog"];
        assert_eq!(did_you_mean("catalgo", names), Some("catalog"));
        assert_eq!(did_you_mean("CACHE", names), Some("cache"));
        assert_eq!(did_you_mean("zzzzzz", names), None);
    }
}
