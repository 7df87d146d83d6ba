//! The replication calls behind SOAP getUpdated/getDeleted and REST
//! `sobjects/{Type}/updated|deleted`, with Salesforce's rules (reference §10):
//! dates truncated to the minute, start must precede end by more than one
//! minute, getUpdated covers the last 30 days and getDeleted the last 15,
//! at most `limit` ids (600,000 in Salesforce), replicateable objects only.
//! Protocol-neutral: the SOAP and REST layers render the results and errors.

use crate::store::{Org, Value};
use crate::timeutil;

const MINUTE: i64 = 60_000;
const DAY: i64 = 86_400_000;

/// Why a replication call fails.
#[derive(Debug, PartialEq)]
pub enum ReplError {
    /// no such object (SOAP INVALID_TYPE fault, REST 404)
    UnknownType(String),
    /// any other failure: INVALID_TYPE (not replicateable),
    /// INVALID_REPLICATION_DATE, EXCEEDED_ID_LIMIT
    Fault { code: &'static str, message: String },
}

fn fault(code: &'static str, message: impl Into<String>) -> ReplError {
    ReplError::Fault {
        code,
        message: message.into(),
    }
}

fn bad_date(message: impl Into<String>) -> ReplError {
    fault("INVALID_REPLICATION_DATE", message)
}

pub struct Updated {
    pub ids: Vec<String>,
    pub latest_date_covered: i64,
}

pub struct Deleted {
    /// (id, deletedDate)
    pub records: Vec<(String, i64)>,
    pub earliest_date_available: i64,
    pub latest_date_covered: i64,
}

/// The checked request: object index and the minute-truncated [start, end),
/// end capped at the current minute (nothing later can have happened yet).
struct Window {
    obj: usize,
    start: i64,
    end: i64,
}

fn floor_minute(ms: i64) -> i64 {
    ms - ms.rem_euclid(MINUTE)
}

/// `earliest` is the oldest start the call accepts.
fn window(
    org: &Org,
    ty: &str,
    start: &str,
    end: &str,
    now: i64,
    earliest: i64,
) -> Result<Window, ReplError> {
    let ty = ty.trim();
    let obj = org
        .schema
        .object(ty)
        .ok_or_else(|| ReplError::UnknownType(ty.to_string()))?;
    let def = org.schema.def(obj);
    if !def.replicateable {
        return Err(fault(
            "INVALID_TYPE",
            format!("sObject type '{}' is not replicateable", def.name),
        ));
    }
    let s = timeutil::parse_datetime(start.trim())
        .ok_or_else(|| bad_date("startDate is not a valid dateTime"))?;
    let e = timeutil::parse_datetime(end.trim())
        .ok_or_else(|| bad_date("endDate is not a valid dateTime"))?;
    // seconds are ignored: both ends are truncated to the minute
    let (s, e) = (floor_minute(s), floor_minute(e));
    if e - s <= MINUTE {
        return Err(bad_date(
            "startDate must chronologically precede endDate by more than one minute",
        ));
    }
    if s < earliest {
        return Err(bad_date(format!(
            "startDate {} is before the earliest date available {}",
            timeutil::format_datetime(s),
            timeutil::format_datetime(earliest)
        )));
    }
    Ok(Window {
        obj,
        start: s,
        end: e.min(floor_minute(now)),
    })
}

fn check_limit(n: usize, limit: usize) -> Result<(), ReplError> {
    if n > limit {
        return Err(fault(
            "EXCEEDED_ID_LIMIT",
            format!("the date range matches {n} records, more than the limit of {limit}; use a shorter range"),
        ));
    }
    Ok(())
}

/// getUpdated: live records whose SystemModstamp (else LastModifiedDate) lies
/// in [start, end), over the last 30 days.
pub fn updated(
    org: &Org,
    ty: &str,
    start: &str,
    end: &str,
    now: i64,
    limit: usize,
) -> Result<Updated, ReplError> {
    let w = window(org, ty, start, end, now, floor_minute(now - 30 * DAY))?;
    let def = org.schema.def(w.obj);
    let stamp = def
        .field("SystemModstamp")
        .or_else(|| def.field("LastModifiedDate"));
    // stored datetimes are canonical text, so text order is time order
    let (st, et) = (
        timeutil::format_datetime(w.start),
        timeutil::format_datetime(w.end),
    );
    let ids: Vec<String> = match stamp {
        None => Vec::new(),
        Some(i) => org.tables[w.obj]
            .values()
            .filter(|r| r.deleted_at.is_none())
            .filter(|r| matches!(&r.values[i], Value::Str(t) if *t >= st && *t < et))
            .map(|r| r.id.clone())
            .collect(),
    };
    check_limit(ids.len(), limit)?;
    Ok(Updated {
        ids,
        latest_date_covered: w.end,
    })
}

/// getDeleted: delete-log entries in [start, end), over the last 15 days and
/// not before the last purge (the Recycle Bin emptied).
pub fn deleted(
    org: &Org,
    ty: &str,
    start: &str,
    end: &str,
    now: i64,
    limit: usize,
) -> Result<Deleted, ReplError> {
    let earliest = floor_minute(now - 15 * DAY).max(org.purged_through);
    let w = window(org, ty, start, end, now, earliest)?;
    let records: Vec<(String, i64)> = org
        .deleted_log
        .iter()
        .filter(|d| d.obj == w.obj && d.at >= w.start && d.at < w.end)
        .map(|d| (d.id.clone(), d.at))
        .collect();
    check_limit(records.len(), limit)?;
    Ok(Deleted {
        records,
        earliest_date_available: earliest,
        latest_date_covered: w.end,
    })
}
