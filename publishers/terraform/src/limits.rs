//! CPU and memory: Azure Container Apps (consumption) accepts only fixed pairs, memory being
//! twice the cores in GiB, from 0.25 / 0.5Gi to 2 / 4Gi. A model that gives one of the two gets
//! its partner; one that gives a pair outside the table gets E0703 listing the pairs.

use ir::{Diagnostic, Diagnostics, Limits, Resource, codes};

/// The allowed pairs: millicores and memory as Container Apps writes it.
const PAIRS: [(u64, &str); 8] = [
    (250, "0.5Gi"),
    (500, "1Gi"),
    (750, "1.5Gi"),
    (1000, "2Gi"),
    (1250, "2.5Gi"),
    (1500, "3Gi"),
    (1750, "3.5Gi"),
    (2000, "4Gi"),
];

/// The pair used when the model sets no limits.
const DEFAULT_MILLICORES: u64 = 500;

const GIB: u64 = 1 << 30;

/// A pair Container Apps accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Resources {
    /// Cores, as Terraform's `cpu` number.
    pub(crate) cpu: f64,
    pub(crate) memory: &'static str,
}

/// The CPU and memory of `resource` (whose workload has `limits`), or `None` (reported at the
/// resource) when Container Apps cannot run it with the limits asked for.
pub(crate) fn resources(
    resource: &Resource,
    limits: &Limits,
    diags: &mut Diagnostics,
) -> Option<Resources> {
    let cpu = limits.cpu_millicores();
    // Memory in units of 1/1000 core-equivalents: 2 GiB per core.
    let memory_as_millicores = limits
        .memory_bytes()
        .map(|bytes| bytes.saturating_mul(1000) / (2 * GIB));
    let memory_exact = limits
        .memory_bytes()
        .is_none_or(|bytes| bytes.saturating_mul(1000) % (2 * GIB) == 0);
    let millicores = match (cpu, memory_as_millicores) {
        (None, None) => Some(DEFAULT_MILLICORES),
        (Some(cpu), None) => Some(cpu),
        (None, Some(memory)) if memory_exact => Some(memory),
        (Some(cpu), Some(memory)) if memory_exact && cpu == memory => Some(cpu),
        (None | Some(_), Some(_)) => None,
    };
    let pair = millicores.and_then(|m| PAIRS.iter().find(|(cores, _)| *cores == m));
    match pair {
        Some(&(millicores, memory)) => Some(Resources {
            cpu: millicores as f64 / 1000.0,
            memory,
        }),
        None => {
            let asked = [
                limits.cpu.as_deref().map(|c| format!("cpu `{c}`")),
                limits.memory.as_deref().map(|m| format!("memory `{m}`")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" and ");
            let allowed = PAIRS
                .iter()
                .map(|(millicores, memory)| format!("{}/{memory}", cores_text(*millicores)))
                .collect::<Vec<_>>()
                .join(", ");
            diags.push(
                Diagnostic::new(
                    codes::INVALID_CONTAINER_APP_RESOURCES,
                    resource.span,
                    format!(
                        "Azure Container Apps cannot run `{}` with {asked} (terraform target)",
                        resource.name
                    ),
                )
                .label("not a CPU/memory pair Container Apps accepts")
                .help(format!(
                    "use one of the CPU/memory pairs Container Apps accepts: {allowed}"
                ))
                .note("giving only `cpu` or only `memory` picks the matching partner"),
            );
            None
        }
    }
}

/// Cores as text: `0.25`, `1`, `1.5`.
fn cores_text(millicores: u64) -> String {
    let whole = millicores / 1000;
    let fraction = millicores % 1000;
    if fraction == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{fraction:03}").trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A resource to report at; its kind does not matter to the limits.
    fn resource(name: &str) -> Resource {
        Resource {
            name: name.to_string(),
            span: ir::Span::new(ir::FileId(0), 10, 10 + name.len()),
            kind: ir::ResourceKind::External(ir::External { url: None }),
            connection_string: None,
            properties: Vec::new(),
        }
    }

    fn limits(cpu: Option<&str>, memory: Option<&str>) -> Limits {
        Limits {
            cpu: cpu.map(str::to_string),
            memory: memory.map(str::to_string),
        }
    }

    #[test]
    fn pairs_defaults_and_partners() {
        let mut diags = Diagnostics::new();
        assert_eq!(
            resources(&resource("a"), &limits(None, None), &mut diags),
            Some(Resources {
                cpu: 0.5,
                memory: "1Gi"
            })
        );
        assert_eq!(
            resources(&resource("a"), &limits(Some("1"), None), &mut diags),
            Some(Resources {
                cpu: 1.0,
                memory: "2Gi"
            })
        );
        assert_eq!(
            resources(&resource("a"), &limits(None, Some("512Mi")), &mut diags),
            Some(Resources {
                cpu: 0.25,
                memory: "0.5Gi"
            })
        );
        assert_eq!(
            resources(
                &resource("a"),
                &limits(Some("1750m"), Some("3.5Gi")),
                &mut diags
            )
            .map(|r| r.memory),
            Some("3.5Gi")
        );
        assert!(diags.is_empty());
    }

    #[test]
    fn other_pairs_are_e0703_listing_the_allowed_ones() {
        let mut diags = Diagnostics::new();
        assert_eq!(
            resources(
                &resource("api"),
                &limits(Some("500m"), Some("2Gi")),
                &mut diags
            ),
            None
        );
        assert_eq!(
            resources(&resource("api"), &limits(Some("3"), None), &mut diags),
            None
        );
        assert_eq!(
            resources(&resource("api"), &limits(None, Some("1G")), &mut diags),
            None
        );
        let all: Vec<_> = diags.iter().collect();
        assert_eq!(all.len(), 3);
        assert!(all.iter().all(|d| d.code.id == "E0703"));
        assert!(
            all.iter()
                .all(|d| d.primary.span == resource("api").span && d.message.contains("`api`")),
            "reported at the resource"
        );
        let help = all[0].help.as_deref().unwrap_or_default();
        assert!(
            help.contains("0.25/0.5Gi") && help.contains("2/4Gi") && help.contains("1.75/3.5Gi"),
            "{help}"
        );
    }
}
