//! Diagnostics as data: a code, a severity, a message, labelled spans, help and notes.
//!
//! Every stage reports into a [`Diagnostics`] sink and goes on; rendering lives in the root
//! crate (`src/render.rs`). Messages start lowercase, have no final period and name model
//! things in backticks.

use std::collections::BTreeMap;

use crate::codes::Code;
use crate::group::{KEPT, Key, Repeats};
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
    /// The same problem elsewhere, folded into this diagnostic ([`crate::group`]).
    pub repeats: Repeats,
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
            repeats: Repeats::default(),
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
    /// Where [`Diagnostics::report`] builds a diagnostic past the cap, or one folded into
    /// an earlier one, to be dropped.
    discarded: Option<Box<Diagnostic>>,
    /// The kept diagnostic (its index in `items`) of each problem, for grouping.
    groups: BTreeMap<Key, usize>,
    /// The diagnostic [`Diagnostics::report`] handed out last, which its caller may still be
    /// completing (label, help): it is grouped at the next call, once it is whole.
    pending: Option<Pending>,
    /// Whether the same problem at several places is one diagnostic ([`Diagnostics::grouping`]).
    group: bool,
}

/// Where the pending diagnostic is.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// The last of `items`, counted as kept.
    Kept,
    /// In `discarded`, counted as omitted by the cap.
    Discarded,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// A sink that folds the same problem at several places into one diagnostic
    /// ([`crate::group`]): the driver's, for what the user sees. Stages' own sinks, and their
    /// tests, see every diagnostic on its own.
    pub fn grouping() -> Diagnostics {
        Diagnostics {
            group: true,
            ..Diagnostics::default()
        }
    }

    /// An empty sink for a part of this one's work (a parallel job), to [`Diagnostics::extend`]
    /// this one with: it groups when this one does, so that a repeat does not fill the part's
    /// cap.
    pub fn part(&self) -> Diagnostics {
        Diagnostics {
            group: self.group,
            ..Diagnostics::default()
        }
    }

    /// Keeps only the diagnostics `keep` accepts (those past the cap stay counted).
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.settle();
        self.items.retain(keep);
        if self.group {
            self.groups = self
                .items
                .iter()
                .enumerate()
                .map(|(index, d)| (Key::new(d), index))
                .collect();
        }
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.settle();
        let key = self.group.then(|| Key::new(&diagnostic));
        if let Some(&index) = key.as_ref().and_then(|key| self.groups.get(key)) {
            fold(&mut self.items[index], &diagnostic);
        } else if self.admit(&diagnostic) {
            if let Some(key) = key {
                self.groups.insert(key, self.items.len());
            }
            self.items.push(diagnostic);
        }
    }

    /// Groups the pending diagnostic, now that its caller is done with it: folded into an
    /// earlier one of the same problem (and no longer counted against the cap), or kept as
    /// it was counted.
    fn settle(&mut self) {
        let (diagnostic, kept) = match self.pending.take() {
            None => return,
            Some(Pending::Kept) => match self.items.pop() {
                Some(diagnostic) => (diagnostic, true),
                None => return,
            },
            Some(Pending::Discarded) => match self.discarded.take() {
                Some(diagnostic) => (*diagnostic, false),
                None => return,
            },
        };
        let key = Key::new(&diagnostic);
        if let Some(&index) = self.groups.get(&key) {
            self.uncount(&diagnostic, kept);
            fold(&mut self.items[index], &diagnostic);
        } else if kept {
            self.groups.insert(key, self.items.len());
            self.items.push(diagnostic);
        }
    }

    /// Takes back what [`Diagnostics::admit`] counted for `diagnostic` (kept, or omitted),
    /// which turned out to be the same problem as a kept one.
    fn uncount(&mut self, diagnostic: &Diagnostic, kept: bool) {
        let file = diagnostic.primary.span.file;
        let error = diagnostic.is_error();
        if kept {
            if let Some(count) = self.kept.get_mut(&(file, error)) {
                *count = count.saturating_sub(1);
            }
        } else if let Some(omitted) = self.omitted.get_mut(&file) {
            if error {
                omitted.errors = omitted.errors.saturating_sub(1);
            } else {
                omitted.warnings = omitted.warnings.saturating_sub(1);
            }
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
        self.settle();
        let diagnostic = Diagnostic::new(code, span, message);
        if !self.admit(&diagnostic) {
            // Past the cap, unless it turns out to be a repeat (see `settle`).
            self.pending = self.group.then_some(Pending::Discarded);
            return self.discarded.insert(Box::new(diagnostic));
        }
        self.pending = self.group.then_some(Pending::Kept);
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
        self.settle();
        std::mem::take(&mut self.concealed)
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error) || self.omitted.values().any(|o| o.errors > 0)
    }

    /// Errors reported so far, the ones past the cap and those folded into others included.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.is_error())
            .map(|d| 1 + d.repeats.count)
            .sum::<usize>()
            + self.omitted.values().map(|o| o.errors).sum::<usize>()
    }

    /// Diagnostics reported so far, the ones past the cap and those folded into others
    /// included.
    pub fn len(&self) -> usize {
        self.items
            .iter()
            .map(|d| 1 + d.repeats.count)
            .sum::<usize>()
            + self.omitted.values().map(|o| o.total()).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn extend(&mut self, mut other: Diagnostics) {
        other.settle();
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
        self.settle();
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

/// Folds `repeat` into `kept`, the same problem elsewhere. The same problem at the same place
/// (two passes, or two targets with one message) is one, as before grouping.
fn fold(kept: &mut Diagnostic, repeat: &Diagnostic) {
    let here = |label: &Label| label.span == repeat.primary.span && label.message == repeat.message;
    if (kept.primary.span == repeat.primary.span && kept.message == repeat.message)
        || kept.repeats.first.iter().any(here)
    {
        return;
    }
    kept.repeats.count += 1 + repeat.repeats.count;
    let places = std::iter::once(Label {
        span: repeat.primary.span,
        message: repeat.message.clone(),
    })
    .chain(repeat.repeats.first.iter().cloned());
    // The first places in the file, whatever order the stages reported them in: the same
    // place in another target comes before the next resource.
    let first = &mut kept.repeats.first;
    for place in places {
        let at = first.partition_point(|l| (l.span, &l.message) <= (place.span, &place.message));
        if at < KEPT {
            first.insert(at, place);
            first.truncate(KEPT);
        }
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
    fn a_grouping_sink_folds_the_same_problem_and_counts_every_place() {
        let mut diags = Diagnostics::grouping();
        let at = |start: usize| Span::new(FileId(0), start, start + 1);
        for (index, target) in (0..MAX_PER_FILE * 3).zip(["bicep", "terraform"].iter().cycle()) {
            diags
                .report(
                    crate::codes::INVALID_VALUE,
                    at(index / 2),
                    format!("`r{}` is wrong ({target} target)", index / 2),
                )
                .with_label("wrong")
                .with_help("fix it");
        }
        // The same place twice is one place; another help is another problem.
        diags.push(
            Diagnostic::new(
                crate::codes::INVALID_VALUE,
                at(0),
                "`r0` is wrong (bicep target)",
            )
            .label("wrong")
            .help("fix it"),
        );
        diags
            .report(
                crate::codes::INVALID_VALUE,
                at(9),
                "`r9` is wrong (bicep target)",
            )
            .with_label("wrong")
            .with_help("did you mean `r8`?");
        assert_eq!(diags.error_count(), MAX_PER_FILE * 3 + 1);
        let sorted = diags.into_sorted();
        assert_eq!(sorted.len(), 2);
        let grouped = &sorted[0];
        assert_eq!(grouped.repeats.count, MAX_PER_FILE * 3 - 1);
        assert_eq!(grouped.repeats.first.len(), KEPT);
        assert_eq!(
            grouped.repeats.first[0].message,
            "`r0` is wrong (terraform target)"
        );
        assert_eq!(
            grouped.omitted,
            Omitted::default(),
            "no repeat fills the cap"
        );
        assert_eq!(crate::group::ungrouped(&sorted).len(), KEPT + 2);
    }

    #[test]
    fn suggests_the_closest_name_only_when_close() {
        let names = ["cache", "db", "catalog"];
        assert_eq!(did_you_mean("catalgo", names), Some("catalog"));
        assert_eq!(did_you_mean("CACHE", names), Some("cache"));
        assert_eq!(did_you_mean("zzzzzz", names), None);
    }
}
