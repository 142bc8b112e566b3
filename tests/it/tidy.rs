//! Tidy rules that are cheaper as tests than as reviews: module docs, dependency direction,
//! no tests that expect a panic, and the README's diagnostic table generated from `ir::codes`.

use std::path::Path;

use crate::root;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("target") && !path.ends_with("fuzz/target") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let mut files = Vec::new();
    for dir in ["src", "ir/src", "publishers", "tests/it"] {
        rust_files(&root().join(dir), &mut files);
    }
    let missing: Vec<String> = files
        .iter()
        .filter(|f| {
            !std::fs::read_to_string(f)
                .unwrap()
                .trim_start()
                .starts_with("//!")
        })
        .map(|f| crate::display_name(f))
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` module doc: {missing:?}"
    );
}

#[test]
fn no_test_expects_a_panic() {
    let mut files = Vec::new();
    for dir in ["src", "ir/src", "publishers", "tests/it"] {
        rust_files(&root().join(dir), &mut files);
    }
    let marker = ["should", "_panic"].concat();
    for file in files {
        assert!(
            !std::fs::read_to_string(&file).unwrap().contains(&marker),
            "{}: assert on diagnostics instead",
            file.display()
        );
    }
}

/// A publisher depends on `ir` and on the shared helper crates under `publishers/` that are
/// not targets (`aspirec-yaml`, the YAML writer; `aspirec-azure`, the Azure Container Apps
/// rules the terraform and bicep targets share), never on another target or the root crate.
#[test]
fn publishers_depend_only_on_ir() {
    for entry in std::fs::read_dir(root().join("publishers")).unwrap() {
        let manifest = entry.unwrap().path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        // Only the dependency sections: the package's own name is `aspirec-publish-<t>`.
        let text: String = text
            .split("\n[")
            .filter(|section| section.contains("dependencies]"))
            .collect::<Vec<_>>()
            .join("\n");
        for internal in [
            "aspirec-publish-",
            "package = \"aspirec\"",
            "aspirec.workspace",
            "aspirec =",
        ] {
            assert!(
                !text.contains(internal),
                "{} depends on `{internal}`",
                manifest.display()
            );
        }
    }
    let ir = std::fs::read_to_string(root().join("ir/Cargo.toml")).unwrap();
    for forbidden in ["toml", "serde", "aspirec-publish"] {
        assert!(!ir.contains(forbidden), "ir must not depend on {forbidden}");
    }
}

/// The table of diagnostic codes in the README, between markers.
fn codes_table() -> String {
    let mut table = String::from("| code | name | meaning |\n| --- | --- | --- |\n");
    for code in ir::codes::ALL {
        table.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            code.id,
            code.name,
            code.doc.replace('|', "\\|")
        ));
    }
    table
}

#[test]
fn readme_lists_every_diagnostic_code() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = ("<!-- codes:start -->\n", "<!-- codes:end -->");
    let (Some(a), Some(b)) = (readme.find(start), readme.find(end)) else {
        panic!("README.md lacks the {start:?} / {end:?} markers");
    };
    let current = &readme[a + start.len()..b];
    let expected = codes_table();
    if current != expected {
        if std::env::var_os("ASPIREC_BLESS").is_some() {
            let updated = format!("{}{expected}{}", &readme[..a + start.len()], &readme[b..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README.md's code table is stale: run `ASPIREC_BLESS=1 cargo test readme_lists` and commit"
            );
        }
    }
}
