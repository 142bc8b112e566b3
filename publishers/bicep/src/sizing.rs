//! CPU and memory of a container app: Azure Container Apps (consumption) accepts only fixed
//! pairs, from 0.25 vCPU / 0.5Gi to 2 vCPU / 4Gi in steps of 0.25 vCPU, memory twice the CPU.
//!
//! The rule shared with the Terraform publisher: no limits → 0.5 / 1Gi; both given → they must
//! be one of the pairs; only one given → the pair it belongs to. Anything else is E0703.

use ir::{Diagnostics, Limits, Resource, codes};

/// One allowed pair: millicores, and the CPU and memory as Azure spells them.
struct Pair {
    millicores: u64,
    cpu: &'static str,
    memory: &'static str,
}

const PAIRS: [Pair; 8] = [
    Pair {
        millicores: 250,
        cpu: "0.25",
        memory: "0.5Gi",
    },
    Pair {
        millicores: 500,
        cpu: "0.5",
        memory: "1Gi",
    },
    Pair {
        millicores: 750,
        cpu: "0.75",
        memory: "1.5Gi",
    },
    Pair {
        millicores: 1000,
        cpu: "1.0",
        memory: "2Gi",
    },
    Pair {
        millicores: 1250,
        cpu: "1.25",
        memory: "2.5Gi",
    },
    Pair {
        millicores: 1500,
        cpu: "1.5",
        memory: "3Gi",
    },
    Pair {
        millicores: 1750,
        cpu: "1.75",
        memory: "3.5Gi",
    },
    Pair {
        millicores: 2000,
        cpu: "2.0",
        memory: "4Gi",
    },
];

const DEFAULT: usize = 1;

impl Pair {
    /// Memory in bytes: 2 GiB per vCPU.
    fn memory_bytes(&self) -> u64 {
        self.millicores * 2 * (1 << 30) / 1000
    }
}

/// CPU (as a decimal string for `json('...')`) and memory (`1Gi`) of a container app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Size {
    pub(crate) cpu: &'static str,
    pub(crate) memory: &'static str,
}

/// The pair for a workload's limits, or E0703 (and `None`) when there is none.
pub(crate) fn container_size(
    resource: &Resource,
    limits: &Limits,
    diags: &mut Diagnostics,
) -> Option<Size> {
    let cpu = limits.cpu_millicores();
    let memory = limits.memory_bytes();
    let pair = match (cpu, memory) {
        (None, None) => PAIRS.get(DEFAULT),
        (Some(cpu), None) => PAIRS.iter().find(|p| p.millicores == cpu),
        (None, Some(memory)) => PAIRS.iter().find(|p| p.memory_bytes() == memory),
        (Some(cpu), Some(memory)) => PAIRS
            .iter()
            .find(|p| p.millicores == cpu && p.memory_bytes() == memory),
    };
    if let Some(pair) = pair {
        return Some(Size {
            cpu: pair.cpu,
            memory: pair.memory,
        });
    }
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
        .map(|p| format!("{} CPU / {}", p.cpu.trim_end_matches(".0"), p.memory))
        .collect::<Vec<_>>()
        .join(", ");
    diags
        .report(
            codes::INVALID_CONTAINER_APP_RESOURCES,
            resource.span,
            format!(
                "`{}` asks for {asked}, which Azure Container Apps cannot run (bicep target)",
                resource.name
            ),
        )
        .with_label("not an allowed CPU / memory pair")
        .with_help(format!(
            "use one of these pairs (memory is twice the CPU): {allowed}"
        ));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(cpu: Option<&str>, memory: Option<&str>) -> (Option<Size>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let limits = Limits {
            cpu: cpu.map(String::from),
            memory: memory.map(String::from),
        };
        let resource = crate::tests::declared_resource("api");
        let size = container_size(&resource, &limits, &mut diags);
        for d in diags.iter() {
            assert_eq!(d.primary.span, resource.span, "{}", d.message);
        }
        (size, diags)
    }

    #[test]
    fn defaults_and_partners() {
        assert_eq!(
            size(None, None).0,
            Some(Size {
                cpu: "0.5",
                memory: "1Gi"
            })
        );
        assert_eq!(
            size(Some("1"), Some("2Gi")).0,
            Some(Size {
                cpu: "1.0",
                memory: "2Gi"
            })
        );
        assert_eq!(
            size(Some("250m"), None).0,
            Some(Size {
                cpu: "0.25",
                memory: "0.5Gi"
            })
        );
        assert_eq!(
            size(None, Some("512Mi")).0,
            Some(Size {
                cpu: "0.25",
                memory: "0.5Gi"
            })
        );
        assert_eq!(
            size(None, Some("1.5Gi")).0,
            Some(Size {
                cpu: "0.75",
                memory: "1.5Gi"
            })
        );
    }

    #[test]
    fn other_pairs_are_e0703_listing_the_allowed_ones() {
        let (result, diags) = size(Some("1"), Some("1Gi"));
        assert_eq!(result, None);
        let d = diags.iter().next().unwrap();
        assert_eq!(d.code.id, "E0703");
        assert!(
            d.message.contains("cpu `1` and memory `1Gi`"),
            "{}",
            d.message
        );
        let help = d.help.as_deref().unwrap();
        assert!(
            help.contains("0.25 CPU / 0.5Gi") && help.contains("2 CPU / 4Gi"),
            "{help}"
        );
        assert_eq!(size(Some("3"), None).1.error_count(), 1);
    }
}
