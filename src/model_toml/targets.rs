//! The model's top-level `targets`: which targets it is meant for. Read from the checked tree
//! for the driver, which compiles for them when the command line names none
//! ([`crate::CompileOptions::model_targets`]). Each entry was checked against the registry by
//! [`super::validate`]; only what the schema cannot say is checked here.

use ir::{Diagnostics, FileId, Spanned, codes};

use super::tree::{Table, span};

/// The named targets, in the model's order without repeats; `None` when the model has no
/// `targets` (or an invalid one, already reported).
pub(crate) fn read(
    file: FileId,
    root: &Table<'_>,
    diags: &mut Diagnostics,
) -> Option<Vec<Spanned<String>>> {
    let node = root.get("targets")?;
    let items = node.as_array()?;
    if items.is_empty() {
        // An empty list would compile for nothing and check nothing: surely not meant.
        diags
            .report(
                codes::INVALID_VALUE,
                span(file, &node.span),
                "`targets` is empty",
            )
            .with_label("no target named")
            .with_help(
                "name at least one target, or leave `targets` out to compile for every target",
            );
        return None;
    }
    let mut targets: Vec<Spanned<String>> = Vec::new();
    for item in items {
        let text = item.as_str()?;
        if !targets.iter().any(|t| t.value == text) {
            targets.push(Spanned::new(text.to_string(), span(file, &item.span)));
        }
    }
    Some(targets)
}
