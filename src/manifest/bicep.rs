//! `azure.bicep.v0` and `azure.bicep.v1`: an Azure Bicep module, to an [`AzureModuleDecl`].
//!
//! - `path` is relative to the manifest, where Aspire writes each module's file; the file is
//!   read through the compilation's file reader (the binary reads it beside the manifest) and
//!   kept whole, with the `param`s and `output`s it declares ([`declarations`]), which the ir
//!   checks the manifest against.
//! - `params` values are strings with expressions, or any other JSON; an empty string is a
//!   value Aspire leaves for the deploying tool to supply (`principalId`, `keyVaultName`, ...).
//! - `scope.resourceGroup` (v1 only) is the resource group the module deploys into.

use ir::expr::Template;
use ir::model::{
    AzureModuleDecl, ModuleFile, ModuleFileParam, ModuleParamDecl, ModuleValueDecl,
    ResourceKindDecl,
};
use ir::{Diagnostics, Spanned};

use super::ReadFile;
use super::expr::Scope;
use super::fields::Record;
use super::json::{Member, Node, Value};

/// Lowers module entry `entry` (named `name`) of type `type_name`.
pub(super) fn module(
    type_name: &str,
    name: &Spanned<String>,
    entry: &Member,
    scope: &Scope,
    read_file: ReadFile<'_>,
    diags: &mut Diagnostics,
) -> Option<ResourceKindDecl> {
    let what = format!("{type_name} resource `{}`", name.value);
    let known: &[&str] = if type_name == "azure.bicep.v1" {
        &["type", "path", "params", "connectionString", "scope"]
    } else {
        &["type", "path", "params", "connectionString"]
    };
    let record = Record::new(&entry.value, entry.key_span, what, known, diags)?;
    let path = record.required_string("path", diags)?;
    let params = record
        .map("params", diags)
        .iter()
        .map(|member| ModuleParamDecl {
            name: Spanned::new(member.key.text.clone(), member.key.content_span()),
            value: match &member.value.value {
                // Aspire leaves these for the deploying tool to fill in.
                Value::String(s) if s.text.is_empty() => {
                    ModuleValueDecl::Deployer(member.value.span)
                }
                _ => value(&member.value, scope, diags),
            },
        })
        .collect();
    let connection_string = record
        .str("connectionString", diags)
        .map(|(s, span)| scope.template(s, span, diags));
    let resource_group = record.get("scope").and_then(|node| {
        let scope_record = Record::new(
            node,
            record.member("scope").map_or(node.span, |m| m.key_span),
            format!("`scope` of `{}`", name.value),
            &["resourceGroup"],
            diags,
        )?;
        scope_record
            .str("resourceGroup", diags)
            .map(|(s, span)| scope.template(s, span, diags))
    });
    let file = read_file(&path.value).map(|text| {
        let (params, outputs) = declarations(&text);
        ModuleFile {
            text,
            params,
            outputs,
        }
    });
    Some(ResourceKindDecl::AzureModule(AzureModuleDecl {
        type_name: type_name.to_string(),
        path,
        file,
        params,
        connection_string,
        resource_group,
    }))
}

/// A JSON value as a module parameter's value (strings with expressions).
fn value(node: &Node, scope: &Scope, diags: &mut Diagnostics) -> ModuleValueDecl {
    match &node.value {
        Value::String(s) => ModuleValueDecl::String(scope.template(s, node.span, diags)),
        Value::Null => ModuleValueDecl::Null,
        Value::Bool(b) => ModuleValueDecl::Bool(*b),
        Value::Number(n) => ModuleValueDecl::Number(n.clone()),
        Value::Array(items) => {
            ModuleValueDecl::Array(items.iter().map(|i| value(i, scope, diags)).collect())
        }
        Value::Object(members) => ModuleValueDecl::Object(
            members
                .iter()
                .map(|m| (m.key.text.clone(), value(&m.value, scope, diags)))
                .collect(),
        ),
    }
}

/// The `param`s and `output`s a Bicep file declares at its top level.
///
/// A light reading of Bicep, enough for the declarations Aspire's modules and hand-written
/// ones make: comments, strings (with `${...}` interpolations), and brackets are skipped, and a
/// statement at depth 0 that starts with `param` or `output` names its symbol. A `param` must
/// be passed when it has no `= default` and its type is not nullable (`string?`).
pub(crate) fn declarations(text: &str) -> (Vec<ModuleFileParam>, Vec<String>) {
    let mut params = Vec::new();
    let mut outputs = Vec::new();
    for statement in top_level_statements(text) {
        let mut words = statement.split_whitespace();
        match words.next() {
            Some("param") => {
                let Some(name) = words.next() else { continue };
                let rest: Vec<&str> = words.collect();
                let has_default = rest.contains(&"=");
                let type_name = rest.first().copied().unwrap_or("string");
                params.push(ModuleFileParam {
                    name: name.to_string(),
                    type_name: type_name.to_string(),
                    required: !has_default && !type_name.ends_with('?'),
                });
            }
            Some("output") => {
                if let Some(name) = words.next() {
                    outputs.push(name.to_string());
                }
            }
            _ => {}
        }
    }
    (params, outputs)
}

