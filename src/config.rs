//! The client configuration: parsed from JSON (see doc/dev/ARCHITECTURE.md,
//! "Client configuration"), checked once, then read by the other modules.
//!
//! Checks made here so that later failures are about Salesforce, not about
//! our input: unknown keys, missing credentials for the chosen flow (named
//! as the OTRS admin knows them), URL schemes (plain `http://` only to
//! loopback), retired API versions (replaced by the default, with a warning).
//! Secrets are kept in [`Secret`], whose `Debug` never shows the value.

use crate::error::{Error, ErrorKind, Result};
use reqwest::Url;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// API version used when none is configured, and in place of retired ones.
pub const DEFAULT_API_VERSION: &str = "64.0";
/// Lowest API version Salesforce still serves (7.0-30.0 retired Summer '25).
pub const MIN_API_VERSION: u32 = 31;
/// SOAP `login()` is refused from this version on (Winter '26).
pub const SOAP_LOGIN_MAX_VERSION: u32 = 64;
/// Default login host (production and Developer Edition orgs).
pub const DEFAULT_LOGIN_HOST: &str = "https://login.salesforce.com";
/// Query batch size bounds (SOAP QueryOptions / REST Sforce-Query-Options).
pub const MIN_BATCH_SIZE: u32 = 200;
pub const MAX_BATCH_SIZE: u32 = 2000;
/// Largest `ca_file` read (PEM bundles, even a full public root store, are
/// a few hundred KiB; this keeps a device or huge file from eating memory).
pub const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

/// A secret string (password, token, key, session id). Its `Debug` and
/// `Display` print `[redacted]`; read it with [`Secret::expose`] only where
/// it goes on the wire.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret value, for the request that needs it. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// How the client gets its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthFlow {
    SoapLogin,
    OAuthClientCredentials,
    OAuthJwt,
    OAuthPassword,
    OAuthRefreshToken,
    AccessToken,
}

impl AuthFlow {
    pub const ALL: [AuthFlow; 6] = [
        AuthFlow::SoapLogin,
        AuthFlow::OAuthClientCredentials,
        AuthFlow::OAuthJwt,
        AuthFlow::OAuthPassword,
        AuthFlow::OAuthRefreshToken,
        AuthFlow::AccessToken,
    ];

