//! Scalars as text: keys (plain when safe), strings (always double-quoted) and numbers.

use std::fmt::Write;

/// Keys are written plain when no YAML version could read them as anything but that string
/// (identifier-like, and not one of YAML 1.1's boolean or null words); otherwise quoted.
pub(crate) fn write_key(out: &mut String, key: &str) {
    if is_plain_key(key) {
        out.push_str(key);
    } else {
        write_string(out, key);
    }
}

/// A letter or `_`, then letters, digits and `_-./`; not a boolean or null word.
pub(crate) fn is_plain_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    let Some(first) = bytes.first() else {
        return false;
    };
    (first.is_ascii_alphabetic() || *first == b'_')
        && bytes.iter().all(|b| KEY_BYTE[usize::from(*b)])
        && !is_yaml11_word(bytes)
}

/// YAML 1.1's boolean and null words, in any case.
fn is_yaml11_word(bytes: &[u8]) -> bool {
    // At most five letters: most keys are ruled out by their length alone, the others after
    // one lowercase copy.
    let mut lower = [0u8; 5];
    let Some(lower) = lower.get_mut(..bytes.len()) else {
        return false;
    };
    for (l, b) in lower.iter_mut().zip(bytes) {
        *l = b.to_ascii_lowercase();
    }
    matches!(
        &*lower,
        b"y" | b"n" | b"yes" | b"no" | b"on" | b"off" | b"true" | b"false" | b"null"
    )
}

/// The bytes of a plain key, as a table: keys are checked once per entry, millions of times.
const KEY_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/');
        b += 1;
    }
    table
};

/// A YAML double-quoted scalar. JSON string escapes are valid YAML escapes, except that YAML
/// also needs the non-printable characters escaped, which JSON leaves as they are.
pub(crate) fn write_string(out: &mut String, text: &str) {
    out.push('"');
    write_string_content(out, text);
    out.push('"');
}

/// [`write_string`] without its quotes, for a caller that writes them together with what
/// surrounds them.
#[inline]
pub(crate) fn write_string_content(out: &mut String, text: &str) {
    // Most strings are printable ASCII without quotes or backslashes: one copy, no char walk.
    if is_plain_string(text.as_bytes()) {
        out.push_str(text);
    } else {
        write_escaped(out, text);
    }
}

/// Whether every byte is one of [`PLAIN_STRING_BYTE`]. Every value string of every document
/// passes here, so whole words are checked at once, eight bytes per step, with the classic
/// "does any byte of the word..." bit tricks, each exact for the word as a whole.
fn is_plain_string(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Some byte below `n` (at most 0x80).
    let below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGH;
    let plain_word = |chunk: &[u8; 8]| {
        let word = u64::from_ne_bytes(*chunk);
        // Controls; DEL and non-ASCII (a carry out of a 0xFF byte only adds to a word
        // already caught); then `"` and `\` as the bytes that xor to zero.
        let special = below(word, 0x20)
            | ((word.wrapping_add(ONES) | word) & HIGH)
            | below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1);
        special == 0
    };
    let mut words = bytes.chunks_exact(8);
    let all_plain = words.all(|chunk| <&[u8; 8]>::try_from(chunk).is_ok_and(plain_word));
    if !all_plain {
        return false;
    }
    // The tail of a string of a word or more is checked as the last word, which overlaps
    // the words already checked: one step instead of up to seven.
    let tail = words.remainder();
    match bytes.last_chunk::<8>() {
        Some(last) => tail.is_empty() || plain_word(last),
        None => tail.iter().all(|b| PLAIN_STRING_BYTE[usize::from(*b)]),
    }
}

/// Printable ASCII but `"` and `\`: the bytes a double-quoted string holds as they are.
const PLAIN_STRING_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = matches!(c, b' '..=b'~') && c != b'"' && c != b'\\';
        b += 1;
    }
    table
};

fn write_escaped(out: &mut String, text: &str) {
    // Runs of characters that need no escape are copied whole.
    let mut plain_from = 0;
    for (at, c) in text.char_indices() {
        // `Some` for a short escape, `None` for a `\u` one.
        let escape = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\t' => Some("\\t"),
            '\r' => Some("\\r"),
            // C0 and C1 controls, DEL (go-yaml, and so kustomize and kubectl, refuse it raw),
            // the Unicode line separators YAML 1.1 treats as breaks, the byte order mark, and
            // U+FFFE and U+FFFF, the two characters outside YAML's printable set that a Rust
            // string can hold (surrogates cannot occur).
            c if (c as u32) < 0x20
                || (0x7f..=0x9f).contains(&(c as u32))
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                None
            }
            _ => continue,
        };
        out.push_str(text.get(plain_from..at).unwrap_or_default());
        plain_from = at + c.len_utf8();
        match escape {
            Some(escape) => out.push_str(escape),
            None => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out.push_str(text.get(plain_from..).unwrap_or_default());
}

/// An integer in decimal, as `Display` writes it (documents hold thousands of ports and counts,
/// and `itoa` writes one for a fraction of `core::fmt`'s cost).
pub(crate) fn write_integer(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// A float as JSON writes it (`1.0`, `1e+21`), which YAML reads as the same number; `null` when
/// it is not finite, which JSON cannot write either.
pub(crate) fn write_float(out: &mut String, n: f64) {
    match serde_json::Number::from_f64(n) {
        Some(n) => {
            let _ = write!(out, "{n}");
        }
        None => out.push_str("null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word-at-a-time check agrees with the byte table for every byte, at every position
    /// of a word and in the tail, next to bytes that could carry or borrow into it.
    #[test]
    fn plain_strings_are_found_a_word_at_a_time() {
        for byte in 0..=255u8 {
            for neighbour in [b'a', 0x00, 0xff, 0x80, b'~', b' '] {
                for len in 1..=17 {
                    for at in 0..len {
                        let mut text = vec![b'a'; len];
                        text[at] = byte;
                        if at + 1 < len {
                            text[at + 1] = neighbour;
                        }
                        let expected = text.iter().all(|b| PLAIN_STRING_BYTE[usize::from(*b)]);
                        assert_eq!(is_plain_string(&text), expected, "{text:?}");
                    }
                }
            }
        }
        assert!(is_plain_string(b""));
    }
}
