//! Request envelopes, written with quick-xml's writer. No value is ever
//! pasted into markup: text and attribute values go through
//! [`escape_text`], element names are either constants or validated API
//! names.

use super::{Namespaces, RequestOptions, ENVELOPE_NS, XSI_NS};
use crate::error::{Error, ErrorKind, Result};
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::Writer;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Prefix of the SOAP envelope namespace in requests.
const ENV_PREFIX: &str = "soapenv";
/// Prefix of the sObject namespace in requests.
const SOBJECT_PREFIX: &str = "sobj";
/// Prefix used when the configured one is unusable.
const DEFAULT_PREFIX: &str = "sforce";

/// Most records Salesforce takes in one create/update/upsert/delete.
const MAX_SAVE_RECORDS: usize = 200;
/// Most ids one `retrieve` takes.
const MAX_RETRIEVE_IDS: usize = 2000;
/// Most types one `describeSObjects` takes.
const MAX_DESCRIBE_TYPES: usize = 100;

/// See [`super::escape_text`].
pub(super) fn escape_text(s: &str) -> Cow<'_, str> {
    let needs = s.chars().any(|c| escape_of(c).is_some() || !is_xml_char(c));
    if !needs {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if let Some(entity) = escape_of(c) {
            out.push_str(entity);
        } else if is_xml_char(c) {
            out.push(c);
        } else {
            out.push('\u{FFFD}');
        }
    }
    Cow::Owned(out)
}

fn escape_of(c: char) -> Option<&'static str> {
    Some(match c {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' => "&quot;",
        '\'' => "&apos;",
        '\t' => "&#9;",
        '\n' => "&#10;",
        '\r' => "&#13;",
        _ => return None,
    })
}

/// Whether XML 1.0 can carry `c` at all (production `Char`).
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether `p` can be used as a namespace prefix (an ASCII NCName that is
/// not reserved and does not collide with our own prefixes).
fn prefix_ok(p: &str) -> bool {
    p.is_empty()
        || (is_ascii_name(p, &['-', '.', '_'])
            && !p.to_ascii_lowercase().starts_with("xml")
            && p != ENV_PREFIX
            && p != SOBJECT_PREFIX
            && p != "xsi")
}

fn is_ascii_name(s: &str, extra: &[char]) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
}

/// Whether `s` is a Salesforce API name (object or field), which we write
/// as an element name: a letter, then letters, digits and underscores.
fn is_api_name(s: &str) -> bool {
    s.len() <= 255 && s.starts_with(|c: char| c.is_ascii_alphabetic()) && is_ascii_name(s, &['_'])
}

impl Namespaces {
    /// Checks the settings before use; the error names the setting
    /// (`prefix`, `partner_ns`, ...) and says what is wrong.
    pub fn validate(&self) -> Result<()> {
        if !prefix_ok(&self.prefix) {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "prefix {:?} is not a usable XML namespace prefix (use letters, digits, '_', '-', '.'; \
                     not starting with a digit or \"xml\"; not {ENV_PREFIX:?}, {SOBJECT_PREFIX:?} or \"xsi\"), e.g. \"sforce\"",
                    self.prefix
                ),
            ));
        }
        for (key, value) in [
            ("partner_ns", &self.partner),
            ("sobject_ns", &self.sobject),
            ("metadata_ns", &self.metadata),
        ] {
            if value.trim().is_empty()
                || value.chars().any(|c| c.is_whitespace() || !is_xml_char(c))
            {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("{key} must be a namespace URI without spaces, e.g. \"urn:partner.soap.sforce.com\""),
                ));
            }
        }
        Ok(())
    }
}

/// An envelope being written.
struct Out<'n> {
    w: Writer<Vec<u8>>,
    /// Partner prefix; empty = default namespace.
    prefix: &'n str,
    name_buf: String,
}

impl<'n> Out<'n> {
    fn new(prefix: &'n str) -> Self {
        Out {
            w: Writer::new(Vec::with_capacity(1024)),
            prefix,
            name_buf: String::new(),
        }
    }

    fn event(&mut self, event: Event<'_>) {
        // Writing into a Vec<u8> cannot fail: its io::Write never errors.
        self.w
            .write_event(event)
            .expect("writing XML into a Vec<u8> cannot fail");
    }

