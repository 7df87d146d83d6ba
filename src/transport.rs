//! HTTP transport: one reqwest blocking client per process, one `send`.
//!
//! [`Transport::send`] owns everything between "here is a request" and
//! "here is a complete response body": headers, timeouts, the proxy, TLS
//! roots, the response size cap, bounded retries with exponential backoff
//! and jitter (honouring `Retry-After` up to a cap), API usage counting and
//! the latest limit info.
//!
//! Fork safety: reqwest's blocking client drives a tokio runtime on a
//! background thread. After `fork()` the child has no such thread, so a
//! request through the inherited client would wait forever for an answer
//! from a thread that does not exist, and dropping it would wait to join
//! it. `send` therefore remembers the pid that built the client; in any
//! other process it parks the inherited client in a process-global list
//! that is never dropped (its destructor would block, and its sockets
//! belong to the parent's copy anyway) and builds a fresh one. Parking
//! instead of `std::mem::forget` keeps the inherited memory reachable, so
//! a leak checker (valgrind in `perl/SalesForce-XS/t/valgrind.sh`) can
//! check a forked child for real leaks.

use crate::config::{Config, Secret};
use crate::error::{Error, ErrorKind, Result};
use crate::usage::{LimitInfo, Usage};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::mem::ManuallyDrop;
use std::sync::{Mutex, TryLockError};
use std::time::{Duration, Instant};

/// First retry waits about this long; each further one twice as long.
pub const BACKOFF_BASE: Duration = Duration::from_millis(500);
/// Longest computed backoff.
pub const BACKOFF_MAX: Duration = Duration::from_secs(16);
/// Longest wait a server's `Retry-After` can ask of us.
pub const RETRY_AFTER_MAX: Duration = Duration::from_secs(60);

/// What a request is for: it decides which counter it adds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// SOAP login or OAuth token request.
    Login,
    /// Any API call.
    Api,
}

