//! CPU and memory quantities in Kubernetes syntax (`500m`, `0.5`, `512Mi`, `1Gi`), which the
//! model uses and every target converts from.

/// Millicores of a CPU quantity (`500m`, `0.5`, `2`).
pub fn parse_cpu(text: &str) -> Option<u64> {
    let (number, scale) = match text.strip_suffix('m') {
        Some(n) => (n, 1.0),
        None => (text, 1000.0),
    };
    let value = parse_decimal(number)? * scale;
    (value > 0.0 && value.fract() == 0.0).then_some(value as u64)
}

/// Bytes of a memory quantity (`512Mi`, `1Gi`, `1.5G`, `1000`).
pub fn parse_memory(text: &str) -> Option<u64> {
    const UNITS: [(&str, f64); 8] = [
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    let (number, scale) = UNITS
        .iter()
        .find_map(|(unit, scale)| text.strip_suffix(unit).map(|n| (n, *scale)))
        .unwrap_or((text, 1.0));
    let value = parse_decimal(number)? * scale;
    (value > 0.0 && value.fract() == 0.0).then_some(value as u64)
}

fn parse_decimal(text: &str) -> Option<f64> {
    let valid = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && text.bytes().filter(|&b| b == b'.').count() <= 1
        && !text.starts_with('.')
        && !text.ends_with('.');
    if valid { text.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse_cpu("500m"), Some(500));
        assert_eq!(parse_cpu("0.25"), Some(250));
        assert_eq!(parse_cpu("2"), Some(2000));
        assert_eq!(parse_cpu("-1"), None);
        assert_eq!(parse_cpu("1e3"), None);
        assert_eq!(parse_memory("512Mi"), Some(536_870_912));
        assert_eq!(parse_memory("1.5Gi"), Some(1_610_612_736));
        assert_eq!(parse_memory("lots"), None);
    }
}
