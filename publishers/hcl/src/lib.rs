//! The HCL writer of every Terraform target (Azure Container Apps, AWS ECS on Fargate, Google
//! Cloud Run): a
//! target plans its platform's resources and writes them through this crate, which owns how
//! HCL text looks and nothing about any cloud.
//!
//! [`emit`] lays out blocks and attributes as `terraform fmt` does ([`emit::TfWriter`]);
//! [`expr`] writes expressions and escapes strings and templates; [`params`] writes what
//! every target declares for the model's parameters (a `variable` each, `random_password` or
//! `random_string` for generated ones, and the references values use); [`blocks`] writes the
//! small blocks every output has (`output`, `terraform { required_providers }`); [`patches`]
//! writes the model's Terraform patches as override and appended files; [`values`] walks a
//! model value into one string expression, with what differs per platform left to the target.
#![warn(clippy::wildcard_enum_match_arm)]

pub mod blocks;
pub mod emit;
pub mod expr;
pub mod params;
pub mod patches;
pub mod values;

pub use emit::{TfWriter, opt};
pub use expr::{Call, Inline, Raw, Ref, Template, Text, to_text};
