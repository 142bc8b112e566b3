//! The binary: exit statuses (0, 1, 2), help, and the commands that print.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::{root, snapshot_settings};

fn aspirec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aspirec"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// A folder of this name under the test target's scratch space, emptied.
fn empty_folder(name: &str) -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    out
}

fn status(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn exit_statuses_follow_the_contract() {
    assert_eq!(status(&aspirec(&["check", "tests/models/shop.toml"])), 0);
    assert_eq!(
        status(&aspirec(&["check", "tests/fixtures/err/unknown-key.toml"])),
        1
    );
    assert_eq!(
        status(&aspirec(&["check", "tests/models/does-not-exist.toml"])),
        2
    );
    assert_eq!(
        status(&aspirec(&[
            "build",
            "tests/models/shop.toml",
            "--emit",
            "nomad"
        ])),
        2
    );
    // Helm refuses a chart whose version is not SemVer: so does the command line.
    assert_eq!(
        status(&aspirec(&[
            "build",
            "tests/models/shop.toml",
            "--emit",
            "helm",
            "--chart-version",
            "1.2"
        ])),
        2
    );
    assert_eq!(status(&aspirec(&["check"])), 2);
    // `--out -` is refused, not a folder named `-` (see README, The command line).
    for extra in [&[][..], &["--check"][..]] {
        let dash = aspirec(
            &[
                &[
                    "build",
                    "tests/models/shop.toml",
                    "--emit",
                    "k8s",
                    "--out",
                    "-",
                ][..],
                extra,
            ]
            .concat(),
        );
        assert_eq!(status(&dash), 2);
        let stderr = String::from_utf8_lossy(&dash.stderr);
        assert!(
            stderr.contains("cannot stream them to standard output"),
            "{stderr}"
        );
        assert!(dash.stdout.is_empty());
        assert!(!root().join("-").exists());
    }
    assert_eq!(status(&aspirec(&["--help"])), 0);
}

/// `--emit helm` writes the chart under `helm/<app>/`, versioned by `--chart-version`.
#[test]
fn a_chart_takes_its_version_from_the_command_line() {
    let out = empty_folder("cli-chart-version");
    let out = out.to_string_lossy().into_owned();
    let build = aspirec(&[
        "build",
        "tests/models/shop.toml",
        "--emit",
        "helm",
        "--chart-version",
        "2.0.0-rc.1",
        "--out",
        &out,
    ]);
    assert_eq!(
        status(&build),
        0,
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let chart = std::fs::read_to_string(Path::new(&out).join("helm/shop/Chart.yaml")).unwrap();
    assert!(chart.contains("\nversion: \"2.0.0-rc.1\"\n"), "{chart}");
    assert!(chart.contains("\nappVersion: \"1.4.2\"\n"), "{chart}");
}

#[test]
fn check_prints_json_diagnostics_for_tools() {
    let output = aspirec(&[
        "check",
        "tests/fixtures/err/unknown-key.toml",
        "--format",
        "json",
    ]);
    assert_eq!(status(&output), 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let first = &json["diagnostics"][0];
    assert_eq!(first["code"], "E0201");
    assert_eq!(
        first["location"]["file"],
        "tests/fixtures/err/unknown-key.toml"
    );
    assert!(first["location"]["line"].as_u64().unwrap() > 0);
}

#[test]
fn build_check_reports_up_to_date_and_stale_trees() {
    let out = empty_folder("cli-build-check");
    let out = out.to_string_lossy().into_owned();
    let args = [
        "build",
        "tests/models/shop.toml",
        "--emit",
        "k8s,helm,compose",
        "--out",
        &out,
    ];
    assert_eq!(
        status(&aspirec(&[&args[..], &["--check"]].concat())),
        1,
        "nothing written yet"
    );
    assert_eq!(status(&aspirec(&args)), 0);
    let check = aspirec(&[&args[..], &["--check"]].concat());
    assert_eq!(status(&check), 0, "{}", stdout(&check));
    assert!(stdout(&check).contains("up to date"));
    let check = aspirec(&[
        "build",
        "tests/models/shop.toml",
        "--emit",
        "k8s,helm,compose",
        "--env",
        "prod",
        "--out",
        &out,
        "--check",
    ]);
    assert_eq!(status(&check), 1);
    // The overlay gives `web` more replicas: the base's Deployment and the chart's default
    // value change.
    assert!(
        stdout(&check).contains("changed: k8s/")
            && stdout(&check).contains("changed: helm/shop/values.yaml"),
        "{}",
        stdout(&check)
    );
}

/// stdout with `--format json` as one JSON document: anything after it (plain text, a
/// second document) fails the parse.
fn json_document(output: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{}", stdout(output)))
}

#[test]
fn json_format_prints_one_document_for_build_and_its_check() {
    let out = empty_folder("cli-json-document");
    let out_arg = out.to_string_lossy().into_owned();
    let build = |extra: &[&str]| {
        let args = [
            &[
                "build",
                "tests/models/shop.toml",
                "--emit",
                "k8s,compose",
                "--out",
                &out_arg,
                "--format",
                "json",
            ][..],
            extra,
        ]
        .concat();
        aspirec(&args)
    };
    let statuses = |json: &serde_json::Value, status: &str| -> Vec<String> {
        json["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["status"] == status)
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };

    // Nothing written yet: every file would be created.
    let check = build(&["--check"]);
    assert_eq!(status(&check), 1);
    let json = json_document(&check);
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    assert_eq!(json["up_to_date"], false);
    assert_eq!(json["out"], out_arg.as_str());
    assert_eq!(json["unchanged"], 0);
    assert!(statuses(&json, "created").contains(&"k8s/web.yaml".to_string()));

    // The build says what it wrote, in the same words.
    let written = build(&[]);
    assert_eq!(status(&written), 0);
    let json = json_document(&written);
    assert!(statuses(&json, "created").contains(&"compose/compose.yaml".to_string()));
    assert!(
        written.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let files = json["files"].as_array().unwrap().len();

    // Up to date: no files listed, all counted as unchanged.
    let json = json_document(&build(&["--check"]));
    assert_eq!(json["up_to_date"], true);
    assert_eq!(json["files"], serde_json::json!([]));
    assert_eq!(json["unchanged"], files);

    // A changed file comes with its diff; one more file is removed.
    std::fs::write(out.join("k8s/web.yaml"), "edited\n").unwrap();
    let record = out.join("k8s/.aspirec-generated");
    let mut listed = std::fs::read_to_string(&record).unwrap();
    listed.push_str("old.yaml\n");
    std::fs::write(&record, listed).unwrap();
    std::fs::write(out.join("k8s/old.yaml"), "stale\n").unwrap();
    let check = build(&["--check"]);
    assert_eq!(status(&check), 1);
    let json = json_document(&check);
    assert_eq!(statuses(&json, "changed"), ["k8s/web.yaml"]);
    assert_eq!(statuses(&json, "removed"), ["k8s/old.yaml"]);
    assert!(
        json["files"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("+++ b/k8s/web.yaml")
    );
    let json = json_document(&build(&[]));
    assert_eq!(statuses(&json, "changed"), ["k8s/web.yaml"]);
    assert_eq!(statuses(&json, "removed"), ["k8s/old.yaml"]);
    assert_eq!(json["unchanged"], files - 1);

    // A model with errors: the diagnostics only, nothing compared.
    let failed = aspirec(&[
        "build",
        "tests/fixtures/err/unknown-key.toml",
        "--emit",
        "k8s",
        "--out",
        &out_arg,
        "--check",
        "--format",
        "json",
    ]);
    assert_eq!(status(&failed), 1);
    let json = json_document(&failed);
    assert_eq!(json["diagnostics"][0]["code"], "E0201");
    assert!(json.get("files").is_none(), "{json}");
}

#[test]
fn printing_commands() {
    let graph = aspirec(&["graph", "tests/models/shop.toml", "--format", "mermaid"]);
    assert_eq!(status(&graph), 0);
    snapshot_settings("cli", Path::new("tests/models/shop.toml"))
        .bind(|| insta::assert_snapshot!("graph-mermaid", stdout(&graph)));
    let dot = aspirec(&["graph", "tests/models/shop.toml"]);
    snapshot_settings("cli", Path::new("tests/models/shop.toml"))
        .bind(|| insta::assert_snapshot!("graph-dot", stdout(&dot)));

    let inspect = aspirec(&["inspect", "tests/models/shop.toml"]);
    assert_eq!(status(&inspect), 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&inspect)).unwrap();
    assert_eq!(json["name"], "shop");

    let schema = aspirec(&["schema"]);
    assert_eq!(status(&schema), 0);
    let _: serde_json::Value = serde_json::from_str(&stdout(&schema)).unwrap();

    for shell in ["bash", "zsh", "fish"] {
        let completions = aspirec(&["completions", shell]);
        assert_eq!(status(&completions), 0);
        assert!(stdout(&completions).contains("aspirec"), "{shell}");
    }
    let explain = aspirec(&["explain", "unknown-reference"]);
    assert!(stdout(&explain).starts_with("E0301 unknown-reference"));
}

#[test]
fn a_build_that_fails_in_one_target_writes_nothing() {
    // Kubernetes and Compose accept this model and are written early; the Azure targets
    // reject its CPU/memory pair (E0703), so the build fails and nothing may appear.
    let out = empty_folder("cli-failed-build");
    let output = aspirec(&[
        "build",
        "tests/fixtures/err/aca-cpu-memory-pair.toml",
        "--emit",
        "all",
        "--out",
        &out.to_string_lossy(),
        "--timings",
    ]);
    assert_eq!(status(&output), 1);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("E0703"), "{stderr}");
    assert!(
        stderr.contains("write k8s (early)"),
        "k8s was not written early: {stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn deny_warnings_fails_a_model_with_warnings_and_writes_nothing() {
    let model = "tests/fixtures/err/warn-env-overrides-injected.toml";
    let allowed = aspirec(&["check", model, "--format", "json"]);
    assert_eq!(status(&allowed), 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&allowed)).unwrap();
    assert_eq!(json["diagnostics"][0]["code"], "W0301");
    assert_eq!(json["diagnostics"][0]["severity"], "warning");

    let denied = aspirec(&["check", model, "--format", "json", "--deny-warnings"]);
    assert_eq!(status(&denied), 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&denied)).unwrap();
    assert_eq!(
        json["diagnostics"][0]["code"], "W0301",
        "the code stays, so it can be looked up"
    );
    assert_eq!(json["diagnostics"][0]["severity"], "error");

    let out = empty_folder("cli-denied-warnings");
    let out_arg = out.to_string_lossy();
    let build = aspirec(&[
        "build",
        model,
        "--emit",
        "all",
        "--out",
        &out_arg,
        "--deny-warnings",
    ]);
    assert_eq!(status(&build), 1);
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(
        stderr.contains("error[W0301]") && stderr.contains("--deny-warnings"),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // Without the flag the same build succeeds.
    assert_eq!(
        status(&aspirec(&[
            "build", model, "--emit", "all", "--out", &out_arg
        ])),
        0
    );
    assert!(out.join("k8s").is_dir());
}

#[test]
fn name_sets_the_application_name_of_a_manifest() {
    let out = empty_folder("cli-named-manifest");
    let manifest = "tests/manifests/bookstore.aspire-manifest.json";
    let out_arg = out.to_string_lossy();
    let build = aspirec(&[
        "build",
        manifest,
        "--emit",
        "k8s,compose",
        "--out",
        &out_arg,
        "--allow-unsupported",
        "--name",
        "shop",
    ]);
    assert_eq!(
        status(&build),
        0,
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let namespace = std::fs::read_to_string(out.join("k8s/namespace.yaml")).unwrap();
    assert!(namespace.contains("  name: \"shop\"\n"), "{namespace}");
    let compose = std::fs::read_to_string(out.join("compose/compose.yaml")).unwrap();
    assert!(compose.contains("\nname: \"shop\"\n"), "{compose}");

    // A name that model.toml would refuse is a usage error, before anything is read.
    let invalid = aspirec(&["check", manifest, "--name", "Shop_1"]);
    assert_eq!(status(&invalid), 2);
    let stderr = String::from_utf8_lossy(&invalid.stderr);
    assert!(
        stderr.contains("invalid --name: it must start with a lowercase letter"),
        "{stderr}"
    );
}

#[test]
fn check_and_build_default_to_the_targets_the_model_names() {
    // The model names k8s and compose; its CPU/memory pair is one Container Apps refuses.
    let model = "tests/fixtures/cli/k8s-and-compose.toml";
    let check = aspirec(&["check", model]);
    assert_eq!(
        status(&check),
        0,
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    for emit in ["all", "terraform", "k8s,bicep"] {
        let check = aspirec(&["check", model, "--emit", emit]);
        assert_eq!(status(&check), 1, "--emit {emit}");
        let stderr = String::from_utf8_lossy(&check.stderr);
        assert!(stderr.contains("error[E0703]"), "{stderr}");
    }
    assert_eq!(status(&aspirec(&["check", model, "--emit", "k8s"])), 0);
    assert_eq!(status(&aspirec(&["check", model, "--emit", "kube"])), 2);

    // `build` without --emit writes the model's targets only.
    let out = empty_folder("cli-model-targets");
    let out_arg = out.to_string_lossy().into_owned();
    let build = aspirec(&["build", model, "--out", &out_arg]);
    assert_eq!(
        status(&build),
        0,
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["compose", "k8s"]);
    let check = aspirec(&["build", model, "--out", &out_arg, "--check"]);
    assert_eq!(status(&check), 0, "{}", stdout(&check));
    // --emit wins over the model's list.
    let check = aspirec(&[
        "build", model, "--out", &out_arg, "--check", "--emit", "k8s",
    ]);
    assert_eq!(status(&check), 0, "{}", stdout(&check));

    // A model without `targets` is checked and built for every target.
    let out = empty_folder("cli-every-target");
    let out_arg = out.to_string_lossy().into_owned();
    let build = aspirec(&["build", "tests/models/shop.toml", "--out", &out_arg]);
    assert_eq!(
        status(&build),
        0,
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        aspirec::targets::all().len()
    );
}

#[test]
fn all_envs_checks_the_model_and_every_environment() {
    let model = "tests/fixtures/cli/environments.toml";
    assert_eq!(status(&aspirec(&["check", model])), 0);
    let check = aspirec(&["check", model, "--all-envs"]);
    assert_eq!(status(&check), 1);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(stderr.matches("error[E0301]").count(), 1, "{stderr}");
    assert_eq!(
        stderr.matches("warning[W0501]").count(),
        1,
        "once: {stderr}"
    );
    assert!(
        stderr.contains("error: 1 error in tests/fixtures/cli/environments.toml with --env prod"),
        "{stderr}"
    );
    // --env and --all-envs exclude each other.
    assert_eq!(
        status(&aspirec(&["check", model, "--all-envs", "--env", "prod"])),
        2
    );

    // JSON: one document, a run per environment.
    let json = json_document(&aspirec(&[
        "check",
        model,
        "--all-envs",
        "--format",
        "json",
    ]));
    let runs = json["runs"].as_array().unwrap();
    let environments: Vec<&serde_json::Value> = runs.iter().map(|r| &r["environment"]).collect();
    assert_eq!(
        environments,
        [&serde_json::Value::Null, &"staging".into(), &"prod".into()]
    );
    assert_eq!(runs[0]["diagnostics"][0]["code"], "W0501");
    assert_eq!(runs[1]["diagnostics"], serde_json::json!([]));
    assert_eq!(runs[2]["diagnostics"][0]["code"], "E0301");

    // build --all-envs writes each environment into DIR/ENV, as --env ENV --out DIR/ENV does.
    let out = empty_folder("cli-all-envs");
    let out_arg = out.to_string_lossy().into_owned();
    let valid = "tests/models/shop.toml";
    let build = aspirec(&[
        "build",
        valid,
        "--emit",
        "compose",
        "--out",
        &out_arg,
        "--all-envs",
    ]);
    assert_eq!(
        status(&build),
        0,
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let prod = out.join("prod");
    let single = aspirec(&[
        "build",
        valid,
        "--emit",
        "compose",
        "--env",
        "prod",
        "--out",
        &prod.to_string_lossy(),
        "--check",
    ]);
    assert_eq!(status(&single), 0, "{}", stdout(&single));
    assert!(out.join("compose/compose.yaml").is_file());
    let check = |args: &[&str]| {
        aspirec(
            &[
                &[
                    "build",
                    valid,
                    "--emit",
                    "compose",
                    "--out",
                    &out_arg,
                    "--all-envs",
                    "--check",
                ][..],
                args,
            ]
            .concat(),
        )
    };
    assert_eq!(status(&check(&[])), 0);
    std::fs::write(prod.join("compose/compose.yaml"), "edited\n").unwrap();
    let stale = check(&[]);
    assert_eq!(status(&stale), 1);
    assert!(
        stdout(&stale).contains("changed: prod/compose/compose.yaml"),
        "{}",
        stdout(&stale)
    );
    let json = json_document(&check(&["--format", "json"]));
    assert_eq!(json["runs"][0]["up_to_date"], true);
    assert_eq!(json["runs"][1]["environment"], "prod");
    assert_eq!(json["runs"][1]["files"][0]["path"], "compose/compose.yaml");

    // An environment named like a target would share its folder: refused.
    let clash = empty_folder("cli-all-envs-clash");
    let model = clash.join("model.toml");
    std::fs::write(&model, "name = \"a\"\n[environments.k8s]\n").unwrap();
    let refused = aspirec(&[
        "build",
        &model.to_string_lossy(),
        "--out",
        &clash.join("out").to_string_lossy(),
        "--all-envs",
    ]);
    assert_eq!(status(&refused), 2);
    assert!(!clash.join("out").exists(), "nothing is written");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("has the name of a target"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

#[test]
fn no_dashboard_leaves_out_the_dashboard_and_its_variables() {
    let manifest = "tests/manifests/bookstore.aspire-manifest.json";
    let with = aspirec(&["inspect", manifest]);
    assert_eq!(status(&with), 0, "{}", stderr(&with));
    // A manifest gets Aspire's dashboard by default, and its projects the exporter variables.
    assert!(stdout(&with).contains("\"aspire-dashboard\""));
    assert!(stdout(&with).contains("OTEL_EXPORTER_OTLP_ENDPOINT"));
    let without = aspirec(&["inspect", manifest, "--no-dashboard"]);
    assert_eq!(status(&without), 0, "{}", stderr(&without));
    assert!(!stdout(&without).contains("aspire-dashboard"));
    assert!(!stdout(&without).contains("OTEL_EXPORTER_OTLP"));
    // A collector the model names still gets the variables.
    let collector = "tests/fixtures/ok/observability-collector.toml";
    let kept = aspirec(&["inspect", collector, "--no-dashboard"]);
    assert_eq!(status(&kept), 0, "{}", stderr(&kept));
    assert!(stdout(&kept).contains("OTEL_EXPORTER_OTLP_ENDPOINT"));
}
