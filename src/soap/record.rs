//! Records, query results and other result elements to JSON.
//!
//! Record value rule (one rule, everywhere in records): a field's value is
//! Salesforce's text as a JSON string (`"true"`, `"80.0"`,
//! `"2024-01-31"` stay strings), except that a field carrying an
//! `xsi:type` of `xsd:boolean` becomes a JSON boolean and one of
//! `xsd:int`/`long`/`double`/... a JSON number (that is how Salesforce
//! types aggregate values such as `expr0`). `xsi:nil` is `null`; an element
//! present but empty is `""`.
//!
//! Non-record results (describe*, getUserInfo, ...) follow the WSDL types
//! more closely, see [`generic`].

use super::read::{protocol, Doc, Id, XsiType};
use crate::error::Result;
use serde_json::{Map, Number, Value};

/// A leaf typed by its `xsi:type` only.
fn typed_leaf(xsi: XsiType, text: &str) -> Value {
    match xsi {
        XsiType::Boolean => match text.trim() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => Value::String(text.to_owned()),
        },
        XsiType::Integer => {
            let t = text.trim();
            if let Ok(i) = t.parse::<i64>() {
                Value::Number(i.into())
            } else if let Ok(u) = t.parse::<u64>() {
                Value::Number(u.into())
            } else {
                Value::String(text.to_owned())
            }
        }
        XsiType::Decimal => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(text.to_owned())),
        _ => Value::String(text.to_owned()),
    }
}

/// One sObject (`<records>`, a nested parent, a retrieve result, a search
/// record) as a JSON object: `type`, one `Id` (the duplicated `Id` folded,
/// the first non-null value kept), every field.
pub(crate) fn record(doc: &Doc<'_>, id: Id) -> Value {
    let mut map = Map::new();
    for c in doc.children(id) {
        let n = doc.node(c);
        match n.name {
            "fieldsToNull" => {}
            name => {
                let v = if name == "type" {
                    if n.nil {
                        Value::Null
                    } else {
                        Value::String(n.text.as_ref().to_owned())
                    }
                } else {
                    field_value(doc, c)
                };
                match map.get_mut(name) {
                    Some(existing) => {
                        // Duplicated element (the schema Id plus the selected
                        // Id): keep one, preferring a non-null value.
                        if existing.is_null() {
                            *existing = v;
                        }
                    }
                    None => {
                        map.insert(name.to_owned(), v);
                    }
                }
            }
        }
    }
    Value::Object(map)
}

/// The value of one field element of a record.
fn field_value(doc: &Doc<'_>, id: Id) -> Value {
    let n = doc.node(id);
    if n.nil {
        return Value::Null;
    }
    match n.xsi_type {
        XsiType::QueryResult => return query_result(doc, id, false),
        XsiType::SObject => return record(doc, id),
        _ => {}
    }
    if !doc.has_children(id) {
        if matches!(n.xsi_type, XsiType::Address | XsiType::Location) {
            return Value::Object(Map::new());
        }
        return typed_leaf(n.xsi_type, &n.text);
    }
    let mut first = doc.children(id).map(|c| doc.node(c).name);
    match first.next() {
        Some("type") => record(doc, id),
        Some("done") | Some("queryLocator") | Some("records") | Some("size") => {
            query_result(doc, id, false)
        }
        _ => {
            // Compound field (address, location) or something new: an object
            // of its children, values by the same rule.
            let mut map = Map::new();
            for c in doc.children(id) {
                let name = doc.node(c).name;
                if !map.contains_key(name) {
                    map.insert(name.to_owned(), field_value(doc, c));
                }
            }
            Value::Object(map)
        }
    }
}

/// A `QueryResult`. The top level gives `{"done", "size", "query_locator",
/// "records"}`; a child subquery gives `{"done", "size", "records"}` plus
/// `query_locator` only when it has one (`done` false).
pub(crate) fn query_result(doc: &Doc<'_>, id: Id, top: bool) -> Value {
    let mut done: Option<bool> = None;
    let mut locator = Value::Null;
    let mut size: Option<Value> = None;
    let mut records = Vec::new();
    for c in doc.children(id) {
        let n = doc.node(c);
        match n.name {
            "records" => records.push(if n.nil { Value::Null } else { record(doc, c) }),
            "done" => done = Some(n.text.trim() == "true"),
            "queryLocator" if !n.nil && !n.text.is_empty() => {
                locator = Value::String(n.text.as_ref().to_owned())
            }
            "size" => {
                size = n
                    .text
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .map(|s| Value::Number(s.into()))
            }
            _ => {}
        }
    }
    let size = size.unwrap_or_else(|| Value::Number((records.len() as u64).into()));
    let done = done.unwrap_or(locator.is_null());
    let mut map = Map::new();
    map.insert("done".to_owned(), Value::Bool(done));
    map.insert("size".to_owned(), size);
    if top || !locator.is_null() {
        map.insert("query_locator".to_owned(), locator);
    }
    map.insert("records".to_owned(), Value::Array(records));
    Value::Object(map)
}

