//! Ingress settings of an external HTTP endpoint: `ingress = { hosts, path, tls, class }`.
//!
//! Checked once for every target: each host is a DNS name every target accepts (a Kubernetes
//! Ingress host, a Container Apps custom domain), the path a prefix starting with `/`, the
//! TLS Secret (or certificate), issuer and class names Kubernetes object names. The settings
//! belong to an endpoint that is external and speaks HTTP, and the class and TLS of one
//! resource's endpoints agree, because Kubernetes writes one Ingress per resource (one class,
//! and one TLS section for its hosts). What a target cannot express (a path or an issuer on
//! Container Apps, anything on Compose) is its publisher's to say.

use crate::checked::{Endpoint, Ingress, Resource, Tls};
use crate::codes;
use crate::diagnostic::Diagnostics;
use crate::model::{EndpointDecl, IngressDecl};
use crate::span::{Span, Spanned};

/// The checked `ingress` of endpoint `decl` (its `scheme`, `transport` and `external` as
/// checked in `endpoint`); `None` when there is none or it is wrong.
pub(crate) fn ingress(
    owner: &Spanned<String>,
    decl: &EndpointDecl,
    endpoint: &Endpoint,
    diags: &mut Diagnostics,
) -> Option<Ingress> {
    let ingress = decl.ingress.as_ref()?;
    let mut ok = true;
    let name = &decl.name.value;
    if !endpoint.external || !endpoint.is_http() {
        let (why, help) = if endpoint.is_http() {
            (
                "the endpoint is internal".to_string(),
                "add `external = true`: only an external endpoint is reached from outside",
            )
        } else {
            (
                format!("scheme `{}` is not HTTP", endpoint.scheme),
                "an ingress routes HTTP: give the endpoint `scheme = \"http\"` (or `https`), or remove `ingress`",
            )
        };
        diags
            .report(
                codes::CONFLICTING_KEYS,
                ingress.span,
                format!(
                    "endpoint `{name}` of `{}` has `ingress` but is not an external HTTP endpoint",
                    owner.value
                ),
            )
            .with_label(why)
            .with_secondary(decl.name.span, "this endpoint")
            .with_help(help);
        ok = false;
    }
    let mut hosts: Vec<String> = Vec::new();
    for host in &ingress.hosts {
        if let Some(problem) = host_problem(&host.value) {
            let d = diags.report(
                codes::INVALID_VALUE,
                host.span,
                format!("`{}` is not a host name", host.value),
            );
            d.with_label(problem);
            let lower = host.value.to_ascii_lowercase();
            if lower != host.value && host_problem(&lower).is_none() {
                d.with_help(format!("write it in lower case: `{lower}`"));
            } else {
                d.with_help("a DNS name such as `shop.example.com`: lowercase letters, digits, `-` and `.`, no wildcard, scheme, port or path");
            }
            ok = false;
        } else if hosts.contains(&host.value) {
            diags
                .report(
                    codes::INVALID_VALUE,
                    host.span,
                    format!("host `{}` is listed twice", host.value),
                )
                .with_label("already in `hosts`")
                .with_help("list each host once");
            ok = false;
        } else {
            hosts.push(host.value.clone());
        }
    }
    let path = match &ingress.path {
        None => "/".to_string(),
        Some(path) => {
            if let Some(problem) = path_problem(&path.value) {
                diags
                    .report(
                        codes::INVALID_VALUE,
                        path.span,
                        format!("`{}` is not an ingress path", path.value),
                    )
                    .with_label(problem)
                    .with_help("a path prefix such as `/` or `/api`: it starts with `/` and holds no spaces, `?` or `#`");
                ok = false;
            }
            path.value.clone()
        }
    };
    let tls = ingress.tls.as_ref().and_then(|tls| {
        if ingress.hosts.is_empty() {
            diags
                .report(
                    codes::MISSING_KEY,
                    tls.span,
                    format!("endpoint `{name}` of `{}` has `tls` but no `hosts`", owner.value),
                )
                .with_label("a certificate is for the hosts it names")
                .with_help("add `hosts = [\"...\"]`: the default host of a target (`*.localhost` on Kubernetes) cannot have a real certificate");
            ok = false;
        }
        // The schema requires exactly one of the two.
        let (value, tls) = match (&tls.secret, &tls.issuer) {
            (Some(secret), _) => (secret, Tls::Secret(secret.value.clone())),
            (None, Some(issuer)) => (issuer, Tls::Issuer(issuer.value.clone())),
            (None, None) => return None,
        };
        let max = if matches!(tls, Tls::Secret(_)) { 63 } else { 253 };
        ok &= object_name(value, max, diags);
        Some(tls)
    });
    if let Some(class) = &ingress.class {
        ok &= object_name(class, 253, diags);
    }
    let tls_span = ingress.tls.as_ref().map_or(ingress.span, |t| t.span);
    ok.then(|| Ingress {
        hosts,
        path,
        path_span: ingress.path.as_ref().map_or(ingress.span, |p| p.span),
        tls,
        tls_span,
        class: ingress.class.as_ref().map(|c| c.value.clone()),
        class_span: ingress.class.as_ref().map_or(ingress.span, |c| c.span),
        span: ingress.span,
    })
}

