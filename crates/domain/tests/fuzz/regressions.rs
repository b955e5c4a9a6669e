//! Inputs the fuzzers found, kept so that they stay fixed.

#[test]
fn found_inputs_stay_fixed() {
    // (none yet: add each shrunk failing input here with the fix's commit)
}
