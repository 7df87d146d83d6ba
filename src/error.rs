//! The one error type of the library.
//!
//! Every error keeps what Salesforce said (exception code / errorCode, HTTP
//! status, message) and what we were doing. Secrets never enter an error:
//! messages that may echo a session id are passed through [`redact`] first.

use std::fmt;

/// What went wrong, as a stable number that crosses the C ABI (`sf_result`).
/// Numbers are fixed forever; retired ones are not reused.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A required pointer or handle was NULL.
    NullParameter = 1,
    /// Input bytes were not valid UTF-8.
    InvalidUtf8 = 2,
    /// Arguments were not valid JSON or missed a required field.
    InvalidArgument = 3,
    /// The client configuration is unusable (names the setting to fix).
    Config = 4,
    /// Salesforce refused the login (SOAP LoginFault or OAuth error).
    Auth = 5,
    /// Salesforce answered with an API fault or error (see `sf_code`).
    Salesforce = 6,
    /// An HTTP status we did not expect, without a Salesforce error body.
    Http = 7,
    /// Connecting, TLS or I/O failed.
    Transport = 8,
    /// A connect or overall timeout expired.
    Timeout = 9,
    /// The response could not be understood (malformed or hostile XML/JSON).
    Protocol = 10,
    /// The API request limit is exhausted (REQUEST_LIMIT_EXCEEDED).
    LimitExceeded = 11,
    /// The method name is not known.
    UnknownMethod = 12,
    /// The call is not supported by this library (says what to use instead).
    NotSupported = 13,
    /// A response body exceeded the configured size cap.
    ResponseTooLarge = 14,
    /// The sync planner refused its input.
    Plan = 15,
    /// A panic was caught at the C boundary (a bug: please report it).
    Panic = 16,
}

impl ErrorKind {
    /// Stable upper-case name, used in messages and by the Perl side.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::NullParameter => "NULL_PARAMETER",
            ErrorKind::InvalidUtf8 => "INVALID_UTF8",
            ErrorKind::InvalidArgument => "INVALID_ARGUMENT",
            ErrorKind::Config => "CONFIG",
            ErrorKind::Auth => "AUTH",
            ErrorKind::Salesforce => "SALESFORCE",
            ErrorKind::Http => "HTTP",
            ErrorKind::Transport => "TRANSPORT",
            ErrorKind::Timeout => "TIMEOUT",
            ErrorKind::Protocol => "PROTOCOL",
            ErrorKind::LimitExceeded => "LIMIT_EXCEEDED",
            ErrorKind::UnknownMethod => "UNKNOWN_METHOD",
            ErrorKind::NotSupported => "NOT_SUPPORTED",
            ErrorKind::ResponseTooLarge => "RESPONSE_TOO_LARGE",
            ErrorKind::Plan => "PLAN",
            ErrorKind::Panic => "PANIC",
        }
    }
}

/// A library error: kind, message, and what Salesforce and HTTP said.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    pub kind: ErrorKind,
    /// Human text; says what to fix where we know it. Never holds a secret.
    pub message: String,
    /// Salesforce exceptionCode / errorCode / OAuth `error`, if any.
    pub sf_code: Option<String>,
    /// HTTP status of the response, if one arrived.
    pub http_status: Option<u16>,
    /// What we were doing ("login", "query page 3", ...).
    pub context: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            sf_code: None,
            http_status: None,
            context: String::new(),
        }
    }

    pub fn with_sf_code(mut self, code: impl Into<String>) -> Self {
        self.sf_code = Some(code.into());
        self
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// Sets what we were doing, unless an inner layer already said.
    pub fn context(mut self, what: impl Into<String>) -> Self {
        if self.context.is_empty() {
            self.context = what.into();
        }
        self
    }

    pub fn code(&self) -> u32 {
        self.kind as u32
    }

    /// Whether retrying the same request later may succeed.
    pub fn is_transient(&self) -> bool {
        match self.kind {
            ErrorKind::Transport | ErrorKind::Timeout => true,
            ErrorKind::Http => matches!(self.http_status, Some(502..=504)),
            ErrorKind::Salesforce | ErrorKind::LimitExceeded => {
                matches!(
                    self.sf_code.as_deref(),
                    Some("SERVER_UNAVAILABLE") | Some("UNABLE_TO_LOCK_ROW")
                ) || (self.sf_code.as_deref() == Some("REQUEST_LIMIT_EXCEEDED")
                    && self.message.contains("Concurrent"))
            }
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind.name())?;
        if let Some(code) = &self.sf_code {
            write!(f, " {code}")?;
        }
        if let Some(status) = self.http_status {
            write!(f, " (HTTP {status})")?;
        }
        if !self.context.is_empty() {
            write!(f, " during {}", self.context)?;
        }
        write!(f, ": {}", self.message)
    }
}

