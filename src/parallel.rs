//! Independent jobs on a few threads: no more threads than cores, each taking the next job
//! until none is left (so one long job does not hold up the short ones behind it), results
//! returned in the jobs' order whatever the scheduling. The publishers and the file writer
//! both run on this.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `work` applied to every job; a job's result is at its index. A panic in `work` is
/// propagated to the caller once every thread has stopped.
pub(crate) fn map<T: Sync, R: Send>(jobs: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = workers().min(jobs.len());
    if workers < 2 {
        return jobs.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else {
                break done;
            };
            done.push((index, work(job)));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(worker)).collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// How many threads [`map`] runs at most: one per core.
pub(crate) fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_in_the_jobs_order() {
        let jobs: Vec<u64> = (0..200).collect();
        let results = super::map(&jobs, |&n| {
            // Uneven work, so that the threads finish their jobs out of order.
            if n % 7 == 0 {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            n * 2
        });
        assert_eq!(results, jobs.iter().map(|n| n * 2).collect::<Vec<_>>());
    }
}
