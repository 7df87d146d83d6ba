//! The `sync_plan` call method: builds the SOQL from the settings, fetches
//! every record through the pager and hands them to the pure planner
//! (`crate::sync`). The fetching lives here, so the planner stays free of
//! I/O.

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::query::{Api, QueryPager};
use crate::soql;
use crate::sync::{
    epoch_to_sf_datetime, plan_records, relation_from_json, spec_from_input, FetchStats, Kind,
    Mode, OtrsState, Relation, SfRecord, Spec,
};

use super::incremental::{self, Mirror, MirrorWriter, RunRequest, OVERLAP_SECONDS};
pub use super::source::RecordSource;
use serde_json::{json, Value};

/// The SOQL that lists the Contact-to-Account relations (Contact mode).
pub const RELATIONS_SOQL: &str =
    "SELECT Id, ContactId, AccountId FROM AccountContactRelation ORDER BY Id";

/// The note of a plan made without AccountContactRelation rows.
const NO_RELATIONS: &str = "AccountContactRelation is not available in this org (INVALID_TYPE): contacts get only their primary Account";

fn bad(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidArgument, msg)
}

/// Follows a query to its last page, handing every record to `each` as it
/// arrives. Returns the number of pages. Errors of the fetch say `what`
/// was fetched; errors of `each` come back as they are.
fn fetch_all(
    sf: &mut dyn RecordSource,
    soql: &str,
    what: &str,
    each: impl FnMut(&Value) -> Result<()>,
) -> Result<usize> {
    fetch_query(sf, soql, false, what, each)
}

