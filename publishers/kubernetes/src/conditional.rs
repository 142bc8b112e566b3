//! Aspire's conditional values: which resources are one, and what the deployer may choose.
//!
//! Aspire 13.2 writes a value that depends on a runtime condition (Redis adds `,ssl=true` to
//! its connection string when its endpoint uses TLS) as an extra manifest entry
//! `cond-<the condition's expression>[-<n>|-<hash>]` of type `value.v0`, whose connection
//! string holds the branch the AppHost chose when it wrote the manifest; the value that uses
//! it reads `{cond-....connectionString}`. The front end reads that entry as an external
//! resource. The kustomize base keeps the chosen branch; a Helm chart lets the deployer
//! choose: a switch where the condition is a TLS flag (the only kind Aspire emits, whose two
//! branches are known), the text itself otherwise.

use ir::{CheckedModel, ResourceKind};

/// One conditional value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Conditional {
    /// The manifest entry's name.
    pub(crate) name: String,
    /// The branch the manifest holds.
    pub(crate) text: String,
    /// For a TLS condition, its two branches.
    pub(crate) switch: Option<TlsSwitch>,
}

/// The branches of a TLS condition, and which one the manifest chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TlsSwitch {
    pub(crate) on: bool,
    pub(crate) when_on: &'static str,
    pub(crate) when_off: &'static str,
}

/// The branches Aspire gives a Redis-protocol connection string's TLS condition.
const SSL_ON: &str = ",ssl=true";
const SSL_OFF: &str = "";

/// The conditional value of every resource that is one, by resource index.
pub(crate) fn find(model: &CheckedModel) -> Vec<Option<Conditional>> {
    model
        .resources()
        .map(|(_, resource)| {
            let ResourceKind::External(_) = &resource.kind else {
                return None;
            };
            if !resource.name.starts_with("cond-") {
                return None;
            }
            let text = resource.connection_string.as_ref()?.as_literal()?;
            let on = match text.as_str() {
                SSL_ON => Some(true),
                SSL_OFF => Some(false),
                _ => None,
            };
            let switch = on
                .filter(|_| resource.name.contains("-tlsenabled"))
                .map(|on| TlsSwitch {
                    on,
                    when_on: SSL_ON,
                    when_off: SSL_OFF,
                });
            Some(Conditional {
                name: resource.name.clone(),
                text,
                switch,
            })
        })
        .collect()
}
