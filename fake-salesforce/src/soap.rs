//! The Partner SOAP endpoint: lenient request parsing (doc/dev/PROTOCOL.md,
//! "Request envelope and lenient parsing"), dispatch on the body's first
//! element, faults shaped as Salesforce sends them (doc/dev/PROTOCOL.md,
//! "SOAP faults" and "Login faults").

use crate::describe;
use crate::http::{Mangle, Request, Response};
use crate::ids;
use crate::render::{self, SOAP_DATA_HEAD};
use crate::replication::{self, ReplError};
use crate::soql::{self, Rows};
use crate::state::{lock, read, write, FaultKind, FaultRule, State};
use crate::store::{Input, RecError, Value, WriteError, ORG_ID15};
use crate::xml::{self, escape, escape_into, Elem};
use crate::{clock, timeutil};
use std::sync::Arc;

const FAULT_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>"#;

/// A SOAP fault to send (HTTP 500).
#[derive(Debug, Clone)]
pub struct Fault {
    pub code: String,
    pub fault_type: &'static str,
    pub message: String,
    pub bare: bool,
    pub row_col: Option<(i64, i64)>,
}

impl Fault {
    pub fn new(code: &str, fault_type: &'static str, message: impl Into<String>) -> Fault {
        Fault {
            code: code.to_string(),
            fault_type,
            message: message.into(),
            bare: false,
            row_col: None,
        }
    }

    fn login(code: &str, message: &str, prefixed: bool) -> Fault {
        Fault {
            code: code.into(),
            fault_type: "LoginFault",
            message: message.into(),
            bare: !prefixed,
            row_col: None,
        }
    }

    pub fn to_response(&self) -> Response {
        let mut out = String::with_capacity(1024);
        out.push_str(FAULT_HEAD);
        out.push_str("<faultcode>");
        if !self.bare {
            out.push_str("sf:");
        }
        out.push_str(&self.code);
        out.push_str("</faultcode><faultstring>");
        escape_into(&mut out, &format!("{}: {}", self.code, self.message));
        out.push_str("</faultstring><detail><sf:");
        out.push_str(self.fault_type);
        out.push_str(" xsi:type=\"sf:");
        out.push_str(self.fault_type);
        out.push_str("\"><sf:exceptionCode>");
        out.push_str(&self.code);
        out.push_str("</sf:exceptionCode><sf:exceptionMessage>");
        escape_into(&mut out, &self.message);
        out.push_str("</sf:exceptionMessage>");
        if let Some((r, c)) = self.row_col {
            out.push_str(&format!("<sf:row>{r}</sf:row><sf:column>{c}</sf:column>"));
        }
        out.push_str("</sf:");
        out.push_str(self.fault_type);
        out.push_str("></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>");
        Response::new(500, "text/xml;charset=UTF-8", out)
    }
}

fn soql_fault(e: soql::SoqlError) -> Fault {
    Fault {
        code: e.code.to_string(),
        fault_type: e.fault_type(),
        message: e.message.clone(),
        bare: false,
        row_col: Some((e.row, e.column)),
    }
}

pub fn invalid_session() -> Fault {
    Fault::new(
        "INVALID_SESSION_ID",
        "UnexpectedErrorFault",
        "Invalid Session ID found in SessionHeader: Illegal Session. Session not found, missing session hash: ******** This error usually occurs after a session expires or a user logs out. Decoder: DataInDbSessionKeyDecoder",
    )
}

fn invalid_locator() -> Fault {
    Fault::new(
        "INVALID_QUERY_LOCATOR",
        "InvalidQueryLocatorFault",
        "invalid query locator",
    )
}

fn invalid_type(name: &str) -> Fault {
    let mut f = Fault::new(
        "INVALID_TYPE",
        "InvalidSObjectFault",
        format!("sObject type '{name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."),
    );
    f.row_col = Some((-1, -1));
    f
}

/// The major version of `NN.0`, if it looks like one.
pub fn major(version: &str) -> Option<u32> {
    let (a, b) = version.split_once('.')?;
    if b.is_empty() || !b.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    a.parse().ok()
}

pub fn unsupported_version() -> Fault {
    Fault::new(
        "UNSUPPORTED_API_VERSION",
        "UnexpectedErrorFault",
        "Invalid Api version specified on URL",
    )
}

