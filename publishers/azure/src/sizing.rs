//! CPU and memory of a container app: Azure Container Apps (consumption profile) accepts only
//! fixed pairs, from 0.25 vCPU / 0.5Gi to 2 vCPU / 4Gi in steps of 0.25 vCPU, memory twice the
//! CPU.
//!
//! No limits → 0.5 / 1Gi; both given → they must be one of the pairs; only one given → the
//! pair it belongs to (no note: the partner is implied by the table). Anything else is E0703
//! ([`crate::Reporter::size`]).

use ir::Limits;

/// One allowed pair.
#[derive(Debug, PartialEq, Eq)]
pub struct Pair {
    pub millicores: u64,
    /// The CPU as a decimal with at least one fraction digit (`0.5`, `1.0`), as Bicep's
    /// `json('...')` takes it.
    pub cpu: &'static str,
    /// The memory as Container Apps writes it (`1Gi`).
    pub memory: &'static str,
}

/// Every pair Container Apps accepts, smallest first.
pub const PAIRS: [Pair; 8] = [
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

/// The pair of a workload without limits: 0.5 vCPU / 1Gi.
pub const DEFAULT: &Pair = &PAIRS[1];

impl Pair {
    /// The cores as a number (Terraform's `cpu`).
    pub fn cores(&self) -> f64 {
        self.millicores as f64 / 1000.0
    }

    /// The cores as the shortest decimal (`0.25`, `1`, `1.5`), for messages.
    pub fn cores_text(&self) -> &'static str {
        self.cpu.trim_end_matches(".0")
    }

    /// Memory in bytes: 2 GiB per vCPU.
    fn memory_bytes(&self) -> u64 {
        self.millicores * 2 * (1 << 30) / 1000
    }
}

/// The pair for a workload's limits, or `None` when Container Apps has no such pair.
pub fn pair(limits: &Limits) -> Option<&'static Pair> {
    match (limits.cpu_millicores(), limits.memory_bytes()) {
        (None, None) => Some(DEFAULT),
        (Some(cpu), None) => PAIRS.iter().find(|p| p.millicores == cpu),
        (None, Some(memory)) => PAIRS.iter().find(|p| p.memory_bytes() == memory),
        (Some(cpu), Some(memory)) => PAIRS
            .iter()
            .find(|p| p.millicores == cpu && p.memory_bytes() == memory),
    }
}

/// What the model asked for, for messages: "cpu `1` and memory `1Gi`".
pub fn asked(limits: &Limits) -> String {
    [
        limits.cpu.as_deref().map(|c| format!("cpu `{c}`")),
        limits.memory.as_deref().map(|m| format!("memory `{m}`")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(cpu: Option<&str>, memory: Option<&str>) -> Limits {
        Limits {
            cpu: cpu.map(str::to_string),
            memory: memory.map(str::to_string),
        }
    }

    fn cpu_and_memory(
        cpu: Option<&str>,
        memory: Option<&str>,
    ) -> Option<(&'static str, &'static str)> {
        pair(&limits(cpu, memory)).map(|p| (p.cpu, p.memory))
    }

    #[test]
    fn defaults_and_partners() {
        assert_eq!(cpu_and_memory(None, None), Some(("0.5", "1Gi")));
        assert_eq!(cpu_and_memory(Some("1"), None), Some(("1.0", "2Gi")));
        assert_eq!(cpu_and_memory(Some("250m"), None), Some(("0.25", "0.5Gi")));
        assert_eq!(cpu_and_memory(None, Some("512Mi")), Some(("0.25", "0.5Gi")));
        assert_eq!(cpu_and_memory(None, Some("1.5Gi")), Some(("0.75", "1.5Gi")));
        assert_eq!(cpu_and_memory(Some("1"), Some("2Gi")), Some(("1.0", "2Gi")));
        assert_eq!(
            cpu_and_memory(Some("1750m"), Some("3.5Gi")),
            Some(("1.75", "3.5Gi"))
        );
        assert_eq!(pair(&limits(Some("1.5"), None)).map(Pair::cores), Some(1.5));
    }

    #[test]
    fn other_pairs_have_none() {
        assert_eq!(cpu_and_memory(Some("500m"), Some("2Gi")), None);
        assert_eq!(cpu_and_memory(Some("1"), Some("1Gi")), None);
        assert_eq!(cpu_and_memory(Some("3"), None), None);
        // 1G is not 1Gi: no pair has exactly 10^9 bytes.
        assert_eq!(cpu_and_memory(None, Some("1G")), None);
        assert_eq!(
            asked(&limits(Some("1"), Some("1Gi"))),
            "cpu `1` and memory `1Gi`"
        );
        assert_eq!(asked(&limits(None, Some("1G"))), "memory `1G`");
    }

    #[test]
    fn cores_read_as_numbers() {
        let texts: Vec<&str> = PAIRS.iter().map(Pair::cores_text).collect();
        assert_eq!(
            texts,
            ["0.25", "0.5", "0.75", "1", "1.25", "1.5", "1.75", "2"]
        );
    }
}
