//! REST: /services/data, query / queryAll / nextRecordsUrl paging,
//! sobjects describe, record get, limits. Errors are JSON arrays.

use crate::describe;
use crate::http::{Mangle, Request, Response};
use crate::ids;
use crate::render::{self, json_str};
use crate::replication::{self, ReplError};
use crate::soap::{fault_response, major};
use crate::soql::{self, Rows};
use crate::state::{lock, read, FaultKind, State};
use crate::{clock, timeutil};
use std::sync::Arc;

pub fn error_response(status: u16, code: &str, message: &str) -> Response {
    let mut body = String::from("[{\"message\":");
    json_str(&mut body, message);
    body.push_str(",\"errorCode\":");
    json_str(&mut body, code);
    body.push_str("}]");
    Response::new(status, "application/json;charset=UTF-8", body)
}

fn json(state: &State, body: String) -> Response {
    let (cur, lim) = state.api_usage();
    Response::new(200, "application/json;charset=UTF-8", body)
        .header("Sforce-Limit-Info", format!("api-usage={cur}/{lim}"))
}

fn with_limit(state: &State, r: Response) -> Response {
    let (cur, lim) = state.api_usage();
    r.header("Sforce-Limit-Info", format!("api-usage={cur}/{lim}"))
}

/// GET /services/data/…
pub fn handle(state: &State, req: &Request) -> Response {
    let rest = req
        .path
        .trim_start_matches("/services/data")
        .trim_matches('/');
    if rest.is_empty() {
        state.count_call("rest_versions");
        let versions: Vec<String> = (31..=66)
            .map(|v| format!("{{\"label\":\"v{v}.0\",\"url\":\"/services/data/v{v}.0\",\"version\":\"{v}.0\"}}"))
            .collect();
        return Response::new(
            200,
            "application/json;charset=UTF-8",
            format!("[{}]", versions.join(",")),
        );
    }
    let mut parts = rest.splitn(2, '/');
    let vpart = parts.next().unwrap_or("");
    let tail = parts.next().unwrap_or("");
    let Some(version) = vpart.strip_prefix('v').filter(|v| major(v).is_some()) else {
        return error_response(404, "NOT_FOUND", "The requested resource does not exist");
    };
    if major(version).unwrap_or(0) < 31 {
        return error_response(410, "GONE", "The requested resource no longer exists");
    }
    let segs: Vec<&str> = tail.split('/').filter(|s| !s.is_empty()).collect();
    let kind = match segs.as_slice() {
        [] => "rest_resources",
        ["query"] => "rest_query",
        ["queryAll"] => "rest_queryAll",
        ["query", _] | ["queryAll", _] => "rest_query_more",
        ["sobjects"] => "rest_sobjects",
        ["sobjects", _, "describe"] => "rest_describe",
        ["sobjects", _, "updated"] => "rest_updated",
        ["sobjects", _, "deleted"] => "rest_deleted",
        ["sobjects", _, _] => "rest_retrieve",
        ["limits"] => "rest_limits",
        ["search"] => "rest_search",
        _ => "rest_other",
    };
    state.count_call(kind);
    let page = match kind {
        "rest_query" | "rest_queryAll" => Some(1),
        "rest_query_more" => {
            let id = segs[1].split('-').next().unwrap_or("");
            lock(&state.cursors).get(id).map(|c| c.pages_served + 1)
        }
        _ => None,
    };
    let mut mangle = None;
    if let Some(rule) = state.take_fault(kind, page) {
        if let Some(r) = fault_response(&rule, false) {
            if rule.kind == FaultKind::InvalidSession {
                if let Some(t) = bearer(req) {
                    state.end_session(&t);
                }
            }
            return r;
        }
        match rule.kind {
            FaultKind::Latency => std::thread::sleep(std::time::Duration::from_millis(rule.ms)),
            FaultKind::DropMidBody => mangle = Some(Mangle::DropMidBody),
            FaultKind::Truncate => mangle = Some(Mangle::Truncate),
            FaultKind::Slow => mangle = Some(Mangle::Slow(rule.ms)),
            _ => {}
        }
    }
    if req.method != "GET" {
        return error_response(
            405,
            "METHOD_NOT_ALLOWED",
            &format!("HTTP Method '{}' not allowed. Allowed are GET", req.method),
        );
    }
    let Some(token) = bearer(req) else {
        return error_response(401, "INVALID_SESSION_ID", "Session expired or invalid");
    };
    if state.use_session(&token).is_err() {
        return error_response(401, "INVALID_SESSION_ID", "Session expired or invalid");
    }
    if state.count_api_call().is_err() {
        return with_limit(
            state,
            error_response(
                403,
                "REQUEST_LIMIT_EXCEEDED",
                "TotalRequests Limit exceeded.",
            ),
        );
    }
    let mut resp = match segs.as_slice() {
        [] => json(
            state,
            format!(
                "{{\"limits\":\"/services/data/v{version}/limits\",\"query\":\"/services/data/v{version}/query\",\"queryAll\":\"/services/data/v{version}/queryAll\",\"sobjects\":\"/services/data/v{version}/sobjects\",\"search\":\"/services/data/v{version}/search\"}}"
            ),
        ),
        ["query"] | ["queryAll"] => query(state, req, version, segs[0] == "queryAll"),
        ["query", loc] | ["queryAll", loc] => query_more(state, req, version, loc),
        ["search"] => search(state, req, version),
        ["sobjects"] => {
            let org = read(&state.org);
            json(state, describe::global_json(&org.schema).to_string())
        }
        ["sobjects", ty, "describe"] => {
            let org = read(&state.org);
            match org.schema.object(ty) {
                Some(o) => json(state, describe::sobject_json(&org.schema, o).to_string()),
                None => with_limit(state, error_response(404, "NOT_FOUND", "The requested resource does not exist")),
            }
        }
        ["sobjects", ty, "updated"] | ["sobjects", ty, "deleted"] => replication(state, req, ty, segs[2]),
        ["sobjects", ty, id] => retrieve(state, req, version, ty, id),
        ["limits"] => {
            let (cur, lim) = state.api_usage();
            json(
                state,
                format!(
                    "{{\"DailyApiRequests\":{{\"Max\":{lim},\"Remaining\":{}}},\"DataStorageMB\":{{\"Max\":5,\"Remaining\":4}}}}",
                    lim.saturating_sub(cur)
                ),
            )
        }
        _ => with_limit(state, error_response(404, "NOT_FOUND", "The requested resource does not exist")),
    };
    resp.mangle = mangle;
    resp
}

