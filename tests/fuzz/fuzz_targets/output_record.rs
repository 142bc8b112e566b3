//! The output folder's record and tree, hostile: the input is a script that builds links out of
//! the folder, folders and user files where the record points, leftovers, and record entries
//! (see `aspirec::output::fuzzing`); `--check`, the leftover removal and a build then run on
//! it. No panic; nothing outside the folder changes; nothing but recorded regular files and
//! aspirec's own leftovers is removed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let script = String::from_utf8_lossy(data);
    // Memory-backed when there is such a folder: every run creates and removes a tree.
    let base = std::path::Path::new("/dev/shm");
    let base = if base.is_dir() { base.to_path_buf() } else { std::env::temp_dir() };
    let scratch = base.join(format!("aspirec-fuzz-output-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    if let Err(problem) = aspirec::output::fuzzing::run(&script, &scratch) {
        panic!("{problem}\nscript:\n{script}");
    }
});
