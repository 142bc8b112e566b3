//! Hostile folders and inputs (issue 20): stale-file removal never follows a link, endless or
//! huge input ends at once, killed builds' leftovers are removed, concurrent builds take a
//! lock, and `--out` at something that is not a folder gets a clear message.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use aspirec::output;

use crate::root;

const MODEL: &str = "name = \"demo\"\n[resources.api]\ntype = \"container\"\nimage = \"x/api:1\"\n\
                     endpoints.http = { target_port = 8080 }\n";

fn aspirec(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aspirec"));
    command.args(args).current_dir(root()).env("NO_COLOR", "1");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// An empty scratch folder with the model `m.toml` in it.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hardening")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("m.toml"), MODEL).unwrap();
    dir
}

fn text(path: &Path) -> String {
    path.to_str().unwrap().to_string()
}

fn build(dir: &Path, extra: &[&str]) -> Output {
    let model = text(&dir.join("m.toml"));
    let out = text(&dir.join("out"));
    let mut args = vec!["build", &model, "--emit", "k8s", "--out", &out];
    args.extend(extra);
    aspirec(&args, &[])
}

#[cfg(unix)]
#[test]
fn stale_removal_never_follows_a_link_in_build_or_check() {
    for (case, link) in [("absolute", None), ("relative", Some("../../victim"))] {
        let dir = scratch(&format!("links-{case}"));
        let victim = dir.join("victim");
        fs::create_dir_all(&victim).unwrap();
        fs::write(victim.join("important.txt"), "keep").unwrap();
        assert!(build(&dir, &[]).status.success());
        let k8s = dir.join("out/k8s");
        let target = link.map_or_else(|| victim.clone(), PathBuf::from);
        std::os::unix::fs::symlink(&target, k8s.join("evil")).unwrap();
        fs::create_dir_all(k8s.join("mine")).unwrap();
        let mut record = fs::read_to_string(k8s.join(output::RECORD)).unwrap();
        record.push_str("evil/important.txt\nevil\nmine\n.\n..\n/etc/hostname\n");
        fs::write(k8s.join(output::RECORD), record).unwrap();

        let check = build(&dir, &["--check"]);
        let said = String::from_utf8_lossy(&check.stdout);
        assert!(
            !said.contains("evil"),
            "{case}: --check would remove through a link:\n{said}"
        );
        assert!(check.status.success(), "{case}: {said}");

        let built = build(&dir, &[]);
        assert!(built.status.success(), "{case}: {}", stderr(&built));
        assert_eq!(
            fs::read_to_string(victim.join("important.txt")).unwrap(),
            "keep",
            "{case}"
        );
        assert!(
            k8s.join("evil").symlink_metadata().is_ok(),
            "{case}: the link is the user's"
        );
        assert!(
            k8s.join("mine").is_dir(),
            "{case}: a folder is never removed"
        );
    }
}

#[cfg(unix)]
#[test]
fn inputs_that_never_end_or_are_huge_are_refused_at_once() {
    let dir = scratch("inputs");
    let fifo = dir.join("pipe.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let big = dir.join("big.toml");
    // Sparse: 200 MB without writing them.
    fs::File::create(&big)
        .unwrap()
        .set_len(200_000_000)
        .unwrap();
    for (input, expected) in [
        (PathBuf::from("/dev/zero"), "a character device"),
        (PathBuf::from("/dev/urandom"), "a character device"),
        (fifo, "a named pipe"),
        (dir.clone(), "a folder"),
        (big, "more than the input limit of 64 MiB"),
    ] {
        let started = Instant::now();
        let output = aspirec(&["check", &text(&input)], &[]);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{input:?} took {:?}",
            started.elapsed()
        );
        assert_eq!(output.status.code(), Some(2), "{input:?}");
        assert!(
            stderr(&output).contains(expected),
            "{input:?}: {}",
            stderr(&output)
        );
    }
    // The limit is a flag or an environment variable.
    let model = text(&dir.join("m.toml"));
    let output = aspirec(&["check", &model, "--max-input-size", "10"], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("input limit of 10 bytes"),
        "{}",
        stderr(&output)
    );
    let output = aspirec(&["check", &model], &[("ASPIREC_MAX_INPUT_SIZE", "1K")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = aspirec(&["check", &model], &[("ASPIREC_MAX_INPUT_SIZE", "50")]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

/// A process id that no process has: one that has just ended.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn a_build_removes_the_leftovers_of_killed_builds_and_nothing_else() {
    let dir = scratch("leftovers");
    assert!(build(&dir, &[]).status.success());
    let out = dir.join("out");
    let dead = dead_pid();
    let alive = std::process::id();
    let leftovers = [
        out.join(format!(".k8s.aspirec-staging-{dead}")),
        out.join(format!(".compose.aspirec-staging-{dead}")),
    ];
    let temp = out.join(format!("k8s/.api.yaml.aspirec-tmp-{dead}"));
    let kept = [
        out.join(format!(".k8s.aspirec-staging-{alive}")),
        out.join(format!(".notes.aspirec-staging-{dead}")),
        out.join(format!("k8s/.api.yaml.aspirec-tmp-{alive}")),
        out.join("k8s/.api.yaml.aspirec-tmp-x1"),
        out.join(format!("k8s/api.yaml.aspirec-tmp-{dead}")),
    ];
    for folder in &leftovers {
        fs::create_dir_all(folder).unwrap();
        fs::write(folder.join("app.yaml"), "half").unwrap();
    }
    fs::write(&temp, "half").unwrap();
    for path in &kept {
        fs::write(path, "mine").unwrap();
    }
    let built = build(&dir, &[]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(
        stderr(&built).contains("removed 3 leftover(s)"),
        "{}",
        stderr(&built)
    );
    for path in leftovers.iter().chain([&temp]) {
        assert!(path.symlink_metadata().is_err(), "{path:?} was left");
    }
    for path in &kept {
        assert_eq!(fs::read_to_string(path).unwrap(), "mine", "{path:?}");
    }
}

#[test]
fn concurrent_builds_into_one_folder_take_turns() {
    let dir = scratch("lock");
    let out = dir.join("out");
    let held = output::lock(&out, Duration::ZERO, |_| {}).unwrap();
    // Refused at once with a timeout of 0, after waiting with a timeout of 1 s.
    for (timeout, waits) in [("0", false), ("1", true)] {
        let started = Instant::now();
        let model = text(&dir.join("m.toml"));
        let output = aspirec(
            &["build", &model, "--emit", "k8s", "--out", &text(&out)],
            &[("ASPIREC_LOCK_TIMEOUT", timeout)],
        );
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("still holds"),
            "{}",
            stderr(&output)
        );
        assert_eq!(
            stderr(&output).contains("waiting for another aspirec build"),
            waits
        );
        if waits {
            assert!(started.elapsed() >= Duration::from_secs(1));
        }
        assert!(
            !out.join("k8s").exists(),
            "nothing is written without the lock"
        );
    }
    // Released while a build waits: that build goes on.
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        drop(held);
    });
    let output = build(&dir, &[]);
    release.join().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("waiting for another aspirec build"),
        "{}",
        stderr(&output)
    );
    assert!(out.join("k8s/api.yaml").is_file());
}

