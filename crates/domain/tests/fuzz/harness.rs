//! A time-bounded fuzzing loop over proptest strategies: `FUZZ_SECONDS`
//! per target (2 by default, so that `scripts/test` stays quick; CI's
//! `scripts/verify` gives each target a minute). Each round uses a new seed,
//! so a longer budget explores more inputs; a failure panics with the
//! shrunk input, which then goes into `regressions.rs`.

use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

pub fn budget() -> Duration {
    let secs = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(secs)
}

pub fn fuzz<S: Strategy>(
    name: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let deadline = Instant::now() + budget();
    let (mut round, mut cases) = (0u64, 0u64);
    while Instant::now() < deadline || round == 0 {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&round.to_le_bytes());
        let config = Config {
            cases: 256,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("fuzz {name}, round {round}: {e}");
        }
        round += 1;
        cases += 256;
    }
    eprintln!("fuzz {name}: {cases} inputs, no failure");
}