/// [`fetch_all`] with `all` = include deleted records (`queryAll`).
fn fetch_query(
    sf: &mut dyn RecordSource,
    soql: &str,
    all: bool,
    what: &str,
    mut each: impl FnMut(&Value) -> Result<()>,
) -> Result<usize> {
    let mut pager = QueryPager::new(Api::Soap, soql, all, sf.batch_size());
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
pub fn fetch_and_plan(client: &mut Client, args: &Value) -> Result<Value> {
    fetch_and_plan_with(client, args)
}

/// The client's usage counters (cumulative per client). `usage` is
/// answered locally (no Salesforce request); the difference before/after
/// is what the fetch cost, a login included.
fn usage(sf: &mut dyn RecordSource) -> Option<Value> {
    sf.call("usage", &json!({})).ok()
}

/// How much `counter` (`api_calls`, `logins`, `retries`) grew between two
/// [`usage`] answers; `None` when the later one lacks it.
fn used(before: &Option<Value>, after: &Option<Value>, counter: &str) -> Option<u64> {
    let get = |u: &Option<Value>| {
        u.as_ref()
            .and_then(|u| u.get(counter))
            .and_then(Value::as_u64)
    };
    get(after).map(|a| a - get(before).unwrap_or(0).min(a))
}

/// [`fetch_and_plan`] over any [`RecordSource`] (tests use a scripted
/// `call` function).
pub fn fetch_and_plan_with(sf: &mut dyn RecordSource, args: &Value) -> Result<Value> {
    let spec = spec_from_input(args)?;
    let soql = spec.soql()?;
    if args.get("records").is_some() {
        return Err(bad("sync_plan fetches the records itself: leave records out (use sf_plan to plan given records)"));
    }
    let otrs = OtrsState::from_json(&spec, args.get("otrs").unwrap_or(&Value::Null))?;
    let run = RunRequest::from_args(args)?;
    let usage_before = usage(sf);
    let fetched = match &run {
        None => fetch_full(sf, &spec, &soql, None)?,
        Some(req) => fetch_for_run(sf, &spec, &soql, req)?,
    };
    let usage_after = usage(sf);
    let fetch = FetchStats {
        records: fetched.fetched,
        pages: Some(fetched.pages),
        api_calls: used(&usage_before, &usage_after, "api_calls"),
        complete: true,
    };
    let mut plan = plan_records(&spec, &fetched.records, &fetched.relations, &otrs, fetch);
    plan.soql = soql;
    plan.notes.extend(fetched.notes);
    let mut plan = plan.to_json();
    // Only a fetch has logins and retries (sf_plan's `fetch` has neither).
    for counter in ["logins", "retries"] {
        plan["fetch"][counter] = json!(used(&usage_before, &usage_after, counter));
    }
    if let Some(run) = fetched.run {
        plan["run"] = run;
    }
    Ok(plan)
}

/// What a run read: the records to plan from (all of them), how many it
/// fetched, and for runs with a mirror what kind of run it was.
struct Fetched {
    records: Vec<SfRecord>,
    relations: Vec<Relation>,
    fetched: usize,
    pages: usize,
    notes: Vec<String>,
    run: Option<Value>,
}

/// Reads every record the settings select (and, in Contact mode, the
/// AccountContactRelation rows); with `mirror`, writes each record to it.
fn fetch_full(
    sf: &mut dyn RecordSource,
    spec: &Spec,
    soql: &str,
    mut mirror: Option<MirrorWriter>,
) -> Result<Fetched> {
    let mut records = Vec::new();
    let mut pages = fetch_all(sf, soql, "sync fetch", |r| {
        if let Some(w) = mirror.as_mut() {
            w.line(&r.to_string())?;
        }
        records.push(SfRecord::from_json(r, &spec.split_paths)?);
        Ok(())
    })?;
    let mut notes = Vec::new();
    let mut relations = Vec::new();
    if spec.kind == Kind::Customers && spec.settings.mode == Mode::Contact {
        if let Some(w) = mirror.as_mut() {
            w.relations_follow()?;
        }
        let fetched = fetch_all(sf, RELATIONS_SOQL, "AccountContactRelation fetch", |r| {
            if let Some(w) = mirror.as_mut() {
                w.line(&r.to_string())?;
            }
            if let Some(pair) = relation_from_json(r) {
                relations.push(pair);
            }
            Ok(())
        });
        match relations_available(fetched)? {
            Some(p) => pages += p,
            None => {
                relations.clear();
                notes.push(NO_RELATIONS.to_string());
            }
        }
    }
    if let Some(w) = mirror {
        w.finish()?;
    }
    Ok(Fetched {
        fetched: records.len(),
        records,
        relations,
        pages,
        notes,
        run: None,
    })
}

/// A run with a mirror: incremental when the mirror and Salesforce allow
/// it, else full; either way this run's mirror is written next to the old
/// one (see [`incremental`]).
fn fetch_for_run(
    sf: &mut dyn RecordSource,
    spec: &Spec,
    soql: &str,
    req: &RunRequest,
) -> Result<Fetched> {
    let now = incremental::server_time(sf)?;
    let org = incremental::org_id(sf)?;
    let next = req.next_path();
    let reason = match incremental::load(&req.mirror, &org, soql) {
        Err(why) => why,
        Ok(mirror) => match incremental::full_reason(spec, req, &mirror, now) {
            Some(why) => why,
            None => match fetch_changes(sf, spec, (&org, soql), mirror, now, &next).inspect_err(
                |_| {
                    let _ = std::fs::remove_file(&next);
                },
            )? {
                Ok(fetched) => return Ok(fetched),
                Err(why) => why,
            },
        },
    };
    let writer = MirrorWriter::create(&next, &org, soql, now, now)?;
    let mut fetched = fetch_full(sf, spec, soql, Some(writer)).inspect_err(|_| {
        // Half a mirror is no mirror.
        let _ = std::fs::remove_file(&next);
    })?;
    fetched.run = Some(json!({
        "kind": "full",
        "reason": reason,
        "watermark": epoch_to_sf_datetime(now),
        "mirror_next": next.to_string_lossy(),
    }));
    Ok(fetched)
}

/// The incremental read: deletions, records that left `Where`, changed
/// records, merged into `mirror`. `Ok(Err(reason))` when Salesforce
/// refuses the window (a full run is needed).
fn fetch_changes(
    sf: &mut dyn RecordSource,
    spec: &Spec,
    (org, soql): (&str, &str),
    mirror: Mirror,
    now: i64,
    next: &std::path::Path,
) -> Result<std::result::Result<Fetched, String>> {
    let since = mirror.watermark - OVERLAP_SECONDS;
    let deleted = match incremental::deleted_ids(sf, spec.object, since, now)? {
        Ok(ids) => ids,
        Err(why) => return Ok(Err(why)),
    };
    let mut records = mirror.records;
    let deleted_count = deleted
        .iter()
        .filter(|id| records.remove(*id).is_some())
        .count();

    let changed = incremental::changed_condition(spec, since);
    let user_where = spec.settings.where_clause.as_deref();
    let setting = match spec.kind {
        Kind::Companies => "SalesForceModule::Companies::Where",
        Kind::Customers => "SalesForceModule::Customers::Where",
    };
    let select = |fields: Vec<String>, cond: &str| {
        soql::build_select(&soql::Select {
            fields,
            object: spec.object,
            where_clause: Some(cond),
            where_setting: setting,
            limit: None,
            order_by_id: true,
        })
    };
    // Records deleted (in the Recycle Bin) or no longer matching Where
    // since then, in one queryAll; getDeleted above adds the ones purged
    // from the Recycle Bin.
    let mut pages = 0;
    let mut left_where = 0;
    let leaving = match user_where.map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => format!("(IsDeleted = true OR NOT ({w})) AND ({changed})"),
        None => format!("IsDeleted = true AND ({changed})"),
    };
    let leaving = select(vec!["Id".into(), "IsDeleted".into()], &leaving)?;
    let mut deleted_count = deleted_count;
    pages += fetch_query(
        sf,
        &leaving,
        true,
        "incremental fetch of deleted records and records that left Where",
        |r| {
            let Some(id) = r.get("Id").and_then(Value::as_str) else {
                return Ok(());
            };
            if records.remove(id).is_some() {
                if is_true(r.get("IsDeleted")) {
                    deleted_count += 1;
                } else {
                    left_where += 1;
                }
            }
            Ok(())
        },
    )?;
    let mut fetched = 0;
    let changed_soql = select(spec.paths.clone(), &incremental::and(user_where, &changed))?;
    pages += fetch_all(sf, &changed_soql, "incremental fetch", |r| {
        let id = r
            .get("Id")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::new(ErrorKind::Protocol, "a changed record has no Id"))?;
        records.insert(id.to_string(), r.to_string());
        fetched += 1;
        Ok(())
    })?;

    // Contact mode: AccountContactRelation rows changed or deleted since
    // then, in one queryAll.
    let contact_mode = spec.kind == Kind::Customers && spec.settings.mode == Mode::Contact;
    let mut relation_rows = mirror.relations;
    let mut notes = Vec::new();
    if contact_mode {
        let soql = format!(
            "SELECT Id, ContactId, AccountId, IsDeleted FROM AccountContactRelation WHERE SystemModstamp >= {} ORDER BY Id",
            epoch_to_sf_datetime(since)
        );
        let fetched = fetch_query(
            sf,
            &soql,
            true,
            "incremental AccountContactRelation fetch",
            |r| {
                if let Some(id) = r.get("Id").and_then(Value::as_str) {
                    if is_true(r.get("IsDeleted")) {
                        relation_rows.remove(id);
                    } else {
                        relation_rows.insert(id.to_string(), r.to_string());
                    }
                }
                Ok(())
            },
        );
        match relations_available(fetched)? {
            Some(p) => pages += p,
            None => {
                relation_rows.clear();
                notes.push(NO_RELATIONS.to_string());
            }
        }
    }

    let mut writer = MirrorWriter::create(next, org, soql, now, mirror.full_at)?;
    let mut planned = Vec::with_capacity(records.len());
    for line in records.values() {
        writer.line(line)?;
        planned.push(SfRecord::from_json(&mirror_line(line)?, &spec.split_paths)?);
    }
    let mut relations = Vec::with_capacity(relation_rows.len());
    if contact_mode {
        writer.relations_follow()?;
        for line in relation_rows.values() {
            writer.line(line)?;
            relations.extend(relation_from_json(&mirror_line(line)?));
        }
    }
    writer.finish()?;
    Ok(Ok(Fetched {
        records: planned,
        relations,
        fetched,
        pages,
        notes,
        run: Some(json!({
            "kind": "incremental",
            "reason": null,
            "since": epoch_to_sf_datetime(since),
            "watermark": epoch_to_sf_datetime(now),
            "changed": fetched,
            "deleted": deleted_count,
            "left_where": left_where,
            "mirror_next": next.to_string_lossy(),
        })),
    }))
}

