//! One-pass decoding of REST query pages.
//!
//! [`crate::rest::parse_query_page`] first parses a page into a
//! `serde_json::Value` tree and then rebuilds every record in the SOAP shape
//! (see the `rest` module documentation). This decoder builds the SOAP-shaped
//! records straight from the JSON tokens, which saves the second tree and
//! most of the allocations. It covers the shape Salesforce sends (every record
//! opening with its `attributes`); for anything else it gives up (`None`) and
//! the caller takes the tree path, which is also the one that words errors.
//! Rare parts inside a record (compound fields, child subqueries, lists, a
//! parent without leading `attributes`) are handed to the tree path's own
//! normalisation, so both paths give the same result by construction.

use super::normalise::{normalise_record, normalise_value, soap_datetime};
use crate::records::RecordSink;
use serde::de::{self, Deserialize, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// Decodes a REST query page like `parse_query_page`, or `None` when the
/// body is anything but a plain, valid page.
pub(crate) fn fast_query_page(body: &[u8]) -> Option<Value> {
    fast_page(body, &mut RecordSink::new(None))
}

/// As [`fast_query_page`], the records going to `sink` (see [`RecordSink`]).
/// When it gives up, `sink.delivered` records were already handed over;
/// they are the same as the first ones of the tree path's page. A record the
/// consumer refused ends it with `sink.failed` set.
pub(crate) fn fast_page(body: &[u8], sink: &mut RecordSink<'_>) -> Option<Value> {
    // UTF-8 checked once for the whole body, not string by string.
    let text = std::str::from_utf8(body).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    let page = PageSeed(sink).deserialize(&mut de).ok()?;
    de.end().ok()?;
    page
}

/// `(done, nextRecordsUrl)` of a REST query page, read from its start only:
/// both must come before `records` (as Salesforce sends them), so the next
/// page can be fetched while this one is decoded. `None` otherwise; the full
/// decode stays the authority either way.
pub(crate) fn page_head(body: &[u8]) -> Option<(bool, Option<String>)> {
    let mut head = Head::default();
    // The head is near the start: read only that much.
    let complete_body = body.len() <= HEAD_BYTES;
    let mut de = serde_json::Deserializer::from_slice(&body[..body.len().min(HEAD_BYTES)]);
    // Stops with an error at `records` (the point of reading only the start).
    let parsed = HeadSeed(&mut head).deserialize(&mut de).is_ok() && de.end().is_ok();
    let complete = parsed && complete_body;
    if !complete && !head.at_records {
        return None;
    }
    match (head.done?, head.next) {
        (true, _) => Some((true, None)),
        (false, Some(next)) => Some((false, Some(next))),
        (false, None) => None,
    }
}

/// How much of a page's start [`page_head`] reads.
const HEAD_BYTES: usize = 16 * 1024;

#[derive(Default)]
struct Head {
    done: Option<bool>,
    next: Option<String>,
    at_records: bool,
}

struct HeadSeed<'h>(&'h mut Head);

impl<'de> DeserializeSeed<'de> for HeadSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HeadSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a REST query page")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "done" if self.0.done.is_none() => match map.next_value::<Value>()? {
                    Value::Bool(b) => self.0.done = Some(b),
                    _ => return Err(give_up()),
                },
                "nextRecordsUrl" if self.0.next.is_none() => match map.next_value::<Value>()? {
                    Value::String(s) if !s.is_empty() => self.0.next = Some(s),
                    Value::Null => {}
                    _ => return Err(give_up()),
                },
                "done" | "nextRecordsUrl" => return Err(give_up()),
                "records" => {
                    self.0.at_records = true;
                    return Err(give_up());
                }
                _ => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(())
    }
}

/// A value that is read and dropped. Unlike serde's `IgnoredAny` it
/// decodes strings, so a value the tree path would refuse (a lone surrogate
/// escape) is refused here too.
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Skip, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(Skip)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
}

/// The error a visitor returns to give up; its text is never shown.
fn give_up<E: de::Error>() -> E {
    E::custom("not a plain REST query page")
}

struct PageSeed<'d, 's>(&'d mut RecordSink<'s>);

