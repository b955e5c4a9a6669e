//! Work that would stall the threads serving requests (Argon2, reading an
//! uploaded spreadsheet) runs on tokio's blocking threads through a pool
//! that bounds both the jobs running and the jobs waiting: a flood of
//! logins or uploads is answered "busy, retry later" instead of queueing
//! without end and holding memory for each.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Why a job did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Every slot is taken and the queue is full: retry after a while.
    Busy,
    /// The server is stopping, or the job panicked.
    Failed,
}

/// A bounded set of blocking jobs; clones share the bounds.
#[derive(Debug, Clone)]
pub struct BlockingPool {
    running: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
}

impl BlockingPool {
    /// At most `at_once` jobs run and `max_waiting` more wait their turn.
    pub fn new(at_once: usize, max_waiting: usize) -> Self {
        Self {
            running: Arc::new(Semaphore::new(at_once.max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting,
        }
    }

    /// Runs `job` on a blocking thread when a slot is free; refuses at once
    /// when the queue is full.
    pub async fn run<T, F>(&self, job: F) -> Result<T, Refused>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        self.slot().await?.run(job).await
    }

    /// Jobs waiting for a slot now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// A slot to run one job in, taken before the job is known: a login
    /// takes it before counting the attempt, so that a full queue refuses
    /// the attempt without counting it against the account.
    pub async fn slot(&self) -> Result<Slot, Refused> {
        if let Ok(p) = self.running.clone().try_acquire_owned() {
            return Ok(Slot { _permit: p });
        }
        // Counted before the check, so concurrent callers cannot all pass it.
        let queued = self.waiting.fetch_add(1, Ordering::SeqCst);
        let permit = if queued >= self.max_waiting {
            Err(Refused::Busy)
        } else {
            self.running
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| Refused::Failed)
        };
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        permit.map(|p| Slot { _permit: p })
    }
}

/// A taken slot of a [`BlockingPool`]; given back when dropped.
pub struct Slot {
    _permit: OwnedSemaphorePermit,
}

impl Slot {
    pub async fn run<T, F>(self, job: F) -> Result<T, Refused>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        tokio::task::spawn_blocking(move || {
            let out = job();
            drop(self);
            out
        })
        .await
        .map_err(|_| Refused::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_refuses_at_once() {
        let pool = BlockingPool::new(1, 2);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let rx = Arc::new(std::sync::Mutex::new(rx));
        // One job runs and blocks; two wait; the fourth is refused.
        let mut jobs = Vec::new();
        for _ in 0..3 {
            let (pool, rx) = (pool.clone(), rx.clone());
            jobs.push(tokio::spawn(async move {
                pool.run(move || rx.lock().map(|r| r.recv().is_ok()).unwrap_or(false))
                    .await
            }));
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(pool.run(|| true).await, Err(Refused::Busy));
        for _ in 0..3 {
            tx.send(()).unwrap();
        }
        for j in jobs {
            assert_eq!(j.await.unwrap(), Ok(true));
        }
        assert_eq!(pool.run(|| 7).await, Ok(7));
    }
}
