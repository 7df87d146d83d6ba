//! Compact records: one string buffer and offsets per record, so a 300,000
//! record fetch does not keep 300,000 JSON trees alive.

use crate::error::{Error, ErrorKind, Result};
use serde_json::{Map, Value};

const NULL_BIT: u32 = 1 << 31;

/// One Salesforce record reduced to the values of the planner's field
/// paths (see [`super::Spec::paths`]), in that order. Empty strings are
/// stored as null: Salesforce sends null for empty text fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct SfRecord {
    data: Box<str>,
    /// End offset of each value in `data`; `NULL_BIT` marks a null value.
    ends: Box<[u32]>,
}

impl SfRecord {
    /// Builds a record from values aligned with the spec's paths.
    pub fn from_values<'a, I>(values: I) -> SfRecord
    where
        I: IntoIterator<Item = Option<&'a str>>,
    {
        let mut data = String::new();
        let mut ends = Vec::new();
        for value in values {
            match value {
                Some(v) if !v.is_empty() => {
                    data.push_str(v);
                    ends.push(data.len() as u32);
                }
                _ => ends.push(data.len() as u32 | NULL_BIT),
            }
        }
        SfRecord {
            data: data.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// The value of path number `i`; `None` for null, empty or out of range.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        if end & NULL_BIT != 0 {
            return None;
        }
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] & !NULL_BIT
        };
        self.data.get(start as usize..end as usize)
    }

    /// Extracts the values of `paths` (each split at its dots) from a
    /// record as the client decodes it (parents nested under the
    /// relationship name). Field names are matched exactly first, then
    /// ASCII case-insensitively (Salesforce answers in the describe's
    /// spelling, not the query's).
    pub fn from_json(record: &Value, paths: &[Vec<String>]) -> Result<SfRecord> {
        let obj = record.as_object().ok_or_else(|| {
            Error::new(ErrorKind::Protocol, "a query record is not a JSON object")
        })?;
        let mut texts: Vec<Option<String>> = Vec::with_capacity(paths.len());
        for path in paths {
            texts.push(extract(obj, path)?);
        }
        let total: usize = texts
            .iter()
            .map(|t| t.as_ref().map_or(0, String::len))
            .sum();
        if total >= NULL_BIT as usize {
            return Err(Error::new(ErrorKind::Plan, "a record is larger than 2 GiB"));
        }
        Ok(SfRecord::from_values(texts.iter().map(|t| t.as_deref())))
    }
}

fn lookup<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn extract(obj: &Map<String, Value>, path: &[String]) -> Result<Option<String>> {
    let mut current = obj;
    for (n, segment) in path.iter().enumerate() {
        let last = n + 1 == path.len();
        let Some(value) = lookup(current, segment) else {
            // A missing parent or field: treat as null (a null parent may be
            // sent as a missing element by some encoders).
            return Ok(None);
        };
        match value {
            Value::Null => return Ok(None),
            Value::Object(inner) if !last => current = inner,
            Value::Object(_) => {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!(
                        "field {} is a compound field (an address or location); map its parts instead, e.g. BillingStreet, BillingCity",
                        path.join(".")
                    ),
                ))
            }
            Value::String(s) if last => return Ok(Some(s.clone())),
            Value::Number(num) if last => return Ok(Some(num.to_string())),
            Value::Bool(b) if last => return Ok(Some(b.to_string())),
            Value::Array(_) => {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("field {} is a list, not a single value", path.join(".")),
                ))
            }
            _ => {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("{} is a value, not a relationship, so {} cannot be read", segment, path.join(".")),
                ))
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(p: &[&str]) -> Vec<Vec<String>> {
        p.iter()
            .map(|s| s.split('.').map(String::from).collect())
            .collect()
    }

    #[test]
    fn values_round_trip_with_nulls() {
        let r = SfRecord::from_values([Some("a"), None, Some(""), Some("Müller")]);
        assert_eq!(r.get(0), Some("a"));
        assert_eq!(r.get(1), None);
        assert_eq!(r.get(2), None);
        assert_eq!(r.get(3), Some("Müller"));
        assert_eq!(r.get(4), None);
    }

    #[test]
    fn json_paths_follow_relationships_case_insensitively() {
        let rec = json!({"type": "Account", "Id": "001", "Name": "Acme", "NumberOfEmployees": 80.0,
            "IsPartner": true, "Owner": {"type": "User", "Id": null, "Name": "Jo Owner", "Title": "CEO"},
            "Parent": null});
        let r = SfRecord::from_json(
            &rec,
            &paths(&[
                "Id",
                "name",
                "Owner.Name",
                "OWNER.title",
                "Parent.Name",
                "NumberOfEmployees",
                "IsPartner",
                "Missing",
            ]),
        )
        .unwrap();
        assert_eq!(r.get(0), Some("001"));
        assert_eq!(r.get(1), Some("Acme"));
        assert_eq!(r.get(2), Some("Jo Owner"));
        assert_eq!(r.get(3), Some("CEO"));
        assert_eq!(r.get(4), None);
        assert_eq!(r.get(5), Some("80.0"));
        assert_eq!(r.get(6), Some("true"));
        assert_eq!(r.get(7), None);
    }

    #[test]
    fn compound_fields_are_refused_with_advice() {
        let rec = json!({"BillingAddress": {"city": "Berlin"}});
        let err = SfRecord::from_json(&rec, &paths(&["BillingAddress"])).unwrap_err();
        assert!(err.message.contains("BillingCity"), "{}", err.message);
        assert!(SfRecord::from_json(&json!([1]), &paths(&["Id"])).is_err());
    }
}