/// Request body.
pub enum Body {
    None,
    /// SOAP envelope (`text/xml; charset=utf-8`, `SOAPAction: ""`).
    Soap(Vec<u8>),
    /// `application/x-www-form-urlencoded` (OAuth). Values may be secrets.
    Form(Vec<(&'static str, String)>),
}

/// One HTTP request.
pub struct Request<'a> {
    pub get: bool,
    pub url: &'a str,
    pub body: Body,
    /// `Authorization: Bearer` (REST).
    pub bearer: Option<&'a Secret>,
    /// `Authorization: Basic` (OAuth client credentials): client id and
    /// secret as configured; [`form_urlencode`]d when the header is built.
    pub basic: Option<(&'a str, &'a Secret)>,
    /// Extra headers (`Sforce-Query-Options`, ...).
    pub headers: Vec<(&'static str, String)>,
    pub purpose: Purpose,
    /// Whether sending it twice is harmless (queries, describes, logins).
    /// Non-idempotent requests are only retried when the server certainly
    /// did not act on them (no connection, or it said it was unavailable).
    pub idempotent: bool,
}

impl<'a> Request<'a> {
    pub fn soap(url: &'a str, envelope: Vec<u8>, purpose: Purpose, idempotent: bool) -> Self {
        Request {
            get: false,
            url,
            body: Body::Soap(envelope),
            bearer: None,
            basic: None,
            headers: Vec::new(),
            purpose,
            idempotent,
        }
    }
}

/// A complete response.
pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// The HTTP machinery of one client.
pub struct Transport {
    http: Option<reqwest::blocking::Client>,
    /// Process that built `http`.
    pid: libc::pid_t,
    connect_timeout: Duration,
    /// Whole-request limit: connect, headers and the complete body.
    timeout: Duration,
    /// How error messages name `timeout_secs` (with its SysConfig name).
    timeout_label: String,
    proxy: Option<Secret>,
    ca_certs: Vec<reqwest::Certificate>,
    max_response_bytes: u64,
    max_retries: u32,
    /// Whether any response arrived yet: a refused connection is only
    /// worth retrying once we know the host was there ("mid-run").
    contacted: bool,
    usage: Usage,
    /// The latest figures Salesforce reported; written only by
    /// [`Transport::note_limit_info`].
    limit_info: Option<LimitInfo>,
    /// Backoff base (tests may shorten it).
    pub backoff_base: Duration,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("pid", &self.pid)
            .field("proxy", &self.proxy.as_ref().map(|_| "[configured]"))
            .field("ca_certs", &self.ca_certs.len())
            .field("usage", &self.usage)
            .field("limit_info", &self.limit_info)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// Requests counted so far.
    pub fn usage(&self) -> &Usage {
        &self.usage
    }

    /// The latest API usage figures Salesforce reported, if any.
    pub fn limit_info(&self) -> Option<&LimitInfo> {
        self.limit_info.as_ref()
    }

    /// Keeps the figures of a response; `None` (a response without them)
    /// keeps the previous ones.
    pub fn note_limit_info(&mut self, limit_info: Option<LimitInfo>) {
        if let Some(li) = limit_info {
            self.limit_info = Some(li);
        }
    }

    /// Reads the CA file and checks the proxy; builds the HTTP client
    /// lazily on first use.
    pub fn new(cfg: &Config) -> Result<Transport> {
        let mut ca_certs = Vec::new();
        if let (Some(path), Some(pem)) = (&cfg.ca_file, cfg.read_ca_file()?) {
            ca_certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
                config_error(format!(
                    "{} ({}) holds no readable PEM certificate",
                    cfg.label("ca_file"),
                    path.display()
                ))
            })?;
            if ca_certs.is_empty() {
                return Err(config_error(format!(
                    "{} ({}) holds no PEM certificate",
                    cfg.label("ca_file"),
                    path.display()
                )));
            }
        }
        let mut t = Transport {
            http: None,
            pid: current_pid(),
            connect_timeout: cfg.connect_timeout,
            timeout: cfg.timeout,
            timeout_label: cfg.label("timeout_secs"),
            proxy: cfg.proxy.clone(),
            ca_certs,
            max_response_bytes: cfg.max_response_bytes,
            max_retries: cfg.max_retries,
            contacted: false,
            usage: Usage::default(),
            limit_info: None,
            backoff_base: BACKOFF_BASE,
        };
        // Build once now so that a bad proxy or certificate is reported at
        // construction, not at the first call.
        t.ensure_client()?;
        Ok(t)
    }