/// The response for a fault rule that replaces the answer, or None for rules
/// that alter the real answer (latency, drop mid-body, truncate, slow).
pub fn fault_response(rule: &FaultRule, soap: bool) -> Option<Response> {
    let msg = |d: &str| rule.message.clone().unwrap_or_else(|| d.to_string());
    let f = match rule.kind {
        FaultKind::Latency | FaultKind::DropMidBody | FaultKind::Truncate | FaultKind::Slow => return None,
        FaultKind::Drop => {
            let mut r = Response::new(500, "text/plain", "");
            r.mangle = Some(Mangle::DropNoResponse);
            return Some(r);
        }
        FaultKind::Http500 => {
            return Some(Response::new(500, "text/html;charset=UTF-8", "<html><head><title>Error</title></head><body>Internal Server Error</body></html>"));
        }
        FaultKind::Http503 => {
            let mut r = Response::new(503, "text/html;charset=UTF-8", "<html><head><title>Service Unavailable</title></head><body>The server is temporarily unable to service your request. Please try again later.</body></html>");
            if let Some(s) = rule.retry_after {
                r = r.header("Retry-After", s.to_string());
            }
            return Some(r);
        }
        FaultKind::Doctype => {
            let body = r#"<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE soapenv:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body><queryResponse><result><done>true</done><queryLocator>&xxe;</queryLocator><size>0</size></result></queryResponse></soapenv:Body></soapenv:Envelope>"#;
            return Some(Response::new(200, "text/xml;charset=UTF-8", body));
        }
        FaultKind::EntityExpansion => {
            let mut body = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#);
            body.push_str(r#"<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">"#);
            for i in 2..10 {
                let prev = format!("&lol{};", i - 1);
                body.push_str(&format!("<!ENTITY lol{i} \"{}\">", prev.repeat(10)));
            }
            body.push_str(r#"]><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body><queryResponse><result><done>true</done><queryLocator>&lol9;</queryLocator><size>0</size></result></queryResponse></soapenv:Body></soapenv:Envelope>"#);
            return Some(Response::new(200, "text/xml;charset=UTF-8", body));
        }
        FaultKind::InvalidSession => invalid_session(),
        FaultKind::RequestLimit => Fault::new("REQUEST_LIMIT_EXCEEDED", "UnexpectedErrorFault", msg("TotalRequests Limit exceeded.")),
        FaultKind::InvalidLocator => invalid_locator(),
        FaultKind::UnknownException => Fault::new(
            "UNKNOWN_EXCEPTION",
            "UnexpectedErrorFault",
            msg("An unexpected error occurred. Please include this ErrorId if you contact support: 1885715728-190751 (-565331838)"),
        ),
        FaultKind::ServerUnavailable => Fault::new("SERVER_UNAVAILABLE", "UnexpectedErrorFault", msg("Server unavailable, please try again later.")),
        FaultKind::QueryTimeout => Fault::new("QUERY_TIMEOUT", "UnexpectedErrorFault", msg("Your query request was running too long.")),
        FaultKind::InvalidLogin => Fault::login("INVALID_LOGIN", "Invalid username, password, security token; or user locked out.", false),
    };
    if soap {
        Some(f.to_response())
    } else {
        Some(crate::rest::error_response(
            rest_status(&f.code),
            &f.code,
            &f.message,
        ))
    }
}

fn rest_status(code: &str) -> u16 {
    match code {
        "INVALID_SESSION_ID" => 401,
        "REQUEST_LIMIT_EXCEEDED" => 403,
        "INVALID_QUERY_LOCATOR" | "MALFORMED_QUERY" | "INVALID_FIELD" | "INVALID_TYPE" => 400,
        "SERVER_UNAVAILABLE" => 503,
        _ => 500,
    }
}

/// Text of the first child (the positional argument), whatever its name.
fn positional(call: &Elem, name: &str, index: usize) -> Option<String> {
    call.child(name)
        .or_else(|| call.children.get(index))
        .map(|e| e.text.clone())
}

struct Ctx<'a> {
    state: &'a State,
    header: Option<&'a Elem>,
    version: String,
    session: Option<crate::state::Session>,
    session_id: String,
}

impl<'a> Ctx<'a> {
    fn header_value(&self, header: &str, child: &str) -> Option<String> {
        self.header
            .and_then(|h| h.child(header))
            .and_then(|h| h.child(child))
            .map(|c| c.text.trim().to_string())
    }

    fn batch_size(&self) -> Option<usize> {
        self.header_value("QueryOptions", "batchSize")
            .and_then(|b| b.parse::<usize>().ok())
    }

    fn user_id(&self) -> String {
        self.session
            .as_ref()
            .map(|s| s.user_id.clone())
            .unwrap_or_default()
    }
}

/// Handles POST /services/Soap/u/{version}[/{orgId}].
pub fn handle(state: &State, req: &Request, version: &str) -> Response {
    let doc = match xml::parse(&req.body) {
        Ok(d) => d,
        Err(e) => {
            state.count_call("soap_invalid");
            let mut f = Fault::new("XML_PARSER_ERROR", "UnexpectedErrorFault", e);
            f.fault_type = "UnexpectedErrorFault";
            return f.to_response();
        }
    };
    if doc.name != "Envelope" {
        state.count_call("soap_invalid");
        return Fault::new(
            "XML_PARSER_ERROR",
            "UnexpectedErrorFault",
            format!("expected a SOAP Envelope, found <{}>", doc.name),
        )
        .to_response();
    }
    let header = doc.child("Header");
    let Some(call) = doc.child("Body").and_then(|b| b.children.first()) else {
        state.count_call("soap_invalid");
        return Fault::new(
            "INVALID_OPERATION",
            "UnexpectedErrorFault",
            "No operation available for request: the SOAP Body is empty",
        )
        .to_response();
    };
    let name = call.name.clone();
    state.count_call(&name);
    match major(version) {
        Some(v) if v >= 31 => {}
        _ => return unsupported_version().to_response(),
    }
    let page = if name == "queryMore" {
        let loc = positional(call, "queryLocator", 0).unwrap_or_default();
        let id = loc.split('-').next().unwrap_or("").to_string();
        lock(&state.cursors).get(&id).map(|c| c.pages_served + 1)
    } else if name == "query" || name == "queryAll" {
        Some(1)
    } else {
        None
    };
    let mut mangle = None;
    if let Some(rule) = state.take_fault(&name, page) {
        if let Some(r) = fault_response(&rule, true) {
            if rule.kind == FaultKind::InvalidSession {
                if let Some(s) = header
                    .and_then(|h| h.child("SessionHeader"))
                    .and_then(|s| s.child("sessionId"))
                {
                    state.end_session(s.text.trim());
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
    let mut ctx = Ctx {
        state,
        header,
        version: version.to_string(),
        session: None,
        session_id: String::new(),
    };
    let result = if name == "login" {
        login(&ctx, call)
    } else {
        match authenticate(&mut ctx, &name) {
            Err(f) => Err(f),
            Ok(()) => dispatch(&ctx, &name, call),
        }
    };
    let mut resp = match result {
        Ok(body) => Response::new(200, "text/xml;charset=UTF-8", body),
        Err(f) => f.to_response(),
    };
    resp.mangle = mangle;
    resp
}

fn authenticate(ctx: &mut Ctx, call: &str) -> Result<(), Fault> {
    let sid = ctx
        .header_value("SessionHeader", "sessionId")
        .unwrap_or_default();
    if sid.is_empty() {
        return Err(invalid_session());
    }
    let session = ctx.state.use_session(&sid).map_err(|_| invalid_session())?;
    if session.restricted && call != "setPassword" && call != "logout" {
        return Err(Fault::new(
            "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
            "UnexpectedErrorFault",
            "The users password has expired, you must call SetPassword before attempting any other API operations",
        ));
    }
    if ctx.state.count_api_call().is_err() {
        return Err(Fault::new(
            "REQUEST_LIMIT_EXCEEDED",
            "UnexpectedErrorFault",
            "TotalRequests Limit exceeded.",
        ));
    }
    ctx.session = Some(session);
    ctx.session_id = sid;
    Ok(())
}

/// `<soapenv:Envelope …><soapenv:Header><LimitInfoHeader>…</soapenv:Header><soapenv:Body>`
fn data_head(ctx: &Ctx, cap: usize) -> String {
    let (cur, lim) = ctx.state.api_usage();
    let mut out = String::with_capacity(cap + 600);
    out.push_str(SOAP_DATA_HEAD);
    out.push_str("<soapenv:Header><LimitInfoHeader><limitInfo><current>");
    out.push_str(&cur.to_string());
    out.push_str("</current><limit>");
    out.push_str(&lim.to_string());
    out.push_str("</limit><type>API REQUESTS</type></limitInfo></LimitInfoHeader></soapenv:Header><soapenv:Body>");
    out
}

const TAIL: &str = "</soapenv:Body></soapenv:Envelope>";

fn wrap(ctx: &Ctx, call: &str, inner: &str) -> String {
    let mut out = data_head(ctx, inner.len() + 64);
    out.push('<');
    out.push_str(call);
    out.push_str("Response>");
    out.push_str(inner);
    out.push_str("</");
    out.push_str(call);
    out.push_str("Response>");
    out.push_str(TAIL);
    out
}

fn login(ctx: &Ctx, call: &Elem) -> Result<String, Fault> {
    let cfg = ctx.state.cfg();
    let v = major(&ctx.version).unwrap_or(0);
    if v > cfg.soap_login_max_version {
        return Err(Fault::new(
            "INVALID_OPERATION",
            "UnexpectedErrorFault",
            format!("The SOAP Login operation is not available in the API version specified ({}). Refer to the documentation for supported versions.", ctx.version),
        ));
    }
    let username = positional(call, "username", 0).unwrap_or_default();
    let password = positional(call, "password", 1).unwrap_or_default();
    let bad = || {
        Fault::login(
            "INVALID_LOGIN",
            "Invalid username, password, security token; or user locked out.",
            cfg.login_fault_prefixed,
        )
    };
    if cfg.login_refused || !username.trim().eq_ignore_ascii_case(&cfg.username) {
        return Err(bad());
    }
    let user_id = read(&ctx.state.org).user_id.clone();
    let current_pw = lock(&ctx.state.passwords)
        .get(&user_id)
        .cloned()
        .unwrap_or(cfg.password.clone());
    let with_token = format!("{current_pw}{}", cfg.security_token);
    if password != with_token {
        if password == current_pw && !cfg.trusted_ip {
            return Err(Fault::login(
                "LOGIN_MUST_USE_SECURITY_TOKEN",
                "Invalid username, password, security token; or user locked out. Are you at a new location? When accessing Salesforce--either via a desktop client or the API--from outside of your company's trusted networks, you must add a security token to your password to log in. To get your new security token, log in to Salesforce. From your personal settings, enter Reset My Security Token in the Quick Find box, then select Reset My Security Token.",
                cfg.login_fault_prefixed,
            ));
        }
        if !(password == current_pw && cfg.trusted_ip) {
            return Err(bad());
        }
    }
    let sid = ctx.state.new_session(&user_id, cfg.password_expired);
    let base = &cfg.base_url;
    let mut out = String::with_capacity(2048);
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result>"#);
    out.push_str(&format!(
        "<metadataServerUrl>{base}/services/Soap/m/{}/{ORG_ID15}</metadataServerUrl>",
        ctx.version
    ));
    out.push_str(&format!(
        "<passwordExpired>{}</passwordExpired><sandbox>false</sandbox>",
        cfg.password_expired
    ));
    out.push_str(&format!(
        "<serverUrl>{base}/services/Soap/u/{}/{ORG_ID15}</serverUrl>",
        ctx.version
    ));
    out.push_str("<sessionId>");
    out.push_str(&sid);
    out.push_str("</sessionId><userId>");
    out.push_str(&user_id);
    out.push_str("</userId>");
    out.push_str(&user_info(ctx.state, &user_id, "userInfo"));
    out.push_str("</result></loginResponse></soapenv:Body></soapenv:Envelope>");
    Ok(out)
}

/// The GetUserInfoResult children in WSDL order, wrapped in `tag`.
pub fn user_info(state: &State, user_id: &str, tag: &str) -> String {
    let cfg = state.cfg();
    let org = read(&state.org);
    let u = org.get(user_id);
    let field = |name: &str| -> Option<String> {
        let u = u?;
        let def = org.schema.def(u.obj);
        def.field(name).and_then(|i| u.values[i].soap_text())
    };
    let mut out = format!("<{tag}>");
    let mut el = |k: &str, v: Option<String>| match v {
        Some(v) => {
            out.push_str(&format!("<{k}>"));
            escape_into(&mut out, &v);
            out.push_str(&format!("</{k}>"));
        }
        None => out.push_str(&format!("<{k} xsi:nil=\"true\"/>")),
    };
    el("accessibilityMode", Some("false".into()));
    el("chatterExternal", Some("false".into()));
    el("currencySymbol", Some("€".into()));
    el("orgAttachmentFileSizeLimit", Some("5242880".into()));
    el("orgDefaultCurrencyIsoCode", Some("EUR".into()));
    el("orgDefaultCurrencyLocale", Some("de_DE".into()));
    el("orgDisallowHtmlAttachments", Some("false".into()));
    el("orgHasPersonAccounts", Some("false".into()));
    el("organizationId", Some(org.org_id.clone()));
    el("organizationMultiCurrency", Some("false".into()));
    el("organizationName", Some(cfg.organization_name.clone()));
    el(
        "profileId",
        Some(ids::to18("00e5g000001AbCd").unwrap_or_default()),
    );
    el("roleId", None);
    el(
        "sessionSecondsValid",
        Some(cfg.session_ttl_secs.to_string()),
    );
    el("userDefaultCurrencyIsoCode", None);
    el("userEmail", field("Email"));
    el("userFullName", field("Name"));
    el("userId", Some(user_id.to_string()));
    el(
        "userLanguage",
        field("LanguageLocaleKey").or(Some("en_US".into())),
    );
    el("userLocale", field("LocaleSidKey").or(Some("en_US".into())));
    el("userName", field("Username"));
    el(
        "userTimeZone",
        field("TimeZoneSidKey").or(Some("Europe/Berlin".into())),
    );
    el("userType", Some("Standard".into()));
    el("userUiSkin", Some("Theme3".into()));
    out.push_str(&format!("</{tag}>"));
    out
}

fn dispatch(ctx: &Ctx, name: &str, call: &Elem) -> Result<String, Fault> {
    match name {
        "query" | "queryAll" => query(ctx, name, call),
        "queryMore" => query_more(ctx, call),
        "search" => search(ctx, call),
        "retrieve" => retrieve(ctx, call),
        "create" => save(ctx, call, false),
        "update" => save(ctx, call, true),
        "upsert" => upsert(ctx, call),
        "delete" => delete(ctx, call),
        "undelete" => undelete(ctx, call),
        "describeGlobal" => Ok(wrap(ctx, name, &describe::global_xml(&read(&ctx.state.org).schema))),
        "describeSObject" => {
            let t = positional(call, "sObjectType", 0).unwrap_or_default();
            let schema = Arc::clone(&read(&ctx.state.org).schema);
            let o = schema.object(t.trim()).ok_or_else(|| invalid_type(t.trim()))?;
            Ok(wrap(ctx, name, &describe::sobject_xml(&schema, o, "result")))
        }
        "describeSObjects" => {
            let schema = Arc::clone(&read(&ctx.state.org).schema);
            let mut inner = String::new();
            let types: Vec<&Elem> = call.children.iter().collect();
            if types.len() > 100 {
                return Err(Fault::new("EXCEEDED_MAX_TYPES_LIMIT", "UnexpectedErrorFault", "Exceeded max types limit of 100"));
            }
            for t in types {
                let o = schema.object(t.text.trim()).ok_or_else(|| invalid_type(t.text.trim()))?;
                inner.push_str(&describe::sobject_xml(&schema, o, "result"));
            }
            Ok(wrap(ctx, name, &inner))
        }
        "describeLayout" => {
            let t = positional(call, "sObjectType", 0).unwrap_or_default();
            let schema = Arc::clone(&read(&ctx.state.org).schema);
            let o = schema.object(t.trim()).ok_or_else(|| invalid_type(t.trim()))?;
            Ok(wrap(ctx, name, &describe::layout_xml(&schema, o)))
        }
        "describeTabs" => Ok(wrap(ctx, name, &describe::tabs_xml(&read(&ctx.state.org).schema))),
        "getUserInfo" => Ok(wrap(ctx, name, &user_info(ctx.state, &ctx.user_id(), "result"))),
        "getServerTimestamp" => Ok(wrap(
            ctx,
            name,
            &format!("<result><timestamp>{}</timestamp></result>", timeutil::format_datetime(clock::now())),
        )),
        "getUpdated" => get_updated(ctx, call),
        "getDeleted" => get_deleted(ctx, call),
        "convertLead" => convert_lead(ctx, call),
        "setPassword" => set_password(ctx, call),
        "resetPassword" => reset_password(ctx, call),
        "logout" => {
            ctx.state.end_session(&ctx.session_id);
            Ok(wrap(ctx, name, ""))
        }
        other => Err(Fault::new(
            "INVALID_OPERATION",
            "UnexpectedErrorFault",
            format!("No operation available for request {{urn:partner.soap.sforce.com}}{other}, please check the WSDL for the service."),
        )),
    }
}

fn clamp_batch(b: Option<usize>, default: usize) -> usize {
    b.unwrap_or(default).clamp(200, 2000)
}

fn query(ctx: &Ctx, name: &str, call: &Elem) -> Result<String, Fault> {
    let q = positional(call, "queryString", 0).unwrap_or_default();
    let cfg = ctx.state.cfg();
    let batch = clamp_batch(ctx.batch_size(), cfg.default_batch_size);
    let org = read(&ctx.state.org);
    let compiled = soql::compile(&org.schema, &q).map_err(soql_fault)?;
    let rs = Arc::new(soql::execute(&org, &compiled, name == "queryAll"));
    let total = rs.len();
    let page_rows = if matches!(rs.rows, Rows::Count(_)) {
        0
    } else {
        total
    };
    let locator = if page_rows > batch {
        let id = ctx.state.store_cursor(Arc::clone(&rs), batch, &ctx.version);
        Some(format!("{id}-{batch}"))
    } else {
        None
    };
    let mut out = data_head(ctx, batch.min(page_rows) * 600 + 256);
    out.push('<');
    out.push_str(name);
    out.push_str("Response>");
    render::soap_query_result(&mut out, &org, &rs, 0, batch, locator.as_deref());
    out.push_str("</");
    out.push_str(name);
    out.push_str("Response>");
    out.push_str(TAIL);
    Ok(out)
}

fn query_more(ctx: &Ctx, call: &Elem) -> Result<String, Fault> {
    let loc = positional(call, "queryLocator", 0).unwrap_or_default();
    let loc = loc.trim();
    let (id, pos) = loc.rsplit_once('-').ok_or_else(invalid_locator)?;
    let pos: usize = pos.parse().map_err(|_| invalid_locator())?;
    let cfg = ctx.state.cfg();
    let (rs, batch) = {
        let mut cursors = lock(&ctx.state.cursors);
        let now = timeutil::now_millis();
        let Some(c) = cursors.get_mut(id) else {
            return Err(invalid_locator());
        };
        if now - c.last_used > cfg.locator_ttl_secs as i64 * 1000 {
            cursors.remove(id);
            return Err(invalid_locator());
        }
        c.last_used = now;
        c.pages_served += 1;
        let batch = ctx
            .batch_size()
            .map(|b| clamp_batch(Some(b), c.batch))
            .unwrap_or(c.batch);
        (Arc::clone(&c.result), batch)
    };
    let total = rs.len();
    if pos > total {
        return Err(invalid_locator());
    }
    let end = (pos + batch).min(total);
    let locator = if end < total {
        Some(format!("{id}-{end}"))
    } else {
        lock(&ctx.state.cursors).remove(id);
        None
    };
    let org = read(&ctx.state.org);
    let mut out = data_head(ctx, (end - pos) * 600 + 256);
    out.push_str("<queryMoreResponse>");
    render::soap_query_result(&mut out, &org, &rs, pos, end - pos, locator.as_deref());
    out.push_str("</queryMoreResponse>");
    out.push_str(TAIL);
    Ok(out)
}

fn search(ctx: &Ctx, call: &Elem) -> Result<String, Fault> {
    let sosl = positional(call, "searchString", 0).unwrap_or_default();
    let org = read(&ctx.state.org);
    let groups = crate::sosl::run(&org, &sosl).map_err(soql_fault)?;
    let mut inner = String::from("<result>");
    for (rs, rows) in &groups {
        for r in rows {
            inner.push_str("<searchRecords>");
            render::soap_record(&mut inner, "record", &org, &rs.plan, &rs.children, r);
            inner.push_str("</searchRecords>");
        }
    }
    inner.push_str("</result>");
    drop(org);
    Ok(wrap(ctx, "search", &inner))
}

fn retrieve(ctx: &Ctx, call: &Elem) -> Result<String, Fault> {
    let fields = positional(call, "fieldList", 0).unwrap_or_default();
    let ty = positional(call, "sObjectType", 1).unwrap_or_default();
    let ids: Vec<String> = call
        .children_named("ids")
        .map(|e| e.text.trim().to_string())
        .collect();
    if ids.len() > 2000 {
        return Err(Fault::new(
            "EXCEEDED_ID_LIMIT",
            "UnexpectedErrorFault",
            "retrieve id limit reached: 2000",
        ));
    }
    let org = read(&ctx.state.org);
    let obj = org
        .schema
        .object(ty.trim())
        .ok_or_else(|| invalid_type(ty.trim()))?;
    let q = format!("SELECT {} FROM {}", fields.trim(), org.schema.def(obj).name);
    let compiled = soql::compile(&org.schema, &q).map_err(soql_fault)?;
    let plan = Arc::clone(&compiled.plan);
    let mut inner = String::with_capacity(ids.len() * 400);
    for id in &ids {
        let rec = ids::to18(id)
            .and_then(|i| org.get_live(&i).cloned())
            .filter(|r| r.obj == obj);
        match rec {
            Some(r) => render::soap_record(&mut inner, "result", &org, &plan, &[], &r),
            None => inner.push_str("<result xsi:nil=\"true\"/>"),
        }
    }
    drop(org);
    Ok(wrap(ctx, "retrieve", &inner))
}

/// One sObject of a create/update/upsert call.
struct SObjectIn {
    obj: usize,
    id: Option<String>,
    fields: Vec<(String, Input)>,
    to_null: Vec<String>,
}

fn sobject_in(ctx: &Ctx, e: &Elem) -> Result<SObjectIn, Fault> {
    let schema = Arc::clone(&read(&ctx.state.org).schema);
    let ty = e
        .child("type")
        .map(|t| t.text.trim().to_string())
        .or_else(|| {
            e.attr("type")
                .map(|t| t.rsplit(':').next().unwrap_or(t).to_string())
        })
        .filter(|t| !t.is_empty() && t != "sObject")
        .ok_or_else(|| {
            Fault::new(
                "INVALID_TYPE",
                "InvalidSObjectFault",
                "Must send a concrete entity type.",
            )
        })?;
    let obj = schema.object(&ty).ok_or_else(|| invalid_type(&ty))?;
    let mut out = SObjectIn {
        obj,
        id: None,
        fields: Vec::new(),
        to_null: Vec::new(),
    };
    for c in &e.children {
        match c.name.as_str() {
            "type" => {}
            "fieldsToNull" => out.to_null.push(c.text.trim().to_string()),
            "Id" => {
                if !c.is_nil() && !c.text.trim().is_empty() {
                    out.id = Some(c.text.trim().to_string());
                }
            }
            _ => {
                let input = if c.is_nil() {
                    Input::Null
                } else {
                    Input::Text(c.text.clone())
                };
                out.fields.push((c.name.clone(), input));
            }
        }
    }
    Ok(out)
}

fn errors_xml(out: &mut String, errs: &[RecError]) {
    for e in errs {
        out.push_str("<errors>");
        for f in &e.fields {
            out.push_str("<fields>");
            escape_into(out, f);
            out.push_str("</fields>");
        }
        out.push_str("<message>");
        escape_into(out, &e.message);
        out.push_str("</message><statusCode>");
        out.push_str(&e.status_code);
        out.push_str("</statusCode></errors>");
    }
}

fn save_result(out: &mut String, r: &Result<String, Vec<RecError>>, created: Option<bool>) {
    out.push_str("<result>");
    if let Some(c) = created {
        out.push_str(&format!("<created>{c}</created>"));
    }
    match r {
        Ok(id) => {
            out.push_str("<id>");
            out.push_str(id);
            out.push_str("</id><success>true</success>");
        }
        Err(errs) => {
            errors_xml(out, errs);
            out.push_str("<id xsi:nil=\"true\"/><success>false</success>");
        }
    }
    out.push_str("</result>");
}

fn write_fault(e: WriteError) -> Result<Vec<RecError>, Fault> {
    match e {
        WriteError::Record(errs) => Ok(errs),
        WriteError::Fault { code, message } => {
            let ft = if code == "INVALID_FIELD" {
                "InvalidFieldFault"
            } else {
                "UnexpectedErrorFault"
            };
            let mut f = Fault::new(&code, ft, message);
            if code == "INVALID_FIELD" {
                f.row_col = Some((-1, -1));
            }
            Err(f)
        }
    }
}

/// Unknown fields fault the whole call before anything is written.
fn check_fields(ctx: &Ctx, parsed: &[SObjectIn]) -> Result<(), Fault> {
    let schema = Arc::clone(&read(&ctx.state.org).schema);
    for s in parsed {
        let def = schema.def(s.obj);
        for name in s.fields.iter().map(|(n, _)| n).chain(s.to_null.iter()) {
            if def.field(name).is_none() {
                let mut f = Fault::new(
                    "INVALID_FIELD",
                    "InvalidFieldFault",
                    format!("No such column '{name}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", def.name),
                );
                f.row_col = Some((-1, -1));
                return Err(f);
            }
        }
    }
    Ok(())
}

/// The `<sObjects>` of a create/update/upsert call, parsed and their fields
/// checked; at most 200, as Salesforce allows.
fn sobjects_in(ctx: &Ctx, call: &Elem) -> Result<Vec<SObjectIn>, Fault> {
    let items: Vec<&Elem> = call.children_named("sObjects").collect();
    if items.len() > 200 {
        return Err(Fault::new(
            "EXCEEDED_ID_LIMIT",
            "UnexpectedErrorFault",
            "record limit reached. cannot submit more than 200 records into this call",
        ));
    }
    let parsed: Vec<SObjectIn> = items
        .iter()
        .map(|e| sobject_in(ctx, e))
        .collect::<Result<_, _>>()?;
    check_fields(ctx, &parsed)?;
    Ok(parsed)
}

fn save(ctx: &Ctx, call: &Elem, is_update: bool) -> Result<String, Fault> {
    let parsed = sobjects_in(ctx, call)?;
    let all_or_none = ctx
        .header_value("AllOrNoneHeader", "allOrNone")
        .is_some_and(|v| v == "true" || v == "1");
    let now = clock::now();
    let user = ctx.user_id();
    let mut org = write(&ctx.state.org);
    // (previous version for updates, or None for creates) to roll back
    let mut journal: Vec<(String, Option<Arc<crate::store::Record>>)> = Vec::new();
    let mut results = Vec::new();
    for s in parsed {
        let r = if is_update {
            match &s.id {
                None => Err(vec![RecError::new(
                    "MISSING_ARGUMENT",
                    "Id not specified in an update call",
                    &[],
                )]),
                Some(id) => {
                    let before = ids::to18(id).and_then(|i| org.get(&i).cloned());
                    match org.update(id, Some(s.obj), &s.fields, &s.to_null, &user, now) {
                        Ok(id) => {
                            journal.push((id.clone(), before));
                            Ok(id)
                        }
                        Err(e) => Err(write_fault(e)?),
                    }
                }
            }
        } else if s.id.is_some() {
            Err(vec![RecError::new(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                "cannot specify Id in an insert call",
                &["Id"],
            )])
        } else {
            match org.insert(s.obj, &s.fields, &user, now, false) {
                Ok(id) => {
                    journal.push((id.clone(), None));
                    Ok(id)
                }
                Err(e) => Err(write_fault(e)?),
            }
        };
        results.push(r);
    }
    if all_or_none && results.iter().any(|r| r.is_err()) {
        for (id, before) in journal.into_iter().rev() {
            match before {
                Some(rec) => org.restore(rec),
                None => org.unwind_insert(&id),
            }
        }
        for r in results.iter_mut() {
            if r.is_ok() {
                *r = Err(vec![RecError::new(
                    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                    "Record rolled back because not all records were valid and the request was using AllOrNone header",
                    &[],
                )]);
            }
        }
    }
    drop(org);
    let mut out = String::new();
    for r in &results {
        save_result(&mut out, r, None);
    }
    Ok(wrap(ctx, if is_update { "update" } else { "create" }, &out))
}

fn upsert(ctx: &Ctx, call: &Elem) -> Result<String, Fault> {
    let ext = call
        .child("externalIDFieldName")
        .map(|e| e.text.trim().to_string())
        .unwrap_or_default();
    let parsed = sobjects_in(ctx, call)?;
    let now = clock::now();
    let user = ctx.user_id();
    let mut out = String::new();
    let mut org = write(&ctx.state.org);
    for s in parsed {
        let schema = Arc::clone(&org.schema);
        let def = schema.def(s.obj);
        let Some(fi) = def.field(&ext) else {
            return Err(Fault::new(
                "INVALID_FIELD",
                "InvalidFieldFault",
                format!(
                    "Field name provided, {ext} is not an External ID or indexed field for {}",
                    def.name
                ),
            ));
        };
        if fi != 0 && !def.fields[fi].external_id {
            return Err(Fault::new(
                "INVALID_FIELD",
                "InvalidFieldFault",
                format!(
                    "Field name provided, {ext} is not an External ID or indexed field for {}",
                    def.name
                ),
            ));
        }
        let key = if fi == 0 {
            s.id.clone()
        } else {
            s.fields
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&ext))
                .and_then(|(_, v)| match v {
                    Input::Text(t) => Some(t.clone()),
                    Input::Null => None,
                })
        };
        let (r, created) = match key {
            None => (
                Err(vec![RecError::new(
                    "MISSING_ARGUMENT",
                    format!("{ext} not specified"),
                    &[],
                )]),
                false,
            ),
            Some(key) => {
                let matches: Vec<String> = if fi == 0 {
                    ids::to18(&key)
                        .filter(|i| org.get_live(i).is_some())
                        .into_iter()
                        .collect()
                } else {
                    org.tables[s.obj]
                        .values()
                        .filter(|r| r.deleted_at.is_none())
                        .filter(|r| matches!(&r.values[fi], Value::Str(v) if v.eq_ignore_ascii_case(&key)))
                        .map(|r| r.id.clone())
                        .take(2)
                        .collect()
                };
                match matches.len() {
                    0 if fi == 0 => (
                        Err(vec![RecError::new(
                            "INVALID_CROSS_REFERENCE_KEY",
                            "invalid cross reference id",
                            &[],
                        )]),
                        false,
                    ),
                    0 => match org.insert(s.obj, &s.fields, &user, now, false) {
                        Ok(id) => (Ok(id), true),
                        Err(e) => (Err(write_fault(e)?), false),
                    },
                    1 => match org.update(
                        &matches[0],
                        Some(s.obj),
                        &s.fields,
                        &s.to_null,
                        &user,
                        now,
                    ) {
                        Ok(id) => (Ok(id), false),
                        Err(e) => (Err(write_fault(e)?), false),
                    },
                    _ => (
                        Err(vec![RecError::new(
                            "DUPLICATE_EXTERNAL_ID",
                            format!("Duplicate external id specified: {key}"),
                            &[&ext],
                        )]),
                        false,
                    ),
                }
            }
        };
        save_result(&mut out, &r, Some(created));
    }
    drop(org);
    Ok(wrap(ctx, "upsert", &out))
}

fn delete(ctx: &Ctx, call: &Elem) -> Result<String, Fault> {
    let ids: Vec<String> = call
        .children
        .iter()
        .map(|e| e.text.trim().to_string())
        .collect();
    if ids.len() > 200 {
        return Err(Fault::new(
            "EXCEEDED_ID_LIMIT",
            "UnexpectedErrorFault",
            "record limit reached. cannot submit more than 200 records into this call",
        ));
    }
    let now = clock::now();
    let user = ctx.user_id();
    let mut out = String::new();
    let mut org = write(&ctx.state.org);
    for id in ids {
        let r = org.delete(&id, &user, now).map_err(|e| vec![e]);
        save_result(&mut out, &r, None);
    }
    drop(org);
    Ok(wrap(ctx, "delete", &out))
}

fn undelete(ctx: &Ctx, call: &Elem) -> Result<String, Fault> {
    let ids: Vec<String> = call
        .children
        .iter()
        .map(|e| e.text.trim().to_string())
        .collect();
    let now = clock::now();
    let user = ctx.user_id();
    let mut out = String::new();
    let mut org = write(&ctx.state.org);
    for id in ids {
        let r = match ids::to18(&id) {
            Some(i) => org.undelete(&i, &user, now).map(|_| i).map_err(|e| vec![e]),
            None => Err(vec![RecError::new(
                "MALFORMED_ID",
                format!("bad id {id}"),
                &[],
            )]),
        };
        save_result(&mut out, &r, None);
    }
    drop(org);
    Ok(wrap(ctx, "undelete", &out))
}

fn replication_fault(e: ReplError) -> Fault {
    match e {
        ReplError::UnknownType(t) => invalid_type(&t),
        ReplError::Fault { code, message } => {
            let ft = if code == "INVALID_TYPE" {
                "InvalidSObjectFault"
            } else {
                "UnexpectedErrorFault"
            };
            Fault::new(code, ft, message)
        }
    }
}

/// (sObjectType, startDate, endDate) of a getUpdated/getDeleted call.
fn replication_args(call: &Elem) -> (String, String, String) {
    let arg = |n, i| positional(call, n, i).unwrap_or_default();
    (
        arg("sObjectType", 0),
        arg("startDate", 1),
        arg("endDate", 2),
    )
}

fn get_updated(ctx: &Ctx, call: &Elem) -> Result<String, Fault> {
    let (ty, start, end) = replication_args(call);
    let limit = ctx.state.cfg().replication_id_limit;
    let org = read(&ctx.state.org);
    let r = replication::updated(&org, &ty, &start, &end, clock::now(), limit)
        .map_err(replication_fault)?;
    drop(org);
    let mut inner = String::with_capacity(r.ids.len() * 30 + 100);
    inner.push_str("<result>");
    for id in &r.ids {
        inner.push_str("<ids>");
        inner.push_str(id);
        inner.push_str("</ids>");
    }
    inner.push_str("<latestDateCovered>");
    inner.push_str(&timeutil::format_datetime(r.latest_date_covered));
    inner.push_str("</latestDateCovered></result>");
    Ok(wrap(ctx, "getUpdated", &inner))
}

fn get_deleted(ctx: &Ctx, call: &Elem) -> Result<String, Fault> {
    let (ty, start, end) = replication_args(call);
    let limit = ctx.state.cfg().replication_id_limit;
    let org = read(&ctx.state.org);
    let r = replication::deleted(&org, &ty, &start, &end, clock::now(), limit)
        .map_err(replication_fault)?;
    drop(org);
    let mut inner = String::from("<result>");
    for (id, at) in &r.records {
        inner.push_str(&format!(
            "<deletedRecords><deletedDate>{}</deletedDate><id>{id}</id></deletedRecords>",
            timeutil::format_datetime(*at)
        ));
    }
    inner.push_str(&format!(
        "<earliestDateAvailable>{}</earliestDateAvailable><latestDateCovered>{}</latestDateCovered></result>",
        timeutil::format_datetime(r.earliest_date_available),
        timeutil::format_datetime(r.latest_date_covered)
    ));
    Ok(wrap(ctx, "getDeleted", &inner))
}

fn convert_lead(ctx: &Ctx, call: &Elem) -> Result<String, Fault> {
    let converts: Vec<&Elem> = call.children_named("leadConverts").collect();
    if converts.len() > 200 {
        return Err(Fault::new(
            "EXCEEDED_ID_LIMIT",
            "UnexpectedErrorFault",
            "record limit reached. cannot submit more than 200 records into this call",
        ));
    }
    let now = clock::now();
    let user = ctx.user_id();
    let mut out = String::new();
    let mut org = write(&ctx.state.org);
    for c in converts {
        let get = |n: &str| {
            c.child(n)
                .filter(|e| !e.is_nil())
                .map(|e| e.text.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let r = crate::convert::convert(&mut org, &user, now, &get);
        out.push_str("<result>");
        match r {
            Ok((a, ct, l, o)) => {
                out.push_str(&format!(
                    "<accountId>{a}</accountId><contactId>{ct}</contactId><leadId>{l}</leadId>"
                ));
                match o {
                    Some(o) => out.push_str(&format!("<opportunityId>{o}</opportunityId>")),
                    None => out.push_str("<opportunityId xsi:nil=\"true\"/>"),
                }
                out.push_str("<success>true</success>");
            }
            Err((lead, errs)) => {
                out.push_str("<accountId xsi:nil=\"true\"/><contactId xsi:nil=\"true\"/>");
                errors_xml(&mut out, &errs);
                match lead {
                    Some(l) => out.push_str(&format!("<leadId>{}</leadId>", escape(&l))),
                    None => out.push_str("<leadId xsi:nil=\"true\"/>"),
                }
                out.push_str("<opportunityId xsi:nil=\"true\"/><success>false</success>");
            }
        }
        out.push_str("</result>");
    }
    drop(org);
    Ok(wrap(ctx, "convertLead", &out))
}

fn user_exists(ctx: &Ctx, id: &str) -> Result<String, Fault> {
    let org = read(&ctx.state.org);
    let user_obj = org.schema.object("User");
    match ids::to18(id.trim()).and_then(|i| org.get_live(&i).cloned()) {
        Some(r) if Some(r.obj) == user_obj => Ok(r.id.clone()),
        _ => Err(Fault::new(
            "INVALID_CROSS_REFERENCE_KEY",
            "UnexpectedErrorFault",
            format!("invalid cross reference id: {}", id.trim()),
        )),
    }
}

fn set_password(ctx: &Ctx, call: &Elem) -> Result<String, Fault> {
    let uid = positional(call, "userId", 0).unwrap_or_default();
    let pw = positional(call, "password", 1).unwrap_or_default();
    let uid = user_exists(ctx, &uid)?;
    if pw.chars().count() < 8
        || !pw.chars().any(|c| c.is_ascii_digit())
        || !pw.chars().any(char::is_alphabetic)
    {
        return Err(Fault::new(
            "INVALID_NEW_PASSWORD",
            "InvalidNewPasswordFault",
            "Your password must be at least 8 characters long and include letters and numbers.",
        ));
    }
    lock(&ctx.state.passwords).insert(uid, pw);
    if let Some(s) = lock(&ctx.state.sessions).get_mut(&ctx.session_id) {
        s.restricted = false;
    }
    Ok(wrap(ctx, "setPassword", "<result/>"))
}

fn reset_password(ctx: &Ctx, call: &Elem) -> Result<String, Fault> {
    let uid = positional(call, "userId", 0).unwrap_or_default();
    let uid = user_exists(ctx, &uid)?;
    let pw = format!(
        "Rp{}9",
        crate::state::random_token(10).replace(['.', '_'], "x")
    );
    lock(&ctx.state.passwords).insert(uid, pw.clone());
    Ok(wrap(
        ctx,
        "resetPassword",
        &format!("<result><password>{}</password></result>", escape(&pw)),
    ))
}
