//! Settings and what follows from them: the field paths to fetch, the OTRS
//! params the sync manages, the name format, the SOQL.

use crate::error::{Error, ErrorKind, Result};
use crate::soql;
use serde_json::Value;
use std::collections::HashMap;

/// What is synced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Companies,
    Customers,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Companies => "companies",
            Kind::Customers => "customers",
        }
    }
}

/// Who becomes a customer user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The owners of the selected Accounts (the original's meaning).
    AccountOwner,
    /// Contacts.
    Contact,
}

/// What the login of a Contact is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginField {
    Id,
    Email,
}

/// What cleanup does to records Salesforce no longer returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CleanupAction {
    Invalidate,
    Delete,
}

/// The planner settings (ARCHITECTURE.md, "Planner input").
#[derive(Clone, Debug)]
pub struct Settings {
    pub mode: Mode,
    pub login_field: LoginField,
    pub name_format: String,
    /// (OTRS param, Salesforce path as configured), sorted by param.
    pub attributes: Vec<(String, String)>,
    pub where_clause: Option<String>,
    pub limit: Option<u64>,
    pub valid_data: bool,
    pub default_customer_id: String,
    pub delete_old: String,
    pub cleanup_action: CleanupAction,
    pub cleanup_max_share: f64,
    pub force: bool,
    pub revalidate_manual: bool,
    /// Column lengths as the database of this OTRS reports them, by OTRS
    /// param (OTOBO has 191 for names and logins); params not in it keep
    /// the OTRS 6 schema's lengths.
    pub column_lengths: HashMap<String, usize>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            mode: Mode::AccountOwner,
            login_field: LoginField::Id,
            name_format: "{Name} ({Id})".to_string(),
            attributes: Vec::new(),
            where_clause: None,
            limit: None,
            valid_data: false,
            default_customer_id: "1".to_string(),
            delete_old: String::new(),
            cleanup_action: CleanupAction::Invalidate,
            cleanup_max_share: 0.1,
            force: false,
            revalidate_manual: false,
            column_lengths: HashMap::new(),
        }
    }
}

fn bad(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidArgument, msg)
}

fn opt_str<'a>(s: &'a Value, key: &str) -> Result<Option<&'a str>> {
    match s.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(v)) => Ok(Some(v.as_str())),
        Some(other) => Err(bad(format!("settings.{key} must be a string, not {other}"))),
    }
}

/// Perl hands booleans over as 1/0, "1"/"0" or true/false.
fn opt_bool(s: &Value, key: &str) -> Result<Option<bool>> {
    match s.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::Number(n)) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
            Ok(Some(n.as_i64() == Some(1)))
        }
        Some(Value::String(v)) if v.is_empty() || v == "0" => Ok(Some(false)),
        Some(Value::String(v)) if v == "1" => Ok(Some(true)),
        Some(other) => Err(bad(format!(
            "settings.{key} must be true/false or 1/0, not {other}"
        ))),
    }
}

