//! Private registries: `[registries.<name>] server, username, password, pull_secret?`.
//!
//! A registry's credentials pull every image whose reference starts with its server (Docker's
//! and Aspire's rule: the first path component of the reference, `docker.io` when it names no
//! host). The password must carry a secret parameter, so that every target passes it by its
//! secret mechanism and none can write it in clear; the username may be text or a parameter.
//! Checked here: the name, the server (a host and an optional port, once in the model), the
//! password's secrecy, the Kubernetes pull Secret's name, and a registry no image uses
//! (warning W0303: its server is probably misspelt).

use crate::checked::{Registry, ResourceKind, image_server};
use crate::codes;
use crate::diagnostic::Diagnostics;
use crate::expr::Segment;
use crate::passes::ingress::is_dns_subdomain;
use crate::passes::resolve::Resolver;

/// Resolves and checks the model's registries into `ctx.registries` (each that passes).
pub(crate) fn resolve(resolver: &mut Resolver<'_, '_>, diags: &mut Diagnostics) {
    let model = resolver.ctx.model;
    let mut servers: Vec<(String, crate::span::Span)> = Vec::new();
    for decl in &model.registries {
        let mut ok = true;
        let name = &decl.name;
        if let Some(problem) = crate::passes::names::name_problem(&name.value, true) {
            diags
                .report(
                    codes::INVALID_NAME,
                    name.span,
                    format!("invalid registry name `{}`", name.value),
                )
                .with_label(problem)
                .with_help("names match `[a-z][a-z0-9-]*` and have at most 40 characters");
            ok = false;
        }
        let server = decl.server.value.to_ascii_lowercase();
        if let Some(problem) = server_problem(&decl.server.value) {
            diags
                .report(
                    codes::INVALID_VALUE,
                    decl.server.span,
                    format!("`{}` is not a registry server", decl.server.value),
                )
                .with_label(problem)
                .with_help("the host images name, with a port if it has one: `ghcr.io`, `myregistry.azurecr.io`, `localhost:5000`, `docker.io` for Docker Hub");
            ok = false;
        } else if let Some((_, first)) = servers.iter().find(|(s, _)| *s == server) {
            diags
                .report(
                    codes::INVALID_VALUE,
                    decl.server.span,
                    format!("two registries have the server `{server}`"),
                )
                .with_label("its images would have two sets of credentials")
                .with_secondary(*first, "the first")
                .with_help("keep one registry per server");
            ok = false;
        } else {
            servers.push((server.clone(), decl.server.span));
        }
        let username = resolver.template(&decl.username, diags);
        let password = resolver.template(&decl.password, diags);
        let params = &resolver.ctx.params;
        let secret = password.parts.iter().any(|part| {
            matches!(part, crate::checked::Part::Param { param, .. }
                if params.get(param.0 as usize).is_some_and(|p| p.secret))
        });
        let literal = decl
            .password
            .segments
            .iter()
            .all(|s| matches!(s, Segment::Text(_)));
        if !secret {
            let label = if literal {
                "a password written in the model is committed with it"
            } else {
                "it reads no secret parameter"
            };
            diags
                .report(
                    codes::INVALID_VALUE,
                    decl.password.span,
                    format!("the password of registry `{}` is not a secret parameter", name.value),
                )
                .with_label(label)
                .with_help(format!(
                    "declare `[parameters.{0}-password] secret = true` and write `password = \"{{{0}-password.value}}\"`: it is supplied at deploy time",
                    name.value
                ));
            ok = false;
        }
        let pull_secret = match &decl.pull_secret {
            Some(secret) => {
                if !is_dns_subdomain(&secret.value) {
                    diags
                        .report(
                            codes::INVALID_VALUE,
                            secret.span,
                            format!("`{}` is not a Kubernetes Secret name", secret.value),
                        )
                        .with_label("a DNS subdomain: lowercase letters, digits, `-` and `.`, at most 253 characters")
                        .with_help(format!(
                            "for example `{}`",
                            crate::publish::dns_label(&secret.value, 63)
                        ));
                    ok = false;
                }
                secret.value.clone()
            }
            None => format!("{}-pull-secret", name.value),
        };
        if ok {
            resolver.ctx.registries.push(Registry {
                name: name.value.clone(),
                server,
                username,
                password,
                pull_secret,
                span: name.span,
            });
        }
    }
    unused(resolver, diags);
}

/// W0303 for a registry whose server no image of the model names.
fn unused(resolver: &Resolver<'_, '_>, diags: &mut Diagnostics) {
    let ctx = &resolver.ctx;
    for registry in &ctx.registries {
        let used = ctx.resources.iter().any(|r| match &r.kind {
            ResourceKind::Workload(w) | ResourceKind::BuildOnly(w) => {
                image_server(w.image.reference()).eq_ignore_ascii_case(&registry.server)
            }
            ResourceKind::Database(_) | ResourceKind::External(_) => false,
        });
        if !used {
            diags
                .report(
                    codes::UNUSED_REGISTRY,
                    registry.span,
                    format!("no image of the model is pulled from `{}`", registry.server),
                )
                .with_label(format!("registry `{}` is used by no image", registry.name))
                .with_help("an image uses the credentials of the registry whose `server` its reference starts with: check the spelling, or remove the registry");
        }
    }
}

/// Why `server` is not a registry host with an optional port, if it is not.
fn server_problem(server: &str) -> Option<&'static str> {
    if server.contains("://") {
        return Some("it holds a scheme: write the host only");
    }
    if server.contains('/') {
        return Some("it holds a path: write the host only (images under it are matched by it)");
    }
    let (host, port) = match server.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (server, None),
    };
    if port.is_some_and(|p| p.parse::<u16>().map_or(true, |p| p == 0)) {
        return Some("its port is not a number from 1 to 65535");
    }
    if !(host == "localhost" || host.contains('.')) || !is_dns_subdomain(&host.to_ascii_lowercase())
    {
        return Some("it is not a host name with a domain (or `localhost`)");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_are_hosts_with_an_optional_port() {
        for good in [
            "ghcr.io",
            "myregistry.azurecr.io",
            "localhost:5000",
            "docker.io",
        ] {
            assert_eq!(server_problem(good), None, "{good}");
        }
        for bad in [
            "https://ghcr.io",
            "ghcr.io/acme",
            "ghcr",
            "ghcr.io:0",
            "ghcr.io:x",
        ] {
            assert!(server_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn images_are_matched_by_their_first_component() {
        assert_eq!(image_server("ghcr.io/acme/api:1"), "ghcr.io");
        assert_eq!(image_server("localhost:5000/api"), "localhost:5000");
        assert_eq!(image_server("redis:8"), "docker.io");
        assert_eq!(image_server("library/redis:8"), "docker.io");
        assert_eq!(image_server("docker.io/library/redis:8"), "docker.io");
        assert_eq!(image_server("index.docker.io/library/redis:8"), "docker.io");
    }
}
