//! The passes of [`crate::check`], one file each, sharing the [`Ctx`] built by `expand`.

pub(crate) mod autoscale;
pub(crate) mod expand;
pub(crate) mod files;
pub(crate) mod graph;
pub(crate) mod ingress;
pub(crate) mod inject;
pub(crate) mod jobs;
pub(crate) mod modules;
pub(crate) mod names;
pub(crate) mod registries;
pub(crate) mod resolve;
pub(crate) mod telemetry;
pub(crate) mod variables;

pub(crate) use expand::Ctx;