impl Settings {
    /// Reads the `settings` object; unknown keys are an error so a typo
    /// does not pass silently.
    pub fn from_json(s: &Value) -> Result<Settings> {
        let obj = match s {
            Value::Null => return Ok(Settings::default()),
            Value::Object(o) => o,
            other => return Err(bad(format!("settings must be an object, not {other}"))),
        };
        const KNOWN: &[&str] = &[
            "mode",
            "login_field",
            "name_format",
            "attributes",
            "where",
            "limit",
            "valid_data",
            "default_customer_id",
            "delete_old",
            "cleanup_action",
            "cleanup_max_share",
            "force",
            "revalidate_manual",
            "column_lengths",
        ];
        if let Some(key) = obj.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(bad(format!(
                "unknown setting '{key}' (known: {})",
                KNOWN.join(", ")
            )));
        }
        let mut out = Settings::default();
        if let Some(mode) = opt_str(s, "mode")? {
            out.mode = match mode {
                "" | "AccountOwner" => Mode::AccountOwner,
                "Contact" => Mode::Contact,
                other => {
                    return Err(bad(format!(
                        "settings.mode must be AccountOwner or Contact, not '{other}'"
                    )))
                }
            };
        }
        if let Some(field) = opt_str(s, "login_field")? {
            out.login_field = match field {
                "" | "Id" => LoginField::Id,
                "Email" => LoginField::Email,
                other => {
                    return Err(bad(format!(
                        "settings.login_field must be Id or Email, not '{other}'"
                    )))
                }
            };
        }
        if let Some(format) = opt_str(s, "name_format")? {
            if !format.trim().is_empty() {
                out.name_format = format.to_string();
            }
        }
        match s.get("attributes") {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (param, path) in map {
                    match path {
                        Value::Null => {}
                        Value::String(p) if p.trim().is_empty() => {}
                        Value::String(p) => out.attributes.push((param.clone(), p.trim().to_string())),
                        other => {
                            return Err(bad(format!(
                                "settings.attributes.{param} must be a Salesforce field path string, not {other}"
                            )))
                        }
                    }
                }
                out.attributes.sort();
            }
            Some(other) => {
                return Err(bad(format!(
                    "settings.attributes must be an object, not {other}"
                )))
            }
        }
        out.where_clause = opt_str(s, "where")?
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(String::from);
        out.limit = match s.get("limit") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_u64() {
                Some(0) => None,
                Some(v) => Some(v),
                None => {
                    return Err(bad(format!(
                        "settings.limit must be a positive whole number, not {n}"
                    )))
                }
            },
            Some(Value::String(v)) if v.trim().is_empty() || v.trim() == "0" => None,
            Some(Value::String(v)) => Some(v.trim().parse::<u64>().map_err(|_| {
                bad(format!(
                    "settings.limit must be a positive whole number, not '{v}'"
                ))
            })?),
            Some(other) => {
                return Err(bad(format!("settings.limit must be a number, not {other}")))
            }
        };
        out.valid_data = opt_bool(s, "valid_data")?.unwrap_or(false);
        if let Some(id) = opt_str(s, "default_customer_id")? {
            if !id.trim().is_empty() {
                out.default_customer_id = id.trim().to_string();
            }
        } else if let Some(Value::Number(n)) = s.get("default_customer_id") {
            out.default_customer_id = n.to_string();
        }
        out.delete_old = opt_str(s, "delete_old")?.unwrap_or("").trim().to_string();
        if let Some(action) = opt_str(s, "cleanup_action")? {
            out.cleanup_action = match action {
                "" | "invalidate" => CleanupAction::Invalidate,
                "delete" => CleanupAction::Delete,
                other => {
                    return Err(bad(format!(
                        "settings.cleanup_action must be invalidate or delete, not '{other}'"
                    )))
                }
            };
        }
        match s.get("cleanup_max_share") {
            None | Some(Value::Null) => {}
            Some(v) => {
                let share = v
                    .as_f64()
                    .or_else(|| v.as_str().and_then(|t| t.trim().parse::<f64>().ok()))
                    .filter(|x| (0.0..=1.0).contains(x))
                    .ok_or_else(|| {
                        bad(format!(
                            "settings.cleanup_max_share must be a number from 0 to 1, not {v}"
                        ))
                    })?;
                out.cleanup_max_share = share;
            }
        }
        out.force = opt_bool(s, "force")?.unwrap_or(false);
        out.revalidate_manual = opt_bool(s, "revalidate_manual")?.unwrap_or(false);
        out.column_lengths = column_lengths(s)?;
        Ok(out)
    }
}

/// One piece of the company name format.
#[derive(Clone, Debug)]
pub(crate) enum Piece {
    Text(String),
    Field(usize),
}

/// `settings.column_lengths`: { OTRS param: length in characters } as the
/// database of this OTRS says (optional; the OTRS 6 schema otherwise).
fn column_lengths(s: &Value) -> Result<HashMap<String, usize>> {
    let map = match s.get("column_lengths") {
        None | Some(Value::Null) => return Ok(HashMap::new()),
        Some(Value::Object(map)) => map,
        Some(other) => {
            return Err(bad(format!(
                "settings.column_lengths must be an object, not {other}"
            )))
        }
    };
    map.iter()
        .map(|(param, length)| {
            length
                .as_u64()
                .or_else(|| length.as_str().and_then(|t| t.trim().parse().ok()))
                .filter(|n| *n > 0)
                .map(|n| (param.clone(), n as usize))
                .ok_or_else(|| {
                    bad(format!(
                        "settings.column_lengths.{param} must be a positive whole number, not {length}"
                    ))
                })
        })
        .collect()
}

impl Settings {
    /// The length of the OTRS column behind `param`: as this OTRS's
    /// database says (`column_lengths`), else as in the OTRS 6 schema.
    pub fn column_length(&self, kind: Kind, param: &str) -> Option<usize> {
        self.column_lengths
            .get(param)
            .copied()
            .or_else(|| column_length(kind, param))
    }
}

