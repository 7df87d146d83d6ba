//! The test hooks: POST /_fake/control (faults, switches), GET /_fake/stats,
//! POST /_fake/data (change records between runs).

use crate::http::{Request, Response};
use crate::state::{lock, read, write, FaultRule, State, Stats};
use crate::store::{Input, WriteError};
use crate::{clock, timeutil};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;

fn bad(msg: impl Into<String>) -> Response {
    Response::new(
        400,
        "application/json",
        json!({"ok": false, "error": msg.into()}).to_string(),
    )
}

fn ok(v: Value) -> Response {
    Response::new(200, "application/json", v.to_string())
}

fn rule_summary(r: &FaultRule) -> Value {
    json!({"fault": r.kind.name(), "on": r.on, "remaining": r.remaining, "skip": r.skip, "page": r.page,
           "retry_after": r.retry_after, "ms": r.ms})
}

pub fn control(state: &State, req: &Request) -> Response {
    if req.method != "POST" {
        return bad("use POST with a JSON object");
    }
    let v: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => return bad(format!("body is not JSON: {e}")),
    };
    match apply_control(state, &v) {
        Ok(()) => {
            let rules: Vec<Value> = lock(&state.faults).iter().map(rule_summary).collect();
            let now = timeutil::format_datetime(clock::now());
            ok(json!({"ok": true, "faults": rules, "now": now}))
        }
        Err(e) => bad(e),
    }
}

/// Applies a control object (also used for --fault flags at start).
pub fn apply_control(state: &State, v: &Value) -> Result<(), String> {
    let o = v.as_object().ok_or("control body must be a JSON object")?;
    if o.get("fault").is_some_and(|f| f.is_string()) {
        let r = FaultRule::from_json(v)?;
        lock(&state.faults).push(r);
        return Ok(());
    }
    // validate everything before changing anything
    let mut rules = Vec::new();
    let mut clock_move = None;
    for (k, val) in o {
        match k.as_str() {
            "faults" => {
                for r in val.as_array().ok_or("'faults' must be an array of rules")? {
                    rules.push(FaultRule::from_json(r)?);
                }
            }
            "clear_faults" | "expire_sessions" | "invalidate_locators" | "reset_stats" | "login_refused"
            | "password_expired" | "trusted_ip" | "login_fault_prefixed" => {
                val.as_bool().ok_or_else(|| format!("'{k}' must be true or false"))?;
            }
            "latency_ms" | "soap_login_max_version" | "api_limit" | "api_usage" | "default_batch_size"
            | "session_ttl_secs" | "locator_ttl_secs" | "chunk_threshold" | "replication_id_limit" => {
                val.as_u64().ok_or_else(|| format!("'{k}' must be a non-negative integer"))?;
            }
            "clock" => {
                clock_move = Some(parse_clock(val)?);
            }
            "session_expire_after_calls" => {
                if !val.is_null() && val.as_u64().is_none() {
                    return Err("'session_expire_after_calls' must be a non-negative integer or null".into());
                }
            }
            other => {
                return Err(format!(
                    "unknown control key '{other}' (known: fault rule object, faults, clear_faults, expire_sessions, invalidate_locators, reset_stats, login_refused, password_expired, trusted_ip, login_fault_prefixed, latency_ms, soap_login_max_version, api_limit, api_usage, default_batch_size, session_ttl_secs, locator_ttl_secs, chunk_threshold, replication_id_limit, clock, session_expire_after_calls)"
                ))
            }
        }
    }
    let b = |k: &str| o.get(k).and_then(|v| v.as_bool());
    let n = |k: &str| o.get(k).and_then(|v| v.as_u64());
    match clock_move {
        Some(ClockMove::Advance(ms)) => {
            clock::advance(ms)?;
        }
        Some(ClockMove::Set(at)) => {
            clock::set(at)?;
        }
        None => {}
    }
    if b("clear_faults") == Some(true) {
        lock(&state.faults).clear();
    }
    lock(&state.faults).extend(rules);
    if b("expire_sessions") == Some(true) {
        state.expire_all_sessions();
    }
    if b("invalidate_locators") == Some(true) {
        state.invalidate_cursors();
    }
    if b("reset_stats") == Some(true) {
        *lock(&state.stats) = Stats::default();
    }
    if let Some(u) = n("api_usage") {
        state.api_calls.store(u, Ordering::SeqCst);
    }
    let mut cfg = write(&state.cfg);
    if let Some(x) = b("login_refused") {
        cfg.login_refused = x;
    }
    if let Some(x) = b("password_expired") {
        cfg.password_expired = x;
    }
    if let Some(x) = b("trusted_ip") {
        cfg.trusted_ip = x;
    }
    if let Some(x) = b("login_fault_prefixed") {
        cfg.login_fault_prefixed = x;
    }
    if let Some(x) = n("latency_ms") {
        cfg.latency_ms = x;
    }
    if let Some(x) = n("soap_login_max_version") {
        cfg.soap_login_max_version = x as u32;
    }
    if let Some(x) = n("api_limit") {
        cfg.api_limit = x;
    }
    if let Some(x) = n("default_batch_size") {
        cfg.default_batch_size = (x as usize).clamp(200, 2000);
    }
    if let Some(x) = n("session_ttl_secs") {
        cfg.session_ttl_secs = x;
    }
    if let Some(x) = n("locator_ttl_secs") {
        cfg.locator_ttl_secs = x;
    }
    if let Some(x) = n("chunk_threshold") {
        cfg.chunk_threshold = x as usize;
    }
    if let Some(x) = n("replication_id_limit") {
        cfg.replication_id_limit = x as usize;
    }
    if let Some(v) = o.get("session_expire_after_calls") {
        cfg.session_expire_after_calls = v.as_u64();
    }
    Ok(())
}