    /// Qualified name of a partner-namespace element.
    fn pname(&mut self, local: &str) -> String {
        self.name_buf.clear();
        if !self.prefix.is_empty() {
            self.name_buf.push_str(self.prefix);
            self.name_buf.push(':');
        }
        self.name_buf.push_str(local);
        self.name_buf.clone()
    }

    fn start(&mut self, qname: &str, attrs: &[(&str, &str)]) {
        let mut start = BytesStart::new(qname);
        for (key, value) in attrs {
            start.push_attribute(Attribute {
                key: QName(key.as_bytes()),
                value: match escape_text(value) {
                    Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
                    Cow::Owned(o) => Cow::Owned(o.into_bytes()),
                },
            });
        }
        self.event(Event::Start(start));
    }

    fn end(&mut self, qname: &str) {
        self.event(Event::End(BytesEnd::new(qname)));
    }

    /// `<qname>escaped value</qname>`.
    fn leaf(&mut self, qname: &str, value: &str) {
        self.start(qname, &[]);
        self.event(Event::Text(BytesText::from_escaped(escape_text(value))));
        self.end(qname);
    }

    /// A partner-namespace leaf.
    fn pleaf(&mut self, local: &str, value: &str) {
        let q = self.pname(local);
        self.leaf(&q, value);
    }

    fn pstart(&mut self, local: &str) {
        let q = self.pname(local);
        self.start(&q, &[]);
    }

    fn pend(&mut self, local: &str) {
        let q = self.pname(local);
        self.end(&q);
    }

    fn sleaf(&mut self, local: &str, value: &str) {
        let q = format!("{SOBJECT_PREFIX}:{local}");
        self.leaf(&q, value);
    }

    fn finish(self) -> Vec<u8> {
        self.w.into_inner()
    }
}

/// Writes the declaration, `<Envelope>` with all namespace declarations,
/// and the header (when any header is needed), then opens `<Body>`.
fn open_envelope<'n>(ns: &'n Namespaces, headers: &[Header<'_>]) -> Out<'n> {
    let prefix = if prefix_ok(&ns.prefix) {
        ns.prefix.as_str()
    } else {
        DEFAULT_PREFIX
    };
    let mut out = Out::new(prefix);
    out.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let partner_attr = if prefix.is_empty() {
        "xmlns".to_string()
    } else {
        format!("xmlns:{prefix}")
    };
    let sobject_attr = format!("xmlns:{SOBJECT_PREFIX}");
    let env_attr = format!("xmlns:{ENV_PREFIX}");
    out.start(
        &format!("{ENV_PREFIX}:Envelope"),
        &[
            (&env_attr, ENVELOPE_NS),
            (&partner_attr, &ns.partner),
            (&sobject_attr, &ns.sobject),
            ("xmlns:xsi", XSI_NS),
        ],
    );
    if !headers.is_empty() {
        out.start(&format!("{ENV_PREFIX}:Header"), &[]);
        for header in headers {
            out.pstart(header.name);
            out.pleaf(header.child, header.value);
            out.pend(header.name);
        }
        out.end(&format!("{ENV_PREFIX}:Header"));
    }
    out.start(&format!("{ENV_PREFIX}:Body"), &[]);
    out
}

fn close_envelope(mut out: Out<'_>) -> Vec<u8> {
    out.end(&format!("{ENV_PREFIX}:Body"));
    out.end(&format!("{ENV_PREFIX}:Envelope"));
    out.finish()
}

/// One SOAP header with a single child.
struct Header<'v> {
    name: &'static str,
    child: &'static str,
    value: &'v str,
}

/// See [`super::login_request`].
pub(super) fn login_request(ns: &Namespaces, username: &str, password_and_token: &str) -> Vec<u8> {
    let mut out = open_envelope(ns, &[]);
    out.pstart("login");
    out.pleaf("username", username);
    out.pleaf("password", password_and_token);
    out.pend("login");
    close_envelope(out)
}

/// Reads the call arguments.
struct Args<'a> {
    map: Option<&'a Map<String, Value>>,
}

fn arg_err(msg: String) -> Error {
    Error::new(ErrorKind::InvalidArgument, msg)
}

/// Refuses characters XML 1.0 cannot carry, naming where they are.
fn check_text(path: &str, s: &str) -> Result<()> {
    match s.chars().find(|c| !is_xml_char(*c)) {
        None => Ok(()),
        Some(c) => Err(arg_err(format!(
            "{path} contains the character U+{:04X}, which XML (and so Salesforce) cannot carry; remove it",
            c as u32
        ))),
    }
}

