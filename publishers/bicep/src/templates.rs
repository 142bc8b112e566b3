//! The minijinja templates (`templates/bicep/*.bicep.j2`), embedded at build time, and the
//! one environment that renders them.
//!
//! Each template prints one piece of a file (the head of `main.bicep`, one resource, one
//! output) from a small context, and [`Templates::render_into`] appends it to the file being
//! built: minijinja only ever holds the values of the one resource it is printing, however
//! large the model.
//!
//! The environment is strict (an undefined variable is an error, not an empty string), never
//! auto-escapes (Bicep is not HTML), and has one custom filter, `bicep_string`. Blocks are
//! trimmed so `{% ... %}` lines leave no blank lines behind.

use std::sync::Arc;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::value::{Enumerator, Object};
use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior, Value};
use serde::Serialize;

use crate::bicep_string;
use crate::chunks::Chunks;

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
        "output.bicep.j2",
        include_str!("../../../templates/bicep/output.bicep.j2"),
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
        "share.bicep.j2",
        include_str!("../../../templates/bicep/share.bicep.j2"),
    ),
    (
        "storage.bicep.j2",
        include_str!("../../../templates/bicep/storage.bicep.j2"),
    ),
];

/// How `{{ ... }}` prints a value: a string as it is (the common case, without going through
/// `Display` twice), anything else as minijinja would. Undefined values are rejected before
/// this is called (strict mode).
fn print(
    out: &mut Output<'_>,
    state: &mut State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(text) => Ok(out.write_str(text)?),
        None => minijinja::escape_formatter(out, state, value),
    }
}

/// The context of one rendering: a single variable (`app`, `server`, ...). Cheaper than a
/// map, which minijinja would build and hash for every resource.
#[derive(Debug)]
struct OneVariable {
    key: &'static str,
    value: Value,
}

impl Object for OneVariable {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        (key.as_str() == Some(self.key)).then(|| self.value.clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(vec![Value::from(self.key)])
    }
}

/// The rendering environment with every template loaded, made once per publish.
pub(crate) struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub(crate) fn new() -> Result<Templates, minijinja::Error> {
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
        env.set_formatter(print);
        env.add_filter("bicep_string", bicep_string::filter);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        Ok(Templates { env })
    }

    /// Renders template `name` with `view` as its context.
    pub(crate) fn render(
        &self,
        name: &str,
        view: &impl Serialize,
    ) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(Serde(view))
    }

    /// Renders template `name` with a context of one variable, `key` = `view`, and appends
    /// it to `out`: how each resource is printed.
    pub(crate) fn render_into(
        &self,
        out: &mut Chunks,
        name: &str,
        key: &'static str,
        view: &impl Serialize,
    ) -> Result<(), minijinja::Error> {
        let context = Value::from_object(OneVariable {
            key,
            value: Value::from(Serde(view)),
        });
        out.push_str(&self.env.get_template(name)?.render(context)?);
        Ok(())
    }
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
        assert!(Templates::new().is_ok(), "{:?}", Templates::new().err());
    }

    #[test]
    fn undefined_variables_are_errors() {
        #[derive(Serialize)]
        struct Empty {}
        let templates = Templates::new().unwrap();
        assert!(templates.render("main.bicep.j2", &Empty {}).is_err());
        let mut out = Chunks::default();
        assert!(
            templates
                .render_into(&mut out, "redis.bicep.j2", "server", &Empty {})
                .is_err()
        );
    }
}
