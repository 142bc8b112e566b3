//! Bad inputs: every fixture in `tests/fixtures/err/` (and a few generated inputs: non-UTF-8,
//! 10 MB, 10,000-deep nesting) must produce diagnostics, never a panic; each rendering is a
//! reviewed snapshot in `snapshots/diagnostics/<case>.snap`. Fixtures named `warn-*` must
//! compile with warnings only. Every diagnostic code must be exercised by some fixture.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::{case_name, compile_file, files_in, root, snapshot_settings};

fn err_fixtures() -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures/err");
    let mut files = files_in(&dir, ".toml");
    files.extend(files_in(&dir, ".json"));
    files.sort();
    files
}

fn render(compilation: &aspirec::Compilation) -> String {
    let mut text = compilation.render_diagnostics();
    let name = compilation
        .sources
        .files()
        .next()
        .map_or("input", |(_, f)| f.name.as_str());
    if let Some(summary) = aspirec::render::summary(name, &compilation.diagnostics) {
        text.push_str(&summary);
        text.push('\n');
    }
    text
}

#[test]
fn err_fixtures_report_diagnostics_and_match_their_snapshots() {
    let fixtures = err_fixtures();
    assert!(!fixtures.is_empty(), "no fixtures in tests/fixtures/err");
    crate::compile_ok::for_each_input_in(&fixtures, |fixture| {
        let compilation = compile_file(fixture, aspirec::targets::all().to_vec());
        let case = case_name(fixture);
        if case.starts_with("warn-") {
            assert!(
                !compilation.has_errors(),
                "{case} must compile:\n{}",
                render(&compilation)
            );
            assert!(!compilation.diagnostics.is_empty(), "{case} must warn");
        } else {
            assert!(compilation.has_errors(), "{case} must fail to compile");
            assert!(
                compilation.artifacts.is_empty(),
                "{case}: no output on errors"
            );
        }
        snapshot_settings("diagnostics", fixture)
            .bind(|| insta::assert_snapshot!(case.as_str(), render(&compilation)));
    });
}

fn generated(name: &str, bytes: &[u8]) -> aspirec::Compilation {
    aspirec::compile(
        name,
        bytes,
        &aspirec::CompileOptions {
            targets: aspirec::targets::all().to_vec(),
            ..Default::default()
        },
    )
}

fn snapshot_generated(case: &str, compilation: &aspirec::Compilation) {
    assert!(compilation.has_errors(), "{case} must fail");
    let input = Path::new("tests/it/compile_err.rs");
    snapshot_settings("diagnostics", input)
        .bind(|| insta::assert_snapshot!(case, render(compilation)));
}

#[test]
fn input_that_is_not_utf8() {
    let mut bytes = b"name = \"shop\"\n[resources.web]\ntype = \"container\"\nimage = \"x".to_vec();
    bytes.extend([0xff, 0xfe, b'"', b'\n']);
    snapshot_generated("generated-not-utf8", &generated("model.toml", &bytes));
}

#[test]
fn ten_megabyte_input_with_an_error_at_the_end() {
    let mut text = String::from("name = \"big\"\n");
    let mut index = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&format!(
            "[resources.svc-{index}]\ntype = \"container\"\nimage = \"example.com/svc:{index}\"\n"
        ));
        index += 1;
    }
    text.push_str("[resources.last]\ntype = \"container\"\nimag = \"x\"\n");
    let started = std::time::Instant::now();
    let compilation = generated("big.toml", text.as_bytes());
    println!("10 MB model checked in {:?}", started.elapsed());
    snapshot_generated("generated-ten-megabytes", &compilation);
}

/// Places a compilation's diagnostics stand for, grouped ones counted with their repeats.
fn places(compilation: &aspirec::Compilation) -> usize {
    compilation
        .diagnostics
        .iter()
        .map(|d| 1 + d.repeats.count)
        .sum()
}

/// The tail of a long rendering, for a failed assertion.
fn tail(rendered: &str) -> &str {
    &rendered[rendered.len().saturating_sub(900)..]
}

/// Junk input has an error on every line: only the first [`ir::diagnostic::MAX_PER_FILE`] are
/// built, the same problem at several places is one diagnostic (`ir::group`), and the rest
/// are counted, in both formats and in the summary.
#[test]
fn junk_input_keeps_a_bounded_number_of_diagnostics() {
    let text = "!!!\n".repeat(250_000);
    let started = std::time::Instant::now();
    let compilation = generated("junk.toml", text.as_bytes());
    println!("250,000 junk lines checked in {:?}", started.elapsed());
    let cap = ir::diagnostic::MAX_PER_FILE;
    assert!(compilation.diagnostics.len() <= cap);
    let more = 250_000 - places(&compilation);
    assert!(more > 0 && places(&compilation) > cap);
    let rendered = render(&compilation);
    assert!(
        rendered.contains(&format!(
            "= note: and {more} more errors in this file, not shown"
        )),
        "{}",
        tail(&rendered)
    );
    assert!(
        rendered.ends_with(&format!(
            "error: 250000 errors in junk.toml ({more} not shown)\n"
        )),
        "{}",
        tail(&rendered)
    );
    let json = aspirec::render::json(&compilation.sources, &compilation.diagnostics);
    let last = compilation.diagnostics.len() - 1;
    assert_eq!(json[last]["omitted"]["errors"], more);
    // Junk on one line after a valid one.
    let text = format!("name = \"x\"\na = [{}]\n", "!,".repeat(100_000));
    let compilation = generated("line.toml", text.as_bytes());
    assert!(compilation.diagnostics.len() <= cap);
    let hidden = match 100_000 - places(&compilation) {
        0 => String::new(),
        more => format!(" ({more} not shown)"),
    };
    let rendered = render(&compilation);
    assert!(
        rendered.ends_with(&format!("error: 100000 errors in line.toml{hidden}\n")),
        "{}",
        tail(&rendered)
    );
    // Schema errors without end, one cause per resource: two diagnostics with every place
    // counted, none left out.
    let mut many = String::from("name = \"x\"\n");
    for index in 0..1000 {
        many.push_str(&format!(
            "[resources.r{index}]\ntype = \"container\"\nbogus = 2\n"
        ));
    }
    let compilation = generated("many.toml", many.as_bytes());
    assert_eq!(compilation.diagnostics.len(), 2);
    let rendered = render(&compilation);
    assert!(
        rendered.ends_with("error: 2000 errors in many.toml\n"),
        "{}",
        tail(&rendered)
    );
    assert!(
        rendered.contains("the same problem at 999 more places:"),
        "{}",
        tail(&rendered)
    );
    let json = aspirec::render::json(&compilation.sources, &compilation.diagnostics);
    assert_eq!(json[0]["repeats"]["count"], 999);
    assert_eq!(
        json[0]["repeats"]["first"].as_array().unwrap().len(),
        ir::group::KEPT
    );
}

