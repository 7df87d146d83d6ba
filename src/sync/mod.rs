//! The sync planner: pure functions from (Salesforce records, settings,
//! OTRS state) to a plan that the Perl side applies through the OTRS API
//! (ARCHITECTURE.md, "Planner input" and "Plan (output)").
//!
//! The JSON entry points are [`plan`] and [`fetch_and_plan`]; the typed
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
mod tests;

pub use ids::{email_syntax_ok, glob_match, looks_like_account_id, sf_datetime_to_otrs, to_id18};
pub use output::{Action, Cleanup, FetchStats, Plan, Skip};
pub use planner::{plan_records, Relation};
pub use record::SfRecord;
pub use spec::{column_length, CleanupAction, Kind, LoginField, Mode, Settings, Spec};
pub use state::{OtrsRecord, OtrsState, Slot};

use crate::error::{Error, ErrorKind, Result};
use crate::query::{Api, QueryPager};
use serde_json::{json, Value};

/// The SOQL that lists the Contact-to-Account relations (Contact mode).
pub const RELATIONS_SOQL: &str =
    "SELECT ContactId, AccountId FROM AccountContactRelation ORDER BY Id";

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
        if let Some(pair) = relation(item) {
            out.push(pair);
        }
    }
    Ok(out)
}

/// One AccountContactRelation row as 18-character ids; rows without both
/// ids are ignored.
fn relation(item: &Value) -> Option<Relation> {
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

/// Where the sync's records come from: a [`crate::Client`] (records streamed
/// and pages pipelined by [`QueryPager::for_each_record`]) or a
/// `call(method, args)` function (tests script one).
pub trait Salesforce {
    /// One call method (see ARCHITECTURE.md, "Call methods").
    fn call(&mut self, method: &str, args: &Value) -> Result<Value>;
    /// Every record of `pager`'s query, handed to `each` in order.
    fn each_record(
        &mut self,
        pager: &mut QueryPager,
        each: &mut dyn FnMut(Value) -> Result<()>,
    ) -> Result<()>;
    /// Records per page to ask for.
    fn batch_size(&self) -> u32 {
        2000
    }
}

impl Salesforce for crate::Client {
    fn call(&mut self, method: &str, args: &Value) -> Result<Value> {
        crate::Client::call(self, method, args)
    }
    fn each_record(
        &mut self,
        pager: &mut QueryPager,
        each: &mut dyn FnMut(Value) -> Result<()>,
    ) -> Result<()> {
        pager.for_each_record(self, each)
    }
    fn batch_size(&self) -> u32 {
        self.config().batch_size
    }
}

impl<F: FnMut(&str, &Value) -> Result<Value>> Salesforce for F {
    fn call(&mut self, method: &str, args: &Value) -> Result<Value> {
        self(method, args)
    }
    fn each_record(
        &mut self,
        pager: &mut QueryPager,
        each: &mut dyn FnMut(Value) -> Result<()>,
    ) -> Result<()> {
        while let Some(mut page) = pager.next_page_via(self)? {
            match page.get_mut("records").map(Value::take) {
                Some(Value::Array(records)) => records.into_iter().try_for_each(&mut *each)?,
                None | Some(Value::Null) => {}
                Some(_) => {
                    return Err(
                        Error::new(ErrorKind::Protocol, "query page records is not a list")
                            .context(format!("query page {}", pager.pages())),
                    )
                }
            }
        }
        Ok(())
    }
}

/// Follows a query to its last page, handing every record to `each` as it
/// arrives. Returns the number of pages. Errors of the fetch say `what`
/// was fetched; errors of `each` come back as they are.
fn fetch_all(
    sf: &mut dyn Salesforce,
    soql: &str,
    what: &str,
    mut each: impl FnMut(&Value) -> Result<()>,
) -> Result<usize> {
    let mut pager = QueryPager::new(Api::Soap, soql, false, sf.batch_size());
    let refused = std::cell::Cell::new(false);
    let mut consumer = |record: Value| each(&record).inspect_err(|_| refused.set(true));
    sf.each_record(&mut pager, &mut consumer).map_err(|mut e| {
        if !refused.get() {
            e.context = format!("{what}, {}", e.context);
        }
        e
    })?;
    Ok(pager.pages() as usize)
}

/// Builds the SOQL from the settings, fetches every page through the
/// client, then plans. Used by the `sync_plan` call method. `args` is the
/// planner input without `records`.
///
/// Any fetch error is returned as the error: there is never a partial
/// plan. In Contact mode the AccountContactRelation rows are fetched too;
/// an org without that object (INVALID_TYPE) is planned without relations
/// and the plan's `notes` say so.
pub fn fetch_and_plan(client: &mut crate::Client, args: &Value) -> Result<Value> {
    fetch_and_plan_with(client, args)
}

/// The client's API call counter. `usage` is answered locally (no
/// Salesforce request); the difference before/after is what the fetch
/// cost, a login included.
fn api_calls(sf: &mut dyn Salesforce) -> Option<u64> {
    sf.call("usage", &json!({}))
        .ok()
        .and_then(|u| u.get("api_calls").and_then(Value::as_u64))
}

/// [`fetch_and_plan`] over any [`Salesforce`] (tests use a scripted
/// `call` function).
pub fn fetch_and_plan_with(sf: &mut dyn Salesforce, args: &Value) -> Result<Value> {
    let spec = spec_from_input(args)?;
    let soql = spec.soql()?;
    if args.get("records").is_some() {
        return Err(bad("sync_plan fetches the records itself: leave records out (use sf_plan to plan given records)"));
    }
    let otrs = OtrsState::from_json(&spec, args.get("otrs").unwrap_or(&Value::Null))?;
    let calls_before = api_calls(sf);
    let mut records = Vec::new();
    let mut pages = fetch_all(sf, &soql, "sync fetch", |r| {
        records.push(SfRecord::from_json(r, &spec.split_paths)?);
        Ok(())
    })?;
    let mut notes = Vec::new();
    let mut relations = Vec::new();
    if spec.kind == Kind::Customers && spec.settings.mode == Mode::Contact {
        let fetched = fetch_all(sf, RELATIONS_SOQL, "AccountContactRelation fetch", |r| {
            if let Some(pair) = relation(r) {
                relations.push(pair);
            }
            Ok(())
        });
        match fetched {
            Ok(p) => pages += p,
            Err(e) if e.sf_code.as_deref() == Some("INVALID_TYPE") => {
                relations.clear();
                notes.push(
                    "AccountContactRelation is not available in this org (INVALID_TYPE): contacts get only their primary Account"
                        .to_string(),
                );
            }
            Err(e) => return Err(e),
        }
    }
    let calls_after = api_calls(sf);
    let fetch = FetchStats {
        records: records.len(),
        pages: Some(pages),
        api_calls: calls_after.map(|after| after - calls_before.unwrap_or(0).min(after)),
        complete: true,
    };
    let mut plan = plan_records(&spec, &records, &relations, &otrs, fetch);
    plan.soql = soql;
    plan.notes.extend(notes);
    Ok(plan.to_json())
}