    fn build_client(&self) -> Result<reqwest::blocking::Client> {
        let mut b = reqwest::blocking::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(true)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .gzip(true)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("sfclient/", env!("CARGO_PKG_VERSION")));
        for cert in &self.ca_certs {
            b = b.add_root_certificate(cert.clone());
        }
        b = match &self.proxy {
            // Only the configured proxy is used, never *_PROXY variables:
            // the SysConfig setting is the one place an admin sets it.
            None => b.no_proxy(),
            Some(p) => {
                let proxy = reqwest::Proxy::all(p.expose()).map_err(|_| {
                    config_error(
                        "the web proxy URL (SalesForceModule::WebProxy, config key \"proxy\") is not usable"
                            .to_string(),
                    )
                })?;
                b.proxy(proxy)
            }
        };
        b.build().map_err(|e| {
            Error::new(
                ErrorKind::Transport,
                format!("cannot set up HTTPS: {}", error_chain(&e)),
            )
            .context("transport setup")
        })
    }

    /// Makes sure the HTTP client belongs to this process (see module docs).
    fn ensure_client(&mut self) -> Result<&reqwest::blocking::Client> {
        let pid = current_pid();
        if pid != self.pid {
            if let Some(inherited) = self.http.take() {
                // Forked: the inherited client's runtime thread does not
                // exist here; its destructor would block. Park it.
                park_inherited(inherited);
            }
            self.pid = pid;
            // A fresh process has not talked to the server yet.
            self.contacted = false;
        }
        if self.http.is_none() {
            self.http = Some(self.build_client()?);
        }
        match &self.http {
            Some(c) => Ok(c),
            // Just set above.
            None => Err(Error::new(ErrorKind::Transport, "HTTP client missing")),
        }
    }

    /// Sends `req`, retrying transient failures, and hands each complete
    /// response to `interpret`, whose errors decide about retrying too
    /// (HTTP 502/503/504, `SERVER_UNAVAILABLE`, ...). `context` names what
    /// we were doing for error messages.
    pub fn send<T>(
        &mut self,
        req: &Request<'_>,
        context: &str,
        mut interpret: impl FnMut(HttpResponse) -> Result<T>,
    ) -> Result<T> {
        let mut attempt: u32 = 0;
        loop {
            let (err, retry_after) = match self.send_once(req) {
                Ok(resp) => {
                    let retry_after = resp
                        .headers
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_retry_after);
                    match interpret(resp) {
                        Ok(v) => return Ok(v),
                        Err(e) => {
                            let retry = should_retry_response(&e, req.idempotent);
                            (Attempt { err: e, retry }, retry_after)
                        }
                    }
                }
                Err(a) => (a, None),
            };
            if !err.retry || attempt >= self.max_retries {
                let mut e = err.err.context(context);
                if err.retry && attempt > 0 {
                    e.message
                        .push_str(&format!(" (gave up after {} attempts)", attempt + 1));
                }
                return Err(e);
            }
            let wait = match retry_after {
                Some(ra) => ra.min(RETRY_AFTER_MAX),
                None => backoff(self.backoff_base, attempt),
            };
            std::thread::sleep(wait);
            attempt += 1;
            self.usage.retries += 1;
        }
    }

    fn send_once(&mut self, req: &Request<'_>) -> std::result::Result<HttpResponse, Attempt> {
        let max = self.max_response_bytes;
        // Every attempt has its own deadline covering connect, headers and
        // the whole body (see `read_body`).
        let deadline = Instant::now() + self.timeout;
        let timeout = self.timeout;
        let client = self
            .ensure_client()
            .map_err(|err| Attempt { err, retry: false })?;
        let mut rb = if req.get {
            client.get(req.url)
        } else {
            client.post(req.url)
        };
        // As a per-request timeout, reqwest also arms a total timer on its
        // runtime that bounds the body (a client-wide one only bounds each
        // blocking read call): so no read outlives the deadline by much.
        rb = rb.timeout(timeout);
        match &req.body {
            Body::None => {}
            Body::Soap(xml) => {
                rb = rb
                    .header(CONTENT_TYPE, "text/xml; charset=utf-8")
                    .header("SOAPAction", "\"\"")
                    .body(xml.clone());
            }
            Body::Form(fields) => {
                rb = rb.form(fields);
            }
        }
        if let Some(token) = req.bearer {
            let mut v =
                HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                    Attempt {
                        err: Error::new(
                            ErrorKind::Auth,
                            "the access token holds characters not allowed in a header",
                        ),
                        retry: false,
                    }
                })?;
            v.set_sensitive(true);
            rb = rb.header(reqwest::header::AUTHORIZATION, v);
        }
        if let Some((user, pass)) = req.basic {
            // RFC 6749 §2.3.1: id and secret are form-urlencoded before
            // they are joined with ':' and base64-encoded, so a secret with
            // '+', '%', ':' or '&' reaches the server unchanged.
            let pass = Secret::new(form_urlencode(pass.expose()));
            rb = rb.basic_auth(form_urlencode(user), Some(pass.expose()));
        }
        for (name, value) in &req.headers {
            rb = rb.header(*name, value.as_str());
        }
        rb = rb.header(reqwest::header::ACCEPT, "*/*");
        match req.purpose {
            Purpose::Login => self.usage.logins += 1,
            Purpose::Api => self.usage.api_calls += 1,
        }
        let resp = rb
            .send()
            .map_err(|e| self.classify(&e, req.idempotent, req.url))?;
        self.contacted = true;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        self.note_limit_info(
            headers
                .get("Sforce-Limit-Info")
                .and_then(|v| v.to_str().ok())
                .and_then(LimitInfo::from_rest_header),
        );
        // Content-Length is of the compressed body; the cap applies to what
        // we would hold in memory, so it is checked while reading too.
        if let Some(len) = resp.content_length() {
            if len > max && !headers.contains_key(reqwest::header::CONTENT_ENCODING) {
                return Err(Attempt {
                    err: too_large(max, status),
                    retry: false,
                });
            }
        }
        let body = self.read_body(resp, deadline, status, req.idempotent)?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    /// Reads the body in chunks until the end, `max_response_bytes` or the
    /// request's deadline, whichever comes first. A body still arriving at
    /// the deadline (a server dripping bytes) is a TIMEOUT, retried like
    /// other timeouts: for idempotent requests, within `max_retries`.
    fn read_body(
        &self,
        mut resp: reqwest::blocking::Response,
        deadline: Instant,
        status: u16,
        idempotent: bool,
    ) -> std::result::Result<Vec<u8>, Attempt> {
        let max = self.max_response_bytes;
        let mut body = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            if Instant::now() >= deadline {
                return Err(Attempt {
                    err: self.body_timeout().with_status(status),
                    retry: idempotent,
                });
            }
            let n = match resp.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let err = if is_timeout_io(&e) || Instant::now() >= deadline {
                        self.body_timeout()
                    } else {
                        Error::new(
                            ErrorKind::Transport,
                            format!("reading the response failed: {}", scrub(&e.to_string())),
                        )
                    };
                    return Err(Attempt {
                        err: err.with_status(status),
                        retry: idempotent,
                    });
                }
            };
            if (body.len() + n) as u64 > max {
                return Err(Attempt {
                    err: too_large(max, status),
                    retry: false,
                });
            }
            body.extend_from_slice(&chunk[..n]);
        }
        Ok(body)
    }

    fn body_timeout(&self) -> Error {
        Error::new(
            ErrorKind::Timeout,
            format!(
                "the response did not arrive completely in time: {} is {}s for the whole \
                 request (connect, headers and body); raise it for a slow link or proxy",
                self.timeout_label,
                self.timeout.as_secs()
            ),
        )
    }

    /// Turns a reqwest error into ours and says whether to retry it.
    fn classify(&self, e: &reqwest::Error, idempotent: bool, url: &str) -> Attempt {
        // host:port only: paths may be long, and never echo userinfo.
        let target = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| {
                u.host_str()
                    .map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0)))
            })
            .unwrap_or_else(|| "the server".to_string());
        let chain = error_chain(e);
        let lower = chain.to_ascii_lowercase();
        // Certificate and handshake problems are permanent; a TLS stream
        // cut short ("close_notify") is just a dropped connection.
        let tls = lower.contains("certificate")
            || lower.contains("unknownissuer")
            || lower.contains("fatal alert")
            || lower.contains("handshake");
        if e.is_timeout() {
            return Attempt {
                err: Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "no answer from {target} in time (connect timeout {}s; {} is {}s for \
                         the whole request): {chain}",
                        self.connect_timeout.as_secs(),
                        self.timeout_label,
                        self.timeout.as_secs()
                    ),
                ),
                retry: idempotent,
            };
        }
        if tls {
            return Attempt {
                err: Error::new(
                    ErrorKind::Transport,
                    format!(
                        "TLS with {target} failed: {chain}. The server certificate is not trusted; \
                         if a proxy or private CA re-signs traffic, give its CA certificate in SalesForceModule::CAFile (config key ca_file)"
                    ),
                ),
                retry: false,
            };
        }
        if e.is_connect() {
            let proxy_hint = if self.proxy.is_some() {
                " (through the configured web proxy)"
            } else {
                ""
            };
            return Attempt {
                err: Error::new(
                    ErrorKind::Transport,
                    format!("cannot connect to {target}{proxy_hint}: {chain}"),
                ),
                // Nothing was sent, so retrying is safe even for writes;
                // worth it only when the host answered before.
                retry: self.contacted,
            };
        }
        Attempt {
            err: Error::new(ErrorKind::Transport, format!("request failed: {chain}")),
            retry: idempotent && self.contacted,
        }
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        if current_pid() != self.pid {
            if let Some(inherited) = self.http.take() {
                // See the module docs: the inherited client cannot be dropped here.
                park_inherited(inherited);
            }
        }
    }
}

