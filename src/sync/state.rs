//! The current OTRS state as the Perl side reads it.

use super::spec::{Kind, Spec};
use crate::error::{Error, ErrorKind, Result};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// One value of an OTRS record: `None` = the key was absent (the OTRS map
/// does not know the param, so it is never compared), `Some(None)` = null
/// or empty, `Some(Some(v))` = a value.
pub type Slot = Option<Option<Box<str>>>;

/// One OTRS customer company or customer user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtrsRecord {
    /// CustomerID or UserLogin, as stored.
    pub id: String,
    pub valid_id: i64,
    /// Values aligned with [`Spec::params`].
    pub values: Vec<Slot>,
    /// Memberships (customer_user_customer rows); users only.
    pub customer_ids: Vec<String>,
}

impl OtrsRecord {
    /// Builds a record from values aligned with the spec's params.
    pub fn new(
        id: &str,
        valid_id: i64,
        values: Vec<Slot>,
        customer_ids: Vec<String>,
    ) -> OtrsRecord {
        OtrsRecord {
            id: id.to_string(),
            valid_id,
            values,
            customer_ids,
        }
    }
}

/// The OTRS side of the planner input.
///
/// Ids (CustomerID / UserLogin) are unique: [`OtrsState::from_json`]
/// refuses an id listed twice (a PLAN error naming the field and the id).
/// Ids that differ only in case (possible in PostgreSQL, where the columns
/// are case-sensitive) are accepted, but OTRS looks ids up
/// case-insensitively, so the planner treats such a group as one record:
/// the first one listed is planned (diff, cleanup, revalidation), the
/// others are left alone and named in the plan's `notes`.
#[derive(Clone, Debug, Default)]
pub struct OtrsState {
    /// Companies (kind companies) or users (kind customers).
    pub records: Vec<OtrsRecord>,
    /// Lower-cased CustomerIDs still used by tickets or users.
    pub referenced: HashSet<String>,
    /// Ids this sync invalidated earlier: lower-cased id -> id as stored.
    pub sync_invalidated: HashMap<String, String>,
}

fn bad(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidArgument, msg)
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1".into() } else { "0".into() }),
        _ => None,
    }
}

fn id_list(otrs: &Value, key: &str) -> Result<HashMap<String, String>> {
    match otrs.get(key) {
        None | Some(Value::Null) => Ok(HashMap::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                text(v)
                    .map(|s| (s.to_ascii_lowercase(), s))
                    .ok_or_else(|| bad(format!("otrs.{key} must hold strings, found {v}")))
            })
            .collect(),
        Some(other) => Err(bad(format!(
            "otrs.{key} must be a list of ids, not {other}"
        ))),
    }
}

impl OtrsState {
    /// Reads `otrs` from the planner input for `spec`.
    pub fn from_json(spec: &Spec, otrs: &Value) -> Result<OtrsState> {
        if !(otrs.is_object() || otrs.is_null()) {
            return Err(bad("otrs must be an object with companies or users"));
        }
        let (key, id_key) = match spec.kind {
            Kind::Companies => ("companies", "CustomerID"),
            Kind::Customers => ("users", "UserLogin"),
        };
        let items = match otrs.get(key) {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(a)) => a.as_slice(),
            Some(other) => return Err(bad(format!("otrs.{key} must be a list, not {other}"))),
        };
        let mut records = Vec::with_capacity(items.len());
        // Exact id -> item number, to refuse an id listed twice.
        let mut seen: HashMap<String, usize> = HashMap::with_capacity(items.len());
        for (n, item) in items.iter().enumerate() {
            let obj = item
                .as_object()
                .ok_or_else(|| bad(format!("otrs.{key}[{n}] must be an object")))?;
            let id = obj
                .get(id_key)
                .and_then(text)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| bad(format!("otrs.{key}[{n}] has no {id_key}")))?;
            if let Some(first) = seen.insert(id.clone(), n) {
                return Err(Error::new(
                    ErrorKind::Plan,
                    format!(
                        "otrs.{key} lists {id_key} '{id}' twice (items {first} and {n}); OTRS holds each {id_key} once, so whatever read the OTRS state is broken: nothing planned"
                    ),
                ));
            }
            let valid_id = match obj.get("ValidID") {
                Some(Value::Number(v)) => v.as_i64(),
                Some(Value::String(v)) => v.trim().parse::<i64>().ok(),
                _ => None,
            }
            .ok_or_else(|| bad(format!("otrs.{key}[{n}] ({id}) has no numeric ValidID")))?;
            let values = spec
                .params
                .iter()
                .map(|p| {
                    obj.get(p).map(|v| {
                        text(v)
                            .filter(|s| !s.is_empty())
                            .map(String::into_boxed_str)
                    })
                })
                .collect();
            let customer_ids = match obj.get("CustomerIDs") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(ids)) => ids
                    .iter()
                    .filter_map(text)
                    .filter(|s| !s.is_empty())
                    .collect(),
                Some(other) => {
                    return Err(bad(format!(
                        "otrs.{key}[{n}].CustomerIDs must be a list, not {other}"
                    )))
                }
            };
            records.push(OtrsRecord {
                id,
                valid_id,
                values,
                customer_ids,
            });
        }
        Ok(OtrsState {
            records,
            referenced: id_list(otrs, "referenced")?.into_keys().collect(),
            sync_invalidated: id_list(otrs, "sync_invalidated")?,
        })
    }
}
