//! The sync planner: pure functions from (Salesforce records, settings,
//! OTRS state) to a plan that the Perl side applies through the OTRS API
//! (ARCHITECTURE.md, "Planner input" and "Plan (output)").
//!
//! Pure: no I/O. The JSON entry point is [`plan`] (`api::sync` fetches the
//! records for the `sync_plan` call method and plans them here); the typed
//! core ([`Spec`], [`SfRecord`], [`OtrsState`], [`plan_records`]) is public
//! for the benchmark and for callers that build records themselves.
//!
//! Rules in short (details at each function):
//! - Companies: CustomerID = the 18-character Account Id (15-character ids
//!   get their checksum), name from `name_format` (`{Field}` = any Account
//!   path, `{{`/`}}` = literal braces), attributes by full dotted path (a
//!   leading `Account.` is the Account itself, `Owner.Name` the owner's
//!   name).
//! - Customers: Account owners (one fetch of the Accounts with their owner;
//!   attributes must be `Owner.` fields) or Contacts (login = Id or the
//!   lower-cased Email; UserCustomerID = AccountId or default_customer_id;
//!   AccountContactRelation rows as further memberships). Memberships
//!   follow Salesforce; only Account-id-shaped ones (`001`, 15/18 chars)
//!   are ever removed. `otrs.users[].CustomerIDs` are the
//!   customer_user_customer rows; the primary id may be included, it is
//!   never removed.
//! - A record equal to OTRS is not written; an update lists only changes;
//!   a param missing from an OTRS record (the OTRS map lacks it) is never
//!   compared.
//! - Mapped attributes holding a Salesforce datetime (exactly
//!   `YYYY-MM-DDThh:mm:ss[.fff](Z|+hhmm|+hh:mm)`; no field types are
//!   known, so the shape decides) are written and compared in OTRS's
//!   `YYYY-MM-DD hh:mm:ss` form, in UTC. Dates (`2024-01-02`) and all
//!   other values are used as Salesforce sends them.
//! - OTRS ids (CustomerID / UserLogin) listed twice are refused (PLAN
//!   error naming the field and the id); ids differing only in case are
//!   one record: the first listed is planned, the others are left alone
//!   and named in `notes` (see [`OtrsState`]).
//! - ValidID: 1 stays; 2 becomes 1 only for ids in `sync_invalidated` (then
//!   listed in `sync_invalidated.remove`) or with `revalidate_manual`; any
//!   other value (3 = locked) is never changed.
//! - Skips carry a reason; nothing is truncated: missing required params,
//!   values longer than their OTRS column, e-mail syntax, duplicate company
//!   names / e-mails (OTRS refuses them), logins taken by users this sync
//!   did not make.
//! - Cleanup (DeleteOld): only after a complete fetch without Limit, only
//!   records inside the glob, with ValidID 1, that Salesforce did not
//!   return; refused above `cleanup_max_share` unless `force`. Records
//!   Salesforce returned but that were excluded (ValidData) or skipped count
//!   as returned: cleanup never touches them. Invalidated ids are listed in
//!   `sync_invalidated.add`.
//! - Order: actions are sorted by (phase, id). Phase 0 = cleanup, 1 = the
//!   rest; phase n+1 only when a record takes a company name or e-mail that
//!   another record gives up in phase n. Apply them in list order.
//!
//! Additions to the plan of ARCHITECTURE.md: `sync_invalidated` (`add`,
//! `remove`: ids for the stored list) and `notes` (strings).

mod ids;
mod output;
mod planner;
mod record;
mod spec;
mod state;

#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod tests;

pub use ids::{
    email_syntax_ok, epoch_to_sf_datetime, glob_match, looks_like_account_id, sf_datetime_to_epoch,
    sf_datetime_to_otrs, to_id18,
};
pub use output::{Action, Cleanup, FetchStats, Plan, Skip};
pub use planner::{plan_records, Relation};
pub use record::SfRecord;
pub use spec::{CleanupAction, Kind, LoginField, Mode, Settings, Spec};
pub use state::{OtrsRecord, OtrsState, Slot};

use crate::error::{Error, ErrorKind, Result};
use serde_json::Value;

fn bad(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidArgument, msg)
}

/// Reads `kind` and `settings` of a planner input.
pub fn spec_from_input(input: &Value) -> Result<Spec> {
    if !input.is_object() {
        return Err(bad("planner input must be a JSON object"));
    }
    let kind = match input.get("kind").and_then(Value::as_str) {
        Some("companies") => Kind::Companies,
        Some("customers") => Kind::Customers,
        Some(other) => {
            return Err(bad(format!(
                "kind must be companies or customers, not '{other}'"
            )))
        }
        None => return Err(bad("planner input needs kind: companies or customers")),
    };
    let settings = Settings::from_json(input.get("settings").unwrap_or(&Value::Null))?;
    Spec::new(kind, settings)
}

fn relations_from_json(input: &Value) -> Result<Vec<Relation>> {
    let items = match input.get("relations") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(bad(format!("relations must be a list, not {other}"))),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if let Some(pair) = relation_from_json(item) {
            out.push(pair);
        }
    }
    Ok(out)
}

/// One AccountContactRelation row as 18-character ids; `None` for a row
/// without both ids (such rows are ignored).
pub fn relation_from_json(item: &Value) -> Option<Relation> {
    let contact = item
        .get("ContactId")
        .and_then(Value::as_str)
        .and_then(to_id18)?;
    let account = item
        .get("AccountId")
        .and_then(Value::as_str)
        .and_then(to_id18)?;
    Some((contact, account))
}

/// Computes a plan from a complete planner input (records included).
///
/// `input.fetch.complete` (default true) says whether the records are
/// everything the query selects; cleanup runs only then.
pub fn plan(input: &Value) -> Result<Value> {
    let spec = spec_from_input(input)?;
    let soql = spec.soql()?;
    let otrs = OtrsState::from_json(&spec, input.get("otrs").unwrap_or(&Value::Null))?;
    let records = match input.get("records") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|r| SfRecord::from_json(r, &spec.split_paths))
            .collect::<Result<Vec<_>>>()?,
        None | Some(Value::Null) => return Err(bad("planner input needs records (a list)")),
        Some(other) => return Err(bad(format!("records must be a list, not {other}"))),
    };
    let relations = relations_from_json(input)?;
    let complete = match input.get("fetch").and_then(|f| f.get("complete")) {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(bad(format!(
                "fetch.complete must be true or false, not {other}"
            )))
        }
    };
    let fetch = FetchStats {
        records: records.len(),
        pages: None,
        api_calls: None,
        complete,
    };
    let mut plan = plan_records(&spec, &records, &relations, &otrs, fetch);
    plan.soql = soql;
    Ok(plan.to_json())
}