    /// The name used in the configuration (`auth_flow`).
    pub fn name(self) -> &'static str {
        match self {
            AuthFlow::SoapLogin => "soap-login",
            AuthFlow::OAuthClientCredentials => "oauth-client-credentials",
            AuthFlow::OAuthJwt => "oauth-jwt",
            AuthFlow::OAuthPassword => "oauth-password",
            AuthFlow::OAuthRefreshToken => "oauth-refresh-token",
            AuthFlow::AccessToken => "access-token",
        }
    }

    pub fn from_name(name: &str) -> Option<AuthFlow> {
        AuthFlow::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the client can get a new session by itself (all but a
    /// ready access token).
    pub fn can_relogin(self) -> bool {
        self != AuthFlow::AccessToken
    }
}

/// The checked client configuration.
#[derive(Clone)]
pub struct Config {
    pub auth_flow: AuthFlow,
    /// SOAP login endpoint (SysConfig `SalesForceModule::Proxy`).
    pub login_url: String,
    /// OAuth host, without a trailing slash.
    pub login_host: String,
    /// `NN.0`.
    pub api_version: String,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub security_token: Option<Secret>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub private_key: Option<Secret>,
    pub private_key_file: Option<PathBuf>,
    pub jwt_audience: String,
    pub refresh_token: Option<Secret>,
    pub access_token: Option<Secret>,
    pub instance_url: Option<String>,
    pub partner_ns: String,
    pub sobject_ns: String,
    pub metadata_ns: String,
    pub prefix: String,
    /// Proxy URL; may hold `user:pass@`, hence a secret.
    pub proxy: Option<Secret>,
    pub ca_file: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub batch_size: u32,
    pub max_retries: u32,
    pub max_response_bytes: u64,
    pub client_name: String,
    /// Things the admin should know but that did not stop us (retired API
    /// version replaced, ...). Returned by `login` as `"warnings"`.
    pub warnings: Vec<String>,
    /// Admin-facing names of config keys (for messages), from the optional
    /// `setting_names` object plus the original module's SysConfig names.
    pub setting_names: BTreeMap<String, String>,
}

const KNOWN_KEYS: &[&str] = &[
    "auth_flow",
    "login_url",
    "login_host",
    "api_version",
    "username",
    "password",
    "security_token",
    "client_id",
    "client_secret",
    "private_key",
    "private_key_file",
    "jwt_audience",
    "refresh_token",
    "access_token",
    "instance_url",
    "partner_ns",
    "sobject_ns",
    "metadata_ns",
    "prefix",
    "proxy",
    "ca_file",
    "connect_timeout_secs",
    "timeout_secs",
    "batch_size",
    "max_retries",
    "max_response_bytes",
    "client_name",
    "setting_names",
];

/// SysConfig names of the original module, used in messages so that an
/// OTRS admin knows where to look.
const LEGACY_SETTING_NAMES: &[(&str, &str)] = &[
    ("username", "SalesForceModule::AuthUser"),
    ("password", "SalesForceModule::AuthPassword"),
    ("security_token", "SalesForceModule::AuthSecToken"),
    ("login_url", "SalesForceModule::Proxy"),
    ("api_version", "SalesForceModule::APIVersion"),
    ("proxy", "SalesForceModule::WebProxy"),
    ("partner_ns", "SalesForceModule::BaseUrl"),
    ("sobject_ns", "SalesForceModule::SObjectUrl"),
    ("metadata_ns", "SalesForceModule::MetaDataUrl"),
    ("prefix", "SalesForceModule::Prefix"),
];

impl Config {
    /// Parses and checks a JSON configuration.
    pub fn from_json(text: &str) -> Result<Config> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("client configuration is not valid JSON: {e}"),
            )
            .context("configuration")
        })?;
        Config::from_value(&value)
    }

    /// Parses and checks a configuration given as a JSON object.
    pub fn from_value(value: &Value) -> Result<Config> {
        let obj = value
            .as_object()
            .ok_or_else(|| cfg_error("client configuration must be a JSON object".to_string()))?;
        for key in obj.keys() {
            if !KNOWN_KEYS.contains(&key.as_str()) {
                return Err(cfg_error(format!(
                    "unknown configuration key \"{key}\" (known keys: {})",
                    KNOWN_KEYS.join(", ")
                )));
            }
        }
        let mut setting_names: BTreeMap<String, String> = LEGACY_SETTING_NAMES
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Some(v) = obj.get("setting_names") {
            let map = v.as_object().ok_or_else(|| {
                cfg_error("\"setting_names\" must be an object of key -> setting name".into())
            })?;
            for (k, name) in map {
                let name = name.as_str().ok_or_else(|| {
                    cfg_error(format!("\"setting_names\".\"{k}\" must be a string"))
                })?;
                setting_names.insert(k.clone(), name.to_string());
            }
        }
        let r = Reader {
            obj,
            names: &setting_names,
        };
        let mut warnings = Vec::new();

        let auth_flow = match r.string("auth_flow")? {
            None => AuthFlow::SoapLogin,
            Some(name) => AuthFlow::from_name(&name).ok_or_else(|| {
                cfg_error(format!(
                    "{} has an unknown auth flow \"{name}\" (use one of: {})",
                    r.label("auth_flow"),
                    AuthFlow::ALL.map(|f| f.name()).join(", ")
                ))
            })?,
        };

        // API version: NN or NN.0; retired ones replaced by the default.
        let api_version = match r.string("api_version")? {
            None => DEFAULT_API_VERSION.to_string(),
            Some(v) => {
                let major = parse_version(&v).ok_or_else(|| {
                    cfg_error(format!(
                        "{} is \"{v}\", expected a version like {DEFAULT_API_VERSION}",
                        r.label("api_version")
                    ))
                })?;
                if major < MIN_API_VERSION {
                    warnings.push(format!(
                        "{} {v} is retired by Salesforce (versions below {MIN_API_VERSION}.0 are \
                         refused); using {DEFAULT_API_VERSION} instead. Set it to {DEFAULT_API_VERSION}.",
                        r.label("api_version")
                    ));
                    DEFAULT_API_VERSION.to_string()
                } else {
                    format!("{major}.0")
                }
            }
        };

        let login_url_given = r.string("login_url")?.is_some();
        let login_url = match r.string("login_url")? {
            None => format!("{DEFAULT_LOGIN_HOST}/services/Soap/u/{api_version}"),
            Some(u) => {
                let url = check_url(&r, "login_url", &u)?;
                match soap_path_version(&url) {
                    Some((major, original)) if major < MIN_API_VERSION => {
                        let fixed = replace_soap_version(&url, &api_version);
                        warnings.push(format!(
                            "{} uses API version {original}, which Salesforce has retired; \
                             using {fixed} instead. Update the setting.",
                            r.label("login_url")
                        ));
                        fixed
                    }
                    _ => u.clone(),
                }
            }
        };
        if auth_flow == AuthFlow::SoapLogin {
            // Either version may ask for a SOAP login() that no longer exists.
            let url_major = Url::parse(&login_url)
                .ok()
                .and_then(|u| soap_path_version(&u))
                .map(|(m, _)| m);
            let too_new = [
                (parse_version(&api_version), "api_version"),
                (url_major.filter(|_| login_url_given), "login_url"),
            ]
            .into_iter()
            .find_map(|(major, key)| {
                major
                    .filter(|m| *m > SOAP_LOGIN_MAX_VERSION)
                    .map(|m| (m, key))
            });
            if let Some((major, key)) = too_new {
                warnings.push(format!(
                    "SOAP login() is not available from API 65.0 on; {} asks for {major}.0. \
                     Use {DEFAULT_API_VERSION} or an OAuth flow ({}).",
                    r.label(key),
                    r.label("auth_flow")
                ));
            }
        }

        let login_host = match r.string("login_host")? {
            None => DEFAULT_LOGIN_HOST.to_string(),
            Some(h) => {
                check_url(&r, "login_host", &h)?;
                h.trim_end_matches('/').to_string()
            }
        };
        let instance_url = match r.string("instance_url")? {
            None => None,
            Some(u) => {
                check_url(&r, "instance_url", &u)?;
                Some(u.trim_end_matches('/').to_string())
            }
        };

        let proxy = match r.string("proxy")? {
            None => None,
            Some(p) => {
                let url = Url::parse(&p).map_err(|_| {
                    // The text may hold a password: do not echo it.
                    cfg_error(format!(
                        "{} is not a valid URL (expected http://host:port or http://user:pass@host:port)",
                        r.label("proxy")
                    ))
                })?;
                if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                    return Err(cfg_error(format!(
                        "{} must be an http:// or https:// URL with a host",
                        r.label("proxy")
                    )));
                }
                Some(Secret::new(p))
            }
        };

        let ca_file = r.string("ca_file")?.map(PathBuf::from);
        if let Some(path) = &ca_file {
            check_ca_file(path, &r.label("ca_file"))?;
        }

        // 0 is refused (not raised to 200): it is a mistake, not a wish.
        let batch_size = match r.uint("batch_size")? {
            None => MAX_BATCH_SIZE,
            Some(0) => {
                return Err(cfg_error(format!(
                    "{} is 0; use {MIN_BATCH_SIZE}..{MAX_BATCH_SIZE}",
                    r.label("batch_size")
                )))
            }
            Some(b) => clamp_batch_size(b as i64),
        };
        let max_retries = r.uint("max_retries")?.unwrap_or(3);
        if max_retries > 10 {
            return Err(cfg_error(format!(
                "{} is {max_retries}; use 0..10",
                r.label("max_retries")
            )));
        }
        let seconds = |key: &str, default: u64| -> Result<Duration> {
            match r.uint(key)?.unwrap_or(default) {
                0 => Err(cfg_error(format!(
                    "{} is 0; use at least 1 (seconds)",
                    r.label(key)
                ))),
                s => Ok(Duration::from_secs(s)),
            }
        };
        let connect_timeout = seconds("connect_timeout_secs", 10)?;
        let timeout = seconds("timeout_secs", 120)?;
        let max_response_bytes = r.uint("max_response_bytes")?.unwrap_or(64 << 20);
        if max_response_bytes < 1024 {
            return Err(cfg_error(format!(
                "{} is {max_response_bytes}; use at least 1024",
                r.label("max_response_bytes")
            )));
        }

        let cfg = Config {
            auth_flow,
            login_url,
            login_host,
            api_version,
            username: r.string("username")?,
            password: r.secret("password")?,
            security_token: r.secret("security_token")?,
            client_id: r.string("client_id")?,
            client_secret: r.secret("client_secret")?,
            private_key: r.secret("private_key")?,
            private_key_file: r.string("private_key_file")?.map(PathBuf::from),
            jwt_audience: r
                .string("jwt_audience")?
                .unwrap_or_else(|| DEFAULT_LOGIN_HOST.to_string()),
            refresh_token: r.secret("refresh_token")?,
            access_token: r.secret("access_token")?,
            instance_url,
            partner_ns: r
                .string("partner_ns")?
                .unwrap_or_else(|| "urn:partner.soap.sforce.com".into()),
            sobject_ns: r
                .string("sobject_ns")?
                .unwrap_or_else(|| "urn:sobject.partner.soap.sforce.com".into()),
            metadata_ns: r
                .string("metadata_ns")?
                .unwrap_or_else(|| "http://soap.sforce.com/2006/04/metadata".into()),
            prefix: r.string("prefix")?.unwrap_or_else(|| "sforce".into()),
            proxy,
            ca_file,
            connect_timeout,
            timeout,
            batch_size,
            max_retries: max_retries as u32,
            max_response_bytes,
            client_name: r
                .string("client_name")?
                .unwrap_or_else(|| "SalesForce-Customer-Sync".into()),
            warnings,
            setting_names,
        };
        cfg.check_credentials()?;
        let mut cfg = cfg;
        if cfg.auth_flow == AuthFlow::OAuthClientCredentials
            && (cfg.login_host.ends_with("://login.salesforce.com")
                || cfg.login_host.ends_with("://test.salesforce.com"))
        {
            cfg.warnings.push(format!(
                "the oauth-client-credentials flow must use your My Domain host \
                 (https://yourdomain.my.salesforce.com); {} is {}, which Salesforce refuses \
                 for this flow",
                cfg.label("login_host"),
                cfg.login_host
            ));
        }
        Ok(cfg)
    }

    /// The contents of `ca_file` (`None` when not set), read with a size
    /// limit of [`MAX_CA_FILE_BYTES`]: anything but a regular file of at
    /// most that size (a directory, `/dev/zero`, a FIFO, a huge file) is a
    /// Config error naming the setting.
    pub fn read_ca_file(&self) -> Result<Option<Vec<u8>>> {
        match &self.ca_file {
            None => Ok(None),
            Some(path) => read_ca_file(path, &self.label("ca_file")).map(Some),
        }
    }

    /// "SalesForceModule::AuthUser (config key "username")", or just the key
    /// when no admin-facing name is known.
    pub fn label(&self, key: &str) -> String {
        label(&self.setting_names, key)
    }

    fn check_credentials(&self) -> Result<()> {
        let flow = self.auth_flow;
        let need_str = |key: &str, v: &Option<String>| -> Result<()> {
            if v.as_deref().map(str::trim).unwrap_or("").is_empty() {
                Err(self.missing(key))
            } else {
                Ok(())
            }
        };
        let need_secret = |key: &str, v: &Option<Secret>| -> Result<()> {
            if v.as_ref().map(Secret::is_empty).unwrap_or(true) {
                Err(self.missing(key))
            } else {
                Ok(())
            }
        };
        match flow {
            AuthFlow::SoapLogin => {
                need_str("username", &self.username)?;
                need_secret("password", &self.password)?;
            }
            AuthFlow::OAuthPassword => {
                need_str("client_id", &self.client_id)?;
                need_str("username", &self.username)?;
                need_secret("password", &self.password)?;
            }
            AuthFlow::OAuthClientCredentials => {
                need_str("client_id", &self.client_id)?;
                need_secret("client_secret", &self.client_secret)?;
            }
            AuthFlow::OAuthJwt => {
                need_str("client_id", &self.client_id)?;
                need_str("username", &self.username)?;
                if let Some(path) = &self.private_key_file {
                    if self.private_key.is_none() && !path.is_file() {
                        return Err(cfg_error(format!(
                            "{} names {}, which is not a readable file",
                            self.label("private_key_file"),
                            path.display()
                        )));
                    }
                }
                if self
                    .private_key
                    .as_ref()
                    .map(Secret::is_empty)
                    .unwrap_or(true)
                    && self.private_key_file.is_none()
                {
                    return Err(cfg_error(format!(
                        "{} and {} are both empty: the oauth-jwt flow needs the PEM private key \
                         of the connected app's certificate",
                        self.label("private_key"),
                        self.label("private_key_file")
                    )));
                }
            }
            AuthFlow::OAuthRefreshToken => {
                need_str("client_id", &self.client_id)?;
                need_secret("refresh_token", &self.refresh_token)?;
            }
            AuthFlow::AccessToken => {
                need_secret("access_token", &self.access_token)?;
                need_str("instance_url", &self.instance_url)?;
            }
        }
        Ok(())
    }

    fn missing(&self, key: &str) -> Error {
        let flow = self.auth_flow.name();
        cfg_error(match self.setting_names.get(key) {
            Some(name) => {
                format!("{name} is empty (config key \"{key}\"): the {flow} auth flow needs it")
            }
            None => format!("config key \"{key}\" is empty: the {flow} auth flow needs it"),
        })
    }

    /// Token endpoint of the OAuth flows.
    pub fn token_url(&self) -> String {
        format!("{}/services/oauth2/token", self.login_host)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secret fields print as [redacted]; the proxy URL only as host.
        let proxy = self.proxy.as_ref().map(|p| {
            Url::parse(p.expose())
                .ok()
                .and_then(|u| {
                    u.host_str().map(|h| {
                        format!(
                            "{}://{h}:{}",
                            u.scheme(),
                            u.port_or_known_default().unwrap_or(0)
                        )
                    })
                })
                .unwrap_or_else(|| "[unparsable]".into())
        });
        f.debug_struct("Config")
            .field("auth_flow", &self.auth_flow)
            .field("login_url", &self.login_url)
            .field("login_host", &self.login_host)
            .field("api_version", &self.api_version)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("security_token", &self.security_token)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("private_key", &self.private_key)
            .field("private_key_file", &self.private_key_file)
            .field("jwt_audience", &self.jwt_audience)
            .field("refresh_token", &self.refresh_token)
            .field("access_token", &self.access_token)
            .field("instance_url", &self.instance_url)
            .field("proxy", &proxy)
            .field("ca_file", &self.ca_file)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("batch_size", &self.batch_size)
            .field("max_retries", &self.max_retries)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("client_name", &self.client_name)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

/// Clamps a requested batch size to Salesforce's 200..2000.
pub fn clamp_batch_size(requested: i64) -> u32 {
    requested.clamp(MIN_BATCH_SIZE as i64, MAX_BATCH_SIZE as i64) as u32
}

fn cfg_error(message: String) -> Error {
    Error::new(ErrorKind::Config, message).context("configuration")
}

fn label(names: &BTreeMap<String, String>, key: &str) -> String {
    match names.get(key) {
        Some(name) => format!("{name} (config key \"{key}\")"),
        None => format!("config key \"{key}\""),
    }
}

/// Reads typed values; empty strings count as absent (SysConfig leaves
/// unset settings empty).
struct Reader<'a> {
    obj: &'a Map<String, Value>,
    names: &'a BTreeMap<String, String>,
}