struct Attempt {
    err: Error,
    retry: bool,
}

/// HTTP clients inherited from a parent process (see the module docs).
/// A `static` is never dropped, and `ManuallyDrop` says so for each entry:
/// dropping one would wait for a runtime thread that does not exist in this
/// process. Kept here, and not forgotten, they stay reachable memory, so a
/// leak checker reports only what this process itself lost. One entry per
/// `Transport` that crossed a `fork()`.
static INHERITED_CLIENTS: Mutex<Vec<ManuallyDrop<reqwest::blocking::Client>>> =
    Mutex::new(Vec::new());

/// Keeps a client inherited across `fork()` for the life of the process.
fn park_inherited(client: reqwest::blocking::Client) {
    match INHERITED_CLIENTS.try_lock() {
        Ok(mut parked) => parked.push(ManuallyDrop::new(client)),
        // A panic while pushing cannot leave the list unusable.
        Err(TryLockError::Poisoned(p)) => p.into_inner().push(ManuallyDrop::new(client)),
        // Locked: by another thread of this process (rare: two transports
        // crossing a fork at the same instant), or by a thread of the parent
        // that no longer exists here, which would never unlock it. Never
        // wait; forget the client instead (it is then unreachable memory,
        // but the process does not hang).
        Err(TryLockError::WouldBlock) => std::mem::forget(client),
    }
}