impl<'a> Args<'a> {
    fn new(method: &str, args: &'a Value) -> Result<Self> {
        match args {
            Value::Null => Ok(Args { map: None }),
            Value::Object(m) => Ok(Args { map: Some(m) }),
            _ => Err(arg_err(format!(
                "arguments of {method} must be a JSON object, e.g. {{}}"
            ))),
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.and_then(|m| m.get(key)).filter(|v| !v.is_null())
    }

    fn string(&self, key: &str, example: &str) -> Result<&'a str> {
        match self.get(key) {
            Some(Value::String(s)) if !s.is_empty() => {
                check_text(key, s)?;
                Ok(s)
            }
            Some(Value::String(_)) => Err(arg_err(format!("{key} must not be empty"))),
            Some(_) => Err(arg_err(format!("{key} must be a string, e.g. {example}"))),
            None => Err(arg_err(format!(
                "{key} is required (a string, e.g. {example})"
            ))),
        }
    }

    fn api_name(&self, key: &str, example: &str) -> Result<&'a str> {
        let s = self.string(key, example)?;
        if is_api_name(s) {
            Ok(s)
        } else {
            Err(arg_err(format!(
                "{key} {s:?} is not a Salesforce API name (letters, digits, '_'), e.g. {example}"
            )))
        }
    }

    /// A list of non-empty strings; `required` refuses a missing or empty list.
    fn strings(
        &self,
        key: &str,
        max: usize,
        required: bool,
        example: &str,
    ) -> Result<Vec<&'a str>> {
        let list = match self.get(key) {
            Some(Value::Array(list)) => list,
            Some(_) => {
                return Err(arg_err(format!(
                    "{key} must be a list of strings, e.g. {example}"
                )))
            }
            None if required => {
                return Err(arg_err(format!(
                    "{key} is required (a list of strings, e.g. {example})"
                )))
            }
            None => return Ok(Vec::new()),
        };
        if required && list.is_empty() {
            return Err(arg_err(format!("{key} must not be empty")));
        }
        if list.len() > max {
            return Err(arg_err(format!(
                "{key} has {} entries; Salesforce takes at most {max} per call, split it",
                list.len()
            )));
        }
        let mut out = Vec::with_capacity(list.len());
        for (i, v) in list.iter().enumerate() {
            match v {
                Value::String(s) if !s.is_empty() => {
                    check_text(&format!("{key}[{i}]"), s)?;
                    out.push(s.as_str());
                }
                _ => return Err(arg_err(format!("{key}[{i}] must be a non-empty string"))),
            }
        }
        Ok(out)
    }

    fn batch_size(&self, opts: &RequestOptions) -> Result<Option<u32>> {
        let size = match self.get("batch_size") {
            None => opts.batch_size,
            Some(v) => match v.as_u64() {
                Some(n) if n > 0 => Some(u32::try_from(n).unwrap_or(u32::MAX)),
                _ => {
                    return Err(arg_err(
                        "batch_size must be a positive whole number (200..2000), e.g. 2000"
                            .to_string(),
                    ))
                }
            },
        };
        Ok(size.map(|n| n.clamp(200, 2000)))
    }

    fn list(&self, key: &str, max: usize, example: &str) -> Result<&'a Vec<Value>> {
        match self.get(key) {
            Some(Value::Array(list)) if list.is_empty() => {
                Err(arg_err(format!("{key} must not be empty")))
            }
            Some(Value::Array(list)) if list.len() > max => Err(arg_err(format!(
                "{key} has {} entries; Salesforce takes at most {max} per call, split it",
                list.len()
            ))),
            Some(Value::Array(list)) => Ok(list),
            Some(_) => Err(arg_err(format!("{key} must be a list, e.g. {example}"))),
            None => Err(arg_err(format!(
                "{key} is required (a list, e.g. {example})"
            ))),
        }
    }
}

/// Text form of a scalar argument value; `None` for null.
fn scalar_text<'v>(path: &str, v: &'v Value) -> Result<Option<Cow<'v, str>>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => {
            check_text(path, s)?;
            Ok(Some(Cow::Borrowed(s)))
        }
        Value::Bool(b) => Ok(Some(Cow::Borrowed(if *b { "true" } else { "false" }))),
        Value::Number(n) => Ok(Some(Cow::Owned(n.to_string()))),
        _ => Err(arg_err(format!(
            "{path} must be a string, number, boolean or null, not a list or object"
        ))),
    }
}

