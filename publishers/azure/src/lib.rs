//! The Azure Container Apps deployment that the terraform and bicep targets share: one
//! [`plan()`] of every Azure resource, which each target only prints (a format is a printer,
//! never a second lowering), so that the two targets agree by construction.
//!
//! Everything here is target-neutral. [`plan()`] decides where each resource lives and reports
//! what Container Apps cannot run; [`values`] renders model values as [`values::Chunk`]s
//! that each target writes in its own expression language (the environment's default domain,
//! a server's host name, a parameter). The rules behind them: what Azure objects are called
//! ([`names`]), which endpoint becomes the ingress and how other apps address each endpoint
//! ([`ingress`]), the CPU/memory pairs ([`sizing`]), probes ([`probes`]), the managed services,
//! their settings and connection strings ([`managed`]), Aspire's Bicep modules for a target
//! that deploys them ([`modules`]), the creation of a container-hosted
//! server's databases ([`databases`]), named volumes ([`storage`]), the notes
//! printed for the reader ([`notes`]), and the wording of every diagnostic ([`report`]).
#![warn(clippy::wildcard_enum_match_arm)]

use std::borrow::Cow;

pub mod cloud_report;
pub mod databases;
mod domains;
pub mod files;
pub mod ingress;
pub mod managed;
pub mod modules;
pub mod names;
pub mod notes;
pub mod plan;
pub mod probes;
pub mod report;
pub mod sizing;
pub mod storage;
#[cfg(test)]
mod tests;
pub mod values;

pub use plan::{Plan, plan};
pub use report::{Reporter, Target, Unsupported};

/// A printer of the plan: the files (path, text) of one Azure target.
pub type Printer =
    fn(&Plan<'_>, &ir::PublishOptions, &mut ir::Diagnostics) -> Vec<(String, String)>;

/// An Azure target: the plan ([`plan()`]) printed by its printer. Both Azure publishers are
/// one of these; only the printer differs.
pub struct AzurePublisher {
    pub target: Target,
    pub description: &'static str,
    pub print: Printer,
}

impl ir::Publisher for AzurePublisher {
    fn id(&self) -> &'static str {
        self.target.id()
    }

    fn description(&self) -> &'static str {
        self.description
    }

    /// Container app names (Terraform labels and Bicep symbols collide only where these do),
    /// so the check reports two resources that would share one.
    fn object_name(&self, name: &str) -> String {
        names::app_name(name)
    }

    fn deploys_azure_modules(&self) -> bool {
        self.target.deploys_modules()
    }

    /// Plans the deployment, prints it, and returns the files unless planning or printing
    /// reported an error.
    fn publish(
        &self,
        model: &ir::CheckedModel,
        options: &ir::PublishOptions,
        diags: &mut ir::Diagnostics,
    ) -> Option<ir::Artifacts> {
        let errors_before = diags.error_count();
        let plan = plan(model, options, self.target, diags);
        let files = (self.print)(&plan, options, diags);
        ir::Artifacts::unless_errors(files, diags, errors_before)
    }
}

/// One piece of a string value as the shared rules build it (an address, a managed service's
/// connection string): literal text, or something only the deployment knows. [`values`]
/// turns them into [`values::Chunk`]s, which each target writes as its own expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Literal text.
    Text(Cow<'a, str>),
    /// The Container Apps environment's default domain.
    DefaultDomain,
    /// The managed service's host name: a Postgres server's FQDN, a cache's host name.
    ServerHost,
    /// The managed Postgres server's administrator login ([`managed::POSTGRES_ADMIN`]).
    AdminLogin,
    /// The model's password of the managed server.
    Password,
    /// The password percent-encoded, for use inside a URI.
    PasswordUri,
    /// The cache's primary access key (secret: it goes through secrets only).
    AccessKey,
    /// The access key percent-encoded, for use inside a URI.
    AccessKeyUri,
    /// The database's name (only in a database's strings).
    Database,
}

impl Piece<'static> {
    /// Literal text known at compile time.
    pub const fn text(text: &'static str) -> Piece<'static> {
        Piece::Text(Cow::Borrowed(text))
    }
}

/// A resource to report at, for the unit tests: declared at bytes 12..12+len of file 0; its
/// kind does not matter to the rules that take it.
#[cfg(test)]
pub(crate) fn test_resource(name: &str) -> ir::Resource {
    ir::Resource {
        name: name.to_string(),
        span: ir::Span::new(ir::FileId(0), 12, 12 + name.len()),
        kind: ir::ResourceKind::External(ir::External { url: None }),
        connection_string: None,
        properties: Vec::new(),
    }
}

/// Pieces as text, for the unit tests: `{name}` for every piece a target renders.
#[cfg(test)]
pub(crate) fn test_text(pieces: &[Piece<'_>]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.to_string(),
            Piece::DefaultDomain => "{domain}".to_string(),
            Piece::ServerHost => "{host}".to_string(),
            Piece::AdminLogin => "{login}".to_string(),
            Piece::Password => "{password}".to_string(),
            Piece::PasswordUri => "{password:uri}".to_string(),
            Piece::AccessKey => "{key}".to_string(),
            Piece::AccessKeyUri => "{key:uri}".to_string(),
            Piece::Database => "{db}".to_string(),
        })
        .collect()
}