fn current_pid() -> libc::pid_t {
    // SAFETY: getpid has no preconditions and cannot fail.
    unsafe { libc::getpid() }
}

fn config_error(msg: String) -> Error {
    Error::new(ErrorKind::Config, msg).context("configuration")
}

fn too_large(max: u64, status: u16) -> Error {
    Error::new(
        ErrorKind::ResponseTooLarge,
        format!(
            "the response body is larger than max_response_bytes ({max} bytes); \
             use a smaller batch_size or raise max_response_bytes"
        ),
    )
    .with_status(status)
}

/// `application/x-www-form-urlencoded` encoding of one value (WHATWG URL
/// standard, as HTML forms do): ASCII letters, digits and `*-._` stay, space
/// becomes `+`, every other byte of the UTF-8 text becomes `%XX`. RFC 6749
/// §2.3.1 asks for it on the client id and secret of HTTP Basic.
pub fn form_urlencode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len() * 3);
    for &b in value.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0f)]));
            }
        }
    }
    out
}

/// Whether an error made from a complete response is worth another try.
pub fn should_retry_response(e: &Error, idempotent: bool) -> bool {
    match e.kind {
        ErrorKind::Http => match e.http_status {
            Some(503) | Some(429) => true,
            // A gateway error may hide a request that was carried out.
            Some(502) | Some(504) => idempotent,
            _ => false,
        },
        ErrorKind::Salesforce | ErrorKind::LimitExceeded => e.is_transient(),
        _ => false,
    }
}

/// Exponential backoff with jitter: attempt 0 waits base/2..base, attempt 1
/// base..2*base, ..., capped at [`BACKOFF_MAX`].
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let full = base
        .saturating_mul(1u32 << attempt.min(16))
        .min(BACKOFF_MAX);
    let half = full / 2;
    let jitter_ns = (half.as_nanos() as u64).max(1);
    half + Duration::from_nanos(random_u64() % jitter_ns)
}

/// `Retry-After` in seconds (the HTTP-date form is not used by Salesforce
/// and is ignored, falling back to backoff).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn random_u64() -> u64 {
    // RandomState is seeded from the OS per instance: good enough jitter.
    let mut h = RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish()
}

fn is_timeout_io(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::TimedOut {
        return true;
    }
    let mut src: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|r| r as _);
    while let Some(s) = src {
        if let Some(re) = s.downcast_ref::<reqwest::Error>() {
            if re.is_timeout() {
                return true;
            }
        }
        src = s.source();
    }
    false
}

