//! The minijinja templates (`templates/bicep/*.bicep.j2`), embedded at build time, and the
//! one environment that renders them.
//!
//! Each template prints one piece of a file (the head of `main.bicep`, one container app,
//! all the resources of a smaller kind) from a context of one variable, a view object
//! (`view.rs`): minijinja reads the view where the template prints it, and only holds the
//! views of what it is printing, however large the model.
//!
//! The environment is strict (an undefined variable is an error, not an empty string; a
//! `{{ ... }}` of anything but a string or a number is an error, not `none` in the output),
//! never auto-escapes (Bicep is not HTML), and has one custom filter, `bicep_string`. Blocks
//! are trimmed so `{% ... %}` lines leave no blank lines behind.

use std::sync::Arc;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Enumerator, Object, ValueKind};
use minijinja::{
    AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior, Value,
};

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
        "modules.bicep.j2",
        include_str!("../../../templates/bicep/modules.bicep.j2"),
    ),
    (
        "outputs.bicep.j2",
        include_str!("../../../templates/bicep/outputs.bicep.j2"),
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

/// How `{{ ... }}` prints a value: a string as it is (the common case, without going through
/// `Display` twice), a number as minijinja would. Anything else (`none`, a view, a
/// [`BicepStr`](crate::bicep_string::BicepStr) without its filter) is a bug in a template.
fn print(out: &mut Output<'_>, state: &mut State<'_, '_>, value: &Value) -> Result<(), Error> {
    if let Some(text) = value.as_str() {
        return Ok(out.write_str(text)?);
    }
    if value.kind() == ValueKind::Number {
        return minijinja::escape_formatter(out, state, value);
    }
    Err(Error::new(
        ErrorKind::InvalidOperation,
        format!(
            "a template printed a {}, not a string or a number",
            value.kind()
        ),
    ))
}

/// The context of one rendering: a single variable (`storage`, `servers`, ...). Cheaper than
/// a map, which minijinja would build and hash.
#[derive(Debug)]
struct OneVariable {
    key: &'static str,
    value: Value,
}

impl Object for OneVariable {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        (key == self.key).then(|| self.value.clone())
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
    pub(crate) fn new() -> Result<Templates, Error> {
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

    /// Renders template `name` with the fields of `view` as its variables.
    pub(crate) fn render(&self, name: &str, view: impl Object + 'static) -> Result<String, Error> {
        self.env
            .get_template(name)?
            .render(Value::from_object(view))
    }

    /// Renders template `name` with a context of one variable, `key` = `view`.
    pub(crate) fn render_one(
        &self,
        name: &str,
        key: &'static str,
        view: Value,
    ) -> Result<String, Error> {
        let context = Value::from_object(OneVariable { key, value: view });
        self.env.get_template(name)?.render(context)
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

    #[derive(Debug)]
    struct Empty;

    impl Object for Empty {}

    #[test]
    fn undefined_variables_are_errors() {
        let templates = Templates::new().unwrap();
        assert!(templates.render("main.bicep.j2", Empty).is_err());
        let caches = Value::from_object(Empty);
        assert!(
            templates
                .render_one("redis.bicep.j2", "servers", caches)
                .is_err()
        );
    }

    #[test]
    fn only_strings_and_numbers_print() {
        let mut env = Templates::new().unwrap().env;
        env.add_template("t", "{{ x }}").unwrap();
        let print = |x: Value| {
            env.get_template("t")
                .unwrap()
                .render(Value::from_object(OneVariable { key: "x", value: x }))
        };
        assert_eq!(print(Value::from("a")).unwrap(), "a");
        assert_eq!(print(Value::from(8080)).unwrap(), "8080");
        assert!(print(Value::from(())).is_err());
        assert!(print(Value::from(true)).is_err());
        assert!(print(Value::from_object(Empty)).is_err());
    }
}
