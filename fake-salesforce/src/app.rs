//! Routing of every request to the SOAP, REST, OAuth and control handlers.

use crate::http::{Request, Response};
use crate::state::{lock, State};
use crate::{control, oauth, rest, soap};
use std::sync::Arc;

pub fn route(state: &Arc<State>, req: &Request) -> Response {
    let started = std::time::Instant::now();
    lock(&state.stats).requests += 1;
    let path = req.path.as_str();
    let is_control = path.starts_with("/_fake/");
    if !is_control {
        let ms = state.cfg().latency_ms;
        if ms > 0 {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
    }
    let resp = if let Some(rest) = path.strip_prefix("/services/Soap/u/") {
        let version = rest.split('/').next().unwrap_or("");
        if req.method != "POST" {
            Response::new(405, "text/plain", "SOAP requests must use POST")
        } else {
            soap::handle(state, req, version)
        }
    } else if path == "/services/oauth2/token" {
        oauth::handle(state, req)
    } else if path == "/services/data" || path.starts_with("/services/data/") {
        rest::handle(state, req)
    } else if path == "/_fake/control" {
        control::control(state, req)
    } else if path == "/_fake/stats" {
        control::stats(state)
    } else if path == "/_fake/data" {
        control::data(state, req)
    } else if path == "/_fake/health" {
        Response::new(200, "application/json", "{\"ok\":true}")
    } else {
        rest::error_response(404, "NOT_FOUND", "The requested resource does not exist")
    };
    if state.log_requests() {
        // path only: query strings and bodies may carry secrets
        eprintln!(
            "fake-salesforce: {} {} -> {} ({} ms)",
            req.method,
            path,
            resp.status,
            started.elapsed().as_millis()
        );
    }
    resp
}
