//! Incremental runs of `sync_plan`: instead of reading the whole org, read
//! what changed since the last applied run and merge it into the mirror,
//! the Salesforce records that run planned from. The plan is then made
//! from the whole mirror, as a complete fetch: it is the plan a full run
//! would make, cleanup included (a record deleted in Salesforce or no
//! longer matching `Where` leaves the mirror, as it would be missing from
//! a full fetch).
//!
//! The mirror is a file of JSON lines: a header (`format`, the `soql` it
//! was made with, `watermark` and `full_at` in Salesforce server time),
//! then one record per line in Id order. This run writes its mirror next
//! to the old one (`<mirror>.new`); the caller puts it in place only after
//! the plan was applied completely, so the watermark never moves past a
//! run that failed: the next run reads the same changes again.
//!
//! What changed is read with Salesforce's server time (`getServerTimestamp`)
//! and an overlap ([`OVERLAP_SECONDS`]): records whose `SystemModstamp`, or
//! that of a related record whose fields the sync reads (`Owner.Email` →
//! `Owner.SystemModstamp`), is at or after the watermark minus the overlap;
//! with a `Where`, the ids of such records that no longer match it; and the
//! ids `getDeleted` reports. A run falls back to a full one, and says why,
//! when there is no usable mirror, the settings changed, the last full run
//! is older than the full-run interval, the watermark is older than what
//! `getDeleted` can answer, or Salesforce refuses the window.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};
use crate::soql;
use crate::sync::{epoch_to_sf_datetime, sf_datetime_to_epoch, Spec};
use serde_json::{json, Value};

use super::source::RecordSource;

/// How far before the watermark changes are read again: Salesforce stamps
/// a record when its transaction starts, so a long transaction can commit
/// a change stamped before the last run's server time.
pub const OVERLAP_SECONDS: i64 = 300;

/// `getDeleted` answers for the last 15 days; a watermark older than that
/// (with a day's margin) needs a full run.
const DELETED_WINDOW_SECONDS: i64 = 14 * 86_400;

/// The mirror file format this code reads and writes.
const FORMAT: u64 = 1;

/// What the caller asks for (`sync_plan`'s `run` argument).
#[derive(Debug)]
pub struct RunRequest {
    /// Where the mirror of the last applied run is kept.
    pub mirror: PathBuf,
    /// `auto` (incremental when possible), `full` or `incremental`.
    pub mode: String,
    /// A full run is due when the last one is older than this.
    pub full_interval_seconds: i64,
}

impl RunRequest {
    /// Reads `args.run`: `{"mirror": path, "mode"?: "auto" | "full" |
    /// "incremental", "full_interval_hours"?: N}`; `None` without it.
    pub fn from_args(args: &Value) -> Result<Option<RunRequest>> {
        let Some(run) = args.get("run").filter(|r| !r.is_null()) else {
            return Ok(None);
        };
        let bad =
            |what: &str| Error::new(ErrorKind::InvalidArgument, format!("sync_plan: run.{what}"));
        let mirror = run
            .get("mirror")
            .and_then(Value::as_str)
            .filter(|m| !m.trim().is_empty())
            .ok_or_else(|| bad("mirror must be a file path"))?;
        let mode = match run.get("mode").and_then(Value::as_str).unwrap_or("auto") {
            m @ ("auto" | "full" | "incremental") => m.to_string(),
            other => {
                return Err(bad(&format!(
                    "mode must be auto, full or incremental, not \"{other}\""
                )))
            }
        };
        let hours = match run.get("full_interval_hours") {
            None | Some(Value::Null) => 24.0,
            Some(v) => v
                .as_f64()
                .filter(|h| *h > 0.0)
                .ok_or_else(|| bad("full_interval_hours must be a positive number of hours"))?,
        };
        Ok(Some(RunRequest {
            mirror: PathBuf::from(mirror),
            mode,
            full_interval_seconds: (hours * 3600.0) as i64,
        }))
    }

    /// Where this run writes its mirror.
    pub fn next_path(&self) -> PathBuf {
        let mut name = self.mirror.as_os_str().to_owned();
        name.push(".new");
        PathBuf::from(name)
    }
}

