//! Names: validity, uniqueness (one case-insensitive namespace for resources, databases and
//! parameters), the symbol table, and collisions under the targets' naming rules.

use std::hash::{BuildHasherDefault, Hasher};

use indexmap::IndexMap;
use indexmap::map::Entry;

use crate::check::CheckOptions;
use crate::codes;
use crate::diagnostic::Diagnostics;
use crate::model::{Model, ResourceKindDecl};
use crate::publish::env_name;
use crate::span::{Span, Spanned};

/// What a name refers to, by declaration index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Symbol {
    Parameter(usize),
    Resource(usize),
    /// `databases` entry `index` of resource declaration `server`.
    Database {
        server: usize,
        index: usize,
    },
}

/// A map keyed by names, in insertion order.
pub(crate) type NameMap<V> = IndexMap<String, V, BuildHasherDefault<NameHasher>>;

/// The hash of the name maps: an FxHash-style multiply per byte. Names are short and come
/// from the model being compiled, so a keyed hash guards against nothing here, and SipHash
/// was a tenth of the check (a lookup for every expression and reference).
#[derive(Default)]
pub(crate) struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 =
                (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The symbol table: lower-cased name to its declaration and the span of that declaration.
#[derive(Debug, Default)]
pub(crate) struct Symbols {
    pub(crate) by_name: NameMap<(Symbol, Span)>,
}

impl Symbols {
    pub(crate) fn get(&self, name: &str) -> Option<Symbol> {
        // Called for every reference, `wait_for` entry and expression: names are almost always
        // lower case already, so only allocate a lowered copy when one is needed.
        let found = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            self.by_name.get(&name.to_ascii_lowercase())
        } else {
            self.by_name.get(name)
        };
        found.map(|(s, _)| *s)
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}

/// How many databases the integrations declare, to size the tables of names and resources.
pub(crate) fn database_count(model: &Model) -> usize {
    model
        .resources
        .iter()
        .map(|r| match &r.kind {
            ResourceKindDecl::Integration(i) => i.databases.len(),
            ResourceKindDecl::Compute(_)
            | ResourceKindDecl::External(_)
            | ResourceKindDecl::Unsupported(_)
            | ResourceKindDecl::AzureModule(_)
            | ResourceKindDecl::Undeclared(_) => 0,
        })
        .sum()
}

pub(crate) fn run(model: &Model, options: &CheckOptions<'_>, diags: &mut Diagnostics) -> Symbols {
    let mut symbols = Symbols {
        by_name: NameMap::with_capacity_and_hasher(
            model.parameters.len() + model.resources.len() + database_count(model),
            Default::default(),
        ),
    };
    check_name(&model.name, "application", true, diags);
    let mut declare = |name: &Spanned<String>,
                       symbol: Symbol,
                       what: &str,
                       diags: &mut Diagnostics| {
        check_name(name, what, options.strict_names, diags);
        match symbols.by_name.entry(name.value.to_ascii_lowercase()) {
            Entry::Occupied(existing) => {
                diags
                    .report(codes::DUPLICATE_NAME, name.span, format!("the name `{}` is declared twice", name.value))
                    .with_label(format!("second declaration of `{}`", name.value))
                    .with_secondary(existing.get().1, "first declared here")
                    .with_note("resources, databases and parameters share one namespace, and names are compared without case");
            }
            Entry::Vacant(slot) => {
                slot.insert((symbol, name.span));
            }
        }
    };
    for (index, parameter) in model.parameters.iter().enumerate() {
        declare(
            &parameter.name,
            Symbol::Parameter(index),
            "parameter",
            diags,
        );
    }
    for (index, resource) in model.resources.iter().enumerate() {
        if let ResourceKindDecl::Undeclared(_) = resource.kind {
            continue; // below
        }
        declare(&resource.name, Symbol::Resource(index), "resource", diags);
        if let ResourceKindDecl::Integration(integration) = &resource.kind {
            for (db_index, db) in integration.databases.iter().enumerate() {
                declare(
                    db,
                    Symbol::Database {
                        server: index,
                        index: db_index,
                    },
                    "database",
                    diags,
                );
            }
        }
    }
    // An undeclared name is no declaration, so it is not checked. It has a symbol only when
    // it is left out: otherwise every read of it is an unknown name, as written.
    if options.allow_unsupported {
        for (index, resource) in model.resources.iter().enumerate() {
            if let ResourceKindDecl::Undeclared(_) = resource.kind {
                symbols
                    .by_name
                    .entry(resource.name.value.to_ascii_lowercase())
                    .or_insert((Symbol::Resource(index), resource.name.span));
            }
        }
    }
    symbols
}

/// `[a-z][a-z0-9-]*`, at most 40 characters, not ending in `-` (so it is a DNS label and
/// leaves room for suffixes). Manifests allow upper case and `_`, as Aspire does.
fn check_name(name: &Spanned<String>, what: &str, strict: bool, diags: &mut Diagnostics) {
    let text = &name.value;
    if let Some(problem) = name_problem(text, strict) {
        let max = max_name_len(strict);
        let suggestion = crate::publish::dns_label(text, max);
        diags
            .report(codes::INVALID_NAME, name.span, format!("invalid {what} name `{text}`"))
            .with_label(problem)
            .with_help(format!("names match `[a-z][a-z0-9-]*` and have at most {max} characters, for example `{suggestion}`"));
    }
}

/// How long a name may be: 40 characters under the strict rule of model.toml, 64 for names
/// an Aspire manifest gives.
fn max_name_len(strict: bool) -> usize {
    if strict { 40 } else { 64 }
}

/// What is wrong with `text` as a name (of the application, a resource, a parameter), or
/// `None`. `strict` is model.toml's rule (`[a-z][a-z0-9-]*`, at most 40 characters, no `-` at
/// the end); otherwise the looser rule of the names an Aspire manifest gives.
pub fn name_problem(text: &str, strict: bool) -> Option<String> {
    let max = max_name_len(strict);
    let first_ok = text.starts_with(|c: char| {
        if strict {
            c.is_ascii_lowercase()
        } else {
            c.is_ascii_alphabetic()
        }
    });
    let rest_ok = text.chars().all(|c| {
        if strict {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
        } else {
            c.is_ascii_alphanumeric() || c == '-' || c == '_'
        }
    });
    if text.is_empty() {
        Some("it is empty".to_string())
    } else if text.len() > max {
        Some(format!(
            "it is {} characters long; the limit is {max}",
            text.len()
        ))
    } else if !first_ok {
        Some("it must start with a lowercase letter".to_string())
    } else if !rest_ok {
        Some(if strict {
            "only lowercase letters, digits and `-` are allowed".to_string()
        } else {
            "only letters, digits, `-` and `_` are allowed".to_string()
        })
    } else if text.ends_with('-') {
        Some("it must not end with `-`".to_string())
    } else {
        None
    }
}

/// Two names that one target's naming turns into the same object name, or two parameter
/// names that become the same variable name.
pub(crate) fn collisions(
    ctx: &super::Ctx<'_>,
    options: &CheckOptions<'_>,
    diags: &mut Diagnostics,
) {
    let resource_names: Vec<&Spanned<String>> = ctx.slots.iter().map(|s| s.decl_name).collect();
    // (first, second) name index → the targets where they collide and the shared name; one
    // diagnostic per pair, naming every target, rather than one per target.
    let mut clashes: IndexMap<(usize, usize), Vec<(String, String)>> = IndexMap::new();
    for target in options.targets {
        for (pair, normal) in find_collisions(&resource_names, |n| target.object_name(n)) {
            clashes
                .entry(pair)
                .or_default()
                .push((target.id().to_string(), normal));
        }
    }
    let param_names: Vec<&Spanned<String>> = ctx.model.parameters.iter().map(|p| &p.name).collect();
    let mut param_clashes: IndexMap<(usize, usize), Vec<(String, String)>> = IndexMap::new();
    for (pair, normal) in find_collisions(&param_names, env_name) {
        param_clashes
            .entry(pair)
            .or_default()
            .push(("environment variable names".to_string(), normal));
    }
    report(&resource_names, clashes, diags);
    report(&param_names, param_clashes, diags);
}

/// Pairs of indices into `names` whose normal forms are equal, with that form. Names equal
/// but for case are skipped: the `names` pass already reported them as duplicates.
fn find_collisions(
    names: &[&Spanned<String>],
    normalize: impl Fn(&str) -> String,
) -> Vec<((usize, usize), String)> {
    let mut seen: NameMap<usize> =
        NameMap::with_capacity_and_hasher(names.len(), Default::default());
    let mut out = Vec::new();
    for (index, name) in names.iter().enumerate() {
        match seen.entry(normalize(&name.value)) {
            Entry::Occupied(first) => {
                if !names[*first.get()].value.eq_ignore_ascii_case(&name.value) {
                    out.push(((*first.get(), index), first.key().clone()));
                }
            }
            Entry::Vacant(slot) => {
                slot.insert(index);
            }
        }
    }
    out
}

fn report(
    names: &[&Spanned<String>],
    clashes: IndexMap<(usize, usize), Vec<(String, String)>>,
    diags: &mut Diagnostics,
) {
    for ((first, second), targets) in clashes {
        let (first, second) = (names[first], names[second]);
        let places: Vec<String> = targets
            .iter()
            .map(|(target, normal)| format!("`{normal}` in {target}"))
            .collect();
        diags
            .report(
                codes::NAME_COLLISION,
                second.span,
                format!(
                    "`{}` and `{}` would get the same name: {}",
                    first.value,
                    second.value,
                    places.join(", ")
                ),
            )
            .with_label(format!(
                "`{}` collides with `{}`",
                second.value, first.value
            ))
            .with_secondary(first.span, format!("`{}` is declared here", first.value))
            .with_help("rename one of them");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case_with_or_without_upper_case() {
        let mut symbols = Symbols::default();
        symbols
            .by_name
            .insert("cache".to_string(), (Symbol::Resource(3), Span::DETACHED));
        assert_eq!(symbols.get("cache"), Some(Symbol::Resource(3)));
        assert_eq!(symbols.get("Cache"), Some(Symbol::Resource(3)));
        assert_eq!(symbols.get("cachex"), None);
    }
}
