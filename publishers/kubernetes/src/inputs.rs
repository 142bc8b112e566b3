//! Deploy-time inputs: where each parameter's value comes from in the cluster.
//!
//! A parameter's value is unknown when the model is compiled. Kubernetes reads it from one of
//! two objects in the application's namespace:
//!
//! - the ConfigMap `<app>-parameters` ([`crate::names::PARAMETERS_FILE`]), which aspirec writes,
//!   holds the defaults of non-secret parameters; an overlay can patch it to override one;
//! - the Secret `<app>-secrets`, which aspirec never writes, holds every secret parameter and
//!   every non-secret one without a default. The user creates it at deploy time from an env
//!   file; aspirec writes `secrets.env.example` listing its keys, what each one is and how to
//!   generate it.
//!
//! Kubernetes cannot percent-encode a value at deploy time, so a parameter used inside a URI
//! (`Encoding::Uri`) has a second key, `<KEY>_URI_ENCODED`, holding the encoded form; for a
//! default, aspirec encodes it. Only keys that some emitted object reads are listed.

use std::collections::{BTreeMap, BTreeSet};

use ir::{CheckedModel, Encoding, Generate, ParamId, Parameter};
use k8s_openapi::api::core::v1::{ConfigMapKeySelector, EnvVarSource, SecretKeySelector};

use crate::names;
use crate::plan;

/// One key of the inputs: a parameter, raw or percent-encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Key {
    pub(crate) param: ParamId,
    pub(crate) uri_encoded: bool,
}

impl Key {
    pub(crate) fn new(param: ParamId, encoding: Encoding) -> Key {
        Key {
            param,
            uri_encoded: matches!(encoding, Encoding::Uri),
        }
    }

    /// The key in the ConfigMap or Secret (an environment-variable-style name, as in the
    /// env file the user writes).
    pub(crate) fn name(self, model: &CheckedModel) -> String {
        ir::publish::input_name(&model.parameter(self.param).name, self.uri_encoded)
    }

    /// The key of the raw value of the same parameter.
    pub(crate) fn raw(self) -> Key {
        Key {
            uri_encoded: false,
            ..self
        }
    }

    /// Whether the value lives in the user's Secret (rather than the defaults ConfigMap).
    pub(crate) fn in_secret(self, model: &CheckedModel) -> bool {
        from_secret(model.parameter(self.param))
    }

    /// The container variable that holds the key's value where a string is assembled from
    /// several pieces with `$(NAME)`. The prefix keeps it apart from the application's own
    /// variables and says where the value comes from.
    fn helper_variable(self, model: &CheckedModel) -> String {
        let kind = if model.parameter(self.param).secret {
            "SECRET"
        } else {
            "PARAM"
        };
        format!("ASPIREC_{kind}_{}", self.name(model))
    }
}

fn from_secret(parameter: &Parameter) -> bool {
    parameter.secret || parameter.default.is_none()
}

/// The inputs the emitted objects read, collected while lowering.
pub(crate) struct Inputs {
    /// The Secret's and the ConfigMap's names, derived once: every variable that reads a
    /// parameter names one of them.
    secret_name: String,
    config_map_name: String,
    used: BTreeSet<Key>,
    /// The names of each parameter's keys, by parameter index.
    names: Vec<KeyNames>,
}

/// The names of one parameter's keys, raw (`[0]`) and URI-encoded (`[1]`), derived once: a
/// key is named by every variable that reads it, in every container.
struct KeyNames {
    /// [`Key::name`].
    key: [String; 2],
    /// [`Key::helper_variable`].
    helper: [String; 2],
}

impl Inputs {
    pub(crate) fn new(app: &str, model: &CheckedModel) -> Inputs {
        let names = model
            .parameters()
            .map(|(param, _)| {
                let raw = Key {
                    param,
                    uri_encoded: false,
                };
                let encoded = Key {
                    param,
                    uri_encoded: true,
                };
                KeyNames {
                    key: [raw.name(model), encoded.name(model)],
                    helper: [raw.helper_variable(model), encoded.helper_variable(model)],
                }
            })
            .collect();
        Inputs {
            secret_name: names::derived(app, "secrets"),
            config_map_name: names::derived(app, "parameters"),
            used: BTreeSet::new(),
            names,
        }
    }

    /// [`Key::name`], from the names derived once. Keys come from the model the names were
    /// derived from, so every parameter has its entry.
    pub(crate) fn key_name(&self, key: Key) -> &str {
        &self.names[key.param.0 as usize].key[usize::from(key.uri_encoded)]
    }

    /// [`Key::helper_variable`], from the names derived once.
    pub(crate) fn helper_variable(&self, key: Key) -> &str {
        &self.names[key.param.0 as usize].helper[usize::from(key.uri_encoded)]
    }

    pub(crate) fn secret_name(&self) -> String {
        self.secret_name.clone()
    }

    pub(crate) fn config_map_name(&self) -> String {
        self.config_map_name.clone()
    }

