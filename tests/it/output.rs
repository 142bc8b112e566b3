//! Writing output: `--check` on up-to-date and changed trees, user files left alone, stale
//! generated files removed, and no partial file when writing fails midway.

use std::fs;
use std::path::{Path, PathBuf};

use aspirec::output;

const BASE: &str = r#"
name = "demo"

[resources.api]
type = "container"
image = "example.com/api:1"
endpoints.http = { target_port = 8080 }

[resources.web]
type = "container"
image = "example.com/web:1"
references = ["api"]
"#;

fn compile(model: &str) -> Vec<(&'static str, ir::Artifacts)> {
    let options = aspirec::CompileOptions {
        targets: aspirec::targets::all().to_vec(),
        ..Default::default()
    };
    let compilation = aspirec::compile("model.toml", model.as_bytes(), &options);
    assert!(
        !compilation.has_errors(),
        "{}",
        compilation.render_diagnostics()
    );
    compilation.artifacts
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("output-tests")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn snapshot_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    output::list_files(dir)
        .unwrap()
        .into_iter()
        .map(|p| (p.clone(), fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn check_passes_on_an_up_to_date_tree_and_names_changed_files() {
    let out = scratch("check");
    let artifacts = compile(BASE);
    output::write(&out, &artifacts).unwrap();
    assert!(output::check(&out, &artifacts).unwrap().is_empty());

    let changed = compile(&BASE.replace("example.com/web:1", "example.com/web:2"));
    let before = snapshot_tree(&out);
    let differences = output::check(&out, &changed).unwrap();
    assert_eq!(snapshot_tree(&out), before, "--check must write nothing");
    let paths: Vec<&str> = differences.iter().map(output::Difference::path).collect();
    assert!(paths.contains(&"k8s/web.yaml"), "{paths:?}");
    assert!(paths.contains(&"compose/compose.yaml"), "{paths:?}");
    assert!(
        !paths.iter().any(|p| p.contains("api")),
        "only web changed: {paths:?}"
    );
    let text = output::describe(&differences);
    // The diff shows the old and the new image line.
    assert!(
        text.lines()
            .any(|l| l.starts_with('-') && l.contains("example.com/web:1")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with('+') && l.contains("example.com/web:2")),
        "{text}"
    );
}

#[test]
fn user_files_are_never_overwritten_or_deleted() {
    let out = scratch("user-files");
    let artifacts = compile(BASE);
    fs::create_dir_all(out.join("k8s")).unwrap();
    fs::write(out.join("k8s/notes.md"), "mine").unwrap();
    output::write(&out, &artifacts).unwrap();
    output::write(
        &out,
        &compile(BASE.replace("[resources.web]", "[resources.www]").as_str()),
    )
    .unwrap();
    assert_eq!(
        fs::read_to_string(out.join("k8s/notes.md")).unwrap(),
        "mine"
    );

    // A user file where aspirec wants to write stops the build before anything is written.
    let clash = scratch("clash");
    fs::create_dir_all(clash.join("k8s")).unwrap();
    fs::write(clash.join("k8s/web.yaml"), "mine").unwrap();
    let error = output::write(&clash, &artifacts).unwrap_err();
    assert!(
        error.to_string().contains("refusing to overwrite"),
        "{error}"
    );
    assert_eq!(
        fs::read_to_string(clash.join("k8s/web.yaml")).unwrap(),
        "mine"
    );
}

#[test]
fn files_a_build_no_longer_produces_are_removed() {
    let out = scratch("stale");
    output::write(&out, &compile(BASE)).unwrap();
    assert!(out.join("k8s/web.yaml").exists());
    let without_web = compile(&BASE.replace("[resources.web]", "[resources.www]"));
    let differences = output::check(&out, &without_web).unwrap();
    assert!(
        differences
            .iter()
            .any(|d| matches!(d, output::Difference::Removed { path } if path == "k8s/web.yaml"))
    );
    output::write(&out, &without_web).unwrap();
    assert!(!out.join("k8s/web.yaml").exists());
    assert!(out.join("k8s/www.yaml").exists());
}

#[test]
fn a_failure_midway_leaves_no_partial_file() {
    let out = scratch("failure");
    output::write(&out, &compile(BASE)).unwrap();
    let before = snapshot_tree(&out);
    let changed = compile(&BASE.replace("example.com/", "registry.example.org/"));
    let renames = std::sync::atomic::AtomicUsize::new(0);
    let result = output::write_with(&out, &changed, output::EarlyWriter::new(&out), &|_| {
        // Writing runs on several threads: the third rename, whichever thread makes it.
        if renames.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == 3 {
            Err(std::io::Error::other("injected failure"))
        } else {
            Ok(())
        }
    });
    assert!(result.is_err());
    let after = snapshot_tree(&out);
    // Every file is either entirely old or entirely new, and no temporary file is left.
    for (path, contents) in &after {
        assert!(
            !path.to_string_lossy().contains(".aspirec-tmp-"),
            "temporary file left: {}",
            path.display()
        );
        let old = before.iter().find(|(p, _)| p == path).map(|(_, c)| c);
        let target = path
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let (dir, file) = target.split_once('/').unwrap();
        let new = changed
            .iter()
            .find(|(t, _)| *t == dir)
            .and_then(|(_, a)| a.get(file))
            .map(str::as_bytes);
        assert!(
            Some(contents) == old || Some(contents.as_slice()) == new,
            "{} is neither old nor new",
            path.display()
        );
    }
    // The next build completes the job.
    output::write(&out, &changed).unwrap();
    assert!(output::check(&out, &changed).unwrap().is_empty());
}

#[test]
fn a_build_interrupted_after_adding_files_is_completed_by_the_next() {
    let out = scratch("interrupted-add");
    output::write(&out, &compile(BASE)).unwrap();
    let grown = compile(&format!(
        "{BASE}\n[resources.extra]\ntype = \"container\"\nimage = \"example.com/extra:1\"\n"
    ));
    // Only the new resource's file gets written; every other rename fails.
    let result = output::write_with(&out, &grown, output::EarlyWriter::new(&out), &|path| {
        if path.ends_with("extra.yaml") {
            Ok(())
        } else {
            Err(std::io::Error::other("injected failure"))
        }
    });
    assert!(result.is_err());
    assert!(out.join("k8s/extra.yaml").is_file());
    // The new file is aspirec's, not a user's: the next build must not refuse it.
    output::write(&out, &grown).unwrap();
    assert!(output::check(&out, &grown).unwrap().is_empty());
}

#[test]
fn a_first_build_interrupted_midway_leaves_whole_folders_or_none() {
    let out = scratch("interrupted-first");
    let artifacts = compile(BASE);
    // Target folders that do not exist yet are staged and renamed into place one by one;
    // the fourth (terraform) fails.
    let result = output::write_with(&out, &artifacts, output::EarlyWriter::new(&out), &|path| {
        if path.ends_with("terraform") {
            Err(std::io::Error::other("injected failure"))
        } else {
            Ok(())
        }
    });
    assert!(result.is_err());
    let mut left: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    // No staging folder is left behind, and the folders renamed before the failure are whole.
    assert_eq!(left, ["compose", "helm", "k8s"]);
    let done: Vec<_> = artifacts
        .iter()
        .filter(|(target, _)| ["k8s", "helm", "compose"].contains(target))
        .cloned()
        .collect();
    assert!(output::check(&out, &done).unwrap().is_empty());
    // The next build writes the rest and leaves the first three alone.
    let summary = output::write(&out, &artifacts).unwrap().to_string();
    assert!(summary.contains(" 0 stale removed"), "{summary}");
    assert!(output::check(&out, &artifacts).unwrap().is_empty());
}

#[test]
fn targets_written_early_appear_only_when_the_build_succeeds() {
    let out = scratch("early");
    let artifacts = compile(BASE);
    let stage_all = |early: &output::EarlyWriter| {
        for (target, files) in &artifacts {
            early.stage(target, files);
        }
    };
    // Staged, then the build fails: nothing appears, nothing is left behind.
    let early = output::EarlyWriter::new(&out);
    stage_all(&early);
    assert!(
        fs::read_dir(&out).unwrap().next().is_some(),
        "nothing was staged"
    );
    early.abort();
    assert!(fs::read_dir(&out).unwrap().next().is_none());
    // Staged, then the build succeeds: every target folder is complete.
    let early = output::EarlyWriter::new(&out);
    stage_all(&early);
    let summary = output::write_with(&out, &artifacts, early, &|_| Ok(()))
        .unwrap()
        .to_string();
    let files: usize = artifacts.iter().map(|(_, a)| a.len()).sum();
    assert!(
        summary.starts_with(&format!("wrote {files} file(s), 0 unchanged")),
        "{summary}"
    );
    assert!(output::check(&out, &artifacts).unwrap().is_empty());
    let mut left: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "bicep",
            "compose",
            "helm",
            "k8s",
            "terraform",
            "terraform-aws",
            "terraform-gcp"
        ]
    );
    // A folder that exists is not staged early: the normal, per-file path handles it.
    let early = output::EarlyWriter::new(&out);
    stage_all(&early);
    let summary = output::write_with(&out, &artifacts, early, &|_| Ok(()))
        .unwrap()
        .to_string();
    assert!(
        summary.starts_with(&format!("wrote 0 file(s), {files} unchanged")),
        "{summary}"
    );
}

#[test]
fn a_target_written_early_keeps_only_its_paths_and_is_written_whole() {
    let out = scratch("released");
    let options = aspirec::CompileOptions {
        targets: aspirec::targets::all().to_vec(),
        ..Default::default()
    };
    // As the binary does: each target staged as soon as it is printed, its contents then
    // released (the memory of a large build).
    let early = output::EarlyWriter::new(&out);
    let compilation =
        aspirec::compile_with_sink("model.toml", BASE.as_bytes(), &options, &|t, f| {
            early.stage(t, f)
        });
    assert!(!compilation.has_errors());
    let expected = compile(BASE);
    for ((target, released), (_, whole)) in compilation.artifacts.iter().zip(&expected) {
        assert!(released.is_released(), "{target} was staged, so released");
        assert!(released.iter().all(|(_, text)| text.is_empty()));
        let paths = |a: &ir::Artifacts| a.iter().map(|(p, _)| p.to_string()).collect::<Vec<_>>();
        assert_eq!(paths(released), paths(whole), "{target}: the paths stay");
    }
    // Released contents cannot be compared, nor written anywhere but where they were staged.
    let error = output::check(&out, &compilation.artifacts).unwrap_err();
    assert!(error.to_string().contains("released"), "{error}");
    let elsewhere = scratch("released-elsewhere");
    let error = output::write(&elsewhere, &compilation.artifacts).unwrap_err();
    assert!(error.to_string().contains("released"), "{error}");
    assert!(fs::read_dir(&elsewhere).unwrap().next().is_none());
    // The staged folders are the whole output, byte for byte.
    output::write_with(&out, &compilation.artifacts, early, &|_| Ok(())).unwrap();
    assert!(output::check(&out, &expected).unwrap().is_empty());
}
