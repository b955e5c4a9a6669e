//! Seeds and case counts of the property tests. Each run draws a fresh
//! seed and prints it, so that a failure seen once can be replayed; CI
//! (`BINHYEN_REQUIRE_POSTGRES=1`, set by `.ci/run`) runs more cases than a
//! local `scripts/test`.

use std::hash::{BuildHasher, Hasher};

use proptest::test_runner::{Config, RngSeed};

/// The seed named by the environment variable `var` (a decimal u64) when
/// set, else a fresh one; printed (shown when the test fails) with the
/// command line that replays it.
pub fn seed(test: &str, var: &str) -> u64 {
    let seed = match std::env::var(var) {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{var}={s}: expected a decimal u64")),
        Err(_) => {
            // RandomState's keys come from the operating system.
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default();
            h.write_u128(now);
            h.finish()
        }
    };
    eprintln!(
        "{test}: seed {seed}; replay with {var}={seed} cargo test -p store --features testing --test store {test}"
    );
    seed
}

/// How many random cases to run: `var` when set, else `ci` under CI
/// (`BINHYEN_REQUIRE_POSTGRES=1`), else `local`.
pub fn cases(var: &str, local: u32, ci: u32) -> u32 {
    if let Some(n) = std::env::var(var).ok().and_then(|s| s.trim().parse().ok()) {
        return n;
    }
    if std::env::var("BINHYEN_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        ci
    } else {
        local
    }
}

/// A runner configuration for `cases` cases drawn from `seed`. Failures
/// are not written to files (the seed is printed instead) and shrinking is
/// bounded, since every step of it replays a sequence against a database.
pub fn config(seed: u64, cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        max_shrink_iters: 1024,
        ..Config::default()
    }
}