impl Reader<'_> {
    fn label(&self, key: &str) -> String {
        label(self.names, key)
    }

    fn string(&self, key: &str) -> Result<Option<String>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(_) => Err(cfg_error(format!("{} must be a string", self.label(key)))),
        }
    }

    /// Like `string`, but keeps the value as given (no trimming: a password
    /// may end in a space) and never echoes it.
    fn secret(&self, key: &str) -> Result<Option<Secret>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(Secret::new(s.clone()))),
            Some(_) => Err(cfg_error(format!("{} must be a string", self.label(key)))),
        }
    }

    fn uint(&self, key: &str) -> Result<Option<u64>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
            // SysConfig values arrive as strings.
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) if s.trim().parse::<u64>().is_ok() => {
                Ok(s.trim().parse::<u64>().ok())
            }
            Some(other) => Err(cfg_error(format!(
                "{} must be a whole number >= 0, not {other}",
                self.label(key)
            ))),
        }
    }
}

/// "64.0" / "64" -> 64.
fn parse_version(v: &str) -> Option<u32> {
    let v = v.trim();
    let major = v.strip_suffix(".0").unwrap_or(v);
    if major.is_empty() || !major.bytes().all(|b| b.is_ascii_digit()) || major.len() > 3 {
        return None;
    }
    major.parse().ok()
}

