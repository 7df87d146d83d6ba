//! The client: one Salesforce session over the wire modules (auth,
//! transport, the SOAP and REST codecs). It sends SOAP calls and REST GETs
//! with the session; what a call method means (the method table,
//! `Client::call`) is the `api` layer's, paging is the `query` layer's.
//!
//! The client keeps one session and reuses it across calls. When Salesforce
//! says the session is no longer valid (SOAP fault `INVALID_SESSION_ID`,
//! REST HTTP 401) it logs in again once and repeats the request; a ready
//! access token (flow `access-token`) cannot be renewed, so there the error
//! is returned.

use crate::auth::{self, AuthState, Session};
use crate::config::{Config, Secret};
use crate::error::{Error, ErrorKind, Result};
use crate::soap::{self, Namespaces, RequestOptions};
use crate::transport::{Body, HttpResponse, Purpose, Request, Transport};
use crate::usage::{LimitInfo, Usage};
use serde_json::{json, Value};
use std::fmt;

/// A Salesforce client built from a JSON configuration (see
/// doc/dev/ARCHITECTURE.md, "Client configuration").
pub struct Client {
    cfg: Config,
    ns: Namespaces,
    transport: Transport,
    auth: AuthState,
    session: Option<Session>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.cfg)
            .field("session", &self.session)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client from its JSON configuration. Does not log in yet.
    pub fn from_json(config: &str) -> Result<Client> {
        Client::from_config(Config::from_json(config)?)
    }

    /// Builds a client from a checked configuration. Does not log in yet.
    pub fn from_config(cfg: Config) -> Result<Client> {
        let transport = Transport::new(&cfg)?;
        let ns = Namespaces {
            partner: cfg.partner_ns.clone(),
            sobject: cfg.sobject_ns.clone(),
            metadata: cfg.metadata_ns.clone(),
            prefix: cfg.prefix.clone(),
        };
        Ok(Client {
            cfg,
            ns,
            transport,
            auth: AuthState::default(),
            session: None,
        })
    }

    /// The checked configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Warnings about the configuration (retired versions replaced, ...).
    pub fn warnings(&self) -> &[String] {
        &self.cfg.warnings
    }

    /// Requests this client counted so far.
    pub fn usage(&self) -> &Usage {
        self.transport.usage()
    }

    /// The latest API usage figures Salesforce reported, if any.
    pub fn limit_info(&self) -> Option<&LimitInfo> {
        self.transport.limit_info()
    }

    /// Keeps the API usage figures of a decoded response.
    pub(crate) fn note_limit_info(&mut self, limit_info: Option<LimitInfo>) {
        self.transport.note_limit_info(limit_info);
    }

    /// Shortens the retry backoff (tests).
    #[doc(hidden)]
    pub fn set_backoff_base(&mut self, base: std::time::Duration) {
        self.transport.backoff_base = base;
    }

    /// Logs in now, replacing any session.
    fn login_now(&mut self) -> Result<&Session> {
        self.session = None;
        let s = auth::login(&self.cfg, &self.ns, &mut self.transport, &mut self.auth)?;
        Ok(self.session.insert(s))
    }

    /// The current session, logging in first when there is none.
    pub(crate) fn session(&mut self) -> Result<&Session> {
        if self.session.is_none() {
            self.login_now()?;
        }
        match &self.session {
            Some(s) => Ok(s),
            None => Err(Error::new(ErrorKind::Auth, "no session")),
        }
    }

    /// Whether `e` says the session is gone and we may log in again.
    fn should_relogin(&self, e: &Error) -> bool {
        self.cfg.auth_flow.can_relogin()
            && (e.sf_code.as_deref() == Some("INVALID_SESSION_ID")
                || (e.http_status == Some(401) && e.kind != ErrorKind::Auth))
    }

    /// Runs `once`, and once more after a fresh login when Salesforce said
    /// the session is no longer valid.
    fn with_relogin<T>(&mut self, mut once: impl FnMut(&mut Client) -> Result<T>) -> Result<T> {
        match once(self) {
            Err(e) if self.should_relogin(&e) => {
                self.login_now()?;
                once(self)
            }
            other => other,
        }
    }

    /// One SOAP call with the session header, decoded, re-logging in once
    /// when the session expired. `idempotent` says whether a request that
    /// may have reached Salesforce can be sent again.
    pub(crate) fn soap_call(
        &mut self,
        method: &str,
        args: &Value,
        batch_size: Option<u32>,
        context: &str,
        idempotent: bool,
    ) -> Result<Value> {
        self.with_relogin(|c| c.soap_call_once(method, args, batch_size, context, idempotent))
    }

    fn soap_call_once(
        &mut self,
        method: &str,
        args: &Value,
        batch_size: Option<u32>,
        context: &str,
        idempotent: bool,
    ) -> Result<Value> {
        let response = self.soap_send(method, args, batch_size, context, idempotent, |resp| {
            soap::parse_call_response(method, resp.status, &resp.body)
        })?;
        self.note_limit_info(response.limit_info);
        Ok(response.result)
    }

    /// One SOAP request with the session header, re-logging in once when
    /// the session expired; `interpret` turns each complete response into
    /// the result (see `Transport::send`).
    pub(crate) fn soap_request<T>(
        &mut self,
        method: &str,
        args: &Value,
        batch_size: Option<u32>,
        context: &str,
        idempotent: bool,
        mut interpret: impl FnMut(HttpResponse) -> Result<T>,
    ) -> Result<T> {
        self.with_relogin(|c| {
            c.soap_send(
                method,
                args,
                batch_size,
                context,
                idempotent,
                &mut interpret,
            )
        })
    }

    fn soap_send<T>(
        &mut self,
        method: &str,
        args: &Value,
        batch_size: Option<u32>,
        context: &str,
        idempotent: bool,
        interpret: impl FnMut(HttpResponse) -> Result<T>,
    ) -> Result<T> {
        let session = self.session()?.clone();
        let opts = RequestOptions {
            session_id: Some(session.token.expose()),
            batch_size,
            client_name: Some(&self.cfg.client_name),
        };
        let envelope = soap::call_request(&self.ns, method, args, &opts)?;
        let req = Request::soap(&session.server_url, envelope, Purpose::Api, idempotent);
        self.transport.send(&req, context, interpret)
    }

    /// GET of a REST resource (`path` starting with `/services/data/`)
    /// with the session's bearer token, re-logging in once on HTTP 401;
    /// `interpret` turns each complete response into the result.
    pub(crate) fn rest_get<T>(
        &mut self,
        path: &str,
        batch_size: Option<u32>,
        context: &str,
        mut interpret: impl FnMut(HttpResponse) -> Result<T>,
    ) -> Result<T> {
        self.with_relogin(|c| c.rest_get_once(path, batch_size, context, &mut interpret))
    }

    fn rest_get_once<T>(
        &mut self,
        path: &str,
        batch_size: Option<u32>,
        context: &str,
        interpret: impl FnMut(HttpResponse) -> Result<T>,
    ) -> Result<T> {
        let session = self.session()?.clone();
        let url = format!("{}{}", session.instance_url, path);
        let mut headers = Vec::new();
        if let Some(b) = batch_size {
            headers.push(("Sforce-Query-Options", format!("batchSize={b}")));
        }
        let req = Request {
            get: true,
            url: &url,
            body: Body::None,
            bearer: Some(&session.token),
            basic: None,
            headers,
            purpose: Purpose::Api,
            idempotent: true,
        };
        self.transport.send(&req, context, interpret)
    }

    /// The `login` result (no secrets).
    pub(crate) fn login_result(&mut self) -> Result<Value> {
        let flow = self.cfg.auth_flow.name();
        let api_version = self.cfg.api_version.clone();
        let warnings = self.cfg.warnings.clone();
        self.login_now()?;
        self.fill_identity()?;
        let s = self.session()?;
        Ok(json!({
            "user_id": s.user_id,
            "org_id": s.org_id,
            "user_name": s.user_name,
            "instance_url": s.instance_url,
            "api_version": api_version,
            "flow": flow,
            "server_url": s.server_url,
            "warnings": warnings,
        }))
    }

    /// OAuth flows may not tell who we are (client credentials has no
    /// username, a ready access token tells nothing): ask `getUserInfo`.
    /// For a ready access token this also proves that the token works.
    fn fill_identity(&mut self) -> Result<()> {
        let complete = self.session.as_ref().is_some_and(|s| {
            s.user_id.is_some()
                && s.org_id.as_deref().is_some_and(|o| o.len() == 18)
                && s.user_name.is_some()
        });
        if complete {
            return Ok(());
        }
        let info = self
            .soap_call("getUserInfo", &json!({}), None, "login (getUserInfo)", true)
            .map_err(|mut e| {
                e.context = "login (getUserInfo)".to_string();
                e
            })?;
        let text = |k: &str| info.get(k).and_then(Value::as_str).map(str::to_string);
        if let Some(s) = self.session.as_mut() {
            s.user_id = text("userId").or(s.user_id.take());
            s.org_id = text("organizationId").or(s.org_id.take());
            s.user_name = text("userName").or(s.user_name.take());
        }
        Ok(())
    }

    /// Ends the session (SOAP `logout`), if there is one.
    pub(crate) fn logout(&mut self) -> Result<Value> {
        if self.session.is_some() {
            // A session that already expired needs no logout: do not log
            // in just to log out.
            let result = self.soap_call_once("logout", &json!({}), None, "logout", true);
            self.session = None;
            match result {
                Ok(_) => {}
                Err(e) if e.sf_code.as_deref() == Some("INVALID_SESSION_ID") => {}
                Err(e) => return Err(e),
            }
        }
        Ok(json!({}))
    }

    /// Replaces any configured secret or the session token that might
    /// have slipped into an error text (servers echo things).
    pub(crate) fn scrub(&self, mut e: Error) -> Error {
        let mut secrets: Vec<&Secret> = Vec::new();
        for s in [
            &self.cfg.password,
            &self.cfg.security_token,
            &self.cfg.client_secret,
            &self.cfg.private_key,
            &self.cfg.refresh_token,
            &self.cfg.access_token,
            &self.cfg.proxy,
        ]
        .into_iter()
        .flatten()
        {
            secrets.push(s);
        }
        if let Some(s) = &self.session {
            secrets.push(&s.token);
        }
        if let Some(r) = self.auth.refresh_token() {
            secrets.push(r);
        }
        for s in secrets {
            let v = s.expose();
            // Very short values would redact ordinary words.
            if v.len() >= 4 {
                e.message = e.message.replace(v, "[redacted]");
                e.context = e.context.replace(v, "[redacted]");
            }
        }
        if let Some(p) = self
            .cfg
            .proxy
            .as_ref()
            .and_then(|p| reqwest::Url::parse(p.expose()).ok())
        {
            if let Some(pw) = p.password() {
                if pw.len() >= 4 {
                    e.message = e.message.replace(pw, "[redacted]");
                }
            }
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_can_move_between_threads() {
        // The C ABI and Perl may hand a client to another thread.
        fn is_send<T: Send>() {}
        is_send::<Client>();
    }

    #[test]
    fn debug_shows_no_secrets() {
        let c = Client::from_json(
            r#"{"username": "u", "password": "PW-9f8e7d", "security_token": "TOK-1a2b3c",
                "proxy": "http://pu:PX-5g6h7i@proxy.example:3128"}"#,
        )
        .unwrap();
        let d = format!("{c:?}");
        for s in ["PW-9f8e7d", "TOK-1a2b3c", "PX-5g6h7i"] {
            assert!(!d.contains(s), "{d}");
        }
    }

    #[test]
    fn scrub_removes_configured_secrets_from_errors() {
        let c = Client::from_json(r#"{"username": "u", "password": "PW-9f8e7d"}"#).unwrap();
        let e = c.scrub(Error::new(
            ErrorKind::Salesforce,
            "server echoed PW-9f8e7d back",
        ));
        assert_eq!(e.message, "server echoed [redacted] back");
    }
}