impl<'de> DeserializeSeed<'de> for PageSeed<'_, '_> {
    type Value = Option<Value>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PageSeed<'_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a REST query page")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut done, mut size, mut next, mut records) = (None, None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            // Repeated keys: the last one wins, as in a parsed tree.
            match key.as_str() {
                "done" => done = Some(map.next_value::<Value>()?),
                "totalSize" => size = Some(map.next_value::<Value>()?),
                "nextRecordsUrl" => next = Some(map.next_value::<Value>()?),
                "records" => {
                    if records.is_some() && self.0.delivered > 0 {
                        // Records of the first list were handed over, but
                        // the last list counts: refuse rather than mix.
                        self.0.failed = Some(crate::error::Error::new(
                            crate::error::ErrorKind::Protocol,
                            "REST query response has more than one \"records\" list",
                        ));
                        return Err(give_up());
                    }
                    records = Some(map.next_value_seed(RecordsSeed(&mut *self.0))?)
                }
                _ => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        let Some(Value::Bool(done)) = done else {
            return Ok(None);
        };
        let size = match size {
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Some(n),
            None => None,
            _ => return Ok(None),
        };
        let next = match next {
            Some(Value::String(s)) if !s.is_empty() => Value::String(s),
            None | Some(Value::Null) => Value::Null,
            _ => return Ok(None),
        };
        if !done && next.is_null() {
            return Ok(None);
        }
        let records = records.unwrap_or_default();
        // Without a totalSize: the records of this page, handed over or not.
        let size = size.unwrap_or_else(|| Number::from(records.len() as u64 + self.0.delivered));
        let mut out = Map::new();
        out.insert("done".to_owned(), Value::Bool(done));
        out.insert("size".to_owned(), Value::Number(size));
        out.insert("next_records_url".to_owned(), next);
        out.insert("records".to_owned(), Value::Array(records));
        Ok(Some(Value::Object(out)))
    }
}

/// The `records` list: records, or `null` for none.
struct RecordsSeed<'d, 's>(&'d mut RecordSink<'s>);

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, '_> {
    type Value = Vec<Value>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, '_> {
    type Value = Vec<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of records")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut records = Vec::new();
        while let Some(r) = seq.next_element_seed(RecordSeed)? {
            self.0.take(r, &mut records).map_err(|()| give_up())?;
        }
        Ok(records)
    }

    // Anything else (a number, a string, an object) is for the tree path.
}

/// One record (or a parent record inside one).
struct RecordSeed;

impl<'de> DeserializeSeed<'de> for RecordSeed {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            let mut out = Map::new();
            out.insert("Id".to_owned(), Value::Null);
            return Ok(Value::Object(out));
        };
        if first == "attributes" {
            return attributed_record(map);
        }
        // Not the shape Salesforce sends: gather it and let the tree path's
        // normalisation decide.
        Ok(normalise_record(Value::Object(rest_of_map(first, map)?)))
    }
}

/// A record whose `attributes` key was just read: its fields in the SOAP
/// shape, `type` from the attributes, `Id` null when missing.
fn attributed_record<'de, A: MapAccess<'de>>(mut map: A) -> Result<Value, A::Error> {
    let Some(kind) = map.next_value_seed(TypeSeed)? else {
        return Err(give_up());
    };
    // Aggregate results keep typed numbers and booleans, as SOAP types them.
    let field = FieldSeed {
        aggregate: kind == "AggregateResult",
    };
    let mut out = Map::new();
    out.insert("type".to_owned(), Value::String(kind));
    while let Some(key) = map.next_key::<String>()? {
        if key == "attributes" || key == "type" {
            // A second `attributes`, or a field that the SOAP shape's `type`
            // would hide: rare, the tree path handles them.
            return Err(give_up());
        }
        let value = map.next_value_seed(field)?;
        out.insert(key, value);
    }
    if !out.contains_key("Id") {
        out.insert("Id".to_owned(), Value::Null);
    }
    Ok(Value::Object(out))
}

/// The object whose first key (`first`) was just read, as parsed.
fn rest_of_map<'de, A: MapAccess<'de>>(
    first: String,
    mut map: A,
) -> Result<Map<String, Value>, A::Error> {
    let mut raw = Map::new();
    let value = map.next_value::<Value>()?;
    raw.insert(first, value);
    while let Some((k, v)) = map.next_entry::<String, Value>()? {
        raw.insert(k, v);
    }
    Ok(raw)
}

