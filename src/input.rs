//! Reading the model file, refusing what is not a model before reading it whole: anything but
//! a regular file (a folder, a FIFO that would block forever, `/dev/zero` or `/dev/urandom`
//! that never end) and files over the input limit, so that junk input ends at once with a
//! clear message (exit 2) and bounded memory.
//!
//! The limit is 64 MiB by default: the 10,000-service benchmark model is 7.2 MiB, so a real
//! model is far below it. `--max-input-size SIZE` or `ASPIREC_MAX_INPUT_SIZE` changes it
//! (`100MiB`, `1G`, or bytes).
//!
//! The file is looked at before it is opened (opening a FIFO waits for a writer) and again
//! through the opened handle, and at most limit + 1 bytes are read, so a file that grows or
//! is swapped after the first look cannot make aspirec read without end.

use std::fs;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, bail};

/// The default input limit (see the module doc).
pub(crate) const DEFAULT_LIMIT: &str = "64MiB";

/// Reads the model at `path`, at most `limit` bytes.
pub(crate) fn read_model(path: &Path, limit: u64) -> anyhow::Result<Vec<u8>> {
    let shown = path.display();
    let metadata = fs::metadata(path).with_context(|| format!("reading `{shown}`"))?;
    refuse(path, &metadata, limit)?;
    let file = fs::File::open(path).with_context(|| format!("reading `{shown}`"))?;
    let metadata = file
        .metadata()
        .with_context(|| format!("reading `{shown}`"))?;
    refuse(path, &metadata, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading `{shown}`"))?;
    if bytes.len() as u64 > limit {
        bail!(
            "`{shown}` grew past the input limit of {} while it was read",
            size(limit)
        );
    }
    Ok(bytes)
}

fn refuse(path: &Path, metadata: &fs::Metadata, limit: u64) -> anyhow::Result<()> {
    if !metadata.is_file() {
        bail!(
            "`{}` is {}, not a regular file; aspirec reads a model.toml or an aspire-manifest.json from a file",
            path.display(),
            kind(metadata)
        );
    }
    if metadata.len() > limit {
        bail!(
            "`{}` is {}, more than the input limit of {}; a model is far smaller (raise the limit with --max-input-size or ASPIREC_MAX_INPUT_SIZE)",
            path.display(),
            size(metadata.len()),
            size(limit)
        );
    }
    Ok(())
}

/// What a file that is not a regular file is, for the message.
fn kind(metadata: &fs::Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// A byte count for people: bytes, or whole KiB/MiB/GiB when it is one.
fn size(bytes: u64) -> String {
    for (unit, factor) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if bytes >= factor && bytes % factor == 0 {
            return format!("{} {unit}", bytes / factor);
        }
    }
    format!("{bytes} bytes")
}

/// Parses a size: a whole number of bytes, or with a unit `K`, `M`, `G` (or `KiB`, `MiB`,
/// `GiB`, `KB`, `MB`, `GB`: all binary).
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("`{text}` is not a size such as 64MiB or 1000000")),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| format!("`{text}` is not a size such as 64MiB or 1000000"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("2 KB"), Ok(2048));
        assert!(parse_size("").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("1TiB").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
        assert_eq!(size(64 << 20), "64 MiB");
        assert_eq!(size(1000), "1000 bytes");
    }
}
