//! The sync planner on arbitrary JSON: no panic, errors say something,
//! and a plan is deterministic (the same input plans the same twice).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    match sfclient::sync::plan(&input) {
        Ok(plan) => {
            let again = sfclient::sync::plan(&input).expect("second plan of the same input");
            assert_eq!(plan, again, "plan is not deterministic");
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
});