/// The `type` of a record's `attributes` (other members skipped); `None`
/// when it has none or it is not text.
struct TypeSeed;

impl<'de> DeserializeSeed<'de> for TypeSeed {
    type Value = Option<String>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TypeSeed {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("record attributes")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kind = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "type" {
                kind = Some(map.next_value::<Value>()?);
            } else {
                map.next_value::<Skip>()?;
            }
        }
        Ok(match kind {
            Some(Value::String(s)) => Some(s),
            _ => None,
        })
    }
}

/// A field value of a record, in the SOAP shape.
#[derive(Clone, Copy)]
struct FieldSeed {
    aggregate: bool,
}

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl FieldSeed {
    fn number(self, n: Number) -> Value {
        if self.aggregate {
            Value::Number(n)
        } else {
            Value::String(n.to_string())
        }
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(if self.aggregate {
            Value::Bool(b)
        } else {
            Value::String(if b { "true" } else { "false" }.to_owned())
        })
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(self.number(n.into()))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(self.number(n.into()))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        // JSON text has no NaN or infinity; serde_json maps them to null too.
        Ok(Number::from_f64(n).map_or(Value::Null, |n| self.number(n)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(soap_datetime(s.to_owned())))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(soap_datetime(s)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Ok(Value::Object(Map::new()));
        };
        if first == "attributes" {
            // A parent record (Owner, Account, ...): the common case.
            return attributed_record(map);
        }
        // Compound field or child subquery: rare, gathered as parsed and
        // normalised by the tree path's rules.
        Ok(normalise_value(
            Value::Object(rest_of_map(first, map)?),
            false,
        ))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut raw = Vec::new();
        while let Some(v) = seq.next_element::<Value>()? {
            raw.push(v);
        }
        Ok(normalise_value(Value::Array(raw), self.aggregate))
    }
}

#[cfg(test)]
mod tests {
    //! The one-pass decoder against the tree path: same page, or it gives up.
    use super::{fast_query_page, page_head};
    use crate::rest::{parse_query_page, parse_query_page_each, parse_query_page_tree};
    use serde_json::{json, Value};

    /// Records handed over one by one give the same records and page as
    /// the whole page decoded at once, or the same failure.
    fn streams_alike(body: &[u8]) {
        let mut got = Vec::new();
        let streamed = parse_query_page_each(body, &mut |r| {
            got.push(r);
            Ok(())
        });
        match (parse_query_page(body), streamed) {
            (Ok(mut whole), Ok((page, n))) => {
                let records = whole["records"].take();
                assert_eq!(json!(got), records, "{}", String::from_utf8_lossy(body));
                assert_eq!(n as usize, got.len());
                whole["records"] = json!([]);
                assert_eq!(whole, page);
            }
            (Err(_), Err(_)) => {}
            // Refused on purpose (see `PageSeed`).
            (Ok(_), Err(e)) if e.message.contains("more than one \"records\" list") => {}
            (whole, streamed) => panic!(
                "whole {whole:?} vs streamed {streamed:?}: {}",
                String::from_utf8_lossy(body)
            ),
        }
    }

    #[test]
    fn records_handed_over_one_by_one_match_the_page() {
        streams_alike(PAGE.as_bytes());
        // The one-pass decoder gives up at the second record (a field named
        // `type`): the first was handed over already, the rest come from
        // the tree path, none twice.
        let body = br#"{"done": true, "records": [
            {"attributes": {"type": "A"}, "Id": "1"},
            {"attributes": {"type": "A"}, "Id": "2", "type": "B"},
            {"attributes": {"type": "A"}, "Id": "3"}]}"#;
        let mut ids = Vec::new();
        let (page, n) = parse_query_page_each(body, &mut |r| {
            ids.push(r["Id"].clone());
            Ok(())
        })
        .unwrap();
        assert_eq!(ids, vec![json!("1"), json!("2"), json!("3")]);
        assert_eq!((n, &page["size"]), (3, &json!(3)));
        streams_alike(body);
        // A consumer's error ends it at once.
        let mut seen = 0;
        let e = parse_query_page_each(PAGE.as_bytes(), &mut |_| {
            seen += 1;
            Err(crate::Error::new(
                crate::ErrorKind::InvalidArgument,
                "stop here",
            ))
        })
        .unwrap_err();
        assert_eq!((seen, e.message.as_str()), (1, "stop here"));
        // Two record lists: the first one's records went out, the tree
        // would keep only the last list, so it is an error.
        let e = parse_query_page_each(
            br#"{"done": true, "records": [{"attributes": {"type": "A"}, "Id": "1"}], "records": []}"#,
            &mut |_: Value| Ok(()),
        )
        .unwrap_err();
        assert!(e.message.contains("more than one"), "{e}");
    }

    const PAGE: &str = r#"{
      "totalSize": 3222, "done": false,
      "nextRecordsUrl": "/services/data/v64.0/query/01g5e00000AbCdEAAZ-2000",
      "records": [{
        "attributes": {"type": "Account", "url": "/services/data/v64.0/sobjects/Account/001000000000001AAA"},
        "Id": "001000000000001AAA", "Name": "Acme & <Co> \u00e9\"", "Phone": null,
        "NumberOfEmployees": 400, "AnnualRevenue": 23.0, "Big": 1.5e300, "Neg": -7, "IsDeleted": false,
        "LastModifiedDate": "2011-07-07T00:37:00.000+0000",
        "BillingAddress": {"city": "Berlin", "postalCode": null, "latitude": 52.5},
        "Owner": {"attributes": {"type": "User", "url": "/x"}, "FirstName": "Jo", "Active": true,
                  "Manager": {"attributes": {"url": "/m", "type": "User"}, "Id": "005000000000002AAA"}},
        "Parent": null, "Tags": ["a", 1, true, {"k": 2}],
        "Contacts": {"totalSize": 1, "done": true, "records": [
           {"attributes": {"type": "Contact", "url": "/y"}, "LastName": "Ng"}, {"LastName": "No attrs", "N": 3}]},
        "Loose": {"Name": "x", "attributes": {"type": "Lead"}},
        "Tasks": null, "Empty": {}
      },
      {"attributes": {"type": "AggregateResult"}, "expr0": 300, "expr1": 2.5, "flag": true, "CampaignId": "701000000000001AAA"},
      {"attributes": {"type": "Account"}},
      {"Name": "no attributes at all", "Count": 3},
      {}
      ],
      "extra": {"ignored": [1, 2, {"x": null}]}
    }"#;

    fn same(body: &[u8]) -> bool {
        let Some(fast) = fast_query_page(body) else {
            return false;
        };
        let tree = parse_query_page_tree(body).unwrap_or_else(|e| {
            panic!(
                "fast path accepted what the tree refuses ({e}): {}",
                String::from_utf8_lossy(body)
            )
        });
        assert_eq!(fast, tree, "{}", String::from_utf8_lossy(body));
        true
    }

    #[test]
    fn salesforce_pages_take_the_fast_path_and_match_the_tree() {
        for body in [
            PAGE,
            r#"{"totalSize": 0, "done": true, "records": []}"#,
            r#"{"done": true, "records": null}"#,
            r#"{"done": true}"#,
            r#"{"records": [{"attributes": {"type": "X"}, "Id": "1"}], "done": true, "records": []}"#,
            r#"  {"done": true, "totalSize": 1, "nextRecordsUrl": null, "records": [{"attributes": {"type": "Contact"}, "Email": "a@b.c"}]}  "#,
        ] {
            assert!(same(body.as_bytes()), "fast path gave up on {body}");
        }
    }

    #[test]
    fn unusual_pages_go_to_the_tree() {
        for body in [
            "",
            "[1]",
            r#"{"done": true} x"#,
            r#"{"done": "true", "records": []}"#,
            r#"{"done": false, "records": []}"#,
            r#"{"done": false, "nextRecordsUrl": "", "records": []}"#,
            r#"{"done": true, "totalSize": 1.5, "records": []}"#,
            r#"{"done": true, "records": 5}"#,
            r#"{"done": true, "records": [17]}"#,
            r#"{"done": true, "records": [{"attributes": 5, "Id": "1"}]}"#,
            r#"{"done": true, "records": [{"attributes": {"type": 5}}]}"#,
            r#"{"done": true, "records": [{"attributes": {"type": "A"}, "attributes": {"type": "B"}}]}"#,
            r#"{"done": true, "records": [{"attributes": {"type": "A"}, "type": "B"}]}"#,
            r#"{"done": true, "records": [{"attributes": {"type": "A"}, "P": {"attributes": 1}}]}"#,
        ] {
            assert!(
                fast_query_page(body.as_bytes()).is_none(),
                "fast path took {body}"
            );
        }
    }

    #[test]
    fn the_head_comes_from_the_start_or_not_at_all() {
        let next = "/services/data/v64.0/query/01g5e00000AbCdEAAZ-2000";
        assert_eq!(
            page_head(PAGE.as_bytes()),
            Some((false, Some(next.to_owned())))
        );
        for (body, head) in [
            (r#"{"done": true, "records": [1, 2]}"#, Some((true, None))),
            (r#"{"done": true, "totalSize": 0}"#, Some((true, None))),
            (
                r#"{"done": true, "nextRecordsUrl": null, "records": []}"#,
                Some((true, None)),
            ),
            (
                r#"{"extra": {"records": []}, "done": false, "nextRecordsUrl": "/n", "records": []}"#,
                Some((false, Some("/n".to_owned()))),
            ),
            // Not before the records, or not plain: no head.
            (r#"{"records": [], "done": true}"#, None),
            (
                r#"{"done": false, "records": [], "nextRecordsUrl": "/n"}"#,
                None,
            ),
            (
                r#"{"done": false, "nextRecordsUrl": "", "records": []}"#,
                None,
            ),
            (r#"{"done": "true", "records": []}"#, None),
            (r#"{"done": true, "done": false, "records": []}"#, None),
            (r#"{"done": true} x"#, None),
            (r#"{"done": tru"#, None),
            ("[]", None),
            ("", None),
        ] {
            assert_eq!(page_head(body.as_bytes()), head, "{body}");
        }
        // A full page is far longer than the part read for the head.
        let record =
            r#"{"attributes": {"type": "Account"}, "Id": "001000000000001AAA", "Name": "Acme"},"#;
        let big = format!(
            r#"{{"totalSize": 4000, "done": false, "nextRecordsUrl": "/n-2000", "records": [{}{{}}]}}"#,
            record.repeat(2000)
        );
        assert!(big.len() > 4 * super::HEAD_BYTES);
        assert_eq!(
            page_head(big.as_bytes()),
            Some((false, Some("/n-2000".to_owned())))
        );
        let cut = &big.as_bytes()[..big.len() - 2];
        assert_eq!(
            page_head(cut),
            Some((false, Some("/n-2000".to_owned()))),
            "the end is not read"
        );
        let late = big
            .replacen(r#""done": false, "nextRecordsUrl": "/n-2000", "#, "", 1)
            .replacen("]}", r#"], "done": false, "nextRecordsUrl": "/n-2000"}"#, 1);
        assert_eq!(
            page_head(late.as_bytes()),
            None,
            "the cursor after the records"
        );
    }

    /// Random mutations of the sample page: whenever the fast path answers,
    /// the tree path answers the same.
    #[test]
    fn mutations_agree_with_the_tree() {
        let specials: &[&[u8]] = &[
            b"{",
            b"}",
            b"[",
            b"]",
            b",",
            b":",
            b"\"",
            b"null",
            b"true",
            b"1e5",
            b"-0",
            b"\"attributes\":{\"type\":\"AggregateResult\"},",
            b"\"attributes\":{\"type\":\"User\"},",
            b"\"done\":true,",
            b"\"records\":[],",
            b"\\u00e9",
            b"2020-01-01T00:00:00.000+0000",
        ];
        let mut rng = crate::test_support::Rng::new(0x2545_F491_4F6C_DD1D);
        let (mut fast, mut total) = (0u32, 0u32);
        for _ in 0..4000 {
            let mut body = PAGE.as_bytes().to_vec();
            rng.mutate(&mut body, 3, specials);
            total += 1;
            if same(&body) {
                fast += 1;
            }
            streams_alike(&body);
        }
        // Many mutations only touch values: those must stay on the fast path.
        assert!(fast * 20 > total, "fast path taken {fast} of {total}");
    }
}