/// One resource's endpoints share an Ingress on Kubernetes: the endpoints with `ingress`
/// must agree on `class` and `tls`, and two endpoints on one target port (an `http`/`https`
/// pair, routed once) cannot both have their own settings.
pub(crate) fn agree(
    owner: &Spanned<String>,
    decls: &[EndpointDecl],
    endpoints: &[Endpoint],
    diags: &mut Diagnostics,
) {
    let mut first: Option<(&Endpoint, &Ingress)> = None;
    for endpoint in endpoints {
        let Some(ingress) = &endpoint.ingress else {
            continue;
        };
        let Some((other, settings)) = first else {
            first = Some((endpoint, ingress));
            continue;
        };
        let decl_span = |e: &Endpoint| {
            decls
                .iter()
                .find(|d| d.name.value == e.name)
                .and_then(|d| d.ingress.as_ref())
                .map_or(ingress.span, |i: &IngressDecl| i.span)
        };
        if other.target_port == endpoint.target_port {
            diags
                .report(
                    codes::CONFLICTING_KEYS,
                    ingress.span,
                    format!(
                        "endpoints `{}` and `{}` of `{}` listen on one port and both have `ingress`",
                        other.name, endpoint.name, owner.value
                    ),
                )
                .with_label("a second ingress for the same server")
                .with_secondary(decl_span(other), "the first")
                .with_help(
                    "one Ingress rule routes to a port: keep `ingress` on one of the two endpoints",
                );
        } else if settings.class != ingress.class {
            diags
                .report(
                    codes::CONFLICTING_KEYS,
                    ingress.class_span,
                    format!("the endpoints of `{}` have different ingress classes", owner.value),
                )
                .with_label(describe(ingress.class.as_deref(), "no class"))
                .with_secondary(
                    settings.class_span,
                    describe(settings.class.as_deref(), "no class"),
                )
                .with_help("one resource has one Kubernetes Ingress, of one class: give its endpoints the same `class`");
        } else if settings.tls != ingress.tls {
            diags
                .report(
                    codes::CONFLICTING_KEYS,
                    ingress.tls_span,
                    format!("the endpoints of `{}` have different `tls`", owner.value),
                )
                .with_label(tls_label(ingress.tls.as_ref()))
                .with_secondary(settings.tls_span, tls_label(settings.tls.as_ref()))
                .with_help("one resource has one Kubernetes Ingress, whose certificate covers all its hosts: give its endpoints the same `tls`");
        }
    }
}

/// Two ingress rules of the model for one host and path would route the same requests to two
/// places: each is reported where it is written.
pub(crate) fn distinct(resources: &[Resource], diags: &mut Diagnostics) {
    let mut seen: Vec<(&str, &str, &str, Span)> = Vec::new();
    for resource in resources {
        for ingress in resource
            .endpoints()
            .iter()
            .filter_map(|e| e.ingress.as_ref())
        {
            for host in &ingress.hosts {
                let taken = seen
                    .iter()
                    .find(|(h, p, _, _)| *h == host.as_str() && *p == ingress.path.as_str());
                if let Some((_, _, first, span)) = taken {
                    diags
                        .report(
                            codes::INVALID_VALUE,
                            ingress.span,
                            format!(
                                "host `{host}` and path `{}` are routed to `{}` and to `{first}`",
                                ingress.path, resource.name
                            ),
                        )
                        .with_label(format!(
                            "routes `{host}{}` to `{}`",
                            ingress.path, resource.name
                        ))
                        .with_secondary(*span, format!("routes it to `{first}`"))
                        .with_help("give one of them another host or path");
                } else {
                    seen.push((host, &ingress.path, &resource.name, ingress.span));
                }
            }
        }
    }
}