/// Maximum length in characters of the OTRS columns behind each param
/// (the OTRS 6 schema: `customer_company`, `customer_user`). Longer values
/// are skipped, never truncated; only a company name is shortened (see
/// the planner), so that memberships have a company to point at.
fn column_length(kind: Kind, param: &str) -> Option<usize> {
    match kind {
        Kind::Companies => match param {
            "CustomerID" => Some(150),
            "CustomerCompanyName"
            | "CustomerCompanyStreet"
            | "CustomerCompanyZIP"
            | "CustomerCompanyCity"
            | "CustomerCompanyCountry"
            | "CustomerCompanyURL" => Some(200),
            "CustomerCompanyComment" => Some(250),
            _ => None,
        },
        Kind::Customers => match param {
            "UserLogin" => Some(200),
            "UserEmail" | "UserCustomerID" => Some(150),
            "UserFirstname" | "UserLastname" => Some(100),
            "UserTitle" => Some(50),
            "UserPhone" | "UserFax" | "UserMobile" | "UserStreet" => Some(150),
            "UserZip" | "UserCity" | "UserCountry" => Some(200),
            "UserComment" => Some(250),
            _ => None,
        },
    }
}

/// Params the sync sets itself; an attribute may not map them.
const RESERVED: &[&str] = &[
    "CustomerID",
    "CustomerCompanyName",
    "ValidID",
    "UserLogin",
    "UserCustomerID",
    "UserPassword",
    "UserCustomerIDs",
    "CustomerIDs",
];

/// Params fixed by the sync for customer users, in `Spec::params` order
/// (UserLogin is 0).
pub(crate) const P_FIRST: usize = 1;
pub(crate) const P_LAST: usize = 2;
pub(crate) const P_EMAIL: usize = 3;
pub(crate) const P_CUSTOMER_ID: usize = 4;
/// Params fixed for companies (CustomerID is 0).
pub(crate) const P_NAME_C: usize = 1;

/// Everything derived from (kind, settings).
#[derive(Clone, Debug)]
pub struct Spec {
    pub kind: Kind,
    pub settings: Settings,
    /// The queried sObject.
    pub object: &'static str,
    /// Field paths to fetch, relative to `object`, in SELECT order.
    pub paths: Vec<String>,
    pub(crate) split_paths: Vec<Vec<String>>,
    /// The OTRS params the sync manages (identity first, then the fixed
    /// ones, then attribute params in name order). `ValidID` is separate.
    pub params: Vec<String>,
    /// Source path index of each param (None where the sync computes it).
    pub(crate) param_src: Vec<Option<usize>>,
    pub(crate) name_format: Vec<Piece>,
    pub(crate) fixed: HashMap<&'static str, usize>,
}

