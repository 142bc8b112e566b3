//! Source positions: files, byte spans, and the map from byte offsets to line and column.
//!
//! Spans are byte offsets into a source file; line and column are computed only when a
//! diagnostic is rendered. File names are kept exactly as the user gave them (relative paths),
//! so rendered diagnostics and snapshots never contain absolute paths.

use std::fmt;

/// A source file handed to the compiler, identified by its index in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// A span for things the compiler made up (an implicit parameter, an injected variable).
    /// Diagnostics never point at it; passes point at the declaration that caused the entity.
    pub const DETACHED: Span = Span {
        file: FileId(u32::MAX),
        start: 0,
        end: 0,
    };

    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    pub fn is_detached(self) -> bool {
        self.file == FileId(u32::MAX)
    }

    /// The sub-span `start..end`, relative to the start of this span.
    pub fn sub(self, start: usize, end: usize) -> Span {
        Span::new(
            self.file,
            self.start as usize + start,
            self.start as usize + end,
        )
    }
}

fn clamp(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// A value with the span of the text it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// One source file: its name as given and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<u32>,
    /// Byte ranges that no rendering may show (secret values), sorted and disjoint.
    concealed: Vec<(u32, u32)>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| clamp(i + 1)))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            concealed: Vec::new(),
        }
    }

    /// Marks the bytes `start..end` as secret: renderers mask them wherever they show this
    /// file's text (see [`SourceFile::concealed`]).
    pub fn conceal(&mut self, start: u32, end: u32) {
        if start >= end {
            return;
        }
        self.concealed.push((start, end));
        self.concealed.sort_unstable();
        // Merge overlapping and touching ranges, so each is masked once.
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(self.concealed.len());
        for &(s, e) in &self.concealed {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        self.concealed = merged;
    }

    /// The secret byte ranges, sorted and disjoint.
    pub fn concealed(&self) -> &[(u32, u32)] {
        &self.concealed
    }

    /// The byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0) as usize
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let offset = offset.min(clamp(self.text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[line_start..end].chars().count();
        (line + 1, column + 1)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0) as usize;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&e| e as usize);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// The files of one compilation.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile::new(name, text));
        FileId(clamp(self.files.len() - 1))
    }

    pub fn get(&self, file: FileId) -> Option<&SourceFile> {
        self.files.get(file.0 as usize)
    }

    /// Marks a span as secret text (see [`SourceFile::conceal`]); a detached span or one of
    /// an unknown file is ignored.
    pub fn conceal(&mut self, span: Span) {
        if let Some(file) = self.files.get_mut(span.file.0 as usize) {
            file.conceal(span.start, span.end);
        }
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(clamp(i)), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("m.toml", "a = \"é\"\nb = 1\n");
        assert_eq!(file.line_col(0), (1, 1));
        // The closing quote is after a two-byte character.
        assert_eq!(file.line_col(7), (1, 7));
        assert_eq!(file.line_col(9), (2, 1));
        assert_eq!(file.line_text(2), "b = 1");
    }
}