#[test]
fn tables_nested_ten_thousand_deep() {
    let text = format!(
        "name = \"deep\"\nx = {}1{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    snapshot_generated(
        "generated-nested-arrays",
        &generated("deep.toml", text.as_bytes()),
    );
    let text = format!(
        "name = \"deep\"\nx = {}\n",
        "{ a = ".repeat(10_000) + "1" + &" }".repeat(10_000)
    );
    snapshot_generated(
        "generated-nested-tables",
        &generated("deep.toml", text.as_bytes()),
    );
    let text = format!(
        "{{\"resources\": {}1{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    snapshot_generated(
        "generated-nested-json",
        &generated("aspire-manifest.json", text.as_bytes()),
    );
}

#[test]
fn every_diagnostic_code_is_exercised_by_a_fixture() {
    let snapshots = files_in(&root().join("snapshots/diagnostics"), ".snap");
    let mut seen = BTreeSet::new();
    for snapshot in snapshots {
        let text = std::fs::read_to_string(snapshot).unwrap();
        for code in ir::codes::ALL {
            if text.contains(&format!("[{}]", code.id)) {
                seen.insert(code.id);
            }
        }
    }
    let missing: Vec<&str> = ir::codes::ALL
        .iter()
        .map(|c| c.id)
        .filter(|id| !seen.contains(id) && *id != ir::codes::INTERNAL.id)
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture in snapshots/diagnostics: {missing:?}"
    );
}

/// The repository manifest whose reads name an endpoint or property their target lacks
/// (`tests/manifests/allow-unsupported-unresolved-reads`: a dev tunnel's endpoint, a
/// parameter read as a server): located errors without `--allow-unsupported`; with it, the
/// same places as warnings, and each read a secret deploy-time parameter. Both renderings are
/// snapshots.
#[test]
fn unresolved_reads_are_errors_or_deploy_time_parameters() {
    let input =
        root().join("tests/manifests/allow-unsupported-unresolved-reads.aspire-manifest.json");
    let bytes = std::fs::read(&input).unwrap();
    for (allow_unsupported, case) in [
        (false, "unresolved-reads"),
        (true, "warn-allow-unsupported-unresolved-reads"),
    ] {
        let compilation = aspirec::compile(
            &crate::display_name(&input),
            &bytes,
            &aspirec::CompileOptions {
                targets: aspirec::targets::all().to_vec(),
                allow_unsupported,
                ..Default::default()
            },
        );
        assert_eq!(compilation.has_errors(), !allow_unsupported, "{case}");
        assert_eq!(places(&compilation), 7, "{case}: one diagnostic per read");
        if allow_unsupported {
            let model = compilation.model.as_ref().unwrap();
            let names: Vec<&str> = model
                .parameters()
                .filter(|(_, p)| p.origin == ir::checked::ParamOrigin::LeftOut)
                .map(|(_, p)| p.name.as_str())
                .collect();
            assert_eq!(
                names,
                [
                    "ledger-db-bindings-tcp-url",
                    "ledger-db-bindings-tcp-host",
                    "ledger-db-bindings-tcp-port",
                    "webhooks-bindings-tunnel-url",
                    "webhooks-bindings-tunnel-host",
                ]
            );
        }
        snapshot_settings("diagnostics", &input)
            .bind(|| insta::assert_snapshot!(case, render(&compilation)));
    }
}

/// In a model.toml the user wrote every read: `--allow-unsupported` leaves an unknown endpoint
/// an error there (only a manifest's reads become deploy-time parameters).
#[test]
fn unknown_endpoints_of_a_model_toml_stay_errors_with_allow_unsupported() {
    let input = root().join("tests/fixtures/err/expression-unknown-endpoint.toml");
    let compilation = aspirec::compile(
        &crate::display_name(&input),
        &std::fs::read(&input).unwrap(),
        &aspirec::CompileOptions {
            targets: aspirec::targets::all().to_vec(),
            allow_unsupported: true,
            ..Default::default()
        },
    );
    let codes: Vec<&str> = compilation.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0304"], "{}", render(&compilation));
}
