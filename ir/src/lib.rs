//! `aspirec-ir`: the model, everything that reasons about it, and the publisher contract.
//!
//! This crate is pure: no file system, no environment, no clock (enforced by `clippy.toml`).
//!
//! - [`model`]: the model as declared, produced by a front end.
//! - [`check()`]: runs the passes and returns a [`CheckedModel`] or the reasons it cannot.
//! - [`checked`]: the checked model that publishers read.
//! - [`publish`]: the [`Publisher`] trait and [`Artifacts`].
//! - [`diagnostic`] and [`codes`]: diagnostics as data, and every code with its documentation.
//! - [`text`]: what user text may not carry into a generated comment.
//! - [`patch`]: the model's patches, handed to each target to apply to what it emits.
//! - [`generate`]: a parameter's `generate` rule in words and as a shell command, for the
//!   targets that leave the value to whoever deploys.
#![warn(clippy::wildcard_enum_match_arm)]

pub mod checked;
pub mod codes;
pub mod diagnostic;
pub mod expr;
pub mod generate;
pub mod group;
pub mod integrations;
pub mod model;
pub mod patch;
pub mod publish;
pub mod quantity;
pub mod span;
pub mod telemetry;
pub mod text;
// Builders for the publishers' tests: behind the `testing` feature, never in the compiler.
#[cfg(any(test, feature = "testing"))]
pub mod testing;

mod check;
mod passes;

pub use check::{CheckOptions, check};
pub use checked::*;
pub use diagnostic::{Diagnostic, Diagnostics, Label, Omitted, Severity};
pub use integrations::IntegrationKind;
pub use passes::names::name_problem;
pub use publish::{Artifacts, PublishOptions, Publisher};
pub use span::{FileId, SourceFile, SourceMap, Span, Spanned};
