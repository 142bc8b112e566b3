//! CPU and memory of a Fargate task: Fargate accepts fixed combinations (AWS's table "Task CPU
//! and memory"): 0.25 vCPU with 0.5, 1 or 2 GiB; 0.5 vCPU with 1 to 4 GiB; 1 vCPU with 2 to 8
//! GiB; 2 vCPU with 4 to 16 GiB; 4 vCPU with 8 to 30 GiB (in 1 GiB steps); 8 vCPU with 16 to
//! 60 GiB in 4 GiB steps; 16 vCPU with 32 to 120 GiB in 8 GiB steps.
//!
//! No limits → 0.5 vCPU / 1 GiB (the Container Apps default too); only `cpu` → its smallest
//! memory; only `memory` → the smallest CPU that takes it; both → they must be a combination.
//! Anything else is E0706.

use ir::Limits;

/// A task size in Fargate's units: CPU units (1024 per vCPU) and MiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub cpu: u32,
    pub memory: u32,
}

/// Every CPU, with the memory range (MiB) and step it allows.
const TABLE: [(u32, &[u32]); 7] = [
    (256, &[512, 1024, 2048]),
    (512, &[1024, 2048, 3072, 4096]),
    (1024, &range(2048, 8192, 1024)),
    (2048, &range(4096, 16384, 1024)),
    (4096, &range(8192, 30720, 1024)),
    (8192, &range(16384, 61440, 4096)),
    (16384, &range(32768, 122880, 8192)),
];

/// `from..=to` by `step`, in a fixed array large enough for every row (at most 23 entries);
/// unused slots stay 0, which is no memory size.
const fn range(from: u32, to: u32, step: u32) -> [u32; 23] {
    let mut out = [0; 23];
    let mut value = from;
    let mut index = 0;
    while value <= to && index < 23 {
        out[index] = value;
        value += step;
        index += 1;
    }
    out
}

/// The size of a workload without limits.
pub const DEFAULT: Size = Size {
    cpu: 512,
    memory: 1024,
};

/// The size for `limits`, or `None` when Fargate has no such combination.
pub fn size(limits: &Limits) -> Option<Size> {
    let cpu = match limits.cpu {
        Some(_) => Some(cpu_units(limits.cpu_millicores()?)?),
        None => None,
    };
    let memory = match limits.memory {
        Some(_) => Some(mebibytes(limits.memory_bytes()?)?),
        None => None,
    };
    let allowed = |cpu: u32, memory: u32| {
        TABLE
            .iter()
            .any(|(c, memories)| *c == cpu && memories.contains(&memory))
    };
    match (cpu, memory) {
        (None, None) => Some(DEFAULT),
        (Some(cpu), Some(memory)) => allowed(cpu, memory).then_some(Size { cpu, memory }),
        (Some(cpu), None) => TABLE
            .iter()
            .find(|(c, _)| *c == cpu)
            .and_then(|(_, memories)| memories.first())
            .map(|&memory| Size { cpu, memory }),
        (None, Some(memory)) => TABLE
            .iter()
            .find(|(_, memories)| memories.contains(&memory))
            .map(|&(cpu, _)| Size { cpu, memory }),
    }
}

/// Millicores as CPU units, when they are a whole number of them.
fn cpu_units(millicores: u64) -> Option<u32> {
    let units = millicores * 1024;
    (units % 1000 == 0)
        .then(|| u32::try_from(units / 1000).ok())
        .flatten()
}

/// Bytes as whole MiB.
fn mebibytes(bytes: u64) -> Option<u32> {
    (bytes % (1 << 20) == 0)
        .then(|| u32::try_from(bytes >> 20).ok())
        .flatten()
}

/// The combinations, for the help of E0706.
pub fn allowed() -> &'static str {
    "0.25 vCPU with 512Mi, 1Gi or 2Gi; 0.5 with 1Gi to 4Gi; 1 with 2Gi to 8Gi; 2 with 4Gi to 16Gi; \
     4 with 8Gi to 30Gi (1Gi steps); 8 with 16Gi to 60Gi (4Gi steps); 16 with 32Gi to 120Gi (8Gi steps)"
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

    #[test]
    fn combinations_partners_and_defaults() {
        let s = |cpu, memory| Some(Size { cpu, memory });
        assert_eq!(size(&limits(None, None)), s(512, 1024));
        assert_eq!(size(&limits(Some("500m"), Some("1Gi"))), s(512, 1024));
        assert_eq!(size(&limits(Some("1"), Some("2Gi"))), s(1024, 2048));
        assert_eq!(size(&limits(Some("250m"), None)), s(256, 512));
        assert_eq!(size(&limits(None, Some("3Gi"))), s(512, 3072));
        assert_eq!(size(&limits(Some("4"), Some("30Gi"))), s(4096, 30720));
        assert_eq!(size(&limits(Some("8"), Some("20Gi"))), s(8192, 20480));
    }

    #[test]
    fn other_sizes_have_none() {
        assert_eq!(size(&limits(Some("250m"), Some("4Gi"))), None);
        assert_eq!(size(&limits(Some("300m"), None)), None);
        assert_eq!(size(&limits(Some("8"), Some("18Gi"))), None);
        assert_eq!(size(&limits(None, Some("1000Mi"))), None);
        assert_eq!(size(&limits(Some("32"), None)), None);
    }
}
