//! The schema check: walks the spanned tree against [`super::schema`] and reports every
//! unknown key (E0201), wrong type (E0202), missing key (E0203), unknown resource type
//! (E0204), value outside its set (E0205) and pair of conflicting keys (E0206), each at the
//! key or value it is about.
//!
//! It knows nothing about what a key means; anything that needs the whole model (names,
//! references, ports) is `ir`'s job.

use ir::diagnostic::did_you_mean;
use ir::{Diagnostics, FileId, codes};

use super::schema::{self, RESOURCE_TYPES, ResourceType, Shape, TableShape};
use std::ops::Range;

use super::tree::{Key, Node, Table, Value, span};

/// The resources and parameters the schema check found an error in, so that the rest of the
/// model can still be checked by `ir` in the same run (see `super::parse_with_targets`).
#[derive(Debug, Default)]
pub(crate) struct Broken {
    /// Names of resources and parameters with an error in their own table.
    pub(crate) names: Vec<String>,
    /// How many of the errors are in those tables; the others are elsewhere (the top level,
    /// an environment not selected).
    pub(crate) errors: usize,
}

/// Checks a whole model (with the selected environment already merged in). The other
/// environments are checked as overlays of the resources they override.
pub(crate) fn check_model(file: FileId, root: &Table<'_>, diags: &mut Diagnostics) -> Broken {
    let base_types: Vec<_> = root
        .get("resources")
        .and_then(Node::as_table)
        .map(|resources| {
            resources
                .entries()
                .iter()
                .filter_map(|(key, node)| {
                    let kind = node.as_table()?.get("type")?.as_str()?;
                    Some((key.name.as_ref(), schema::resource_type(kind)?))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut checker = Checker {
        file,
        diags,
        base_types: &base_types,
        broken: Broken::default(),
    };
    checker.table(&(0..0), root, &schema::MODEL, &Path::ROOT);
    checker.broken
}

/// From this many entries on, a map (a model's `resources`, one entry per resource) is
/// checked in jobs of this many entries on every core (see [`Checker::map`]); a smaller one
/// is checked on the calling thread, where starting threads would cost more than they save.
const ENTRIES_PER_JOB: usize = 128;

struct Checker<'a, 'd> {
    file: FileId,
    diags: &'d mut Diagnostics,
    /// The type of each declared resource, for checking environment overrides of it.
    base_types: &'a [(&'a str, &'static ResourceType)],
    /// What the errors reported so far are in.
    broken: Broken,
}

/// Where a value is, for messages: `resources.web.health`. A chain of borrowed keys, so
/// that walking a valid model allocates nothing; the text is made for a message only.
#[derive(Clone, Copy)]
struct Path<'p> {
    /// The enclosing path and the last key; `None` at the top level.
    last: Option<(&'p Path<'p>, &'p str)>,
    /// The resource type, when this is a resource's own table (whose keys depend on it).
    resource_type: Option<&'static str>,
}

impl<'p> Path<'p> {
    const ROOT: Path<'static> = Path {
        last: None,
        resource_type: None,
    };

    fn child(&'p self, key: &'p str) -> Path<'p> {
        Path {
            last: Some((self, key)),
            resource_type: None,
        }
    }

    fn of_resource(self, resource_type: &'static str) -> Path<'p> {
        Path {
            resource_type: Some(resource_type),
            ..self
        }
    }

    /// The keys joined by `.` (an empty key adds no `.`).
    fn text(&self) -> String {
        let Some((parent, key)) = self.last else {
            return String::new();
        };
        let mut text = parent.text();
        if !text.is_empty() {
            text.push('.');
        }
        text.push_str(key);
        text
    }

    /// "in `resources.web`", or "at the top level".
    fn place(&self) -> String {
        let text = self.text();
        if text.is_empty() {
            "at the top level".to_string()
        } else {
            format!("in `{text}`")
        }
    }
}

impl Checker<'_, '_> {
    /// A value of `shape`. `name` is the key it is at (for an array item, the array's) and
    /// `at` where a missing key inside it is reported.
    fn value(
        &mut self,
        name: &str,
        at: &Range<usize>,
        node: &Node<'_>,
        shape: &Shape,
        path: &Path<'_>,
    ) {
        if matches!(node.value, Value::Invalid) {
            return;
        }
        match shape {
            Shape::String | Shape::Template => {
                self.expect(node, node.as_str().is_some(), shape, path);
            }
            Shape::Tag | Shape::Any => {}
            Shape::Target => match node.as_str() {
                Some(text) => {
                    let ids: Vec<&str> = crate::targets::all().iter().map(|t| t.id()).collect();
                    if !ids.contains(&text) {
                        self.unknown_target(node, text, &ids);
                    }
                }
                None => self.expect(node, false, shape, path),
            },
            Shape::Enum(allowed) => {
                if let Some(text) = node.as_str() {
                    if !allowed.contains(&text) {
                        self.not_one_of(name, node, text, allowed);
                    }
                } else {
                    self.expect(node, false, shape, path);
                }
            }
            Shape::Integer { .. } => {
                self.expect(node, node.as_integer().is_some(), shape, path);
            }
            Shape::Count => {
                if let Some(number) = node.as_integer() {
                    if u32::try_from(number).is_err() {
                        self.out_of_range(name, node);
                    }
                } else {
                    self.expect(node, false, shape, path);
                }
            }
            Shape::Bool => {
                self.expect(node, node.as_bool().is_some(), shape, path);
            }
            Shape::Array(item_shape) => match node.as_array() {
                Some(items) => {
                    for item in items {
                        // A missing key of an inline table in an array is reported at that table.
                        self.value(name, &item.span, item, item_shape, path);
                    }
                }
                None => self.expect(node, false, shape, path),
            },
            Shape::Table(table_shape) => match node.as_table() {
                Some(table) => self.table(at, table, table_shape, path),
                None => self.expect(node, false, shape, path),
            },
            Shape::Map { values, .. } => match node.as_table() {
                Some(table) => self.map(table.entries(), values, path),
                None => self.expect(node, false, shape, path),
            },
            Shape::Either(alternatives) => {
                match alternatives
                    .iter()
                    .find(|alternative| same_kind(alternative, &node.value))
                {
                    Some(alternative) => self.value(name, at, node, alternative, path),
                    None => self.expect(node, false, shape, path),
                }
            }
            Shape::Resource => match node.as_table() {
                Some(table) => self.resource(name, at, table, path),
                None => self.expect(node, false, shape, path),
            },
            Shape::ResourceOverride => match node.as_table() {
                Some(table) => {
                    // An override of an undeclared resource is E0208 (reported by the
                    // overlay); its keys cannot be checked against a type.
                    let base = self
                        .base_types
                        .iter()
                        .find(|(declared, _)| *declared == name)
                        .map(|(_, t)| *t);
                    if let Some(resource_type) = base {
                        let path = path.of_resource(resource_type.name);
                        self.keys(table, &resource_type.table, &path);
                    }
                }
                None => self.expect(node, false, shape, path),
            },
        }
    }

    /// The entries of a map, each a value of shape `values`. Entries are checked each on its
    /// own, so a large map is split into jobs that run on every core, each reporting into its
    /// own diagnostics; these are appended in the entries' order, so that the diagnostics are
    /// the same as when checked one after the other.
    fn map(&mut self, entries: &[(Key<'_>, Node<'_>)], values: &Shape, path: &Path<'_>) {
        if entries.len() <= ENTRIES_PER_JOB {
            self.entries(entries, values, path);
            return;
        }
        let jobs: Vec<_> = entries.chunks(ENTRIES_PER_JOB).collect();
        let (file, base_types) = (self.file, self.base_types);
        let sink = self.diags.part();
        let reports = crate::parallel::map(&jobs, |entries| {
            let mut diags = sink.part();
            let mut checker = Checker {
                file,
                diags: &mut diags,
                base_types,
                broken: Broken::default(),
            };
            checker.entries(entries, values, path);
            let broken = checker.broken;
            (diags, broken)
        });
        for (diags, broken) in reports {
            self.diags.extend(diags);
            self.broken.names.extend(broken.names);
            self.broken.errors += broken.errors;
        }
    }

    fn entries(&mut self, entries: &[(Key<'_>, Node<'_>)], values: &Shape, path: &Path<'_>) {
        // The entries of the top-level `resources` and `parameters`: an error in one of them
        // leaves the others checkable.
        let declared = matches!(
            path.last,
            Some((Path { last: None, .. }, "resources" | "parameters"))
        );
        for (entry_key, entry) in entries {
            let before = declared.then(|| self.diags.error_count());
            let path = path.child(&entry_key.name);
            self.value(&entry_key.name, &entry_key.span, entry, values, &path);
            if let Some(before) = before {
                let errors = self.diags.error_count() - before;
                if errors > 0 {
                    self.broken.names.push(entry_key.name.to_string());
                    self.broken.errors += errors;
                }
            }
        }
    }

    /// A resource table: `type` decides which keys it may have.
    fn resource(&mut self, name: &str, at: &Range<usize>, table: &Table<'_>, path: &Path<'_>) {
        let Some((type_key, type_node)) = table.entry("type") else {
            self.diags
                .report(
                    codes::MISSING_KEY,
                    span(self.file, at),
                    format!("resource `{name}` has no `type`"),
                )
                .with_label("add `type = \"...\"`")
                .with_note(format!(
                    "the types are {}",
                    quoted_list(RESOURCE_TYPES.iter().map(|t| t.name))
                ));
            return;
        };
        let Some(type_name) = type_node.as_str() else {
            self.expect(type_node, false, &Shape::Tag, &path.child(&type_key.name));
            return;
        };
        let Some(resource_type) = schema::resource_type(type_name) else {
            let names = RESOURCE_TYPES.iter().map(|t| t.name);
            let diagnostic = self
                .diags
                .report(
                    codes::UNKNOWN_RESOURCE_TYPE,
                    span(self.file, &type_node.span),
                    format!("unknown resource type `{type_name}`"),
                )
                .with_label("not a type aspirec knows")
                .with_note(format!("the types are {}", quoted_list(names.clone())));
            if let Some(suggestion) = did_you_mean(type_name, names) {
                diagnostic.with_help(format!("did you mean `{suggestion}`?"));
            }
            return;
        };
        let path = path.of_resource(resource_type.name);
        self.table(at, table, &resource_type.table, &path);
    }

    /// A table with a fixed set of keys: known keys, required keys, alternatives and
    /// conflicts.
    fn table(&mut self, at: &Range<usize>, table: &Table<'_>, shape: &TableShape, path: &Path<'_>) {
        self.keys(table, shape, path);
        for field in shape.fields.iter().filter(|f| f.required) {
            if table.get(field.key).is_none() {
                self.missing(at, path, &[field.key]);
            }
        }
        if !shape.requires.is_empty()
            && !shape
                .requires
                .iter()
                .any(|set| set.iter().all(|k| table.get(k).is_some()))
        {
            // Name what is missing from the alternative the user started on, if any.
            let started = shape
                .requires
                .iter()
                .find(|set| set.iter().any(|k| table.get(k).is_some()));
            match started {
                Some(set) => {
                    let absent: Vec<_> = set
                        .iter()
                        .copied()
                        .filter(|k| table.get(k).is_none())
                        .collect();
                    self.missing(at, path, &absent);
                }
                None => {
                    let options: Vec<String> = shape
                        .requires
                        .iter()
                        .map(|set| quoted_list(set.iter().copied()))
                        .collect();
                    self.diags
                        .report(
                            codes::MISSING_KEY,
                            span(self.file, at),
                            format!("`{}` needs {}", path.text(), options.join(" or ")),
                        )
                        .with_label(format!("add {}", options.join(" or ")));
                }
            }
        }
        for [first, second] in shape.conflicts {
            if let (Some((first_key, _)), Some((second_key, _))) =
                (table.entry(first), table.entry(second))
            {
                let (earlier, later) = if first_key.span.start <= second_key.span.start {
                    (first_key, second_key)
                } else {
                    (second_key, first_key)
                };
                self.diags
                    .report(
                        codes::CONFLICTING_KEYS,
                        span(self.file, &later.span),
                        format!(
                            "`{}` and `{}` cannot both be set {}",
                            earlier.name,
                            later.name,
                            path.place()
                        ),
                    )
                    .with_label(format!("conflicts with `{}`", earlier.name))
                    .with_secondary(
                        span(self.file, &earlier.span),
                        format!("`{}` is set here", earlier.name),
                    )
                    .with_help(format!(
                        "keep one of `{}` and `{}`",
                        earlier.name, later.name
                    ));
            }
        }
    }

    /// Known keys and their values, without the checks for required keys (an environment
    /// override sets only some keys).
    fn keys(&mut self, table: &Table<'_>, shape: &TableShape, path: &Path<'_>) {
        for (entry_key, entry) in table.entries() {
            match shape.field(&entry_key.name) {
                Some(field) => {
                    let path = path.child(&entry_key.name);
                    let name = &entry_key.name;
                    self.value(name, &entry_key.span, entry, &field.shape, &path);
                }
                None => self.unknown_key(entry_key, shape, path),
            }
        }
    }

    #[cold]
    fn unknown_key(&mut self, key: &Key<'_>, shape: &TableShape, path: &Path<'_>) {
        let message = match path.resource_type {
            Some(resource_type) => format!(
                "unknown key `{}` for a `{resource_type}` resource",
                key.name
            ),
            None => format!("unknown key `{}` {}", key.name, path.place()),
        };
        let known = shape.fields.iter().map(|f| f.key);
        let suggestion = did_you_mean(&key.name, known.clone());
        let diagnostic = self
            .diags
            .report(codes::UNKNOWN_KEY, span(self.file, &key.span), message)
            .with_label("unknown key");
        if std::ptr::eq(shape, &schema::OVERLAY) && schema::MODEL.field(&key.name).is_some() {
            // `targets`: the top level has it, an environment cannot change it.
            diagnostic.with_help(format!(
                "`{}` is the same in every environment: set it at the top level",
                key.name
            ));
        } else if let Some(suggestion) = suggestion {
            diagnostic.with_help(format!("did you mean `{suggestion}`?"));
        }
        if path.resource_type.is_some() {
            let others: Vec<_> = RESOURCE_TYPES
                .iter()
                .filter(|t| t.table.field(&key.name).is_some())
                .map(|t| t.name)
                .collect();
            if !others.is_empty() {
                diagnostic.with_note(format!(
                    "`{}` is a key of {} resources",
                    key.name,
                    quoted_list(others)
                ));
            }
        }
        diagnostic.with_note(format!("the keys here are {}", quoted_list(known)));
    }

    #[cold]
    fn missing(&mut self, at: &Range<usize>, path: &Path<'_>, absent: &[&str]) {
        let list = quoted_list(absent.iter().copied());
        let message = if path.text().is_empty() {
            format!("the model has no {list}")
        } else {
            format!("missing {list} {}", path.place())
        };
        self.diags
            .report(codes::MISSING_KEY, span(self.file, at), message)
            .with_label(format!("add {list}"));
    }

    #[cold]
    fn not_one_of(&mut self, name: &str, node: &Node<'_>, text: &str, allowed: &[&str]) {
        let diagnostic = self
            .diags
            .report(
                codes::INVALID_VALUE,
                span(self.file, &node.span),
                format!("`{text}` is not a valid `{name}`"),
            )
            .with_label(format!("expected {}", quoted_list(allowed.iter().copied())));
        if let Some(suggestion) = did_you_mean(text, allowed.iter().copied()) {
            diagnostic.with_help(format!("did you mean `{suggestion}`?"));
        }
    }

    #[cold]
    fn unknown_target(&mut self, node: &Node<'_>, text: &str, ids: &[&str]) {
        let diagnostic = self
            .diags
            .report(
                codes::INVALID_VALUE,
                span(self.file, &node.span),
                format!("unknown target `{text}`"),
            )
            .with_label(format!("expected {}", quoted_list(ids.iter().copied())));
        if text == "all" {
            diagnostic.with_help("leave `targets` out to compile for every target");
        } else if let Some(suggestion) = did_you_mean(text, ids.iter().copied()) {
            diagnostic.with_help(format!("did you mean `{suggestion}`?"));
        }
    }

    #[cold]
    fn out_of_range(&mut self, name: &str, node: &Node<'_>) {
        self.diags
            .report(
                codes::INVALID_VALUE,
                span(self.file, &node.span),
                format!("`{name}` is out of range"),
            )
            .with_label(format!("must be between 0 and {}", u32::MAX));
    }

    /// Reports a wrong type unless `ok`.
    fn expect(&mut self, node: &Node<'_>, ok: bool, shape: &Shape, path: &Path<'_>) {
        if !ok {
            self.wrong_type(node, shape, path);
        }
    }

    /// The report of [`Checker::expect`]. It and the other reports are `#[cold]`, out of
    /// line: the walk over a valid model, which reports nothing, then stays a small function
    /// (a tenth fewer instructions).
    #[cold]
    fn wrong_type(&mut self, node: &Node<'_>, shape: &Shape, path: &Path<'_>) {
        let expected = describe(shape);
        let found = node.value.kind();
        let text = path.text();
        let what = if text.is_empty() {
            "the value".to_string()
        } else {
            format!("`{text}`")
        };
        let diagnostic = self
            .diags
            .report(
                codes::WRONG_TYPE,
                span(self.file, &node.span),
                format!("{what} must be {expected}"),
            )
            .with_label(format!("found {found}"));
        let quoted_number = node
            .as_str()
            .is_some_and(|text| text.trim().parse::<i64>().is_ok());
        if expected.contains("integer") && quoted_number {
            diagnostic.with_help("remove the quotes");
        } else if expected.contains("string")
            && matches!(
                node.value,
                Value::Integer(_) | Value::Float | Value::Boolean(_)
            )
        {
            diagnostic.with_help("put the value in quotes");
        }
    }
}

/// Whether a value of `shape` has the TOML type of `value` (for [`Shape::Either`]).
fn same_kind(shape: &Shape, value: &Value<'_>) -> bool {
    match shape {
        Shape::String | Shape::Template | Shape::Enum(_) | Shape::Tag | Shape::Target => {
            matches!(value, Value::String(_))
        }
        Shape::Integer { .. } | Shape::Count => matches!(value, Value::Integer(_)),
        Shape::Bool => matches!(value, Value::Boolean(_)),
        Shape::Array(_) => matches!(value, Value::Array(_)),
        Shape::Table(_) | Shape::Map { .. } | Shape::Resource | Shape::ResourceOverride => {
            matches!(value, Value::Table(_))
        }
        Shape::Either(alternatives) => alternatives.iter().any(|a| same_kind(a, value)),
        Shape::Any => true,
    }
}

/// "a string", "an array of strings", "a string or a table".
pub(crate) fn describe(shape: &Shape) -> String {
    match shape {
        Shape::Array(item) => format!("an array of {}", plural(item)),
        Shape::Either(alternatives) => alternatives
            .iter()
            .map(describe)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => {
            let noun = noun(shape);
            let article = if noun.starts_with(['a', 'i']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {noun}")
        }
    }
}

/// "strings", "arrays of strings", "strings or tables".
fn plural(shape: &Shape) -> String {
    match shape {
        Shape::Array(item) => format!("arrays of {}", plural(item)),
        Shape::Either(alternatives) => alternatives
            .iter()
            .map(plural)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => format!("{}s", noun(shape)),
    }
}

/// The TOML type of a value of `shape` (not an array or alternatives).
fn noun(shape: &Shape) -> &'static str {
    match shape {
        Shape::String | Shape::Template | Shape::Enum(_) | Shape::Tag | Shape::Target => "string",
        Shape::Integer { .. } | Shape::Count => "integer",
        Shape::Bool => "boolean",
        Shape::Array(_) => "array",
        Shape::Table(_)
        | Shape::Map { .. }
        | Shape::Resource
        | Shape::ResourceOverride
        | Shape::Either(_) => "table",
        Shape::Any => "value",
    }
}

/// "`a`, `b`, `c`".
pub(crate) fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model_toml::syntax;

    /// The codes and messages of checking `text`.
    fn check(text: &str) -> Vec<(String, String)> {
        let mut diags = Diagnostics::new();
        let root = syntax::parse(FileId(0), text, &mut diags).expect("valid TOML");
        check_model(FileId(0), &root, &mut diags);
        diags
            .into_sorted()
            .into_iter()
            .map(|d| (d.code.id.to_string(), d.message))
            .collect()
    }

    fn codes(text: &str) -> Vec<String> {
        check(text).into_iter().map(|(code, _)| code).collect()
    }

    #[test]
    fn accepts_a_small_model() {
        let text = "name = \"a\"\n[resources.c]\ntype = \"redis\"\n[resources.w]\ntype = \"container\"\nimage = \"x\"\nreferences = [\"c\", { to = \"c\", inject = [\"endpoints\"] }]\n";
        assert_eq!(check(text), []);
    }

    #[test]
    fn reports_all_problems_in_one_run() {
        let text = r#"
name = 5
nmae = "x"
[resources.w]
type = "container"
image = "x"
replicas = "2"
endpoints.http = { scheme = "htp", target_port = 1.5 }
[resources.c]
type = "redsi"
[resources.d]
image = "y"
"#;
        let found = check(text);
        let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(
            codes,
            [
                "E0202", "E0201", "E0202", "E0205", "E0202", "E0204", "E0203"
            ],
            "{found:?}"
        );
        assert_eq!(found[2].1, "`resources.w.replicas` must be an integer");
    }

    #[test]
    fn keys_of_another_resource_type_name_the_type() {
        let found = check("name = \"a\"\n[resources.c]\ntype = \"redis\"\ndatabases = [\"x\"]\n");
        assert_eq!(
            found,
            [(
                "E0201".to_string(),
                "unknown key `databases` for a `redis` resource".to_string()
            )]
        );
        assert_eq!(
            codes(
                "name = \"a\"\n[resources.c]\ntype = \"container\"\nimage = \"x\"\nurl = \"u\"\n"
            ),
            ["E0201"]
        );
        assert_eq!(
            codes("name = \"a\"\n[resources.c]\ntype = \"postgres\"\nendpoints.x = {}\n"),
            ["E0201"]
        );
    }

    #[test]
    fn conflicts_and_alternatives() {
        let both = "name = \"a\"\n[resources.w]\ntype = \"container\"\nimage = \"x\"\nbuild = { context = \".\" }\n";
        assert_eq!(codes(both), ["E0206"]);
        let neither = "name = \"a\"\n[resources.w]\ntype = \"container\"\n";
        assert_eq!(
            check(neither),
            [(
                "E0203".to_string(),
                "`resources.w` needs `image` or `build`".to_string()
            )]
        );
        let half = "name = \"a\"\n[resources.w]\ntype = \"container\"\nimage = \"x\"\nhealth = { path = \"/\" }\n";
        assert_eq!(
            check(half),
            [(
                "E0203".to_string(),
                "missing `endpoint` in `resources.w.health`".to_string()
            )]
        );
    }

    #[test]
    fn a_table_in_an_array_misses_keys_at_itself() {
        let text = "name = \"a\"\n[resources.w]\ntype = \"container\"\nimage = \"x\"\nvolumes = [{ name = \"v\" }]\n";
        let mut diags = Diagnostics::new();
        let root = syntax::parse(FileId(0), text, &mut diags).expect("valid TOML");
        check_model(FileId(0), &root, &mut diags);
        let spans: Vec<_> = diags
            .iter()
            .map(|d| {
                (
                    d.code.id,
                    &text[d.primary.span.start as usize..d.primary.span.end as usize],
                )
            })
            .collect();
        assert_eq!(spans, [("E0203", "{ name = \"v\" }")]);
    }

    #[test]
    fn an_empty_file_misses_its_name() {
        assert_eq!(
            check(""),
            [("E0203".to_string(), "the model has no `name`".to_string())]
        );
    }

    #[test]
    fn counts_must_fit() {
        assert_eq!(
            codes("name = \"a\"\n[parameters.p]\ngenerate = { min_length = -1 }\n"),
            ["E0205"]
        );
    }

    #[test]
    fn describes_shapes() {
        assert_eq!(
            describe(&Shape::Array(&Shape::String)),
            "an array of strings"
        );
        assert_eq!(
            describe(&Shape::Array(&Shape::Either(&[Shape::String, Shape::Bool]))),
            "an array of strings or booleans"
        );
        assert_eq!(
            describe(&Shape::Either(&[
                Shape::String,
                Shape::Integer {
                    min: None,
                    max: None
                }
            ])),
            "a string or an integer"
        );
    }
}
