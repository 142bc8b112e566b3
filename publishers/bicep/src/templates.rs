//! The minijinja templates (`templates/bicep/*.bicep.j2`), embedded at build time, and the
//! one environment that renders them.
//!
//! The environment is strict (an undefined variable is an error, not an empty string), never
//! auto-escapes (Bicep is not HTML), and has one custom filter, `bicep_string`. Blocks are
//! trimmed so `{% ... %}` lines leave no blank lines behind.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use crate::bicep_string;

/// Every template, by file name. A test checks this list against the folder.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "container-app.bicep.j2",
        include_str!("../../../templates/bicep/container-app.bicep.j2"),
    ),
    (
        "main.bicep.j2",
        include_str!("../../../templates/bicep/main.bicep.j2"),
    ),
    (
        "main.bicepparam.j2",
        include_str!("../../../templates/bicep/main.bicepparam.j2"),
    ),
    (
        "postgres.bicep.j2",
        include_str!("../../../templates/bicep/postgres.bicep.j2"),
    ),
    (
        "redis.bicep.j2",
        include_str!("../../../templates/bicep/redis.bicep.j2"),
    ),
    (
        "storage.bicep.j2",
        include_str!("../../../templates/bicep/storage.bicep.j2"),
    ),
];

/// The rendering environment with every template loaded.
fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()?,
    );
    env.add_filter("bicep_string", bicep_string::filter);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
}

/// Renders template `name` with `view` as its context.
pub(crate) fn render(name: &str, view: &impl Serialize) -> Result<String, minijinja::Error> {
    let env = environment()?;
    env.get_template(name)?.render(Serde(view))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_list_is_exactly_the_template_folder() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates/bicep");
        #[expect(
            clippy::disallowed_methods,
            reason = "the test compares the embedded list with the files on disk"
        )]
        let mut on_disk: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = TEMPLATES.iter().map(|(name, _)| *name).collect();
        assert_eq!(embedded, on_disk);
    }

    #[test]
    fn every_template_parses() {
        assert!(environment().is_ok(), "{:?}", environment().err());
    }

    #[test]
    fn undefined_variables_are_errors() {
        #[derive(Serialize)]
        struct Empty {}
        assert!(render("redis.bicep.j2", &Empty {}).is_err());
    }
}