/// What the SOAP writer needs to know about each method.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SaveKind {
    Create,
    Update,
    Upsert,
}

/// Every SOAP method name [`super::call_request`] knows, in the wire spelling.
pub const SOAP_METHODS: &[&str] = &[
    "login",
    "logout",
    "query",
    "queryAll",
    "queryMore",
    "search",
    "retrieve",
    "create",
    "update",
    "upsert",
    "delete",
    "describeGlobal",
    "describeSObject",
    "describeSObjects",
    "describeLayout",
    "describeTabs",
    "getUserInfo",
    "getServerTimestamp",
    "getUpdated",
    "getDeleted",
    "convertLead",
    "setPassword",
    "resetPassword",
];

/// See [`super::call_request`].
pub(super) fn call_request(
    ns: &Namespaces,
    method: &str,
    args: &Value,
    opts: &RequestOptions,
) -> Result<Vec<u8>> {
    if !SOAP_METHODS.contains(&method) {
        return Err(Error::new(
            ErrorKind::UnknownMethod,
            format!(
                "{method:?} is not a SOAP call; known: {}",
                SOAP_METHODS.join(", ")
            ),
        ));
    }
    ns.validate()?;
    let a = Args::new(method, args)?;
    if method == "login" {
        let username = a.string("username", "\"user@example.com\"")?;
        let password = a.string("password", "\"passwordTOKEN\"")?;
        return Ok(login_request(ns, username, password));
    }

    let session = match opts.session_id {
        Some(s) if !s.is_empty() => s,
        _ => {
            return Err(arg_err(format!(
                "{method} needs a session id (log in first)"
            )))
        }
    };
    if !session.chars().all(is_xml_char) {
        return Err(arg_err(
            "the session id contains characters XML cannot carry".to_string(),
        ));
    }
    let batch_size = match method {
        "query" | "queryAll" | "queryMore" | "retrieve" => a.batch_size(opts)?,
        _ => None,
    };
    let batch_text = batch_size.map(|n| n.to_string());
    if let Some(client) = opts.client_name {
        check_text("client_name", client)?;
    }

    let mut headers = vec![Header {
        name: "SessionHeader",
        child: "sessionId",
        value: session,
    }];
    if let Some(text) = &batch_text {
        headers.push(Header {
            name: "QueryOptions",
            child: "batchSize",
            value: text,
        });
    }
    if let Some(client) = opts.client_name.filter(|c| !c.is_empty()) {
        headers.push(Header {
            name: "CallOptions",
            child: "client",
            value: client,
        });
    }

    // Validate everything before writing, so errors never leave a half
    // envelope behind (and writing stays infallible).
    let body = Body::from_args(method, &a)?;
    let mut out = open_envelope(ns, &headers);
    out.pstart(method);
    body.write(&mut out);
    out.pend(method);
    Ok(close_envelope(out))
}

/// A validated request body.
enum Body<'a> {
    /// Partner-namespace leaves in order (repeated names allowed).
    Leaves(Vec<(&'static str, Cow<'a, str>)>),
    Save {
        external_id: Option<&'a str>,
        records: Vec<SObject<'a>>,
    },
    ConvertLead(Vec<Vec<(&'a str, Cow<'a, str>)>>),
}

struct SObject<'a> {
    sobject_type: &'a str,
    to_null: Vec<&'a str>,
    id: Option<Cow<'a, str>>,
    fields: Vec<(&'a str, Cow<'a, str>)>,
}