#[cfg(unix)]
#[test]
fn out_at_a_dangling_link_or_a_file_is_a_clear_error() {
    let dir = scratch("out-errors");
    let model = text(&dir.join("m.toml"));
    let dangling = dir.join("dangling");
    std::os::unix::fs::symlink(dir.join("missing"), &dangling).unwrap();
    let file = dir.join("file");
    fs::write(&file, "x").unwrap();
    let target_file = dir.join("with-file");
    fs::create_dir_all(&target_file).unwrap();
    fs::write(target_file.join("k8s"), "x").unwrap();
    for (out, expected) in [
        (&dangling, "is a symbolic link to"),
        (&file, "is a file, not a folder"),
        (&target_file, "is a file, not a folder"),
    ] {
        let output = aspirec(
            &["build", &model, "--emit", "k8s", "--out", &text(out)],
            &[],
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{out:?}: {}",
            stderr(&output)
        );
        let message = stderr(&output);
        assert!(message.contains(expected), "{out:?}: {message}");
        assert!(
            !message.contains("os error"),
            "{out:?}: the system's words: {message}"
        );
    }
}

/// A config file (`files`) that a symbolic link takes out of the model's folder is not read:
/// its text would be copied into the output. Links that stay inside are read.
#[cfg(unix)]
#[test]
fn mounted_files_never_follow_a_link_out_of_the_model_folder() {
    let dir = scratch("files-links");
    let outside = dir.join("outside");
    let model_dir = dir.join("model");
    fs::create_dir_all(&outside).unwrap();
    fs::create_dir_all(model_dir.join("conf")).unwrap();
    fs::write(outside.join("credentials"), "planted-outside-s3cret").unwrap();
    fs::write(model_dir.join("conf/app.json"), "{}").unwrap();
    std::os::unix::fs::symlink(outside.join("credentials"), model_dir.join("linked")).unwrap();
    std::os::unix::fs::symlink("../../outside/credentials", model_dir.join("conf/also")).unwrap();
    std::os::unix::fs::symlink("conf/app.json", model_dir.join("inside")).unwrap();
    let model = |files: &str| format!("{MODEL}files = [{files}]\n");
    for (case, files, error) in [
        (
            "a file",
            r#"{ source = "linked", target = "/etc/app/c" }"#,
            true,
        ),
        (
            "a folder's file",
            r#"{ source = "conf", target = "/etc/app" }"#,
            true,
        ),
        (
            "a link inside",
            r#"{ source = "inside", target = "/etc/app/c" }"#,
            false,
        ),
    ] {
        fs::write(model_dir.join("m.toml"), model(files)).unwrap();
        let built = build(&model_dir, &[]);
        let said = stderr(&built);
        if error {
            assert_eq!(built.status.code(), Some(1), "{case}: {said}");
            assert!(said.contains("E0209"), "{case}: {said}");
            assert!(
                said.contains("a symbolic link takes it out of the model's folder"),
                "{case}: {said}"
            );
        } else {
            assert!(built.status.success(), "{case}: {said}");
        }
        let out = model_dir.join("out");
        if out.exists() {
            for entry in walk(&out) {
                let text = fs::read_to_string(&entry).unwrap_or_default();
                assert!(
                    !text.contains("planted-outside"),
                    "{case}: {}",
                    entry.display()
                );
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