/// `sobjects/{Type}/updated/?start=&end=` and `…/deleted/?start=&end=`.
fn replication(state: &State, req: &Request, ty: &str, which: &str) -> Response {
    // an unencoded `+00:00` offset arrives as a space after form decoding
    let arg = |k| req.param(k).unwrap_or_default().replace(' ', "+");
    let (start, end) = (arg("start"), arg("end"));
    let limit = state.cfg().replication_id_limit;
    let now = clock::now();
    let org = read(&state.org);
    let date = |ms: i64| timeutil::rest_datetime(&timeutil::format_datetime(ms));
    let mut out = String::new();
    let result = if which == "updated" {
        replication::updated(&org, ty, &start, &end, now, limit).map(|r| {
            out.push_str("{\"ids\":[");
            for (i, id) in r.ids.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_str(&mut out, id);
            }
            out.push_str("],\"latestDateCovered\":");
            json_str(&mut out, &date(r.latest_date_covered));
            out.push('}');
        })
    } else {
        replication::deleted(&org, ty, &start, &end, now, limit).map(|r| {
            out.push_str("{\"deletedRecords\":[");
            for (i, (id, at)) in r.records.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str("{\"id\":");
                json_str(&mut out, id);
                out.push_str(",\"deletedDate\":");
                json_str(&mut out, &date(*at));
                out.push('}');
            }
            out.push_str("],\"earliestDateAvailable\":");
            json_str(&mut out, &date(r.earliest_date_available));
            out.push_str(",\"latestDateCovered\":");
            json_str(&mut out, &date(r.latest_date_covered));
            out.push('}');
        })
    };
    drop(org);
    match result {
        Ok(()) => json(state, out),
        Err(ReplError::UnknownType(_)) => with_limit(
            state,
            error_response(404, "NOT_FOUND", "The requested resource does not exist"),
        ),
        Err(ReplError::Fault { code, message }) => {
            with_limit(state, error_response(400, code, &message))
        }
    }
}

fn bearer(req: &Request) -> Option<String> {
    let h = req.header("authorization")?;
    let (scheme, tok) = h.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth") {
        Some(tok.trim().to_string())
    } else {
        None
    }
}

fn batch_size(state: &State, req: &Request) -> usize {
    let default = state.cfg().default_batch_size;
    req.header("sforce-query-options")
        .and_then(|v| {
            v.split(',').find_map(|p| {
                let (k, val) = p.split_once('=')?;
                (k.trim().eq_ignore_ascii_case("batchSize"))
                    .then(|| val.trim().parse::<usize>().ok())
                    .flatten()
            })
        })
        .unwrap_or(default)
        .clamp(200, 2000)
}