/// The statements at the top level of a Bicep file: the text of each line that starts at
/// bracket depth 0, up to the first bracket, string or comment, with decorators dropped.
fn top_level_statements(text: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    let mut at_line_start = true;
    let mut chars = text.chars().peekable();
    // `true` while the current line's statement is still being collected.
    let mut collecting = false;
    // Whether the line opened with a decorator (`@secure() param p string` declares `p`).
    let mut decorated = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                finish(&mut current, &mut statements, &mut collecting);
                at_line_start = true;
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = ' ';
                for c in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
            }
            '\'' => {
                collecting = false;
                skip_string(&mut chars);
            }
            '{' | '[' | '(' => {
                collecting = false;
                depth += 1;
            }
            '}' | ']' | ')' => {
                collecting = false;
                depth = depth.saturating_sub(1);
                if depth == 0 && decorated && c == ')' {
                    // What follows the decorator on its line is the statement.
                    current.clear();
                    collecting = true;
                    decorated = false;
                }
            }
            '\n' => {
                finish(&mut current, &mut statements, &mut collecting);
                at_line_start = true;
            }
            c if at_line_start && !c.is_whitespace() => {
                at_line_start = false;
                decorated = depth == 0 && c == '@';
                collecting = depth == 0 && c != '@';
                if collecting {
                    current.push(c);
                }
            }
            c => {
                if collecting {
                    current.push(c);
                }
            }
        }
    }
    finish(&mut current, &mut statements, &mut collecting);
    statements
}

fn finish(current: &mut String, statements: &mut Vec<String>, collecting: &mut bool) {
    if !current.trim().is_empty() {
        statements.push(std::mem::take(current));
    }
    current.clear();
    *collecting = false;
}

/// Skips a single-quoted string (the opening quote is read), with its escapes and
/// `${...}` interpolations (which may hold strings of their own). Multi-line `'''`
/// strings end at the next `'''`.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    if chars.peek() == Some(&'\'') {
        chars.next();
        if chars.peek() == Some(&'\'') {
            chars.next();
            let mut quotes = 0;
            for c in chars.by_ref() {
                quotes = if c == '\'' { quotes + 1 } else { 0 };
                if quotes == 3 {
                    return;
                }
            }
        }
        return; // ''
    }
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '\'' => return,
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                let mut depth = 1;
                while let Some(c) = chars.next() {
                    match c {
                        '\'' => skip_string(chars),
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// Every template of a module declaration (for the names its expressions read).
pub(super) fn templates(decl: &AzureModuleDecl) -> Vec<&Template> {
    fn walk<'a>(value: &'a ModuleValueDecl, out: &mut Vec<&'a Template>) {
        match value {
            ModuleValueDecl::String(t) => out.push(t),
            ModuleValueDecl::Array(items) => items.iter().for_each(|i| walk(i, out)),
            ModuleValueDecl::Object(members) => members.iter().for_each(|(_, v)| walk(v, out)),
            ModuleValueDecl::Deployer(_)
            | ModuleValueDecl::Number(_)
            | ModuleValueDecl::Bool(_)
            | ModuleValueDecl::Null => {}
        }
    }
    let mut out: Vec<&Template> = decl
        .connection_string
        .iter()
        .chain(&decl.resource_group)
        .collect();
    for param in &decl.params {
        walk(&param.value, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::declarations;

    #[test]
    fn top_level_params_and_outputs_are_found() {
        let text = r#"
// A comment: param notAParam string
@description('The location, with a } in it')
param location string = resourceGroup().location
param principalId string
@secure() param password string
param tags object = {
  nested: 'param inside'
}
param optional string?
/* param hidden string */
var x = '${location}-param y'
resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: 'x'
  properties: {
    output: 'not an output'
  }
}
output blobEndpoint string = storage.properties.primaryEndpoints.blob
@secure()
output key string = storage.listKeys().keys[0].value
output multi string = '''
output fake string
'''
"#;
        let (params, outputs) = declarations(text);
        let params: Vec<(&str, &str, bool)> = params
            .iter()
            .map(|p| (p.name.as_str(), p.type_name.as_str(), p.required))
            .collect();
        assert_eq!(
            params,
            [
                ("location", "string", false),
                ("principalId", "string", true),
                ("password", "string", true),
                ("tags", "object", false),
                ("optional", "string?", false),
            ]
        );
        assert_eq!(outputs, ["blobEndpoint", "key", "multi"]);
    }
}
