//! SOAP Partner API codec: pure functions, no I/O.
//!
//! * Requests: [`login_request`] and [`call_request`] build complete SOAP 1.1
//!   envelopes (UTF-8 bytes) with quick-xml's writer. Every value goes
//!   through [`escape_text`].
//! * Responses: [`parse_login_response`], [`parse_call_response`] and
//!   [`parse_fault`] decode what Salesforce answers into the JSON shapes of
//!   `doc/dev/ARCHITECTURE.md` ("Call methods"). Elements are matched by
//!   namespace URI or local name, never by prefix (Salesforce binds `sf` to
//!   two different URIs).
//!
//! Record values (one rule): Salesforce's text as JSON strings (`"true"`,
//! `"80.0"` stay strings), except fields with an `xsi:type` of
//! `xsd:boolean` (JSON boolean) or a numeric XSD type (JSON number), which
//! is how Salesforce types aggregate values (`expr0`). `xsi:nil` is `null`,
//! the duplicated `Id` is folded to one, parents nest under the
//! relationship name (nil parent = `null`), child subqueries are
//! `{"done","size","records"}` (+ `query_locator` while not done; nil =
//! `null`), compound fields (address, location) are objects. Non-record
//! results (describe*, getUserInfo) type booleans and known numeric
//! elements (see `record::generic`).
//!
//! Non-200 responses that are not a SOAP fault (proxy error pages, ...)
//! are `ErrorKind::Http` (so 502-504 count as transient); a 200 response
//! that is not the expected SOAP envelope is `ErrorKind::Protocol`.
//!
//! Every parse function takes arbitrary bytes and never panics: DOCTYPEs and
//! entity declarations are refused, only the five predefined and numeric
//! character references are expanded, nesting is limited to
//! [`MAX_DEPTH`], attributes and namespace declarations are bounded, and
//! invalid UTF-8 / NUL bytes are refused up front. Work is linear in the
//! input size.

use crate::error::{Error, Result};
use crate::usage::LimitInfo;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// SOAP 1.1 envelope namespace.
pub const ENVELOPE_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// XML Schema instance namespace (`xsi:type`, `xsi:nil`).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// Deepest element nesting a response may have before it is refused.
pub const MAX_DEPTH: usize = 64;

/// The XML namespaces used in requests. Defaults are Salesforce's; the
/// OTRS SysConfig settings `BaseUrl`, `SObjectUrl`, `MetaDataUrl` and
/// `Prefix` override them (client config keys `partner_ns`, `sobject_ns`,
/// `metadata_ns`, `prefix`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Namespaces {
    /// Partner namespace (`urn:partner.soap.sforce.com`): operations, headers.
    pub partner: String,
    /// sObject namespace (`urn:sobject.partner.soap.sforce.com`): record fields.
    pub sobject: String,
    /// Metadata API namespace (`http://soap.sforce.com/2006/04/metadata`);
    /// kept for configuration compatibility, no call uses it yet.
    pub metadata: String,
    /// Prefix bound to the partner namespace in requests (`sforce`).
    pub prefix: String,
}

impl Default for Namespaces {
    fn default() -> Self {
        Namespaces {
            partner: "urn:partner.soap.sforce.com".to_string(),
            sobject: "urn:sobject.partner.soap.sforce.com".to_string(),
            metadata: "http://soap.sforce.com/2006/04/metadata".to_string(),
            prefix: "sforce".to_string(),
        }
    }
}

/// Per-request SOAP headers. `Debug` hides the session id.
#[derive(Clone, Copy, Default)]
pub struct RequestOptions<'a> {
    /// `SessionHeader/sessionId` (session id or OAuth access token). A
    /// secret: required by every call except `login`.
    pub session_id: Option<&'a str>,
    /// `QueryOptions/batchSize`, sent for query, queryAll, queryMore and
    /// retrieve only; clamped to 200..=2000.
    pub batch_size: Option<u32>,
    /// `CallOptions/client`.
    pub client_name: Option<&'a str>,
}

impl fmt::Debug for RequestOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("session_id", &self.session_id.map(|_| "[redacted]"))
            .field("batch_size", &self.batch_size)
            .field("client_name", &self.client_name)
            .finish()
    }
}

/// Escapes text for XML content and attribute values: `&`, `<`, `>`, `"`,
/// `'` become entities, TAB/LF/CR become character references (so they
/// survive attribute normalisation and CR survives line-end
/// normalisation), and characters XML 1.0 cannot carry at all (other C0
/// controls, U+FFFE, U+FFFF) become U+FFFD. Borrows when nothing changes.
/// This is the one escaper of the crate.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    write::escape_text(s)
}