/// The `NN.0` after `/Soap/u/` in a login URL.
fn soap_path_version(url: &Url) -> Option<(u32, String)> {
    let mut segs = url.path_segments()?;
    while let Some(s) = segs.next() {
        if s == "Soap" {
            if segs.next() == Some("u") {
                let v = segs.next()?;
                return parse_version(v).map(|m| (m, v.to_string()));
            }
            return None;
        }
    }
    None
}

fn replace_soap_version(url: &Url, version: &str) -> String {
    let segs: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
    let mut out = Vec::with_capacity(segs.len());
    let mut i = 0;
    while i < segs.len() {
        out.push(segs[i].to_string());
        if segs[i] == "Soap" && segs.get(i + 1) == Some(&"u") && i + 2 < segs.len() {
            out.push("u".into());
            out.push(version.to_string());
            i += 3;
            continue;
        }
        i += 1;
    }
    let mut fixed = url.clone();
    fixed.set_path(&out.join("/"));
    fixed.to_string()
}

/// Checks the scheme: https anywhere, http only to loopback.
fn check_url(r: &Reader<'_>, key: &str, text: &str) -> Result<Url> {
    let url = Url::parse(text).map_err(|e| {
        cfg_error(format!(
            "{} is not a valid URL ({e}): \"{text}\"",
            r.label(key)
        ))
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(cfg_error(format!(
            "{} uses plain http:// to a non-loopback host ({}); use https://",
            r.label(key),
            url.host_str().unwrap_or("")
        ))),
        other => Err(cfg_error(format!(
            "{} has scheme \"{other}\"; use https://",
            r.label(key)
        ))),
    }
}

/// Refuses a `ca_file` that is not a regular file of at most
/// [`MAX_CA_FILE_BYTES`] (symlinks are followed).
fn check_ca_file(path: &Path, label: &str) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| {
        cfg_error(format!(
            "{label} names {}, which cannot be read: {e}",
            path.display()
        ))
    })?;
    if !meta.is_file() {
        return Err(cfg_error(format!(
            "{label} names {}, which is not a regular file; give a PEM file of CA certificates",
            path.display()
        )));
    }
    if meta.len() > MAX_CA_FILE_BYTES {
        return Err(ca_file_too_large(path, label));
    }
    Ok(())
}

