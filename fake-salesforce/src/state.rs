//! Server-wide state: configuration, sessions, query cursors, fault rules,
//! call statistics and API usage.

use crate::soql::ResultSet;
use crate::store::{Org, ORG_ID15};
use crate::timeutil::now_millis;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

/// Settings from the command line (some changeable through /_fake/control).
/// No Debug: it holds the credentials.
#[derive(Clone)]
pub struct Config {
    pub username: String,
    pub password: String,
    pub security_token: String,
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
    pub api_version: String,
    pub organization_name: String,
    pub session_ttl_secs: u64,
    pub locator_ttl_secs: u64,
    pub default_batch_size: usize,
    pub api_limit: u64,
    pub trusted_ip: bool,
    pub password_expired: bool,
    pub soap_login_max_version: u32,
    pub login_fault_prefixed: bool,
    pub login_refused: bool,
    pub jwt_audiences: Vec<String>,
    /// host names that behave like login.salesforce.com (client credentials refused)
    pub login_host_names: Vec<String>,
    /// responses larger than this go out with Transfer-Encoding: chunked
    pub chunk_threshold: usize,
    pub latency_ms: u64,
    pub session_expire_after_calls: Option<u64>,
    /// getUpdated/getDeleted fault EXCEEDED_ID_LIMIT above this many ids
    pub replication_id_limit: usize,
    /// one stderr line per request (method, path, status; never bodies)
    pub log_requests: bool,
    /// base URL after binding, e.g. https://127.0.0.1:4433
    pub base_url: String,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            username: "integration@fake-salesforce.example".into(),
            password: "Fake-Passw0rd!".into(),
            security_token: "FAKETOKEN1234567890abc".into(),
            client_id: "3MVG9FAKE.CLIENT.ID.fake_salesforce_connected_app".into(),
            client_secret: "FAKE0SECRET1234567890ABCDEF".into(),
            refresh_token: "5Aep861FAKE.refresh.token.fake_salesforce".into(),
            api_version: "64.0".into(),
            organization_name: "Fake Org (Test)".into(),
            session_ttl_secs: 7200,
            locator_ttl_secs: 2 * 86_400,
            default_batch_size: 2000,
            api_limit: 5_000_000,
            trusted_ip: false,
            password_expired: false,
            soap_login_max_version: 64,
            login_fault_prefixed: false,
            login_refused: false,
            jwt_audiences: vec![
                "https://login.salesforce.com".into(),
                "https://test.salesforce.com".into(),
            ],
            login_host_names: vec!["localhost".into()],
            chunk_threshold: 64 * 1024,
            latency_ms: 0,
            session_expire_after_calls: None,
            replication_id_limit: 600_000,
            log_requests: false,
            base_url: String::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Session {
    pub user_id: String,
    pub last_used: i64,
    pub calls: u64,
    pub restricted: bool,
}

pub struct Cursor {
    pub result: Arc<ResultSet>,
    pub batch: usize,
    pub last_used: i64,
    pub pages_served: u64,
    /// the version prefix for REST next URLs
    pub version: String,
}

/// What a fault rule does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FaultKind {
    Latency,
    Http500,
    Http503,
    Drop,
    DropMidBody,
    Truncate,
    Slow,
    InvalidSession,
    RequestLimit,
    InvalidLocator,
    UnknownException,
    ServerUnavailable,
    QueryTimeout,
    InvalidLogin,
    Doctype,
    EntityExpansion,
}

