//! Bicep params for the model's parameters, and the `main.bicepparam` file that supplies them.
//!
//! Only parameters the output uses become params (the password of a managed Redis, replaced by
//! the cache's access key, does not). Secret ones are `@secure()` and never have a default.
//!
//! Generated values: Bicep has no random source that is stable across deployments (`newGuid()`
//! is allowed only as a param default and changes on every deployment, which would rotate
//! every password; `uniqueString(...)` is stable but derivable by anyone who knows the
//! resource group). So a value with a `generate` rule is a required param, like any other
//! value without a default: `main.bicepparam` reads it from an environment variable with
//! `readEnvironmentVariable`, and a comment gives a command that generates one following the
//! rule, to run once and keep in a secret store. The file therefore never holds a secret.

use aspirec_azure::modules::DeployerParam;
use ir::{CheckedModel, ParamId};

use crate::bicep_string::BicepStr;
use crate::names::param_env_var;
use crate::view::{ParamEntry, ParamView, list};

/// The declared params of `main.bicep` (after `location`, which the template declares) and the
/// entries of `main.bicepparam`.
pub(crate) struct Params {
    pub(crate) declared: Vec<ParamView>,
    pub(crate) entries: Vec<ParamEntry>,
}

/// Builds the params: `image_tag` when a built image uses it, then every used model parameter.
pub(crate) fn build(
    model: &CheckedModel,
    used: impl Iterator<Item = ParamId>,
    symbols: &[String],
    image_tag: Option<&str>,
) -> Params {
    let mut params = Params {
        declared: Vec::new(),
        entries: Vec::new(),
    };
    if let Some(symbol) = image_tag {
        let default = BicepStr::text(model.tag());
        params.declared.push(ParamView {
            symbol: symbol.to_string(),
            description: Some("Tag of the images built from source.".to_string()),
            secure: false,
            default: Some(default.clone()),
        });
        params.entries.push(ParamEntry {
            symbol: symbol.to_string(),
            comments: list([]),
            value: default,
        });
    }
    for id in used {
        let parameter = model.parameter(id);
        let Some(symbol) = symbols.get(id.0 as usize) else {
            continue;
        };
        // The IR drops literal defaults of secret parameters; this keeps it true here too.
        let default = parameter
            .default
            .as_ref()
            .filter(|_| !parameter.secret)
            .map(|d| BicepStr::text(d.clone()));
        let mut comments: Vec<String> = parameter.description.iter().map(|d| one_line(d)).collect();
        let value = match &default {
            Some(default) => default.clone(),
            None => {
                let var = param_env_var(&parameter.name);
                let what = if parameter.secret {
                    "Required secret"
                } else {
                    "Required"
                };
                comments.push(format!(
                    "{what}: read from the environment variable {var} when deploying."
                ));
                if let Some(rule) = &parameter.generate {
                    comments.push("Generate it once, keep it in your secret store, and export it before every deployment:".to_string());
                    comments.push(format!("  export {var}=\"$({})\"", rule.shell_command()));
                    comments.push(format!("It must have {}.", rule.describe()));
                }
                BicepStr::expr(format!(
                    "readEnvironmentVariable({})",
                    BicepStr::text(var).to_bicep()
                ))
            }
        };
        params.declared.push(ParamView {
            symbol: symbol.clone(),
            description: parameter.description.clone(),
            secure: parameter.secret,
            default,
        });
        params.entries.push(ParamEntry {
            symbol: symbol.clone(),
            comments: list(comments),
            value,
        });
    }
    params
}

/// Adds the deploy-time values Aspire leaves for the deploying tool (`principalId`, ...),
/// with their `symbols`: required params, read from the environment like any value without
/// a default, with a comment saying what they are.
pub(crate) fn deployer(params: &mut Params, deployer: &[DeployerParam<'_>], symbols: &[String]) {
    for (param, symbol) in deployer.iter().zip(symbols) {
        let (variable, what) = param.source();
        params.declared.push(ParamView {
            symbol: symbol.clone(),
            description: Some(format!(
                "Supplied by whoever deploys (Aspire leaves `{}` to the deploying tool).",
                param.name
            )),
            secure: false,
            default: None,
        });
        params.entries.push(ParamEntry {
            symbol: symbol.clone(),
            comments: list([
                format!("Required: read from the environment variable {variable} when deploying."),
                format!("It is {what}."),
            ]),
            value: BicepStr::expr(format!(
                "readEnvironmentVariable({})",
                BicepStr::text(variable).to_bicep()
            )),
        });
    }
}

/// Text made safe for a `//` comment: line breaks and tabs become spaces, and what no
/// comment may hold is escaped ([`ir::text::comment_line_safe`]).
pub(crate) fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t' | '\u{85}' | '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    ir::text::comment_line_safe(&spaced).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(one_line("a\nb\r\tc"), "a b  c");
        assert_eq!(
            one_line("\u{1b}[2J\0\u{7f}\u{feff}\u{202e}"),
            "\\u{1b}[2J\\u{0}\\u{7f}\\u{feff}\\u{202e}"
        );
    }
}