    /// Records that `key` is read, and returns where its value comes from.
    pub(crate) fn source(&mut self, model: &CheckedModel, key: Key) -> EnvVarSource {
        self.used.insert(key);
        let name = self.key_name(key).to_string();
        if key.in_secret(model) {
            EnvVarSource {
                secret_key_ref: Some(SecretKeySelector {
                    name: self.secret_name(),
                    key: name,
                    optional: None,
                }),
                ..EnvVarSource::default()
            }
        } else {
            EnvVarSource {
                config_map_key_ref: Some(ConfigMapKeySelector {
                    name: self.config_map_name(),
                    key: name,
                    optional: None,
                }),
                ..EnvVarSource::default()
            }
        }
    }

    /// Keys read from the defaults ConfigMap, with their values (the only parameter values
    /// that ever reach output: non-secret defaults).
    pub(crate) fn defaults(&self, model: &CheckedModel) -> Vec<(String, String)> {
        self.used
            .iter()
            .filter(|key| !key.in_secret(model))
            .filter_map(|key| {
                let default = model.parameter(key.param).default.as_ref()?;
                let value = if key.uri_encoded {
                    ir::percent_encode(default)
                } else {
                    default.clone()
                };
                Some((self.key_name(*key).to_string(), value))
            })
            .collect()
    }

    /// Keys the user supplies in the Secret, in parameter order.
    pub(crate) fn secret_keys(&self, model: &CheckedModel) -> Vec<Key> {
        self.used
            .iter()
            .copied()
            .filter(|key| key.in_secret(model))
            .collect()
    }

    /// Two keys with one name (parameter `a-uri-encoded` next to the encoded form of `a`),
    /// the raw one first when one of them is raw.
    pub(crate) fn duplicate_key(&self) -> Option<(Key, Key)> {
        let mut seen: BTreeMap<&str, Key> = BTreeMap::new();
        for &key in &self.used {
            if let Some(&other) = seen.get(self.key_name(key)) {
                return Some(if key.uri_encoded {
                    (other, key)
                } else {
                    (key, other)
                });
            }
            seen.insert(self.key_name(key), key);
        }
        None
    }

    /// The keys of the parameters' ConfigMap, in its order (by name).
    pub(crate) fn parameter_keys(&self, model: &CheckedModel) -> Vec<plan::ParameterKey> {
        let mut keys: Vec<plan::ParameterKey> = self
            .used
            .iter()
            .filter(|key| !key.in_secret(model))
            .filter_map(|key| {
                let default = model.parameter(key.param).default.clone()?;
                Some(plan::ParameterKey {
                    key: self.key_name(*key).to_string(),
                    raw_key: self.key_name(key.raw()).to_string(),
                    uri_encoded: key.uri_encoded,
                    default,
                })
            })
            .collect();
        keys.sort_by(|a, b| a.key.cmp(&b.key));
        keys
    }

    /// The keys of the Secret the user supplies, in parameter order.
    pub(crate) fn secret_plan(&self, model: &CheckedModel) -> Vec<plan::SecretKey> {
        self.secret_keys(model)
            .into_iter()
            .map(|key| {
                let parameter = model.parameter(key.param);
                plan::SecretKey {
                    key: self.key_name(key).to_string(),
                    raw_key: self.key_name(key.raw()).to_string(),
                    uri_encoded: key.uri_encoded,
                    parameter: parameter.name.clone(),
                    secret: parameter.secret,
                    description: parameter.description.clone(),
                    generate: parameter.generate,
                }
            })
            .collect()
    }
}

/// What one key of the Secret is, in lines of prose (the kustomize example file writes them
/// as comments above the key, the Helm chart's notes beside it).
pub(crate) fn describe(key: &plan::SecretKey) -> Vec<String> {
    let raw = &key.raw_key;
    if key.uri_encoded {
        return vec![
            format!("`{raw}` percent-encoded (RFC 3986), for use inside URIs; it must match `{raw}`."),
            "Equal to it when it has only letters, digits and `-._~`; otherwise, for example:"
                .to_string(),
            "  python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=\"\"))' \"$value\""
                .to_string(),
        ];
    }
    let mut out = Vec::new();
    if let Some(description) = &key.description {
        // The lines become comments (and notes): controls and the like are shown escaped.
        out.extend(
            ir::text::comment_safe(description)
                .lines()
                .map(str::to_string),
        );
    }
    let what = if key.secret {
        "Secret"
    } else {
        "Not secret, but it has no default"
    };
    out.push(format!("{what}: parameter `{}`.", key.parameter));
    if let Some(rule) = &key.generate {
        out.extend(generate_hint(rule));
    }
    out
}

/// The generation rule in words, and a command that follows it.
pub(crate) fn generate_hint(rule: &Generate) -> Vec<String> {
    vec![
        format!("Generate: {}, for example:", rule.describe()),
        format!("  {}; echo", rule.shell_command()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_hints_follow_the_rule() {
        let rule = Generate {
            special: false,
            min_upper: 1,
            ..Generate::default()
        };
        assert_eq!(
            generate_hint(&rule),
            [
                "Generate: at least 22 characters from lowercase letters, uppercase letters and digits, \
                 with at least 1 uppercase letter, for example:",
                "  { LC_ALL=C tr -dc 'A-Z' </dev/urandom | head -c 1; \
                 LC_ALL=C tr -dc 'a-zA-Z0-9' </dev/urandom | head -c 21; }; echo"
            ]
        );
    }
}