impl FaultKind {
    pub fn parse(s: &str) -> Option<FaultKind> {
        Some(match s {
            "latency" => FaultKind::Latency,
            "http500" => FaultKind::Http500,
            "http503" => FaultKind::Http503,
            "drop" => FaultKind::Drop,
            "drop_mid_body" => FaultKind::DropMidBody,
            "truncate" => FaultKind::Truncate,
            "slow" => FaultKind::Slow,
            "invalid_session" => FaultKind::InvalidSession,
            "request_limit" => FaultKind::RequestLimit,
            "invalid_locator" => FaultKind::InvalidLocator,
            "unknown_exception" => FaultKind::UnknownException,
            "server_unavailable" => FaultKind::ServerUnavailable,
            "query_timeout" => FaultKind::QueryTimeout,
            "invalid_login" => FaultKind::InvalidLogin,
            "doctype" => FaultKind::Doctype,
            "entity_expansion" => FaultKind::EntityExpansion,
            _ => return None,
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::Latency => "latency",
            FaultKind::Http500 => "http500",
            FaultKind::Http503 => "http503",
            FaultKind::Drop => "drop",
            FaultKind::DropMidBody => "drop_mid_body",
            FaultKind::Truncate => "truncate",
            FaultKind::Slow => "slow",
            FaultKind::InvalidSession => "invalid_session",
            FaultKind::RequestLimit => "request_limit",
            FaultKind::InvalidLocator => "invalid_locator",
            FaultKind::UnknownException => "unknown_exception",
            FaultKind::ServerUnavailable => "server_unavailable",
            FaultKind::QueryTimeout => "query_timeout",
            FaultKind::InvalidLogin => "invalid_login",
            FaultKind::Doctype => "doctype",
            FaultKind::EntityExpansion => "entity_expansion",
        }
    }
}

pub const FAULT_NAMES: &str = "latency, http500, http503, drop, drop_mid_body, truncate, slow, invalid_session, request_limit, invalid_locator, unknown_exception, server_unavailable, query_timeout, invalid_login, doctype, entity_expansion";

/// A scripted fault: `{"fault":"http503","on":"queryMore","count":1,"nth":2,"page":3,"retry_after":1,"ms":200}`.
#[derive(Clone, Debug)]
pub struct FaultRule {
    pub kind: FaultKind,
    /// call kind to match (`any` for every call)
    pub on: String,
    /// remaining times to fire; None = every matching call
    pub remaining: Option<u64>,
    /// matching calls to let through before firing
    pub skip: u64,
    /// only on this page of a query (1 = the query call, 2 = first queryMore ...)
    pub page: Option<u64>,
    pub retry_after: Option<u64>,
    pub ms: u64,
    pub message: Option<String>,
}

impl FaultRule {
    pub fn from_json(v: &serde_json::Value) -> Result<FaultRule, String> {
        let o = v.as_object().ok_or("a fault rule must be a JSON object")?;
        for k in o.keys() {
            if !matches!(
                k.as_str(),
                "fault"
                    | "on"
                    | "count"
                    | "nth"
                    | "page"
                    | "retry_after"
                    | "ms"
                    | "message"
                    | "always"
            ) {
                return Err(format!(
                    "fault rule: unknown key '{k}' (known: fault, on, count, nth, page, retry_after, ms, message, always)"
                ));
            }
        }
        let name = o
            .get("fault")
            .and_then(|f| f.as_str())
            .ok_or("fault rule: 'fault' (string) is required")?;
        let kind = FaultKind::parse(name)
            .ok_or_else(|| format!("fault rule: unknown fault '{name}' (known: {FAULT_NAMES})"))?;
        let num = |k: &str| -> Result<Option<u64>, String> {
            match o.get(k) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(v) => v
                    .as_u64()
                    .map(Some)
                    .ok_or_else(|| format!("fault rule: '{k}' must be a non-negative integer")),
            }
        };
        let always = o.get("always").and_then(|a| a.as_bool()).unwrap_or(false);
        let nth = num("nth")?;
        if nth == Some(0) {
            return Err("fault rule: 'nth' counts from 1".into());
        }
        Ok(FaultRule {
            kind,
            on: o
                .get("on")
                .and_then(|x| x.as_str())
                .unwrap_or("any")
                .to_string(),
            remaining: if always {
                None
            } else {
                Some(num("count")?.unwrap_or(1))
            },
            skip: nth.map(|n| n - 1).unwrap_or(0),
            page: num("page")?,
            retry_after: num("retry_after")?,
            ms: num("ms")?.unwrap_or(match kind {
                FaultKind::Latency => 1000,
                FaultKind::Slow => 20,
                _ => 0,
            }),
            message: o
                .get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string),
        })
    }
}

#[derive(Default, Clone, Debug)]
pub struct Stats {
    pub calls: HashMap<String, u64>,
    pub faults: HashMap<String, u64>,
    pub requests: u64,
    pub connections: u64,
}

pub struct State {
    pub cfg: RwLock<Config>,
    pub org: RwLock<Org>,
    pub sessions: Mutex<HashMap<String, Session>>,
    pub cursors: Mutex<HashMap<String, Cursor>>,
    pub faults: Mutex<Vec<FaultRule>>,
    pub stats: Mutex<Stats>,
    pub api_calls: AtomicU64,
    pub refresh_tokens: Mutex<Vec<String>>,
    pub passwords: Mutex<HashMap<String, String>>,
    seq: AtomicU64,
}

/// Locks a mutex; a poisoned lock (a handler thread panicked) still holds
/// consistent data for this server, so keep going.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|p| p.into_inner())
}

pub fn write<T>(m: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|p| p.into_inner())
}

/// Random text from the OS generator in the session-id alphabet.
pub fn random_token(len: usize) -> String {
    use ring::rand::SecureRandom;
    const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
    let rng = ring::rand::SystemRandom::new();
    let mut buf = vec![0u8; len];
    if rng.fill(&mut buf).is_err() {
        // fall back to time-derived bytes; tokens only need to be unguessable-ish in a test peer
        let mut x = now_millis() as u64 | 1;
        for b in buf.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
    }
    buf.iter()
        .map(|b| ALPHA[(*b as usize) % ALPHA.len()] as char)
        .collect()
}

