//! Differential fuzz target: the front end's streaming TOML tree builder against the `toml`
//! crate. The builder must give up wherever that crate finds an error (so its messages are
//! reported), and otherwise build exactly the tree that crate builds; cut into pieces (as a
//! large file is, to parse them in parallel), it must build that tree or give up. A
//! disagreement is a bug that would change a model silently, which a crash-only target cannot
//! see.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(difference) = aspirec::model_toml::fast_path_disagreement(text) {
        panic!("{difference}\ninput: {text:?}");
    }
});
