//! Test support: the shared builders of `ir::testing`, plus the two things only the compose
//! tests want: a model with a registry and a tag, and the two files of a successful publish.
//!
//! Shared by the unit tests and by `tests/interpolation.rs` (which includes this file with
//! `#[path]`), so each uses only part of it.
#![allow(dead_code)]

pub(crate) use ir::testing::*;

use ir::model::Model;

/// A model named `name` with a registry and a tag, so that built projects have an image name.
pub(crate) fn named_model(name: &str) -> Model {
    Model {
        name: s(name.to_string()),
        registry: Some(s("registry.example.com".to_string())),
        tag: Some(s("1.0".to_string())),
        ..model(Vec::new(), Vec::new())
    }
}

/// Checks and publishes, expecting success: `(compose.yaml, .env.example)`.
pub(crate) fn files(model: &Model) -> (String, String) {
    let (artifacts, diags) = publish(&crate::PUBLISHER, model, false);
    assert!(!diags.has_errors(), "{diags:?}");
    let artifacts = artifacts.expect("published");
    let file = |path: &str| file(&artifacts, path).to_string();
    (file("compose.yaml"), file(".env.example"))
}