/// The mirror of the last applied run.
pub struct Mirror {
    pub watermark: i64,
    pub full_at: i64,
    /// Id -> the record as one line of JSON.
    pub records: BTreeMap<String, String>,
    /// Contact mode: AccountContactRelation Id -> the row as one line.
    pub relations: BTreeMap<String, String>,
}

/// The line between a mirror's records and its AccountContactRelation rows.
const RELATIONS_FOLLOW: &str = r#"{"relations_follow": true}"#;

/// Reads the mirror at `path` made with `soql`; `Err` says why it cannot
/// be used (the run is then a full one).
pub fn load(path: &Path, org: &str, soql: &str) -> std::result::Result<Mirror, String> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("no earlier full run to build on".into())
        }
        Err(e) => return Err(format!("the mirror {} cannot be read: {e}", path.display())),
    };
    let mut lines = BufReader::new(file).lines();
    let unreadable = |what: &str| format!("the mirror {} is unreadable ({what})", path.display());
    let header: Value = lines
        .next()
        .and_then(|l| l.ok())
        .and_then(|l| serde_json::from_str(&l).ok())
        .ok_or_else(|| unreadable("no header"))?;
    if header["format"].as_u64() != Some(FORMAT) {
        return Err(unreadable("unknown format"));
    }
    // A mirror of another org (e.g. left by a test against a fake org) is
    // never built on: its records would look deleted from this one.
    if header["org"].as_str() != Some(org) {
        return Err("the mirror was made for another Salesforce org".into());
    }
    if header["soql"].as_str() != Some(soql) {
        return Err("the sync settings changed since the last full run (fields or Where)".into());
    }
    let stamp = |key: &str| header[key].as_str().and_then(sf_datetime_to_epoch);
    let (Some(watermark), Some(full_at)) = (stamp("watermark"), stamp("full_at")) else {
        return Err(unreadable("no watermark"));
    };
    let mut records = BTreeMap::new();
    let mut relations = BTreeMap::new();
    let mut into = &mut records;
    for line in lines {
        let line = line.map_err(|e| unreadable(&e.to_string()))?;
        if line == RELATIONS_FOLLOW {
            into = &mut relations;
            continue;
        }
        let id = serde_json::from_str::<Value>(&line)
            .ok()
            .and_then(|r| r.get("Id").and_then(Value::as_str).map(str::to_string))
            .ok_or_else(|| unreadable("a record without Id"))?;
        into.insert(id, line);
    }
    Ok(Mirror {
        watermark,
        full_at,
        records,
        relations,
    })
}

/// Writes a mirror: its header, then the records as `write_records` hands
/// them over (each already one line of JSON).
pub struct MirrorWriter {
    path: PathBuf,
    out: BufWriter<File>,
}

impl MirrorWriter {
    pub fn create(
        path: &Path,
        org: &str,
        soql: &str,
        watermark: i64,
        full_at: i64,
    ) -> Result<MirrorWriter> {
        let file = File::create(path).map_err(|e| io_error(path, e))?;
        let mut w = MirrorWriter {
            path: path.to_path_buf(),
            out: BufWriter::new(file),
        };
        let header = json!({
            "format": FORMAT,
            "org": org,
            "soql": soql,
            "watermark": epoch_to_sf_datetime(watermark),
            "full_at": epoch_to_sf_datetime(full_at),
        });
        w.line(&header.to_string())?;
        Ok(w)
    }

    /// What follows are AccountContactRelation rows, not records.
    pub fn relations_follow(&mut self) -> Result<()> {
        self.line(RELATIONS_FOLLOW)
    }

    pub fn line(&mut self, line: &str) -> Result<()> {
        let path = &self.path;
        self.out
            .write_all(line.as_bytes())
            .and_then(|_| self.out.write_all(b"\n"))
            .map_err(|e| io_error(path, e))
    }

    pub fn finish(mut self) -> Result<()> {
        let path = self.path.clone();
        self.out
            .flush()
            .and_then(|_| self.out.get_ref().sync_all())
            .map_err(|e| io_error(&path, e))
    }
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        format!(
            "the sync's mirror file {} cannot be written: {e} (check the state directory)",
            path.display()
        ),
    )
}