/// The error and its causes, without URLs (they may carry a proxy password
/// or long queries) and with anything shaped like a session id redacted.
fn error_chain(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut src: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    let top = if e.is_timeout() {
        "operation timed out".to_string()
    } else if e.is_connect() {
        "connection failed".to_string()
    } else if e.is_body() || e.is_decode() {
        "response body failed".to_string()
    } else {
        "request failed".to_string()
    };
    parts.push(top);
    while let Some(s) = src {
        let text = s.to_string();
        if !parts.iter().any(|p| p == &text) {
            parts.push(text);
        }
        src = s.source();
    }
    scrub(&parts.join(": "))
}

fn scrub(text: &str) -> String {
    let redacted = crate::error::redact(text);
    // Drop anything that looks like a URL with credentials.
    redacted
        .split(' ')
        .map(|w| {
            if w.contains("://") && w.contains('@') {
                "[url]"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_urlencode_as_rfc_6749_basic_asks() {
        assert_eq!(form_urlencode("abcXYZ019*-._"), "abcXYZ019*-._");
        assert_eq!(
            form_urlencode("a+b%c&d:e/f=g h~"),
            "a%2Bb%25c%26d%3Ae%2Ff%3Dg+h%7E"
        );
        assert_eq!(form_urlencode("é"), "%C3%A9");
        assert_eq!(form_urlencode(""), "");
    }

    #[test]
    fn backoff_grows_and_is_jittered_within_bounds() {
        let base = Duration::from_millis(500);
        for attempt in 0..8 {
            let full = (base * (1 << attempt)).min(BACKOFF_MAX);
            for _ in 0..50 {
                let d = backoff(base, attempt);
                assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
            }
        }
        let samples: std::collections::HashSet<_> = (0..20).map(|_| backoff(base, 3)).collect();
        assert!(samples.len() > 1, "no jitter");
        assert!(backoff(base, 30) <= BACKOFF_MAX);
    }

    #[test]
    fn retry_after_seconds() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 10 "), Some(Duration::from_secs(10)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn retry_classification() {
        let http = |s| Error::new(ErrorKind::Http, "x").with_status(s);
        assert!(should_retry_response(&http(503), false));
        assert!(should_retry_response(&http(502), true));
        assert!(!should_retry_response(&http(502), false));
        assert!(should_retry_response(&http(504), true));
        assert!(!should_retry_response(&http(500), true));
        assert!(!should_retry_response(&http(404), true));
        let sf = |c| {
            Error::new(ErrorKind::Salesforce, "x")
                .with_sf_code(c)
                .with_status(500)
        };
        assert!(should_retry_response(&sf("SERVER_UNAVAILABLE"), false));
        assert!(!should_retry_response(&sf("INVALID_FIELD"), true));
        assert!(!should_retry_response(&sf("INVALID_SESSION_ID"), true));
        assert!(!should_retry_response(&sf("INVALID_QUERY_LOCATOR"), true));
        let daily = Error::new(ErrorKind::LimitExceeded, "TotalRequests Limit exceeded.")
            .with_sf_code("REQUEST_LIMIT_EXCEEDED");
        assert!(!should_retry_response(&daily, true));
        let concurrent = Error::new(
            ErrorKind::LimitExceeded,
            "ConcurrentPerOrgLongTxn Limit exceeded.",
        )
        .with_sf_code("REQUEST_LIMIT_EXCEEDED");
        assert!(should_retry_response(&concurrent, true));
        assert!(!should_retry_response(
            &Error::new(ErrorKind::Auth, "x"),
            true
        ));
        assert!(!should_retry_response(
            &Error::new(ErrorKind::ResponseTooLarge, "x"),
            true
        ));
    }

    #[test]
    fn scrub_removes_credentials_in_urls() {
        let s = scrub(
            "proxy http://u:PROXYPW@host:3128 refused, key 00D000000000001!AQ0AQG7fake.token",
        );
        assert!(!s.contains("PROXYPW"), "{s}");
        assert!(!s.contains("AQ0AQG7fake"), "{s}");
    }
}

#[cfg(test)]
mod body_deadline_tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    /// A loopback server that answers every request with headers promising
    /// 10 000 bytes, then drips one byte every 100 ms until the client
    /// goes away. Counts connections; stops accepting when dropped.
    struct Dripper {
        port: u16,
        connections: Arc<AtomicUsize>,
        stop: Arc<AtomicBool>,
        thread: Option<std::thread::JoinHandle<()>>,
    }

    impl Dripper {
        fn start() -> Dripper {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let port = listener.local_addr().unwrap().port();
            let connections = Arc::new(AtomicUsize::new(0));
            let stop = Arc::new(AtomicBool::new(false));
            let (count, halt) = (connections.clone(), stop.clone());
            let thread = std::thread::spawn(move || {
                while !halt.load(Ordering::SeqCst) {
                    let Ok((mut s, _)) = listener.accept() else {
                        std::thread::sleep(Duration::from_millis(10));
                        continue;
                    };
                    count.fetch_add(1, Ordering::SeqCst);
                    let halt = halt.clone();
                    std::thread::spawn(move || {
                        s.set_nonblocking(false).unwrap();
                        let mut buf = [0u8; 4096];
                        let _ = std::io::Read::read(&mut s, &mut buf);
                        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                                    Content-Length: 10000\r\n\r\n";
                        if s.write_all(head.as_bytes()).is_err() {
                            return;
                        }
                        // At most 10 s, well past any timeout used here.
                        for _ in 0..100 {
                            if halt.load(Ordering::SeqCst) || s.write_all(b" ").is_err() {
                                return;
                            }
                            std::thread::sleep(Duration::from_millis(100));
                        }
                    });
                }
            });
            Dripper {
                port,
                connections,
                stop,
                thread: Some(thread),
            }
        }
    }

    impl Drop for Dripper {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }

    fn transport(port: u16, retries: u32) -> Transport {
        let cfg = Config::from_value(&serde_json::json!({
            "username": "u", "password": "p",
            "login_url": format!("http://127.0.0.1:{port}/services/Soap/u/64.0"),
            "timeout_secs": 1, "max_retries": retries,
            "setting_names": {"timeout_secs": "SalesForceModule::Timeout"},
        }))
        .unwrap();
        let mut t = Transport::new(&cfg).unwrap();
        t.backoff_base = Duration::from_millis(10);
        t
    }

    pub(super) fn request(url: &str, idempotent: bool) -> Request<'_> {
        Request {
            get: idempotent,
            url,
            body: Body::None,
            bearer: None,
            basic: None,
            headers: Vec::new(),
            purpose: Purpose::Api,
            idempotent,
        }
    }

    #[test]
    fn a_dripping_body_is_a_timeout_naming_timeout_secs_and_retried_when_idempotent() {
        let srv = Dripper::start();
        let url = format!("http://127.0.0.1:{}/q", srv.port);
        let mut t = transport(srv.port, 1);
        let e = t
            .send(&request(&url, true), "query", |r| Ok(r.body))
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
        assert!(e.message.contains("config key \"timeout_secs\""), "{e}");
        assert!(e.message.contains("SalesForceModule::Timeout"), "{e}");
        assert!(e.message.contains("gave up after 2 attempts"), "{e}");
        assert_eq!(t.usage.retries, 1);
        assert_eq!(srv.connections.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_dripping_body_of_a_write_is_not_retried() {
        let srv = Dripper::start();
        let url = format!("http://127.0.0.1:{}/w", srv.port);
        let mut t = transport(srv.port, 3);
        let e = t
            .send(&request(&url, false), "create", |r| Ok(r.body))
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
        assert!(e.message.contains("timeout_secs"), "{e}");
        assert_eq!(t.usage.retries, 0);
        assert_eq!(srv.connections.load(Ordering::SeqCst), 1);
    }
}

#[cfg(test)]
mod fork_tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    fn parked() -> usize {
        match INHERITED_CLIENTS.lock() {
            Ok(v) => v.len(),
            Err(p) => p.into_inner().len(),
        }
    }

    fn transport(port: u16) -> Transport {
        let cfg = Config::from_value(&serde_json::json!({
            "username": "u", "password": "p",
            "login_url": format!("http://127.0.0.1:{port}/services/Soap/u/64.0"),
            "timeout_secs": 5, "max_retries": 0,
        }))
        .unwrap();
        Transport::new(&cfg).unwrap()
    }

    fn get(url: &str) -> Request<'_> {
        super::body_deadline_tests::request(url, true)
    }

    /// A loopback server answering every request on every connection with
    /// `200 ok` (keep-alive), until the client closes the connection.
    fn serve_ok() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut s) = conn else { return };
                std::thread::spawn(move || {
                    let mut buf = [0u8; 4096];
                    // One small GET per read on loopback.
                    while matches!(std::io::Read::read(&mut s, &mut buf), Ok(n) if n > 0) {
                        let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
                        if s.write_all(reply).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        port
    }

    #[test]
    fn a_client_built_by_another_process_is_parked_and_replaced() {
        // This is the only test that parks in the test process itself (the
        // fork test parks in its child), so the counts are exact.
        let mut t = transport(9);
        let before = parked();
        // As if `t` had crossed a fork: built by another process.
        t.pid = current_pid().wrapping_add(1);
        t.contacted = true;
        t.ensure_client().unwrap();
        assert_eq!(parked(), before + 1, "the inherited client was not parked");
        assert_eq!(t.pid, current_pid());
        assert!(t.http.is_some(), "no fresh client");
        assert!(!t.contacted, "a fresh process has not contacted the server");
        // Freed in another process without a call: parked by Drop.
        t.pid = current_pid().wrapping_add(1);
        drop(t);
        assert_eq!(
            parked(),
            before + 2,
            "Drop did not park the inherited client"
        );
        // The process's own client is dropped normally (no parking).
        drop(transport(9));
        assert_eq!(parked(), before + 2);
    }

    #[test]
    fn a_forked_child_uses_and_frees_an_inherited_transport() {
        let port = serve_ok();
        let url = format!("http://127.0.0.1:{port}/ping");
        let mut t = transport(port);
        // The parent uses its client first: its runtime thread is busy with
        // a pooled connection, and every lazy static on the request path is
        // initialised before the fork (the child must not wait for a lock a
        // thread of the parent might have held).
        let body = t.send(&get(&url), "ping", |r| Ok(r.body)).unwrap();
        assert_eq!(body, b"ok");
        let before = parked();
        // SAFETY: fork has no preconditions. The child runs only the block
        // below and leaves with _exit, never returning into the harness.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            // SAFETY: alarm has no preconditions. A hang (the bug this
            // guards against: waiting for the parent's runtime thread)
            // ends the child with SIGALRM instead of blocking the test.
            unsafe { libc::alarm(30) };
            let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let Ok(body) = t.send(&get(&url), "ping", |r| Ok(r.body)) else {
                    return 2;
                };
                if body != b"ok" {
                    return 3;
                }
                if parked() != before + 1 {
                    return 4;
                }
                // The child's own client: dropped normally (joins the
                // child's runtime thread), not parked.
                drop(t);
                if parked() != before + 1 {
                    return 5;
                }
                0
            }))
            .unwrap_or(6);
            // SAFETY: _exit has no preconditions; it skips the harness.
            unsafe { libc::_exit(code) };
        }
        let mut status = 0;
        loop {
            // SAFETY: `pid` is our child; `status` is a valid out pointer.
            let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
            if waited == pid {
                break;
            }
            let err = std::io::Error::last_os_error();
            assert_eq!(
                err.kind(),
                std::io::ErrorKind::Interrupted,
                "waitpid: {err}"
            );
        }
        assert!(
            !libc::WIFSIGNALED(status),
            "the child was killed by signal {} (14 = SIGALRM: it hung)",
            libc::WTERMSIG(status)
        );
        assert_eq!(
            libc::WEXITSTATUS(status),
            0,
            "child: 2 = request failed, 3 = wrong body, 4 = inherited client not parked, \
             5 = own client parked, 6 = panic"
        );
        // The parent's client is untouched and still works.
        assert_eq!(parked(), before);
        let body = t.send(&get(&url), "ping", |r| Ok(r.body)).unwrap();
        assert_eq!(body, b"ok");
    }
}