fn query(state: &State, req: &Request, version: &str, all: bool) -> Response {
    let Some(q) = req.param("q") else {
        return with_limit(
            state,
            error_response(400, "MALFORMED_QUERY", "A query string has to be specified"),
        );
    };
    let batch = batch_size(state, req);
    let org = read(&state.org);
    let compiled = match soql::compile(&org.schema, &q) {
        Ok(c) => c,
        Err(e) => return with_limit(state, error_response(400, e.code, &e.message)),
    };
    let rs = Arc::new(soql::execute(&org, &compiled, all));
    let rows = if matches!(rs.rows, Rows::Count(_)) {
        0
    } else {
        rs.len()
    };
    let next = if rows > batch {
        let id = state.store_cursor(Arc::clone(&rs), batch, version);
        Some(format!(
            "/services/data/v{version}/{}/{id}-{batch}",
            if all { "queryAll" } else { "query" }
        ))
    } else {
        None
    };
    let mut out = String::with_capacity(batch.min(rows) * 500 + 128);
    render::json_query_result(&mut out, &org, &rs, 0, batch, next.as_deref(), version);
    json(state, out)
}

fn query_more(state: &State, req: &Request, version: &str, loc: &str) -> Response {
    let bad = || {
        with_limit(
            state,
            error_response(400, "INVALID_QUERY_LOCATOR", "invalid query locator"),
        )
    };
    let Some((id, pos)) = loc.rsplit_once('-') else {
        return bad();
    };
    let Ok(pos) = pos.parse::<usize>() else {
        return bad();
    };
    let ttl = state.cfg().locator_ttl_secs as i64 * 1000;
    let (rs, batch) = {
        let mut cursors = lock(&state.cursors);
        let now = timeutil::now_millis();
        let Some(c) = cursors.get_mut(id) else {
            return bad();
        };
        if now - c.last_used > ttl {
            cursors.remove(id);
            return bad();
        }
        c.last_used = now;
        c.pages_served += 1;
        let b = if req.header("sforce-query-options").is_some() {
            batch_size(state, req)
        } else {
            c.batch
        };
        (Arc::clone(&c.result), b)
    };
    let total = rs.len();
    if pos > total {
        return bad();
    }
    let end = (pos + batch).min(total);
    let all = req.path.contains("/queryAll/");
    let next = if end < total {
        Some(format!(
            "/services/data/v{version}/{}/{id}-{end}",
            if all { "queryAll" } else { "query" }
        ))
    } else {
        lock(&state.cursors).remove(id);
        None
    };
    let org = read(&state.org);
    let mut out = String::with_capacity((end - pos) * 500 + 128);
    render::json_query_result(
        &mut out,
        &org,
        &rs,
        pos,
        end - pos,
        next.as_deref(),
        version,
    );
    json(state, out)
}

fn retrieve(state: &State, req: &Request, version: &str, ty: &str, id: &str) -> Response {
    let org = read(&state.org);
    let Some(obj) = org.schema.object(ty) else {
        return with_limit(
            state,
            error_response(404, "NOT_FOUND", "The requested resource does not exist"),
        );
    };
    let def = org.schema.def(obj);
    let fields = req.param("fields").unwrap_or_else(|| {
        def.fields
            .iter()
            .map(|f| f.name.clone())
            .collect::<Vec<_>>()
            .join(",")
    });
    let compiled = match soql::compile(&org.schema, &format!("SELECT {fields} FROM {}", def.name)) {
        Ok(c) => c,
        Err(e) => return with_limit(state, error_response(400, e.code, &e.message)),
    };
    let rec = ids::to18(id)
        .and_then(|i| org.get_live(&i).cloned())
        .filter(|r| r.obj == obj);
    let Some(rec) = rec else {
        return with_limit(
            state,
            error_response(404, "NOT_FOUND", "The requested resource does not exist"),
        );
    };
    let rs = soql::ResultSet {
        plan: Arc::clone(&compiled.plan),
        rows: Rows::Records(vec![rec]),
        children: Vec::new(),
    };
    let mut out = String::new();
    render::json_query_result(&mut out, &org, &rs, 0, 1, None, version);
    // unwrap the single record from the page
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    let rec = v
        .get("records")
        .and_then(|r| r.get(0))
        .cloned()
        .unwrap_or_default();
    json(state, rec.to_string())
}

fn search(state: &State, req: &Request, version: &str) -> Response {
    let Some(q) = req.param("q") else {
        return with_limit(
            state,
            error_response(
                400,
                "MALFORMED_SEARCH",
                "No search term found. The search term must be enclosed in braces.",
            ),
        );
    };
    let org = read(&state.org);
    let groups = match crate::sosl::run(&org, &q) {
        Ok(g) => g,
        Err(e) => return with_limit(state, error_response(400, e.code, &e.message)),
    };
    let mut out = String::from("{\"searchRecords\":[");
    let mut first = true;
    for (rs, rows) in &groups {
        for r in rows {
            if !first {
                out.push(',');
            }
            first = false;
            render::json_record(&mut out, &org, &rs.plan, &rs.children, r, version);
        }
    }
    out.push_str("]}");
    json(state, out)
}