/// Checks what [`query_result`] tolerates on a child but a page must have.
pub(crate) fn query_page(doc: &Doc<'_>, id: Id) -> Result<Value> {
    let done = doc
        .child_text(id, "done")
        .ok_or_else(|| protocol("query result lacks <done>"))?;
    if done.trim() != "true" && done.trim() != "false" {
        return Err(protocol(format!(
            "query result <done> is {done:?}, not true/false"
        )));
    }
    if let Some(size) = doc.child_text(id, "size") {
        if size.trim().parse::<i64>().is_err() {
            return Err(protocol(format!(
                "query result <size> is {size:?}, not a number"
            )));
        }
    }
    if done.trim() == "false"
        && doc
            .child_text(id, "queryLocator")
            .map_or(true, str::is_empty)
    {
        return Err(protocol(
            "query result says done=false but has no queryLocator",
        ));
    }
    Ok(query_result(doc, id, true))
}

/// Children that are lists in describe/other results even when only one
/// (or none) is present.
const ARRAY_NAMES: &[&str] = &[
    "actionOverrides",
    "buttons",
    "childRelationships",
    "colors",
    "deletedRecords",
    "detailLayoutSections",
    "editLayoutSections",
    "errors",
    "extendedErrorDetails",
    "fields",
    "icons",
    "ids",
    "layoutComponents",
    "layoutItems",
    "layoutRows",
    "layouts",
    "namedLayoutInfos",
    "picklistValues",
    "recordTypeInfos",
    "recordTypeMappings",
    "records",
    "referenceTo",
    "relatedLists",
    "searchRecords",
    "sobjects",
    "supportedScopes",
    "tabs",
];

/// Elements whose text is a whole number in describe/other results.
const NUMBER_NAMES: &[&str] = &[
    "byteLength",
    "digits",
    "displayLines",
    "length",
    "maxBatchSize",
    "orgAttachmentFileSizeLimit",
    "precision",
    "relationshipOrder",
    "rows",
    "scale",
    "sessionSecondsValid",
    "size",
    "tabOrder",
];

/// Elements that hold free text or names: never turned into booleans.
const TEXT_NAMES: &[&str] = &[
    "calculatedFormula",
    "defaultValueFormula",
    "description",
    "inlineHelpText",
    "keyPrefix",
    "label",
    "labelPlural",
    "mask",
    "maskType",
    "name",
    "relationshipName",
    "validFor",
    "value",
];

/// Generic conversion for non-record results (describe*, getUserInfo,
/// describeLayout, ...): elements with children become objects; children
/// named in a fixed list of WSDL lists (`fields`, `sobjects`,
/// `picklistValues`, ...) or repeated become arrays; `xsi:nil` is null;
/// a leaf with `xsi:type` is typed by it; otherwise the text `true`/`false`
/// becomes a boolean (except for names and labels), whole numbers in known
/// numeric elements (`length`, `maxBatchSize`, ...) become numbers, and
/// everything else stays a string. Embedded sObjects use [`record`].
pub(crate) fn generic(doc: &Doc<'_>, id: Id) -> Value {
    let n = doc.node(id);
    if n.nil {
        return Value::Null;
    }
    if n.xsi_type == XsiType::SObject {
        return record(doc, id);
    }
    if !doc.has_children(id) {
        return generic_leaf(n.name, n.xsi_type, &n.text);
    }
    let mut map: Map<String, Value> = Map::new();
    for c in doc.children(id) {
        let name = doc.node(c).name;
        let v = generic(doc, c);
        if ARRAY_NAMES.contains(&name) {
            match map.get_mut(name) {
                Some(Value::Array(list)) => list.push(v),
                _ => {
                    map.insert(name.to_owned(), Value::Array(vec![v]));
                }
            }
        } else {
            match map.get_mut(name) {
                Some(Value::Array(list)) => list.push(v),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, v]);
                }
                None => {
                    map.insert(name.to_owned(), v);
                }
            }
        }
    }
    Value::Object(map)
}

fn generic_leaf(name: &str, xsi: XsiType, text: &str) -> Value {
    if xsi != XsiType::None {
        return typed_leaf(xsi, text);
    }
    if !TEXT_NAMES.contains(&name) {
        match text {
            "true" => return Value::Bool(true),
            "false" => return Value::Bool(false),
            _ => {}
        }
    }
    if NUMBER_NAMES.contains(&name) {
        if let Ok(i) = text.trim().parse::<i64>() {
            return Value::Number(i.into());
        }
    }
    if ARRAY_NAMES.contains(&name) && text.is_empty() {
        // An empty list element (`<fields/>`) is an empty object.
        return Value::Object(Map::new());
    }
    Value::String(text.to_owned())
}