fn ca_file_too_large(path: &Path, label: &str) -> Error {
    cfg_error(format!(
        "{label} names {}, which is larger than {MAX_CA_FILE_BYTES} bytes; \
         a PEM bundle of CA certificates is far smaller",
        path.display()
    ))
}

/// Reads `ca_file` with the checks of [`check_ca_file`], again at read time
/// (the file may have changed since the configuration was parsed), and
/// never more than [`MAX_CA_FILE_BYTES`] + 1 bytes.
fn read_ca_file(path: &Path, label: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    check_ca_file(path, label)?;
    let file = std::fs::File::open(path)
        .map_err(|e| cfg_error(format!("cannot read {label} ({}): {e}", path.display())))?;
    // The open file itself must be regular too (the path could have been
    // swapped for a device between the check and the open).
    let meta = file
        .metadata()
        .map_err(|e| cfg_error(format!("cannot read {label} ({}): {e}", path.display())))?;
    if !meta.is_file() {
        return Err(cfg_error(format!(
            "{label} names {}, which is not a regular file; give a PEM file of CA certificates",
            path.display()
        )));
    }
    let mut pem = Vec::new();
    file.take(MAX_CA_FILE_BYTES + 1)
        .read_to_end(&mut pem)
        .map_err(|e| cfg_error(format!("cannot read {label} ({}): {e}", path.display())))?;
    if pem.len() as u64 > MAX_CA_FILE_BYTES {
        return Err(ca_file_too_large(path, label));
    }
    Ok(pem)
}