impl Spec {
    /// Builds the spec; bad settings give an error that names what to fix.
    pub fn new(kind: Kind, settings: Settings) -> Result<Spec> {
        let object = match (kind, settings.mode) {
            (Kind::Customers, Mode::Contact) => "Contact",
            _ => "Account",
        };
        let mut spec = Spec {
            kind,
            object,
            paths: Vec::new(),
            split_paths: Vec::new(),
            params: Vec::new(),
            param_src: Vec::new(),
            name_format: Vec::new(),
            fixed: HashMap::new(),
            settings,
        };
        let fixed_paths: &[&'static str] = match (kind, spec.settings.mode) {
            (Kind::Companies, _) => &["Id", "Name"],
            (Kind::Customers, Mode::AccountOwner) => &[
                "Id",
                "Name",
                "OwnerId",
                "Owner.Id",
                "Owner.Name",
                "Owner.FirstName",
                "Owner.LastName",
                "Owner.Email",
                "Owner.IsActive",
            ],
            (Kind::Customers, Mode::Contact) => {
                &["Id", "Name", "FirstName", "LastName", "Email", "AccountId"]
            }
        };
        for p in fixed_paths {
            let i = spec.add_path(p)?;
            spec.fixed.insert(p, i);
        }
        match kind {
            Kind::Companies => {
                spec.params = vec!["CustomerID".into(), "CustomerCompanyName".into()];
                spec.param_src = vec![None, None];
                spec.name_format = spec.parse_name_format()?;
            }
            Kind::Customers => {
                let (first, last, email) = match spec.settings.mode {
                    Mode::AccountOwner => ("Owner.FirstName", "Owner.LastName", "Owner.Email"),
                    Mode::Contact => ("FirstName", "LastName", "Email"),
                };
                spec.params = [
                    "UserLogin",
                    "UserFirstname",
                    "UserLastname",
                    "UserEmail",
                    "UserCustomerID",
                ]
                .iter()
                .map(|s| s.to_string())
                .collect();
                spec.param_src = vec![
                    None,
                    Some(spec.fixed[first]),
                    Some(spec.fixed[last]),
                    Some(spec.fixed[email]),
                    None,
                ];
            }
        }
        let attributes = spec.settings.attributes.clone();
        for (param, path) in &attributes {
            if RESERVED.contains(&param.as_str()) {
                let hint = if param == "CustomerCompanyName" {
                    " (use name_format)"
                } else {
                    ""
                };
                return Err(Error::new(
                    ErrorKind::Config,
                    format!(
                        "attribute {param} is set by the sync itself and cannot be mapped{hint}"
                    ),
                ));
            }
            if !param.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || param.is_empty() {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("'{param}' is not an OTRS param name"),
                ));
            }
            let normalised = spec.normalise(path)?;
            if kind == Kind::Customers
                && spec.settings.mode == Mode::AccountOwner
                && !normalised.to_ascii_lowercase().starts_with("owner.")
            {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!(
                        "customer attribute {param} maps to '{path}', an Account field; in AccountOwner mode customer users are the owners, so map Owner fields (e.g. Owner.Title)"
                    ),
                ));
            }
            let src = spec.add_path(&normalised)?;
            if let Some(i) = spec.params.iter().position(|p| p == param) {
                // UserFirstname / UserLastname / UserEmail: the admin's source wins.
                spec.param_src[i] = Some(src);
            } else {
                spec.params.push(param.clone());
                spec.param_src.push(Some(src));
            }
        }
        Ok(spec)
    }

    /// Drops a leading "<Object>." (the queried object itself) and checks
    /// the path's syntax.
    fn normalise(&self, path: &str) -> Result<String> {
        let path = path.trim();
        let prefix_len = self.object.len() + 1;
        let rel = if path.len() > prefix_len
            && path[..self.object.len()].eq_ignore_ascii_case(self.object)
            && path.as_bytes()[self.object.len()] == b'.'
        {
            &path[prefix_len..]
        } else {
            path
        };
        if !soql::is_field_path(rel) {
            return Err(Error::new(
                ErrorKind::Config,
                format!("'{path}' is not a Salesforce field path (e.g. BillingCity, Owner.Title)"),
            ));
        }
        Ok(rel.to_string())
    }

    fn add_path(&mut self, path: &str) -> Result<usize> {
        if let Some(i) = self.paths.iter().position(|p| p.eq_ignore_ascii_case(path)) {
            return Ok(i);
        }
        self.paths.push(path.to_string());
        self.split_paths
            .push(path.split('.').map(String::from).collect());
        Ok(self.paths.len() - 1)
    }

    fn parse_name_format(&mut self) -> Result<Vec<Piece>> {
        let format = self.settings.name_format.clone();
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let mut field = String::new();
                    let mut closed = false;
                    for c in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        field.push(c);
                    }
                    if !closed {
                        return Err(Error::new(
                            ErrorKind::Config,
                            format!("name_format '{format}' has a '{{' without '}}' (write {{{{ for a literal brace)"),
                        ));
                    }
                    let path = self.normalise(&field)?;
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    pieces.push(Piece::Field(self.add_path(&path)?));
                }
                '}' => {
                    return Err(Error::new(
                        ErrorKind::Config,
                        format!("name_format '{format}' has a '}}' without '{{' (write }}}} for a literal brace)"),
                    ))
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(pieces)
    }

    /// The SOQL of the main fetch.
    pub fn soql(&self) -> Result<String> {
        let setting = match self.kind {
            Kind::Companies => "SalesForceModule::Companies::Where",
            Kind::Customers => "SalesForceModule::Customers::Where",
        };
        soql::build_select(&soql::Select {
            fields: self.paths.clone(),
            object: self.object,
            where_clause: self.settings.where_clause.as_deref(),
            where_setting: setting,
            limit: self.settings.limit,
            order_by_id: true,
        })
    }

    /// Index of a fixed path (e.g. "Owner.Email").
    pub(crate) fn at(&self, path: &str) -> usize {
        // The fixed paths are inserted in `new` for every kind/mode that
        // asks for them; a miss is a programming error caught by tests.
        self.fixed.get(path).copied().unwrap_or(usize::MAX)
    }

    /// Position of `param` in [`Spec::params`].
    pub fn param_index(&self, param: &str) -> Option<usize> {
        self.params.iter().position(|p| p == param)
    }
}
