//! Decimal numbers (ports, seconds) appended to a string without `format!`: a large model
//! writes tens of thousands of them, and the formatting machinery costs several times the
//! digits themselves.

/// Appends `n` in decimal, as `n.to_string()` would write it.
pub(crate) fn push_decimal(out: &mut String, n: u64) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    // `n % 10` is a single digit.
    out.push(char::from(b'0' + (n % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::push_decimal;

    #[test]
    fn writes_what_to_string_writes() {
        for n in [0, 7, 10, 99, 8080, 65535, u64::MAX] {
            let mut out = String::from("x");
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }
}