/// 127.0.0.0/8, ::1, localhost.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: Value) -> Result<Config> {
        Config::from_value(&v)
    }

    fn soap() -> Value {
        serde_json::json!({"username": "u@example.com", "password": "pw", "security_token": "tok"})
    }

    #[test]
    fn defaults() {
        let c = parse(soap()).unwrap();
        assert_eq!(c.auth_flow, AuthFlow::SoapLogin);
        assert_eq!(c.api_version, "64.0");
        assert_eq!(
            c.login_url,
            "https://login.salesforce.com/services/Soap/u/64.0"
        );
        assert_eq!(
            c.token_url(),
            "https://login.salesforce.com/services/oauth2/token"
        );
        assert_eq!(c.batch_size, 2000);
        assert_eq!(c.max_retries, 3);
        assert_eq!(c.timeout, Duration::from_secs(120));
        assert_eq!(c.connect_timeout, Duration::from_secs(10));
        assert_eq!(c.max_response_bytes, 64 << 20);
        assert_eq!(c.prefix, "sforce");
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn unknown_key_is_named() {
        let mut v = soap();
        v["pasword"] = "x".into();
        let e = parse(v).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.message.contains("\"pasword\""), "{e}");
    }

    #[test]
    fn missing_credentials_name_the_sysconfig_setting() {
        let e = parse(serde_json::json!({"password": "pw"})).unwrap_err();
        assert!(
            e.message.contains("SalesForceModule::AuthUser is empty"),
            "{e}"
        );
        let e = parse(serde_json::json!({"username": "u", "password": ""})).unwrap_err();
        assert!(e.message.contains("SalesForceModule::AuthPassword"), "{e}");
        let e =
            parse(serde_json::json!({"auth_flow": "oauth-client-credentials", "client_id": "x"}))
                .unwrap_err();
        assert!(e.message.contains("\"client_secret\""), "{e}");
        let e =
            parse(serde_json::json!({"auth_flow": "oauth-jwt", "client_id": "x", "username": "u"}))
                .unwrap_err();
        assert!(e.message.contains("private_key"), "{e}");
        let e = parse(
            serde_json::json!({"auth_flow": "oauth-jwt", "client_id": "x", "username": "u",
            "private_key_file": "/nonexistent/jwt.pem"}),
        )
        .unwrap_err();
        assert!(e.message.contains("/nonexistent/jwt.pem"), "{e}");
        let c = parse(
            serde_json::json!({"auth_flow": "oauth-client-credentials", "client_id": "x",
            "client_secret": "y"}),
        )
        .unwrap();
        assert!(c.warnings[0].contains("My Domain"), "{:?}", c.warnings);
        let e = parse(serde_json::json!({"auth_flow": "access-token", "access_token": "x"}))
            .unwrap_err();
        assert!(e.message.contains("instance_url"), "{e}");
        let e = parse(serde_json::json!({"auth_flow": "nope"})).unwrap_err();
        assert!(e.message.contains("soap-login"), "{e}");
        // Caller-supplied admin names win.
        let e = parse(
            serde_json::json!({"auth_flow": "oauth-refresh-token", "client_id": "x",
            "setting_names": {"refresh_token": "SalesForceModule::OAuth::RefreshToken"}}),
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("SalesForceModule::OAuth::RefreshToken is empty"),
            "{e}"
        );
    }

    #[test]
    fn retired_versions_are_replaced_with_a_warning() {
        let mut v = soap();
        v["api_version"] = "23.0".into();
        v["login_url"] = "https://login.salesforce.com/services/Soap/u/8.0".into();
        let c = parse(v).unwrap();
        assert_eq!(c.api_version, "64.0");
        assert_eq!(
            c.login_url,
            "https://login.salesforce.com/services/Soap/u/64.0"
        );
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
        assert!(c.warnings[0].contains("SalesForceModule::APIVersion"));
        assert!(c.warnings[1].contains("8.0"));
        let mut v = soap();
        v["api_version"] = "58".into();
        v["login_url"] = "https://test.salesforce.com/services/Soap/u/58.0".into();
        let c = parse(v).unwrap();
        assert_eq!(c.api_version, "58.0");
        assert_eq!(
            c.login_url,
            "https://test.salesforce.com/services/Soap/u/58.0"
        );
        assert!(c.warnings.is_empty());
        let mut v = soap();
        v["api_version"] = "v64".into();
        assert_eq!(parse(v).unwrap_err().kind, ErrorKind::Config);
        let mut v = soap();
        v["login_url"] = "https://login.salesforce.com/services/Soap/u/66.0".into();
        let c = parse(v).unwrap();
        assert!(c.warnings[0].contains("65.0"), "{:?}", c.warnings);
        assert!(c.warnings[0].contains("\"login_url\""), "{:?}", c.warnings);
        // An API version of 65.0 or later asks for it too, whatever the URL.
        let mut v = soap();
        v["api_version"] = "65.0".into();
        v["login_url"] = "https://login.salesforce.com/services/Soap/u/64.0".into();
        let c = parse(v).unwrap();
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
        assert!(
            c.warnings[0].contains("\"api_version\") asks for 65.0"),
            "{:?}",
            c.warnings
        );
        assert!(c.warnings[0].contains("\"auth_flow\""), "{:?}", c.warnings);
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for (url, ok) in [
            ("http://127.0.0.1:8443/services/Soap/u/64.0", true),
            ("http://127.5.0.1/services/Soap/u/64.0", true),
            ("http://localhost/services/Soap/u/64.0", true),
            ("http://[::1]:9/services/Soap/u/64.0", true),
            ("http://login.salesforce.com/services/Soap/u/64.0", false),
            ("http://10.0.0.1/services/Soap/u/64.0", false),
            ("ftp://login.salesforce.com/", false),
            ("not a url", false),
        ] {
            let mut v = soap();
            v["login_url"] = url.into();
            assert_eq!(parse(v).is_ok(), ok, "{url}");
        }
        let mut v = soap();
        v["login_host"] = "http://example.com".into();
        assert!(parse(v).is_err());
    }

    #[test]
    fn numbers_and_batch_size() {
        let mut v = soap();
        v["batch_size"] = 50.into();
        v["timeout_secs"] = "30".into();
        assert_eq!(parse(v.clone()).unwrap().batch_size, 200);
        v["batch_size"] = 5000.into();
        let c = parse(v.clone()).unwrap();
        assert_eq!(c.batch_size, 2000);
        assert_eq!(c.timeout, Duration::from_secs(30));
        v["max_retries"] = "x".into();
        assert!(parse(v.clone()).is_err());
        v["max_retries"] = (-1).into();
        assert!(parse(v).is_err());
        assert_eq!(clamp_batch_size(-5), 200);
        assert_eq!(clamp_batch_size(700), 700);
    }

    #[test]
    fn zero_timeouts_and_batch_size_are_refused_naming_the_setting() {
        for (key, name, value, needle) in [
            (
                "connect_timeout_secs",
                "SalesForceModule::ConnectTimeout",
                Value::from(0),
                "use at least 1 (seconds)",
            ),
            (
                "timeout_secs",
                "SalesForceModule::Timeout",
                Value::from("0"),
                "use at least 1 (seconds)",
            ),
            (
                "batch_size",
                "SalesForceModule::BatchSize",
                Value::from("00"),
                "use 200..2000",
            ),
        ] {
            let mut v = soap();
            v[key] = value;
            v["setting_names"] = serde_json::json!({ key: name });
            let e = parse(v.clone()).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Config, "{e}");
            let msg = e.to_string();
            assert!(
                msg.contains(&format!("{name} (config key \"{key}\") is 0; {needle}")),
                "{msg}"
            );
            // Without a setting name, the key alone is named.
            v.as_object_mut().unwrap().remove("setting_names");
            let msg = parse(v).unwrap_err().to_string();
            assert!(
                msg.contains(&format!("config key \"{key}\" is 0; {needle}")),
                "{msg}"
            );
        }
        // 1 is fine; a batch size below 200 is still raised to 200.
        let mut v = soap();
        v["connect_timeout_secs"] = 1.into();
        v["timeout_secs"] = "1".into();
        v["batch_size"] = 1.into();
        let c = parse(v).unwrap();
        assert_eq!(c.connect_timeout, Duration::from_secs(1));
        assert_eq!(c.timeout, Duration::from_secs(1));
        assert_eq!(c.batch_size, 200);
    }

    #[test]
    fn debug_hides_secrets() {
        let v = serde_json::json!({"username": "u", "password": "PW-SECRET-1", "security_token": "TOK-SECRET-2",
            "client_secret": "CS-SECRET-3", "refresh_token": "RT-SECRET-4", "private_key": "PK-SECRET-5",
            "access_token": "AT-SECRET-6", "proxy": "http://puser:PROXY-SECRET-7@proxy.example:3128"});
        let c = parse(v).unwrap();
        let d = format!("{c:?}");
        for s in [
            "PW-SECRET-1",
            "TOK-SECRET-2",
            "CS-SECRET-3",
            "RT-SECRET-4",
            "PK-SECRET-5",
            "AT-SECRET-6",
            "PROXY-SECRET-7",
        ] {
            assert!(!d.contains(s), "{s} in {d}");
        }
        assert!(d.contains("proxy.example:3128"), "{d}");
        let e = parse(
            serde_json::json!({"username": "u", "password": "p", "proxy": "::PROXY-SECRET-8@"}),
        )
        .unwrap_err();
        assert!(!e.to_string().contains("PROXY-SECRET-8"), "{e}");
    }

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let dir =
                std::env::temp_dir().join(format!("sfclient-config-{tag}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn with_ca_file(path: &Path) -> Value {
        let mut v = soap();
        v["ca_file"] = path.display().to_string().into();
        v["setting_names"] = serde_json::json!({"ca_file": "SalesForceModule::CAFile"});
        v
    }

    fn assert_ca_file_error(e: &Error, needle: &str) {
        assert_eq!(e.kind, ErrorKind::Config, "{e}");
        let text = e.to_string();
        assert!(text.contains("config key \"ca_file\""), "{text}");
        assert!(text.contains("SalesForceModule::CAFile"), "{text}");
        assert!(text.contains(needle), "{text} lacks {needle}");
    }

    #[test]
    fn ca_file_is_read_whole_when_small() {
        let dir = TempDir::new("ca-small");
        let path = dir.0.join("ca.pem");
        let pem = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        std::fs::write(&path, pem).unwrap();
        let c = parse(with_ca_file(&path)).unwrap();
        assert_eq!(c.read_ca_file().unwrap().as_deref(), Some(&pem[..]));
        // Exactly at the limit is still accepted.
        std::fs::File::create(&path)
            .unwrap()
            .set_len(MAX_CA_FILE_BYTES)
            .unwrap();
        let read = c.read_ca_file().unwrap().unwrap();
        assert_eq!(read.len() as u64, MAX_CA_FILE_BYTES);
        // Unset: nothing to read.
        assert_eq!(parse(soap()).unwrap().read_ca_file().unwrap(), None);
    }

    #[test]
    fn ca_file_larger_than_the_limit_is_refused() {
        let dir = TempDir::new("ca-large");
        let path = dir.0.join("huge.pem");
        // Sparse: no disk space used.
        std::fs::File::create(&path)
            .unwrap()
            .set_len(MAX_CA_FILE_BYTES + 1)
            .unwrap();
        let e = parse(with_ca_file(&path)).unwrap_err();
        assert_ca_file_error(&e, "larger than 1048576 bytes");
        // A file that grows after the configuration was checked is refused
        // when it is read.
        std::fs::write(&path, b"small").unwrap();
        let c = parse(with_ca_file(&path)).unwrap();
        std::fs::File::create(&path)
            .unwrap()
            .set_len(64 * MAX_CA_FILE_BYTES)
            .unwrap();
        let e = c.read_ca_file().unwrap_err();
        assert_ca_file_error(&e, "larger than 1048576 bytes");
    }

    #[test]
    fn ca_file_that_is_not_a_regular_file_is_refused() {
        let dir = TempDir::new("ca-odd");
        // A directory, a device that never ends, a missing file.
        let e = parse(with_ca_file(&dir.0)).unwrap_err();
        assert_ca_file_error(&e, "not a regular file");
        let zero = Path::new("/dev/zero");
        if zero.exists() {
            let e = parse(with_ca_file(zero)).unwrap_err();
            assert_ca_file_error(&e, "not a regular file");
            // Swapped for a device after the configuration was checked.
            let path = dir.0.join("ca.pem");
            std::fs::write(&path, b"pem").unwrap();
            let mut c = parse(with_ca_file(&path)).unwrap();
            c.ca_file = Some(zero.to_path_buf());
            let e = c.read_ca_file().unwrap_err();
            assert_ca_file_error(&e, "not a regular file");
        }
        let e = parse(with_ca_file(&dir.0.join("missing.pem"))).unwrap_err();
        assert_ca_file_error(&e, "cannot be read");
    }
}