fn describe(value: Option<&str>, none: &str) -> String {
    value.map_or_else(|| none.to_string(), |v| format!("`{v}`"))
}

fn tls_label(tls: Option<&Tls>) -> String {
    match tls {
        None => "no `tls`".to_string(),
        Some(Tls::Secret(s)) => format!("Secret `{s}`"),
        Some(Tls::Issuer(i)) => format!("issuer `{i}`"),
    }
}

/// A Kubernetes object name (RFC 1123: lowercase letters, digits, `-`, and `.` between
/// labels when `max` > 63), reported at its value when it is not one.
fn object_name(name: &Spanned<String>, max: usize, diags: &mut Diagnostics) -> bool {
    let dots = max > 63;
    let valid = name.value.len() <= max
        && (dots || !name.value.contains('.'))
        && is_dns_subdomain(&name.value);
    if !valid {
        let what = if dots {
            "a DNS subdomain"
        } else {
            "a DNS label"
        };
        diags
            .report(
                codes::INVALID_VALUE,
                name.span,
                format!("`{}` is not a valid name here", name.value),
            )
            .with_label(format!("it must be {what} of at most {max} characters"))
            .with_help(format!(
                "lowercase letters, digits and `-`{}, starting and ending with a letter or digit, for example `{}`",
                if dots { " (and `.` between parts)" } else { "" },
                crate::publish::dns_label(&name.value, max.min(63)),
            ));
    }
    valid
}

/// Why `host` is not a DNS name every target accepts, if it is not: at most 253 characters,
/// labels of RFC 1123, at least two of them (a custom domain is a registered name), the last
/// not all digits (an IP address is not a host of an Ingress rule).
pub(crate) fn host_problem(host: &str) -> Option<String> {
    if host.contains("://") {
        return Some("it holds a scheme: write the name only".to_string());
    }
    if host.starts_with("*.") {
        return Some("wildcard hosts are not supported".to_string());
    }
    if host.contains(['/', ':']) {
        return Some("it holds a port or a path: write the name only".to_string());
    }
    if host.len() > 253 {
        return Some(format!("{} characters, more than 253", host.len()));
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return Some(
            "a single label: a host is a name in a domain, such as `shop.example.com`".to_string(),
        );
    }
    if let Some(problem) = labels.iter().find_map(|l| label_problem(l)) {
        return Some(problem);
    }
    if labels
        .last()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some("an IP address is not a host name".to_string());
    }
    None
}

/// A DNS subdomain of RFC 1123 (a Kubernetes object name): labels of lowercase letters,
/// digits and `-`, at most 253 characters.
pub(crate) fn is_dns_subdomain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| label_problem(label).is_none())
}

/// Why `label` is not an RFC 1123 label, if it is not.
fn label_problem(label: &str) -> Option<String> {
    if label.is_empty() {
        return Some("an empty part between dots".to_string());
    }
    if label.len() > 63 {
        return Some(format!("part `{label}` is longer than 63 characters"));
    }
    if let Some(c) = label
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!(
            "`{}` is not allowed: lowercase letters, digits and `-` only",
            c.escape_default()
        ));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Some(format!("part `{label}` starts or ends with `-`"));
    }
    None
}

/// Why `path` is not an ingress path prefix, if it is not.
fn path_problem(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return Some("it does not start with `/`".to_string());
    }
    if let Some(c) = path
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "/-._~!$&'()*+,;=:@%".contains(*c)))
    {
        return Some(format!("`{}` is not allowed in a path", c.escape_default()));
    }
    if path.contains("//") {
        return Some("an empty segment (`//`)".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_lowercase_dns_names_with_a_domain() {
        assert_eq!(host_problem("shop.example.com"), None);
        assert_eq!(host_problem("a-1.b.io"), None);
        for bad in [
            "Shop.example.com",
            "shop",
            "*.example.com",
            "https://shop.example.com",
            "shop.example.com:443",
            "shop..example.com",
            "-shop.example.com",
            "10.0.0.1",
            "shop_1.example.com",
        ] {
            assert!(host_problem(bad).is_some(), "{bad}");
        }
        assert!(host_problem(&format!("{}.com", "a".repeat(64))).is_some());
    }

    #[test]
    fn paths_are_prefixes_from_the_root() {
        assert_eq!(path_problem("/"), None);
        assert_eq!(path_problem("/api/v1"), None);
        for bad in ["api", "/a b", "/a?b", "/a#b", "//a", ""] {
            assert!(path_problem(bad).is_some(), "{bad}");
        }
    }
}
