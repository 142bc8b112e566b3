//! CPU and memory of a Cloud Run container, checked against Cloud Run's limits (its
//! "Configure CPU limits" and "Configure memory limits" pages): CPU is 1, 2, 4, 6 or 8, or a
//! fraction from 0.08 to below 1 in steps of 0.01; memory is 128 MiB to 32 GiB. Memory over
//! 4 GiB needs at least 2 CPUs, over 8 GiB 4, over 16 GiB 6, over 24 GiB 8; 4 CPUs need at
//! least 2 GiB and 6 or 8 CPUs 4 GiB; below 1 CPU, memory over 512 MiB needs 0.5 CPU and over
//! 1 GiB a whole CPU.
//!
//! No limits → 1 CPU / 512 MiB (Cloud Run's defaults); only `cpu` → the smallest memory it
//! allows, at least 512 MiB; only `memory` → the smallest CPU that takes it, at least 1.
//! Anything else is E0707.

use ir::Limits;

/// A container size: millicores and MiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub millicores: u32,
    pub mebibytes: u32,
}

/// The size of a workload without limits.
pub const DEFAULT: Size = Size {
    millicores: 1000,
    mebibytes: 512,
};

const GIB: u32 = 1024;

/// The whole CPUs Cloud Run accepts above 1, with the least memory each needs (MiB).
const WHOLE: [(u32, u32); 5] = [(1, 128), (2, 128), (4, 2 * GIB), (6, 4 * GIB), (8, 4 * GIB)];

impl Size {
    /// The `limits` map's CPU: whole CPUs as a number, fractions in millicores.
    pub fn cpu_text(&self) -> String {
        if self.millicores % 1000 == 0 {
            (self.millicores / 1000).to_string()
        } else {
            format!("{}m", self.millicores)
        }
    }

    /// The `limits` map's memory, in `Gi` when whole.
    pub fn memory_text(&self) -> String {
        if self.mebibytes % GIB == 0 {
            format!("{}Gi", self.mebibytes / GIB)
        } else {
            format!("{}Mi", self.mebibytes)
        }
    }

    /// Below one CPU, Cloud Run needs a concurrency of 1, CPU only during requests and the
    /// first-generation execution environment.
    pub fn fractional(&self) -> bool {
        self.millicores < 1000
    }

    /// Two containers' sizes together: what their instance is allocated.
    pub fn plus(self, other: Size) -> Size {
        Size {
            millicores: self.millicores + other.millicores,
            mebibytes: self.mebibytes + other.mebibytes,
        }
    }
}

/// The least CPU (millicores) memory `mebibytes` needs.
fn least_cpu(mebibytes: u32) -> u32 {
    match mebibytes {
        m if m > 24 * GIB => 8000,
        m if m > 16 * GIB => 6000,
        m if m > 8 * GIB => 4000,
        m if m > 4 * GIB => 2000,
        m if m > GIB => 1000,
        m if m > 512 => 500,
        _ => 80,
    }
}

/// Whether Cloud Run runs `millicores` (on its own).
fn valid_cpu(millicores: u32) -> bool {
    if millicores < 1000 {
        millicores >= 80 && millicores % 10 == 0
    } else {
        millicores % 1000 == 0 && WHOLE.iter().any(|&(c, _)| c * 1000 == millicores)
    }
}

/// The least memory `millicores` needs (MiB).
fn least_memory(millicores: u32) -> u32 {
    WHOLE
        .iter()
        .rev()
        .find(|&&(c, _)| c * 1000 <= millicores)
        .map_or(128, |&(_, m)| m)
}

/// Whether Cloud Run runs the pair.
fn allowed(size: Size) -> bool {
    valid_cpu(size.millicores)
        && (128..=32 * GIB).contains(&size.mebibytes)
        && size.millicores >= least_cpu(size.mebibytes)
        && size.mebibytes >= least_memory(size.millicores)
}

/// The size for `limits`, or `None` when Cloud Run cannot run it.
pub fn size(limits: &Limits) -> Option<Size> {
    let millicores = match limits.cpu {
        Some(_) => Some(u32::try_from(limits.cpu_millicores()?).ok()?),
        None => None,
    };
    let mebibytes = match limits.memory {
        Some(_) => {
            let bytes = limits.memory_bytes()?;
            (bytes % (1 << 20) == 0).then_some(())?;
            Some(u32::try_from(bytes >> 20).ok()?)
        }
        None => None,
    };
    let size = match (millicores, mebibytes) {
        (None, None) => DEFAULT,
        (Some(millicores), Some(mebibytes)) => Size {
            millicores,
            mebibytes,
        },
        (Some(millicores), None) => Size {
            millicores,
            mebibytes: least_memory(millicores).max(DEFAULT.mebibytes),
        },
        (None, Some(mebibytes)) => Size {
            millicores: least_cpu(mebibytes).max(DEFAULT.millicores),
            mebibytes,
        },
    };
    allowed(size).then_some(size)
}

