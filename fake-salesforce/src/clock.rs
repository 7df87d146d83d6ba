//! The org's clock: wall time plus an offset that `/_fake/control` moves
//! forward, so a test can cross the 15- and 30-day replication windows in
//! seconds. Record timestamps, `getServerTimestamp`, the replication windows
//! and SOQL date literals read this clock; sessions, query locators and
//! OAuth expiry keep wall time (a test should not lose its session by moving
//! the org's calendar).
//!
//! One process serves one org, so the offset is process-wide.

use crate::timeutil;
use std::sync::atomic::{AtomicI64, Ordering};

static OFFSET_MS: AtomicI64 = AtomicI64::new(0);

/// The org's "now" in epoch milliseconds.
pub fn now() -> i64 {
    timeutil::now_millis() + OFFSET_MS.load(Ordering::SeqCst)
}

/// Moves the clock forward by `ms` (never backward: modstamps only grow).
pub fn advance(ms: i64) -> Result<i64, String> {
    if ms < 0 {
        return Err("the clock only moves forward".into());
    }
    OFFSET_MS.fetch_add(ms, Ordering::SeqCst);
    Ok(now())
}

/// Sets the clock to `at` (epoch ms); refuses a time before the current one.
pub fn set(at: i64) -> Result<i64, String> {
    let cur = now();
    if at < cur {
        return Err(format!(
            "the clock only moves forward: {} is before the fake's now {}",
            timeutil::format_datetime(at),
            timeutil::format_datetime(cur)
        ));
    }
    advance(at - cur)
}
