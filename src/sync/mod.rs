//! The sync planner: pure functions from (Salesforce records, settings,
//! OTRS state) to a plan. (Stub: signatures are the contract.)

use crate::error::{Error, ErrorKind, Result};
use serde_json::Value;

/// Computes a plan from a complete planner input (records included).
pub fn plan(input: &Value) -> Result<Value> {
    let _ = input;
    Err(Error::new(ErrorKind::Plan, "planner not built yet"))
}

/// Builds the SOQL from the settings, fetches every page through the
/// client, then plans. Used by the `sync_plan` call method.
pub fn fetch_and_plan(client: &mut crate::Client, args: &Value) -> Result<Value> {
    let _ = (client, args);
    Err(Error::new(ErrorKind::Plan, "planner not built yet"))
}