/// The share of an instance that the container writing `files` takes beside an app of size
/// `app`: the smallest (CPU first, from 80m in steps of 10m, then memory, from 128 MiB) that
/// keeps the instance's total a size Cloud Run accepts, since an instance's containers share
/// one allocation of the sizes above. `None` when no share does (an app of 8 CPUs).
pub fn files_share(app: Size) -> Option<Size> {
    (80..=8000).step_by(10).find_map(|millicores| {
        let cpu = app.millicores + millicores;
        let mebibytes = least_memory(cpu).saturating_sub(app.mebibytes).max(128);
        let share = Size {
            millicores,
            mebibytes,
        };
        allowed(app.plus(share)).then_some(share)
    })
}

/// The rules, for the help of E0707.
pub fn rules() -> &'static str {
    "CPU 1, 2, 4, 6 or 8, or 0.08 to 0.99 in steps of 0.01; memory 128Mi to 32Gi; memory over 4Gi needs 2 CPUs, \
     over 8Gi 4, over 16Gi 6, over 24Gi 8; 4 CPUs need 2Gi, 6 or 8 need 4Gi; below 1 CPU, memory over 512Mi needs 500m and over 1Gi a whole CPU"
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

    fn s(millicores: u32, mebibytes: u32) -> Option<Size> {
        Some(Size {
            millicores,
            mebibytes,
        })
    }

    #[test]
    fn defaults_partners_and_pairs() {
        assert_eq!(size(&limits(None, None)), s(1000, 512));
        assert_eq!(size(&limits(Some("500m"), Some("1Gi"))), s(500, 1024));
        assert_eq!(size(&limits(Some("1"), Some("2Gi"))), s(1000, 2048));
        assert_eq!(size(&limits(Some("4"), None)), s(4000, 2048));
        assert_eq!(size(&limits(Some("8"), None)), s(8000, 4096));
        assert_eq!(size(&limits(None, Some("6Gi"))), s(2000, 6144));
        assert_eq!(size(&limits(None, Some("20Gi"))), s(6000, 20480));
        assert_eq!(size(&limits(Some("250m"), Some("256Mi"))), s(250, 256));
        assert_eq!(size(&limits(Some("8"), Some("32Gi"))), s(8000, 32768));
    }

    #[test]
    fn what_cloud_run_refuses() {
        // 3 CPUs, more than 8, less than 0.08, a step below 0.01.
        assert_eq!(size(&limits(Some("3"), None)), None);
        assert_eq!(size(&limits(Some("16"), None)), None);
        assert_eq!(size(&limits(Some("50m"), None)), None);
        assert_eq!(size(&limits(Some("255m"), None)), None);
        // Memory over 32Gi, or too much for the CPU.
        assert_eq!(size(&limits(None, Some("64Gi"))), None);
        assert_eq!(size(&limits(Some("1"), Some("8Gi"))), None);
        assert_eq!(size(&limits(Some("250m"), Some("1Gi"))), None);
        assert_eq!(size(&limits(Some("500m"), Some("2Gi"))), None);
        // Too little memory for the CPU.
        assert_eq!(size(&limits(Some("4"), Some("1Gi"))), None);
        assert_eq!(size(&limits(None, Some("1000000"))), None);
    }

    #[test]
    fn the_files_container_takes_the_smallest_share_that_keeps_the_instance_valid() {
        let share = |cpu, memory| files_share(size(&limits(Some(cpu), Some(memory))).unwrap());
        // 580m / 640Mi: a fraction, and 500m takes over 512Mi.
        assert_eq!(share("500m", "512Mi"), s(80, 128));
        // Over 1Gi needs a whole CPU: 1 CPU / 1152Mi, not 1.5 CPU.
        assert_eq!(share("500m", "1Gi"), s(500, 128));
        // Above 1 CPU only whole CPUs: 2 CPUs; 2 + 2 = 4 CPUs need 2Gi in all.
        assert_eq!(share("1", "512Mi"), s(1000, 128));
        assert_eq!(share("2", "1Gi"), s(2000, 1024));
        assert_eq!(share("8", "4Gi"), None);
        for (cpu, memory) in [("80m", "128Mi"), ("990m", "1Gi"), ("6", "8Gi")] {
            let app = size(&limits(Some(cpu), Some(memory))).unwrap();
            let total = app.plus(files_share(app).unwrap());
            assert!(allowed(total), "{cpu}/{memory}: {total:?}");
        }
    }

    #[test]
    fn texts() {
        assert_eq!(DEFAULT.cpu_text(), "1");
        assert_eq!(DEFAULT.memory_text(), "512Mi");
        let small = size(&limits(Some("250m"), Some("2Gi")));
        assert_eq!(small, None);
        let half = size(&limits(Some("0.5"), None)).unwrap();
        assert_eq!(
            (half.cpu_text(), half.memory_text()),
            ("500m".into(), "512Mi".into())
        );
        assert!(half.fractional());
    }
}
