//! Normalising REST records to the SOAP shape (see the `rest` module
//! documentation): shared by the tree decoder and the one-pass one
//! (`page`), so both give the same records by construction.

use serde_json::{Map, Value};

/// One REST record in the SOAP shape.
pub(super) fn normalise_record(v: Value) -> Value {
    let Value::Object(map) = v else {
        return v;
    };
    let mut out = Map::new();
    let mut aggregate = false;
    for (key, value) in map {
        if key == "attributes" {
            if let Some(Value::String(t)) = value.get("type") {
                aggregate = t == "AggregateResult";
                out.insert("type".to_owned(), Value::String(t.clone()));
            }
            continue;
        }
        out.insert(key, value);
    }
    let keys: Vec<String> = out.keys().filter(|k| *k != "type").cloned().collect();
    for key in keys {
        if let Some(slot) = out.get_mut(&key) {
            let value = slot.take();
            *slot = normalise_value(value, aggregate);
        }
    }
    if !out.contains_key("Id") {
        out.insert("Id".to_owned(), Value::Null);
    }
    Value::Object(out)
}

pub(super) fn normalise_value(v: Value, aggregate: bool) -> Value {
    match v {
        Value::Null => Value::Null,
        Value::Bool(b) if !aggregate => Value::String(if b { "true" } else { "false" }.to_owned()),
        Value::Number(n) if !aggregate => Value::String(n.to_string()),
        Value::String(s) => Value::String(soap_datetime(s)),
        Value::Object(map) => {
            if map.contains_key("attributes") {
                normalise_record(Value::Object(map))
            } else if map.get("records").is_some_and(Value::is_array) && map.contains_key("done") {
                child_query(map)
            } else {
                // Compound field: an object of scalars.
                Value::Object(
                    map.into_iter()
                        .map(|(k, v)| (k, normalise_value(v, false)))
                        .collect(),
                )
            }
        }
        Value::Array(list) => Value::Array(
            list.into_iter()
                .map(|v| normalise_value(v, aggregate))
                .collect(),
        ),
        other => other,
    }
}

fn child_query(mut map: Map<String, Value>) -> Value {
    let done = map.get("done").and_then(Value::as_bool).unwrap_or(true);
    let records: Vec<Value> = match map.remove("records") {
        Some(Value::Array(list)) => list.into_iter().map(normalise_record).collect(),
        _ => Vec::new(),
    };
    let size = match map.get("totalSize") {
        Some(Value::Number(n)) => Value::Number(n.clone()),
        _ => Value::Number((records.len() as u64).into()),
    };
    let mut out = Map::new();
    out.insert("done".to_owned(), Value::Bool(done));
    out.insert("size".to_owned(), size);
    if let Some(Value::String(next)) = map.remove("nextRecordsUrl") {
        out.insert("next_records_url".to_owned(), Value::String(next));
    }
    out.insert("records".to_owned(), Value::Array(records));
    Value::Object(out)
}

/// `2011-07-07T00:37:00.000+0000` -> `2011-07-07T00:37:00.000Z`; any
/// other string unchanged.
pub(super) fn soap_datetime(s: String) -> String {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let is_rest_datetime = b.len() == 28
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'.'
        && digits(20..23)
        && &b[23..] == b"+0000";
    if is_rest_datetime {
        let mut s = s;
        s.truncate(23);
        s.push('Z');
        s
    } else {
        s
    }
}
