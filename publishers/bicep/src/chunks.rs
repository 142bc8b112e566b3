//! [`Chunks`]: a long text built by appending, stored as fixed-size pieces.
//!
//! A section of `main.bicep` reaches tens of megabytes for a large model. Grown as one
//! `String`, it would be copied at every doubling, with both copies alive at once; in chunks,
//! each byte is written once here and copied once more, into the finished file.

/// The size of a chunk: large enough that there are few, small enough to waste little.
const CHUNK: usize = 1 << 20;

/// Appended text, in order.
#[derive(Debug, Default)]
pub(crate) struct Chunks {
    chunks: Vec<String>,
}

impl Chunks {
    pub(crate) fn push_str(&mut self, text: &str) {
        match self.chunks.last_mut() {
            Some(last) if last.capacity() - last.len() >= text.len() => last.push_str(text),
            Some(_) | None => {
                let mut chunk = String::with_capacity(CHUNK.max(text.len()));
                chunk.push_str(text);
                self.chunks.push(chunk);
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.chunks.iter().map(String::len).sum()
    }

    /// Appends the whole text to `out`, freeing each chunk once copied.
    pub(crate) fn move_into(self, out: &mut String) {
        for chunk in self.chunks {
            out.push_str(&chunk);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_comes_back_in_order_across_chunks() {
        let mut chunks = Chunks::default();
        let long = "x".repeat(CHUNK - 1);
        chunks.push_str("a");
        chunks.push_str(&long);
        chunks.push_str("b");
        chunks.push_str(&"y".repeat(CHUNK + 1));
        assert_eq!(chunks.chunks.len(), 3);
        assert_eq!(chunks.len(), 2 * CHUNK + 2);
        let mut out = String::from(">");
        chunks.move_into(&mut out);
        assert_eq!(out, format!(">a{long}b{}", "y".repeat(CHUNK + 1)));
    }
}
