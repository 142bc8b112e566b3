//! The Azure Container Apps rules that the terraform and bicep targets share, as data and
//! small functions, so that the two targets agree by construction (the contract is
//! /work/notes/azure.md).
//!
//! Everything here is target-neutral: what Azure objects are called ([`names`]), which
//! endpoint becomes the ingress and how other apps address each endpoint ([`ingress`]), the
//! CPU/memory pairs ([`sizing`]), probes ([`probes`]), the managed services and their
//! connection strings ([`managed`]), and the diagnostics of what Container Apps cannot run
//! ([`report`]). Where a value has to be written in a target's own expression language (the
//! environment's default domain, a server's host name, an access key), it is a [`Piece`],
//! which each publisher renders: HCL in the terraform target, Bicep in the bicep target.
#![warn(clippy::wildcard_enum_match_arm)]

use std::borrow::Cow;

pub mod ingress;
pub mod managed;
pub mod names;
pub mod probes;
pub mod report;
pub mod sizing;

pub use report::{Reporter, Target, Unsupported};

/// One piece of a string value that a target renders: literal text, or something only the
/// deployment knows, which each target writes as its own expression.
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