/// Builds the `login` request envelope (no SessionHeader).
/// `password_and_token` is the password with the security token appended.
pub fn login_request(ns: &Namespaces, username: &str, password_and_token: &str) -> Vec<u8> {
    write::login_request(ns, username, password_and_token)
}

/// What a successful `login()` returned.
#[derive(Clone, PartialEq)]
pub struct LoginResult {
    /// The session id: a secret (hidden from `Debug`).
    pub session_id: String,
    /// Where data calls go (`.../services/Soap/u/64.0/00D...`).
    pub server_url: String,
    pub metadata_server_url: Option<String>,
    /// 18-char user id.
    pub user_id: String,
    /// 18-char org id (`userInfo/organizationId`).
    pub org_id: String,
    /// `userInfo/userName`.
    pub user_name: String,
    /// Salesforce accepted the login but only `setPassword` is allowed.
    pub password_expired: bool,
    pub session_seconds_valid: Option<u64>,
    /// All `userInfo` children, camelCase as on the wire (booleans and
    /// numbers typed, nil as null), as `getUserInfo` returns them.
    pub user_info: Value,
}

impl fmt::Debug for LoginResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginResult")
            .field("session_id", &"[redacted]")
            .field("server_url", &self.server_url)
            .field("metadata_server_url", &self.metadata_server_url)
            .field("user_id", &self.user_id)
            .field("org_id", &self.org_id)
            .field("user_name", &self.user_name)
            .field("password_expired", &self.password_expired)
            .field("session_seconds_valid", &self.session_seconds_valid)
            .finish_non_exhaustive()
    }
}

/// Decodes a `login` response. Faults become `ErrorKind::Auth` with
/// `sf_code` (e.g. `INVALID_LOGIN`); anything that is not a login result
/// becomes `Protocol` (or `Http` for a non-200 status without a fault).
pub fn parse_login_response(status: u16, body: &[u8]) -> Result<LoginResult> {
    calls::parse_login_response(status, body)
}

/// Builds the request envelope of one SOAP call from the call table of
/// ARCHITECTURE.md. Bad arguments give `InvalidArgument` naming the
/// argument; methods that are not SOAP calls give `UnknownMethod`.
pub fn call_request(
    ns: &Namespaces,
    method: &str,
    args: &Value,
    opts: &RequestOptions,
) -> Result<Vec<u8>> {
    write::call_request(ns, method, args, opts)
}

/// A decoded call response.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The result in the shape of the ARCHITECTURE.md call table.
    pub result: Value,
    /// `LimitInfoHeader` (API REQUESTS), when the response had one.
    pub limit_info: Option<LimitInfo>,
}

/// Decodes the response of `method`. Faults become errors (see
/// [`parse_fault`]); a non-200 status without a fault is `Http`; a 200 body
/// that is not the expected SOAP response is `Protocol`.
pub fn parse_call_response(method: &str, status: u16, body: &[u8]) -> Result<Response> {
    calls::parse_call_response(method, status, body)
}

/// Decodes a `query`/`queryAll`/`queryMore` response with status 200,
/// handing each record to `each` as soon as it is decoded (memory holds one
/// record, not the page). Returns the page without its records (`records`
/// is empty) and how many records `each` received.
pub fn parse_query_response_each(
    method: &str,
    body: &[u8],
    each: &mut dyn FnMut(Value) -> Result<()>,
) -> Result<(Response, u64)> {
    calls::parse_query_response_each(method, body, each)
}

/// `Some(error)` when `body` is a SOAP fault: `sf_code` is the
/// `exceptionCode` (else the faultcode after its last `:`), the message is
/// the `exceptionMessage` (else the faultstring) with session ids redacted.
/// Kinds: `LoginFault` -> `Auth`, `REQUEST_LIMIT_EXCEEDED` ->
/// `LimitExceeded`, others `Salesforce`. `http_status` is always set.
pub fn parse_fault(status: u16, body: &[u8]) -> Option<Error> {
    calls::parse_fault(status, body)
}

mod calls;
mod read;
mod record;
mod write;

pub(crate) use record::query_head;
/// Every SOAP method [`call_request`] and [`parse_call_response`] know
/// (wire spelling, as in the ARCHITECTURE.md call table).
pub use write::SOAP_METHODS;

#[cfg(test)]
mod tests;