// Debug is the Display text: no field can hold a secret, and a derived Debug
// would invite adding one later without noticing.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// What a response body that is not the expected one looks like, for error
/// messages (a few words, never its content).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyLooks {
    Empty,
    Html,
    Json,
    Xml,
    Text,
}

impl BodyLooks {
    /// Judged from the first 512 bytes after whitespace and a UTF-8 BOM.
    pub(crate) fn of(body: &[u8]) -> BodyLooks {
        let head: Vec<u8> = body
            .iter()
            .skip_while(|b| b.is_ascii_whitespace() || matches!(**b, 0xEF | 0xBB | 0xBF))
            .take(512)
            .map(|b| b.to_ascii_lowercase())
            .collect();
        let contains = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        match head.first() {
            None => BodyLooks::Empty,
            Some(_)
                if [&b"<!doctype html"[..], b"<html", b"<head", b"<body"]
                    .iter()
                    .any(|m| contains(m)) =>
            {
                BodyLooks::Html
            }
            Some(b'{' | b'[') => BodyLooks::Json,
            Some(b'<') => BodyLooks::Xml,
            Some(_) => BodyLooks::Text,
        }
    }

    pub(crate) fn words(self) -> &'static str {
        match self {
            BodyLooks::Empty => "an empty body",
            BodyLooks::Html => "HTML",
            BodyLooks::Json => "JSON",
            BodyLooks::Xml => "XML",
            BodyLooks::Text => "plain text",
        }
    }
}

/// Removes anything shaped like a Salesforce session id or OAuth token
/// (`00D...!...`) from text that came from the server, since some faults
/// echo the session id.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(bang) = rest.find('!') {
        // token = [A-Za-z0-9]{15,18} '!' [A-Za-z0-9._-]+
        let before = &rest[..bang];
        let start = before
            .rfind(|c: char| !c.is_ascii_alphanumeric())
            .map(|i| i + 1)
            .unwrap_or(0);
        let prefix_len = bang - start;
        let after = &rest[bang + 1..];
        let tail_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
            .unwrap_or(after.len());
        if (15..=18).contains(&prefix_len) && tail_len >= 8 {
            out.push_str(&rest[..start]);
            out.push_str("[redacted]");
            rest = &after[tail_len..];
        } else {
            out.push_str(&rest[..=bang]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_removes_session_ids() {
        let msg = "Illegal Session. Session not found, missing session key: 00D000000000001!AQ0AQG7fake.token_x";
        let r = redact(msg);
        assert!(!r.contains("AQ0AQG7fake"), "{r}");
        assert!(r.ends_with("[redacted]"));
        assert_eq!(redact("Hello! world"), "Hello! world");
    }

    #[test]
    fn display_names_kind_code_status_and_context() {
        let e = Error::new(ErrorKind::Salesforce, "bad field")
            .with_sf_code("INVALID_FIELD")
            .with_status(500)
            .context("query");
        assert_eq!(
            e.to_string(),
            "SALESFORCE INVALID_FIELD (HTTP 500) during query: bad field"
        );
        assert_eq!(format!("{e:?}"), e.to_string());
    }
}