impl<'a> Body<'a> {
    fn from_args(method: &str, a: &Args<'a>) -> Result<Body<'a>> {
        let leaves = |v: Vec<(&'static str, &'a str)>| {
            Body::Leaves(v.into_iter().map(|(k, s)| (k, Cow::Borrowed(s))).collect())
        };
        Ok(match method {
            "logout" | "describeGlobal" | "describeTabs" | "getUserInfo" | "getServerTimestamp" => {
                Body::Leaves(Vec::new())
            }
            "query" | "queryAll" => leaves(vec![(
                "queryString",
                a.string("soql", "\"SELECT Id, Name FROM Account\"")?,
            )]),
            "queryMore" => leaves(vec![(
                "queryLocator",
                a.string("query_locator", "\"01g5e00000AbCdEAAZ-2000\"")?,
            )]),
            "search" => leaves(vec![(
                "searchString",
                a.string("sosl", "\"FIND {Acme} RETURNING Account(Id, Name)\"")?,
            )]),
            "retrieve" => {
                let fields = a.strings("fields", 10_000, true, "[\"Id\", \"Name\"]")?;
                for (i, f) in fields.iter().enumerate() {
                    if !f.split('.').all(is_api_name) {
                        return Err(arg_err(format!(
                            "fields[{i}] {f:?} is not a field name (letters, digits, '_', dots for relations)"
                        )));
                    }
                }
                let sobject_type = a.api_name("type", "\"Account\"")?;
                let ids = a.strings("ids", MAX_RETRIEVE_IDS, true, "[\"001000000000001AAA\"]")?;
                let mut v = vec![
                    ("fieldList", Cow::Owned(fields.join(","))),
                    ("sObjectType", Cow::Borrowed(sobject_type)),
                ];
                v.extend(ids.into_iter().map(|id| ("ids", Cow::Borrowed(id))));
                Body::Leaves(v)
            }
            "create" | "update" | "upsert" => {
                let kind = match method {
                    "create" => SaveKind::Create,
                    "update" => SaveKind::Update,
                    _ => SaveKind::Upsert,
                };
                let external_id = if kind == SaveKind::Upsert {
                    Some(a.api_name("external_id_field", "\"External_Id__c\"")?)
                } else {
                    None
                };
                let default_type = match a.get("type") {
                    None => None,
                    Some(_) => Some(a.api_name("type", "\"Account\"")?),
                };
                let list = a.list("records", MAX_SAVE_RECORDS, "[{\"Name\": \"Acme\"}]")?;
                let mut records = Vec::with_capacity(list.len());
                for (i, rec) in list.iter().enumerate() {
                    records.push(sobject(i, rec, default_type, kind, external_id)?);
                }
                Body::Save {
                    external_id,
                    records,
                }
            }
            "delete" => {
                let ids = a.strings("ids", MAX_SAVE_RECORDS, true, "[\"001000000000001AAA\"]")?;
                Body::Leaves(
                    ids.into_iter()
                        .map(|id| ("ids", Cow::Borrowed(id)))
                        .collect(),
                )
            }
            "describeSObject" => leaves(vec![("sObjectType", a.api_name("type", "\"Account\"")?)]),
            "describeSObjects" => {
                let types = a.strings(
                    "types",
                    MAX_DESCRIBE_TYPES,
                    true,
                    "[\"Account\", \"Contact\"]",
                )?;
                for (i, t) in types.iter().enumerate() {
                    if !is_api_name(t) {
                        return Err(arg_err(format!(
                            "types[{i}] {t:?} is not a Salesforce API name"
                        )));
                    }
                }
                Body::Leaves(
                    types
                        .into_iter()
                        .map(|t| ("sObjectType", Cow::Borrowed(t)))
                        .collect(),
                )
            }
            "describeLayout" => {
                let mut v = vec![(
                    "sObjectType",
                    Cow::Borrowed(a.api_name("type", "\"Account\"")?),
                )];
                if a.get("layout_name").is_some() {
                    v.push((
                        "layoutName",
                        Cow::Borrowed(a.string("layout_name", "\"Account Layout\"")?),
                    ));
                }
                let ids = a.strings("record_type_ids", 1000, false, "[\"012000000000001AAA\"]")?;
                v.extend(
                    ids.into_iter()
                        .map(|id| ("recordTypeIds", Cow::Borrowed(id))),
                );
                Body::Leaves(v)
            }
            "getUpdated" | "getDeleted" => leaves(vec![
                ("sObjectType", a.api_name("type", "\"Account\"")?),
                ("startDate", a.string("start", "\"2024-01-01T00:00:00Z\"")?),
                ("endDate", a.string("end", "\"2024-01-02T00:00:00Z\"")?),
            ]),
            "convertLead" => {
                let list = a.list(
                    "lead_converts",
                    MAX_SAVE_RECORDS,
                    "[{\"leadId\": \"00Q...\", \"convertedStatus\": \"Closed - Converted\"}]",
                )?;
                let mut converts = Vec::with_capacity(list.len());
                for (i, item) in list.iter().enumerate() {
                    let Value::Object(map) = item else {
                        return Err(arg_err(format!("lead_converts[{i}] must be an object")));
                    };
                    if !map.contains_key("leadId") {
                        return Err(arg_err(format!("lead_converts[{i}].leadId is required")));
                    }
                    let mut fields = Vec::with_capacity(map.len());
                    for (key, value) in map {
                        let path = format!("lead_converts[{i}].{key}");
                        if !is_api_name(key) {
                            return Err(arg_err(format!(
                                "{path}: {key:?} is not a LeadConvert field name"
                            )));
                        }
                        if let Some(text) = scalar_text(&path, value)? {
                            fields.push((key.as_str(), text));
                        }
                    }
                    // The WSDL sequence of LeadConvert is alphabetical.
                    fields.sort_by(|x, y| x.0.cmp(y.0));
                    converts.push(fields);
                }
                Body::ConvertLead(converts)
            }
            "setPassword" => leaves(vec![
                ("userId", a.string("user_id", "\"005000000000001AAA\"")?),
                ("password", a.string("password", "\"n3w-Secret\"")?),
            ]),
            "resetPassword" => leaves(vec![(
                "userId",
                a.string("user_id", "\"005000000000001AAA\"")?,
            )]),
            other => {
                return Err(Error::new(
                    ErrorKind::UnknownMethod,
                    format!("{other:?} is not a SOAP call"),
                ))
            }
        })
    }

    fn write(&self, out: &mut Out<'_>) {
        match self {
            Body::Leaves(leaves) => {
                for (name, value) in leaves {
                    out.pleaf(name, value);
                }
            }
            Body::Save {
                external_id,
                records,
            } => {
                if let Some(ext) = external_id {
                    out.pleaf("externalIDFieldName", ext);
                }
                for rec in records {
                    out.pstart("sObjects");
                    out.sleaf("type", rec.sobject_type);
                    for name in &rec.to_null {
                        out.sleaf("fieldsToNull", name);
                    }
                    if let Some(id) = &rec.id {
                        out.sleaf("Id", id);
                    }
                    for (name, value) in &rec.fields {
                        out.sleaf(name, value);
                    }
                    out.pend("sObjects");
                }
            }
            Body::ConvertLead(converts) => {
                for fields in converts {
                    out.pstart("leadConverts");
                    for (name, value) in fields {
                        out.pleaf(name, value);
                    }
                    out.pend("leadConverts");
                }
            }
        }
    }
}

/// Validates record `i` of a create/update/upsert call.
fn sobject<'a>(
    i: usize,
    rec: &'a Value,
    default_type: Option<&'a str>,
    kind: SaveKind,
    external_id: Option<&'a str>,
) -> Result<SObject<'a>> {
    let Value::Object(map) = rec else {
        return Err(arg_err(format!(
            "records[{i}] must be an object of field names to values"
        )));
    };
    let own_type = match map.get("type") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) if is_api_name(t) => Some(t.as_str()),
        Some(_) => {
            return Err(arg_err(format!(
                "records[{i}].type must be a Salesforce object name, e.g. \"Account\""
            )))
        }
    };
    let sobject_type = match (default_type, own_type) {
        (Some(d), Some(o)) if d != o => {
            return Err(arg_err(format!(
                "records[{i}].type {o:?} differs from type {d:?}; one call saves one object type"
            )))
        }
        (Some(d), _) => d,
        (None, Some(o)) => o,
        (None, None) => {
            return Err(arg_err(
                "type is required (a string, e.g. \"Account\")".to_string(),
            ))
        }
    };
    let mut out = SObject {
        sobject_type,
        to_null: Vec::new(),
        id: None,
        fields: Vec::with_capacity(map.len()),
    };
    for (key, value) in map {
        if key == "type" {
            continue;
        }
        let path = format!("records[{i}].{key}");
        if !is_api_name(key) {
            return Err(arg_err(format!(
                "{path}: {key:?} is not a Salesforce field name (letters, digits, '_'); related records cannot be saved through a parent"
            )));
        }
        let text = scalar_text(&path, value)?;
        match (key.as_str(), text) {
            ("Id", Some(t)) => out.id = Some(t),
            ("Id", None) => {}
            (_, Some(t)) => out.fields.push((key.as_str(), t)),
            (_, None) => out.to_null.push(key.as_str()),
        }
    }
    if kind == SaveKind::Update && out.id.is_none() {
        return Err(arg_err(format!("records[{i}].Id is required for update")));
    }
    if let Some(ext) = external_id {
        let has = out.fields.iter().any(|(k, _)| *k == ext) || (ext == "Id" && out.id.is_some());
        if !has {
            return Err(arg_err(format!(
                "records[{i}] needs a value for the external id field {ext}"
            )));
        }
    }
    Ok(out)
}