enum ClockMove {
    Advance(i64),
    Set(i64),
}

/// `{"advance_seconds": N}` or `{"set": "2026-01-31T12:00:00Z"}`.
fn parse_clock(v: &Value) -> Result<ClockMove, String> {
    let usage = "'clock' must be {\"advance_seconds\": N} or {\"set\": \"YYYY-MM-DDTHH:MM:SSZ\"}";
    let o = v.as_object().filter(|o| o.len() == 1).ok_or(usage)?;
    if let Some(n) = o.get("advance_seconds") {
        let secs = n
            .as_u64()
            .ok_or("clock.advance_seconds must be a non-negative integer")?;
        return Ok(ClockMove::Advance(secs as i64 * 1000));
    }
    if let Some(t) = o.get("set") {
        let at = t
            .as_str()
            .and_then(timeutil::parse_datetime)
            .ok_or("clock.set must be a dateTime such as 2026-01-31T12:00:00Z")?;
        // refuse a step back now, before anything else is applied
        if at < clock::now() {
            return Err(format!(
                "clock.set: {} is before the fake's now (the clock only moves forward)",
                t.as_str().unwrap_or("")
            ));
        }
        return Ok(ClockMove::Set(at));
    }
    Err(usage.into())
}

pub fn stats(state: &State) -> Response {
    let st = lock(&state.stats).clone();
    let (cur, lim) = state.api_usage();
    let org = read(&state.org);
    let mut records = serde_json::Map::new();
    for (i, o) in org.schema.objects.iter().enumerate() {
        let live = org.tables[i]
            .values()
            .filter(|r| r.deleted_at.is_none())
            .count();
        records.insert(o.name.clone(), json!(live));
    }
    let rules: Vec<Value> = lock(&state.faults).iter().map(rule_summary).collect();
    ok(json!({
        "calls": st.calls, "faults": st.faults, "requests": st.requests, "connections": st.connections,
        "api_usage": cur, "api_limit": lim,
        "sessions": lock(&state.sessions).len(), "cursors": lock(&state.cursors).len(),
        "records": records, "pending_faults": rules,
    }))
}