impl State {
    pub fn new(cfg: Config, org: Org) -> State {
        let refresh = cfg.refresh_token.clone();
        State {
            cfg: RwLock::new(cfg),
            org: RwLock::new(org),
            sessions: Mutex::new(HashMap::new()),
            cursors: Mutex::new(HashMap::new()),
            faults: Mutex::new(Vec::new()),
            stats: Mutex::new(Stats::default()),
            api_calls: AtomicU64::new(0),
            refresh_tokens: Mutex::new(vec![refresh]),
            passwords: Mutex::new(HashMap::new()),
            seq: AtomicU64::new(1),
        }
    }

    pub fn log_requests(&self) -> bool {
        read(&self.cfg).log_requests
    }

    pub fn cfg(&self) -> Config {
        read(&self.cfg).clone()
    }

    /// Opens a session for `user_id`; returns the session id.
    pub fn new_session(&self, user_id: &str, restricted: bool) -> String {
        let token = format!("{ORG_ID15}!AQ0AQ{}", random_token(90));
        lock(&self.sessions).insert(
            token.clone(),
            Session {
                user_id: user_id.to_string(),
                last_used: now_millis(),
                calls: 0,
                restricted,
            },
        );
        token
    }

    /// Checks a session id and counts the call. Err(reason) on an unknown or expired session.
    pub fn use_session(&self, token: &str) -> Result<Session, &'static str> {
        let cfg = read(&self.cfg);
        let mut sessions = lock(&self.sessions);
        let now = now_millis();
        let Some(s) = sessions.get_mut(token) else {
            return Err("unknown");
        };
        if now - s.last_used > cfg.session_ttl_secs as i64 * 1000 {
            sessions.remove(token);
            return Err("expired");
        }
        s.calls += 1;
        if let Some(n) = cfg.session_expire_after_calls {
            if s.calls > n {
                sessions.remove(token);
                return Err("expired after N calls");
            }
        }
        s.last_used = now;
        Ok(s.clone())
    }

    pub fn end_session(&self, token: &str) {
        lock(&self.sessions).remove(token);
    }

    pub fn expire_all_sessions(&self) {
        lock(&self.sessions).clear();
    }

    /// Counts one API request; Err when over the limit.
    pub fn count_api_call(&self) -> Result<(u64, u64), (u64, u64)> {
        let limit = read(&self.cfg).api_limit;
        let n = self.api_calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n > limit {
            Err((n, limit))
        } else {
            Ok((n, limit))
        }
    }

    pub fn api_usage(&self) -> (u64, u64) {
        (
            self.api_calls.load(Ordering::SeqCst),
            read(&self.cfg).api_limit,
        )
    }

    pub fn count_call(&self, kind: &str) {
        let mut st = lock(&self.stats);
        *st.calls.entry(kind.to_string()).or_insert(0) += 1;
    }

    /// Finds the first fault rule for this call (and page) and consumes one use.
    pub fn take_fault(&self, kind: &str, page: Option<u64>) -> Option<FaultRule> {
        let mut rules = lock(&self.faults);
        let mut hit = None;
        for (i, r) in rules.iter_mut().enumerate() {
            if r.on != "any" && r.on != kind {
                continue;
            }
            if let Some(p) = r.page {
                if page != Some(p) {
                    continue;
                }
            }
            if r.skip > 0 {
                r.skip -= 1;
                continue;
            }
            hit = Some(i);
            break;
        }
        let i = hit?;
        let rule = rules[i].clone();
        if let Some(n) = rules[i].remaining.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                rules.remove(i);
            }
        }
        drop(rules);
        *lock(&self.stats)
            .faults
            .entry(rule.kind.name().to_string())
            .or_insert(0) += 1;
        Some(rule)
    }

    /// Stores a query result; returns the cursor id (18-char `01g…`).
    pub fn store_cursor(&self, result: Arc<ResultSet>, batch: usize, version: &str) -> String {
        let n = self.seq.fetch_add(1, Ordering::SeqCst);
        let mut id15 = String::from("01g5g");
        let r = random_token(6).replace(['.', '_'], "x");
        id15.push_str(&format!("{:04}", n % 10_000));
        id15.push_str(&r);
        let id = crate::ids::to18(&id15).unwrap_or(id15);
        let mut cursors = lock(&self.cursors);
        let ttl = read(&self.cfg).locator_ttl_secs as i64 * 1000;
        let now = now_millis();
        cursors.retain(|_, c| now - c.last_used <= ttl);
        cursors.insert(
            id.clone(),
            Cursor {
                result,
                batch,
                last_used: now,
                pages_served: 1,
                version: version.to_string(),
            },
        );
        id
    }

    pub fn invalidate_cursors(&self) {
        lock(&self.cursors).clear();
    }
}