/// The pages of an AccountContactRelation fetch, or `None` when the org has
/// no such object (INVALID_TYPE: planned without relations, with a note).
fn relations_available(fetched: Result<usize>) -> Result<Option<usize>> {
    match fetched {
        Ok(pages) => Ok(Some(pages)),
        Err(e) if e.sf_code.as_deref() == Some("INVALID_TYPE") => Ok(None),
        Err(e) => Err(e),
    }
}

/// A boolean field: SOAP gives the text "true", REST a JSON boolean.
fn is_true(value: Option<&Value>) -> bool {
    matches!(value, Some(Value::Bool(true))) || value.and_then(Value::as_str) == Some("true")
}

/// One line of a mirror as JSON.
fn mirror_line(line: &str) -> Result<Value> {
    serde_json::from_str(line).map_err(|e| {
        Error::new(
            ErrorKind::Protocol,
            format!("a mirror line is not JSON: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::tests::{acc, account, actions, con, contact};

    fn scripted(
        pages: Vec<Value>,
        relations: std::result::Result<Value, crate::Error>,
    ) -> impl FnMut(&str, &Value) -> crate::error::Result<Value> {
        let mut pages = pages.into_iter();
        let mut relations = Some(relations);
        let mut calls = 0u64;
        move |method, args| {
            calls += 1;
            match method {
                "query"
                    if args["soql"]
                        .as_str()
                        .unwrap()
                        .contains("AccountContactRelation") =>
                {
                    relations.take().expect("relations queried twice")
                }
                "query" | "queryMore" => {
                    if method == "queryMore" {
                        assert!(args["query_locator"].as_str().unwrap().starts_with("01g"));
                    }
                    pages
                        .next()
                        .ok_or_else(|| crate::Error::new(ErrorKind::Salesforce, "no more pages"))
                }
                "usage" => {
                    Ok(json!({"api_calls": calls, "logins": 1, "retries": 0, "limit_info": null}))
                }
                other => panic!("unexpected call {other}"),
            }
        }
    }

    #[test]
    fn fetch_and_plan_follows_every_page() {
        let pages = vec![
            json!({"done": false, "size": 3, "query_locator": "01gX-2", "records": [account(1, "A"), account(2, "B")]}),
            json!({"done": true, "size": 3, "query_locator": null, "records": [account(3, "C")]}),
        ];
        let mut call = scripted(pages, Ok(json!({})));
        let p = fetch_and_plan_with(
            &mut call,
            &json!({"kind": "companies", "settings": {}, "otrs": {}}),
        )
        .unwrap();
        assert_eq!(p["counts"]["create"], 3);
        assert_eq!(
            p["fetch"],
            json!({"records": 3, "pages": 2, "api_calls": 3, "logins": 0, "retries": 0, "complete": true})
        );
    }

    #[test]
    fn fetch_counts_the_logins_and_retries_of_this_run() {
        // The client's counters are cumulative: only the growth during the
        // fetch is this run's.
        let mut usages = vec![
            json!({"api_calls": 5, "logins": 2, "retries": 1, "limit_info": null}),
            json!({"api_calls": 9, "logins": 3, "retries": 4, "limit_info": null}),
        ]
        .into_iter();
        let mut call = move |method: &str, _: &Value| -> crate::error::Result<Value> {
            match method {
                "usage" => Ok(usages.next().expect("usage asked twice only")),
                "query" => Ok(json!({"done": true, "size": 1, "records": [account(1, "A")]})),
                other => panic!("unexpected call {other}"),
            }
        };
        let p = fetch_and_plan_with(
            &mut call,
            &json!({"kind": "companies", "settings": {}, "otrs": {}}),
        )
        .unwrap();
        assert_eq!(
            p["fetch"],
            json!({"records": 1, "pages": 1, "api_calls": 4, "logins": 1, "retries": 3, "complete": true})
        );

        // A client that cannot say: unknown, not zero.
        let mut call = |method: &str, _: &Value| -> crate::error::Result<Value> {
            match method {
                "usage" => Err(crate::Error::new(ErrorKind::Salesforce, "no usage")),
                "query" => Ok(json!({"done": true, "size": 0, "records": []})),
                other => panic!("unexpected call {other}"),
            }
        };
        let p = fetch_and_plan_with(
            &mut call,
            &json!({"kind": "companies", "settings": {}, "otrs": {}}),
        )
        .unwrap();
        assert_eq!(
            [
                &p["fetch"]["api_calls"],
                &p["fetch"]["logins"],
                &p["fetch"]["retries"]
            ],
            [&Value::Null, &Value::Null, &Value::Null]
        );
    }

    #[test]
    fn fetch_errors_are_errors_not_partial_plans() {
        let pages = vec![
            json!({"done": false, "size": 3, "query_locator": "01gX-2", "records": [account(1, "A")]}),
        ];
        let mut call = scripted(pages, Ok(json!({})));
        let e = fetch_and_plan_with(
            &mut call,
            &json!({"kind": "companies", "settings": {}, "otrs": {}}),
        )
        .unwrap_err();
        assert!(e.context.contains("page 2"), "{e}");
        let pages = vec![json!({"done": false, "records": []})];
        let mut call = scripted(pages, Ok(json!({})));
        assert!(fetch_and_plan_with(
            &mut call,
            &json!({"kind": "companies", "settings": {}, "otrs": {}})
        )
        .is_err());
    }

    #[test]
    fn contact_mode_without_account_contact_relation_plans_and_notes_it() {
        let pages = vec![
            json!({"done": true, "size": 1, "records": [contact(1, Some("Ann"), Some("a@x.org"), Some(2))]}),
        ];
        let err = crate::Error::new(
            ErrorKind::Salesforce,
            "sObject type 'AccountContactRelation' is not supported",
        )
        .with_sf_code("INVALID_TYPE");
        let mut call = scripted(pages, Err(err));
        let args = json!({"kind": "customers", "settings": {"mode": "Contact"}, "otrs": {}});
        let p = fetch_and_plan_with(&mut call, &args).unwrap();
        assert_eq!(p["counts"]["create"], 1);
        assert!(p["notes"][0].as_str().unwrap().contains("INVALID_TYPE"));

        let pages = vec![
            json!({"done": true, "size": 1, "records": [contact(1, Some("Ann"), Some("a@x.org"), Some(2))]}),
        ];
        let rel = json!({"done": true, "size": 2, "records": [
            {"type": "AccountContactRelation", "ContactId": con(1), "AccountId": acc(2)},
            {"type": "AccountContactRelation", "ContactId": con(1), "AccountId": acc(3)}]});
        let mut call = scripted(pages, Ok(rel));
        let p = fetch_and_plan_with(&mut call, &args).unwrap();
        assert_eq!(actions(&p, "create")[0]["memberships_add"], json!([acc(3)]));
        assert_eq!(p["fetch"]["pages"], 2);

        let pages = vec![json!({"done": true, "size": 0, "records": []})];
        let other = crate::Error::new(ErrorKind::Transport, "connection reset");
        let mut call = scripted(pages, Err(other));
        assert!(fetch_and_plan_with(&mut call, &args).is_err());
    }
}