fn write_err(e: WriteError) -> String {
    match e {
        WriteError::Record(errs) => errs
            .iter()
            .map(|e| format!("{}: {}", e.status_code, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        WriteError::Fault { code, message } => format!("{code}: {message}"),
    }
}

/// `{"create":[{"type":"Account",...}], "update":[{"Id":...,...}], "delete":[ids], "undelete":[ids], "purge":[ids]}`
pub fn data(state: &State, req: &Request) -> Response {
    if req.method != "POST" {
        return bad("use POST with a JSON object");
    }
    let v: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => return bad(format!("body is not JSON: {e}")),
    };
    let Some(o) = v.as_object() else {
        return bad("body must be a JSON object");
    };
    for k in o.keys() {
        if !matches!(
            k.as_str(),
            "create" | "update" | "delete" | "undelete" | "purge"
        ) {
            return bad(format!(
                "unknown key '{k}' (known: create, update, delete, undelete, purge)"
            ));
        }
    }
    let now = clock::now();
    let mut org = write(&state.org);
    let user = org.user_id.clone();
    let mut created = Vec::new();
    let mut updated = 0;
    let mut deleted = 0;
    let list = |k: &str| {
        o.get(k)
            .and_then(|x| x.as_array())
            .cloned()
            .unwrap_or_default()
    };
    for (i, rec) in list("create").iter().enumerate() {
        let Some(m) = rec.as_object() else {
            return bad(format!("create[{i}] must be an object"));
        };
        let Some(ty) = m.get("type").and_then(|t| t.as_str()) else {
            return bad(format!("create[{i}]: 'type' (object name) is required"));
        };
        let Some(obj) = org.schema.object(ty) else {
            return bad(format!("create[{i}]: unknown object '{ty}'"));
        };
        let fields: Vec<(String, Input)> = m
            .iter()
            .filter(|(k, _)| *k != "type")
            .map(|(k, v)| (k.clone(), Input::from_json(v)))
            .collect();
        match org.insert(obj, &fields, &user, now, true) {
            Ok(id) => created.push(id),
            Err(e) => return bad(format!("create[{i}]: {}", write_err(e))),
        }
    }
    if let Err(e) = org.validate_references() {
        return bad(format!("create: {e}"));
    }
    for (i, rec) in list("update").iter().enumerate() {
        let Some(m) = rec.as_object() else {
            return bad(format!("update[{i}] must be an object"));
        };
        let Some(id) = m
            .get("Id")
            .and_then(|t| t.as_str())
            .and_then(crate::ids::to18)
        else {
            return bad(format!(
                "update[{i}]: 'Id' (15 or 18 characters) is required"
            ));
        };
        let Some(existing) = org.get(&id).cloned() else {
            return bad(format!("update[{i}]: no record {id}"));
        };
        let schema = std::sync::Arc::clone(&org.schema);
        let def = schema.def(existing.obj);
        let mut normal = Vec::new();
        let mut system = Vec::new();
        for (k, v) in m.iter().filter(|(k, _)| *k != "Id" && *k != "type") {
            let Some(fi) = def.field(k) else {
                return bad(format!("update[{i}]: no field '{k}' on {}", def.name));
            };
            if def.fields[fi].updateable {
                normal.push((k.clone(), Input::from_json(v)));
            } else {
                system.push((k.clone(), Input::from_json(v)));
            }
        }
        if let Err(e) = org.update(&id, None, &normal, &[], &user, now) {
            return bad(format!("update[{i}]: {}", write_err(e)));
        }
        if !system.is_empty() {
            if let Err(e) = org.system_set(&id, &system, &user, now) {
                return bad(format!("update[{i}]: {}", write_err(e)));
            }
        }
        updated += 1;
    }
    for id in list("delete").iter().filter_map(|x| x.as_str()) {
        if let Err(e) = org.delete(id, &user, now) {
            return bad(format!("delete {id}: {}: {}", e.status_code, e.message));
        }
        deleted += 1;
    }
    for id in list("undelete").iter().filter_map(|x| x.as_str()) {
        let Some(id18) = crate::ids::to18(id) else {
            return bad(format!("undelete: bad id {id}"));
        };
        if let Err(e) = org.undelete(&id18, &user, now) {
            return bad(format!("undelete {id}: {}: {}", e.status_code, e.message));
        }
    }
    let mut purged = 0;
    for id in list("purge").iter().filter_map(|x| x.as_str()) {
        if crate::ids::to18(id).is_some_and(|i| org.purge(&i, now)) {
            purged += 1;
        }
    }
    ok(
        json!({"ok": true, "created": created, "updated": updated, "deleted": deleted, "purged": purged}),
    )
}