/// The id of the org the client is signed in to ("" when the source cannot
/// say, e.g. a scripted one).
pub fn org_id(sf: &mut dyn RecordSource) -> Result<String> {
    Ok(sf.call("session", &json!({}))?["org_id"]
        .as_str()
        .unwrap_or("")
        .to_string())
}

/// Salesforce's clock now, in seconds since 1970.
pub fn server_time(sf: &mut dyn RecordSource) -> Result<i64> {
    let answer = sf.call("getServerTimestamp", &json!({}))?;
    answer["timestamp"]
        .as_str()
        .and_then(sf_datetime_to_epoch)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Protocol,
                format!("getServerTimestamp gave no usable time: {answer}"),
            )
        })
}

/// Why this run cannot be incremental, or `None` when it can (given a
/// usable mirror).
pub fn full_reason(spec: &Spec, req: &RunRequest, mirror: &Mirror, now: i64) -> Option<String> {
    if req.mode == "full" {
        return Some(
            "a full run was asked for (--full, or SalesForceModule::Sync::Incremental is off)"
                .into(),
        );
    }
    if spec.settings.limit.is_some() {
        return Some("Limit is set: only full runs read a limited selection".into());
    }
    if req.mode == "auto" && now - mirror.full_at >= req.full_interval_seconds {
        return Some(format!(
            "the last full run was at {}, the full-run interval has passed",
            epoch_to_sf_datetime(mirror.full_at)
        ));
    }
    if now - (mirror.watermark - OVERLAP_SECONDS) > DELETED_WINDOW_SECONDS {
        return Some(format!(
            "the last run was at {}, longer ago than Salesforce keeps deletions (15 days)",
            epoch_to_sf_datetime(mirror.watermark)
        ));
    }
    None
}

/// The condition "this record, or a related record the sync reads, changed
/// at or after `since`".
pub fn changed_condition(spec: &Spec, since: i64) -> String {
    let mut relations: Vec<String> = spec
        .paths
        .iter()
        .cloned()
        .chain(
            spec.settings
                .where_clause
                .as_deref()
                .map(soql::dotted_paths)
                .unwrap_or_default(),
        )
        .flat_map(|p| soql::relation_prefixes(&p))
        .collect();
    relations.sort_by_key(|r| r.to_ascii_lowercase());
    relations.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    let at = epoch_to_sf_datetime(since);
    std::iter::once(format!("SystemModstamp >= {at}"))
        .chain(
            relations
                .iter()
                .map(|r| format!("{r}.SystemModstamp >= {at}")),
        )
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// `where_clause AND (changed)`, the user's condition kept in parentheses.
pub fn and(where_clause: Option<&str>, changed: &str) -> String {
    match where_clause.map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => format!("({w}) AND ({changed})"),
        None => format!("({changed})"),
    }
}

