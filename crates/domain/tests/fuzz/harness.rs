//! A time-bounded fuzzing loop over proptest strategies: `FUZZ_SECONDS`
//! per target (2 by default, so that `scripts/test` stays quick; CI's
//! `scripts/verify` gives each target 20 s), in rounds of 256 inputs.
//!
//! Every run starts from a fresh seed, printed when a target starts
//! (`fuzz NAME seed: 0x…`) and in its failure message; each round takes
//! the next seed of a fixed sequence. `FUZZ_SEED=<u64>` (decimal, or hex
//! with `0x`) starts every target from that seed instead: the seed a
//! failure message names is the failing round's own, so the failing input
//! comes back first, whatever the time budget. A failure panics with the
//! shrunk input, which then goes into the crate's regression cases.
//!
//! A target also names the branches of its checks that inputs must reach
//! ([`Reach`]): a generator that seldom makes a value the parser accepts
//! checks little, and fails the target as surely as a bug would.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// Inputs in one round, all drawn from the round's seed.
const ROUND: u32 = 256;

pub fn budget() -> Duration {
    let secs = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(secs)
}

/// A seed as `FUZZ_SEED` may give it: `0x` and hex digits, or decimal
/// (hex digits without `0x` are read as hex when they are not decimal).
pub fn parse_seed(s: &str) -> Option<u64> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok().or_else(|| u64::from_str_radix(s, 16).ok()),
    }
}

/// The first round's seed: `FUZZ_SEED`, or a fresh one (the process's
/// random hash keys, the time and the target's name).
fn first_seed(name: &str) -> u64 {
    if let Some(given) = std::env::var_os("FUZZ_SEED") {
        let given = given.to_string_lossy();
        return parse_seed(&given)
            .unwrap_or_else(|| panic!("FUZZ_SEED={given}: not a u64 (decimal, or hex with 0x)"));
    }
    let mut h = RandomState::new().build_hasher();
    name.hash(&mut h);
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
        .hash(&mut h);
    std::process::id().hash(&mut h);
    h.finish()
}

/// SplitMix64's output function: a bijection that spreads every bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The seed of the round after the one seeded with `s`.
fn next(s: u64) -> u64 {
    mix(s.wrapping_add(GOLDEN))
}

/// ChaCha's 32-byte key from a round's seed.
fn key(s: u64) -> [u8; 32] {
    let mut key = [0u8; 32];
    for (i, chunk) in key.chunks_exact_mut(8).enumerate() {
        let word = mix(s.wrapping_add(GOLDEN.wrapping_mul(i as u64 + 1)));
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    key
}

/// A branch of a target's checks, and the share of inputs (0 to 1) that
/// must reach it: `hit` it where the branch's assertions are.
pub struct Reach {
    what: &'static str,
    min: f64,
    hits: AtomicU64,
}

impl Reach {
    pub const fn new(what: &'static str, min: f64) -> Self {
        Self {
            what,
            min,
            hits: AtomicU64::new(0),
        }
    }

    pub fn hit(&self) {
        self.hits.fetch_add(1, Relaxed);
    }

    /// Counts the input when `reached`, and gives `reached` back.
    pub fn hit_if(&self, reached: bool) -> bool {
        if reached {
            self.hit();
        }
        reached
    }
}

/// Runs `test` on inputs from `strategy` for the time budget (one round at
/// least); panics on the first failure, or when an input share of `reach`
/// was not reached. Returns the number of inputs tried.
pub fn fuzz<S: Strategy>(
    name: &str,
    reach: &[&Reach],
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> u64 {
    let seed = first_seed(name);
    eprintln!("fuzz {name} seed: {seed:#018x} (FUZZ_SEED={seed:#018x} replays this run)");
    let deadline = Instant::now() + budget();
    let inputs = AtomicU64::new(0);
    let (mut round, mut round_seed) = (0u64, seed);
    while Instant::now() < deadline || round == 0 {
        let config = Config {
            cases: ROUND,
            failure_persistence: None,
            ..Config::default()
        };
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &key(round_seed));
        let mut runner = TestRunner::new_with_rng(config, rng);
        let counted = |v| {
            inputs.fetch_add(1, Relaxed);
            test(v)
        };
        if let Err(e) = runner.run(&strategy, counted) {
            panic!(
                "fuzz {name} failed in round {round}: replay with FUZZ_SEED={round_seed:#018x} \
                 (the run's seed: {seed:#018x}): {e}"
            );
        }
        round += 1;
        round_seed = next(round_seed);
    }
    let inputs = inputs.load(Relaxed);
    let shares: Vec<String> = reach
        .iter()
        .map(|r| {
            let hits = r.hits.load(Relaxed);
            let share = hits as f64 / inputs.max(1) as f64;
            assert!(
                share >= r.min,
                "fuzz {name} (seed {seed:#018x}): {hits} of {inputs} inputs reached «{}», \
                 fewer than {:.1}%: the generator must reach it more often",
                r.what,
                r.min * 100.0
            );
            format!("{} {:.0}%", r.what, share * 100.0)
        })
        .collect();
    if !shares.is_empty() {
        eprintln!("fuzz {name} reached: {}", shares.join(", "));
    }
    eprintln!("fuzz {name}: {inputs} inputs, no failure");
    inputs
}

#[test]
fn seeds_are_read_in_decimal_or_hex_and_rounds_follow_each_other() {
    assert_eq!(parse_seed("0x00ff"), Some(255));
    assert_eq!(parse_seed(" 255 "), Some(255));
    assert_eq!(parse_seed("ff"), Some(255));
    assert_eq!(parse_seed("0xzz"), None);
    let s = parse_seed(&format!("{:#018x}", u64::MAX - 1));
    assert_eq!(s, Some(u64::MAX - 1));
    assert_ne!(next(1), next(2));
    assert_ne!(key(1), key(next(1)));
}