/// The ids `getDeleted` reports for `object` between `start` and `end`;
/// `Ok(Err(reason))` when Salesforce refuses the window (a full run is
/// needed then).
pub fn deleted_ids(
    sf: &mut dyn RecordSource,
    object: &str,
    start: i64,
    end: i64,
) -> Result<std::result::Result<Vec<String>, String>> {
    let args = json!({
        "type": object,
        "start": epoch_to_sf_datetime(start),
        "end": epoch_to_sf_datetime(end),
    });
    match sf.call("getDeleted", &args) {
        Ok(answer) => Ok(Ok(answer["deleted"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|d| d["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())),
        Err(e)
            if matches!(
                e.sf_code.as_deref(),
                Some("INVALID_REPLICATION_DATE" | "EXCEEDED_ID_LIMIT")
            ) =>
        {
            Ok(Err(format!(
                "Salesforce cannot list the deletions since the last run ({}: {})",
                e.sf_code.as_deref().unwrap_or(""),
                e.message
            )))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{Kind, Settings};

    fn spec(kind: Kind, settings: Value) -> Spec {
        Spec::new(kind, Settings::from_json(&settings).unwrap()).unwrap()
    }

    #[test]
    fn the_changed_condition_follows_every_relation_read() {
        let s = spec(
            Kind::Customers,
            json!({"where": "Owner.IsActive = true AND Type = 'x.y'"}),
        );
        let c = changed_condition(&s, 0);
        assert!(
            c.starts_with("SystemModstamp >= 1970-01-01T00:00:00Z"),
            "{c}"
        );
        assert!(
            c.contains(" OR Owner.SystemModstamp >= 1970-01-01T00:00:00Z"),
            "{c}"
        );
        assert_eq!(c.matches("Owner.SystemModstamp").count(), 1, "{c}");
        assert!(!c.contains("x.SystemModstamp"), "{c}");
        assert_eq!(and(Some("A = 1"), &c), format!("(A = 1) AND ({c})"));
        assert_eq!(and(None, "B"), "(B)");
    }

    #[test]
    fn a_mirror_round_trips_and_is_refused_for_other_settings() {
        let dir = std::env::temp_dir().join(format!("sf-mirror-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("companies.mirror");
        let mut w =
            MirrorWriter::create(&path, "00Dx", "SELECT Id FROM Account", 1000, 900).unwrap();
        w.line(r#"{"Id":"001B"}"#).unwrap();
        w.line(r#"{"Id":"001A"}"#).unwrap();
        w.relations_follow().unwrap();
        w.line(r#"{"Id":"07k1","ContactId":"003A","AccountId":"001A"}"#)
            .unwrap();
        w.finish().unwrap();
        let m = load(&path, "00Dx", "SELECT Id FROM Account").unwrap();
        assert_eq!((m.watermark, m.full_at), (1000, 900));
        assert_eq!(m.records.keys().collect::<Vec<_>>(), ["001A", "001B"]);
        assert_eq!(m.relations.keys().collect::<Vec<_>>(), ["07k1"]);
        let why = load(&path, "00Dx", "SELECT Id, Name FROM Account")
            .err()
            .unwrap();
        assert!(why.contains("settings changed"), "{why}");
        let why = load(&path, "00Dy", "SELECT Id FROM Account").err().unwrap();
        assert!(why.contains("another Salesforce org"), "{why}");
        let why = load(&dir.join("none"), "00Dx", "x").err().unwrap();
        assert!(why.contains("no earlier full run"), "{why}");
        std::fs::write(&path, "{\"format\": 1, \"org\": \"o\", \"soql\": \"x\"}\n").unwrap();
        assert!(load(&path, "o", "x").err().unwrap().contains("unreadable"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reasons_for_a_full_run() {
        let req = |mode: &str| RunRequest {
            mirror: PathBuf::from("m"),
            mode: mode.into(),
            full_interval_seconds: 86_400,
        };
        let mirror = Mirror {
            watermark: 10 * 86_400,
            full_at: 10 * 86_400,
            records: BTreeMap::new(),
            relations: BTreeMap::new(),
        };
        let companies = spec(Kind::Companies, json!({}));
        let now = 10 * 86_400 + 60;
        assert_eq!(full_reason(&companies, &req("auto"), &mirror, now), None);
        assert!(full_reason(&companies, &req("full"), &mirror, now).is_some());
        let day_later = now + 86_400;
        assert!(full_reason(&companies, &req("auto"), &mirror, day_later)
            .unwrap()
            .contains("interval"));
        assert_eq!(
            full_reason(&companies, &req("incremental"), &mirror, day_later),
            None
        );
        let weeks_later = now + 15 * 86_400;
        assert!(
            full_reason(&companies, &req("incremental"), &mirror, weeks_later)
                .unwrap()
                .contains("15 days")
        );
        let limited = spec(Kind::Companies, json!({"limit": 5}));
        assert!(full_reason(&limited, &req("auto"), &mirror, now)
            .unwrap()
            .contains("Limit"));
        let contacts = spec(Kind::Customers, json!({"mode": "Contact"}));
        assert_eq!(full_reason(&contacts, &req("auto"), &mirror, now), None);
    }
}
