//! Record serialisation: Partner SOAP (`sf:` elements, duplicated Id, nested
//! parents, child QueryResults, nil elements) and REST JSON.

use crate::schema::{FType, ObjectDef};
use crate::soql::{OutNode, OutPlan, ResultSet, Rows};
use crate::store::{java_double, Org, Record, Value};
use crate::timeutil;
use crate::xml::escape_into;
use std::collections::HashMap;
use std::sync::Arc;

pub const SOAP_DATA_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sf="urn:sobject.partner.soap.sforce.com">"#;

fn soap_value(out: &mut String, name: &str, v: &Value) {
    match v.soap_text() {
        None => {
            out.push_str("<sf:");
            out.push_str(name);
            out.push_str(" xsi:nil=\"true\"/>");
        }
        Some(t) => {
            out.push_str("<sf:");
            out.push_str(name);
            out.push('>');
            escape_into(out, &t);
            out.push_str("</sf:");
            out.push_str(name);
            out.push('>');
        }
    }
}

/// The parts of a compound address in the order the partner `address` type
/// writes them; None when every part is null.
fn address_values(
    def: &ObjectDef,
    field: usize,
    rec: &Record,
) -> Option<Vec<(&'static str, Value)>> {
    let [city, country, zip, state, street] = def.address_parts(field);
    let get = |i: Option<usize>| i.map(|i| rec.values[i].clone()).unwrap_or(Value::Null);
    let parts = vec![
        ("city", get(city)),
        ("country", get(country)),
        ("countryCode", Value::Null),
        ("geocodeAccuracy", Value::Null),
        ("latitude", Value::Null),
        ("longitude", Value::Null),
        ("postalCode", get(zip)),
        ("state", get(state)),
        ("stateCode", Value::Null),
        ("street", get(street)),
    ];
    if parts.iter().all(|(_, v)| v.is_null()) {
        None
    } else {
        Some(parts)
    }
}

fn soap_address(out: &mut String, name: &str, parts: &Option<Vec<(&'static str, Value)>>) {
    let Some(parts) = parts else {
        out.push_str("<sf:");
        out.push_str(name);
        out.push_str(" xsi:nil=\"true\"/>");
        return;
    };
    out.push_str("<sf:");
    out.push_str(name);
    out.push_str(" xsi:type=\"address\">");
    for (k, v) in parts {
        match v.soap_text() {
            None => {
                out.push('<');
                out.push_str(k);
                out.push_str(" xsi:nil=\"true\"/>");
            }
            Some(t) => {
                out.push('<');
                out.push_str(k);
                out.push('>');
                escape_into(out, &t);
                out.push_str("</");
                out.push_str(k);
                out.push('>');
            }
        }
    }
    out.push_str("</sf:");
    out.push_str(name);
    out.push('>');
}

fn json_address(out: &mut String, parts: &Option<Vec<(&'static str, Value)>>) {
    let Some(parts) = parts else {
        out.push_str("null");
        return;
    };
    out.push('{');
    for (i, (k, v)) in parts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_str(out, k);
        out.push(':');
        json_value(out, v, FType::Str);
    }
    out.push('}');
}

fn soap_nodes(
    out: &mut String,
    org: &Org,
    nodes: &[OutNode],
    rec: &Record,
    plan: &OutPlan,
    children: &[HashMap<String, Vec<Arc<Record>>>],
) {
    for n in nodes {
        match n {
            OutNode::Field { name, field } => {
                let def = org.schema.def(rec.obj);
                if def.fields[*field].ftype == FType::Address {
                    soap_address(out, name, &address_values(def, *field, rec));
                } else {
                    soap_value(out, name, &rec.values[*field]);
                }
            }
            OutNode::Parent {
                rel,
                ref_field,
                obj,
                id_selected,
                nodes,
            } => {
                let parent = match &rec.values[*ref_field] {
                    Value::Str(id) => org.get(id).filter(|r| r.deleted_at.is_none()),
                    _ => None,
                };
                match parent {
                    None => {
                        out.push_str("<sf:");
                        out.push_str(rel);
                        out.push_str(" xsi:nil=\"true\"/>");
                    }
                    Some(p) => {
                        out.push_str("<sf:");
                        out.push_str(rel);
                        out.push_str(" xsi:type=\"sf:sObject\"><sf:type>");
                        out.push_str(&org.schema.def(*obj).name);
                        out.push_str("</sf:type>");
                        if *id_selected {
                            soap_value(out, "Id", &Value::Str(p.id.clone()));
                        } else {
                            out.push_str("<sf:Id xsi:nil=\"true\"/>");
                        }
                        soap_nodes(out, org, nodes, p, plan, children);
                        out.push_str("</sf:");
                        out.push_str(rel);
                        out.push('>');
                    }
                }
            }
            OutNode::Child { rel, slot } => {
                let list = children
                    .get(*slot)
                    .and_then(|m| m.get(&rec.id))
                    .filter(|l| !l.is_empty());
                match list {
                    None => {
                        out.push_str("<sf:");
                        out.push_str(rel);
                        out.push_str(" xsi:nil=\"true\"/>");
                    }
                    Some(list) => {
                        let cp = &plan.children[*slot];
                        out.push_str("<sf:");
                        out.push_str(rel);
                        out.push_str(" xsi:type=\"QueryResult\"><done>true</done><queryLocator xsi:nil=\"true\"/>");
                        let cname = &org.schema.def(cp.obj).name;
                        for c in list {
                            out.push_str("<records xsi:type=\"sf:sObject\"><sf:type>");
                            out.push_str(cname);
                            out.push_str("</sf:type>");
                            if cp.id_selected {
                                soap_value(out, "Id", &Value::Str(c.id.clone()));
                            } else {
                                out.push_str("<sf:Id xsi:nil=\"true\"/>");
                            }
                            soap_nodes(out, org, &cp.nodes, c, plan, &[]);
                            out.push_str("</records>");
                        }
                        out.push_str("<size>");
                        out.push_str(&list.len().to_string());
                        out.push_str("</size></sf:");
                        out.push_str(rel);
                        out.push('>');
                    }
                }
            }
        }
    }
}

/// One record as `<{tag} xsi:type="sf:sObject">…</{tag}>`.
pub fn soap_record(
    out: &mut String,
    tag: &str,
    org: &Org,
    rs_plan: &OutPlan,
    children: &[HashMap<String, Vec<Arc<Record>>>],
    rec: &Record,
) {
    out.push('<');
    out.push_str(tag);
    out.push_str(" xsi:type=\"sf:sObject\"><sf:type>");
    out.push_str(&org.schema.def(rs_plan.obj).name);
    out.push_str("</sf:type>");
    if rs_plan.id_selected {
        soap_value(out, "Id", &Value::Str(rec.id.clone()));
    } else {
        out.push_str("<sf:Id xsi:nil=\"true\"/>");
    }
    soap_nodes(out, org, &rs_plan.nodes, rec, rs_plan, children);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

fn xsd_type(v: &Value) -> &'static str {
    match v {
        Value::Int(_) => "xsd:int",
        Value::Double(_) => "xsd:double",
        Value::Bool(_) => "xsd:boolean",
        _ => "xsd:string",
    }
}

/// `<result xsi:type="QueryResult">` with rows `start..start+n` of `rs`.
pub fn soap_query_result(
    out: &mut String,
    org: &Org,
    rs: &ResultSet,
    start: usize,
    n: usize,
    locator: Option<&str>,
) {
    out.push_str("<result xsi:type=\"QueryResult\"><done>");
    out.push_str(if locator.is_some() { "false" } else { "true" });
    out.push_str("</done>");
    match locator {
        Some(l) => {
            out.push_str("<queryLocator>");
            out.push_str(l);
            out.push_str("</queryLocator>");
        }
        None => out.push_str("<queryLocator xsi:nil=\"true\"/>"),
    }
    match &rs.rows {
        Rows::Records(rows) => {
            let end = (start + n).min(rows.len());
            for r in &rows[start.min(end)..end] {
                soap_record(out, "records", org, &rs.plan, &rs.children, r);
            }
        }
        Rows::Aggregate(rows) => {
            let end = (start + n).min(rows.len());
            for row in &rows[start.min(end)..end] {
                out.push_str("<records xsi:type=\"sf:sObject\"><sf:type>AggregateResult</sf:type><sf:Id xsi:nil=\"true\"/>");
                for (name, v) in row {
                    match v.soap_text() {
                        None => {
                            out.push_str("<sf:");
                            out.push_str(name);
                            out.push_str(" xsi:nil=\"true\"/>");
                        }
                        Some(t) => {
                            out.push_str("<sf:");
                            out.push_str(name);
                            out.push_str(" xsi:type=\"");
                            out.push_str(xsd_type(v));
                            out.push_str("\">");
                            escape_into(out, &t);
                            out.push_str("</sf:");
                            out.push_str(name);
                            out.push('>');
                        }
                    }
                }
                out.push_str("</records>");
            }
        }
        Rows::Count(_) => {}
    }
    out.push_str("<size>");
    out.push_str(&rs.len().to_string());
    out.push_str("</size></result>");
}

// ---------------------------------------------------------------- JSON

pub fn json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut last = 0;
    for (i, c) in s.char_indices() {
        let rep: Option<String> = match c {
            '"' => Some("\\\"".into()),
            '\\' => Some("\\\\".into()),
            '\n' => Some("\\n".into()),
            '\r' => Some("\\r".into()),
            '\t' => Some("\\t".into()),
            c if (c as u32) < 0x20 => Some(format!("\\u{:04x}", c as u32)),
            _ => None,
        };
        if let Some(r) = rep {
            out.push_str(&s[last..i]);
            out.push_str(&r);
            last = i + c.len_utf8();
        }
    }
    out.push_str(&s[last..]);
    out.push('"');
}

fn json_value(out: &mut String, v: &Value, ftype: FType) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Double(d) => {
            if d.is_finite() {
                out.push_str(&java_double(*d))
            } else {
                out.push_str("null")
            }
        }
        Value::Str(s) => {
            if ftype == FType::DateTime {
                json_str(out, &timeutil::rest_datetime(s))
            } else {
                json_str(out, s)
            }
        }
    }
}

fn json_attrs(out: &mut String, obj: &str, id: &str, version: &str) {
    out.push_str("{\"attributes\":{\"type\":");
    json_str(out, obj);
    out.push_str(",\"url\":\"/services/data/v");
    out.push_str(version);
    out.push_str("/sobjects/");
    out.push_str(obj);
    out.push('/');
    out.push_str(id);
    out.push_str("\"}");
}

fn json_nodes(
    out: &mut String,
    org: &Org,
    nodes: &[OutNode],
    rec: &Record,
    plan: &OutPlan,
    children: &[HashMap<String, Vec<Arc<Record>>>],
    version: &str,
) {
    let def = org.schema.def(rec.obj);
    for n in nodes {
        out.push(',');
        match n {
            OutNode::Field { name, field } => {
                json_str(out, name);
                out.push(':');
                if def.fields[*field].ftype == FType::Address {
                    json_address(out, &address_values(def, *field, rec));
                } else {
                    json_value(out, &rec.values[*field], def.fields[*field].ftype);
                }
            }
            OutNode::Parent {
                rel,
                ref_field,
                obj,
                nodes,
                ..
            } => {
                json_str(out, rel);
                out.push(':');
                let parent = match &rec.values[*ref_field] {
                    Value::Str(id) => org.get(id).filter(|r| r.deleted_at.is_none()),
                    _ => None,
                };
                match parent {
                    None => out.push_str("null"),
                    Some(p) => {
                        json_attrs(out, &org.schema.def(*obj).name, &p.id, version);
                        json_nodes(out, org, nodes, p, plan, children, version);
                        out.push('}');
                    }
                }
            }
            OutNode::Child { rel, slot } => {
                json_str(out, rel);
                out.push(':');
                let list = children
                    .get(*slot)
                    .and_then(|m| m.get(&rec.id))
                    .filter(|l| !l.is_empty());
                match list {
                    None => out.push_str("null"),
                    Some(list) => {
                        let cp = &plan.children[*slot];
                        out.push_str(&format!(
                            "{{\"totalSize\":{},\"done\":true,\"records\":[",
                            list.len()
                        ));
                        let cname = &org.schema.def(cp.obj).name;
                        for (i, c) in list.iter().enumerate() {
                            if i > 0 {
                                out.push(',');
                            }
                            json_attrs(out, cname, &c.id, version);
                            json_nodes(out, org, &cp.nodes, c, plan, &[], version);
                            out.push('}');
                        }
                        out.push_str("]}");
                    }
                }
            }
        }
    }
}

/// One record as a JSON object with `attributes`.
pub fn json_record(
    out: &mut String,
    org: &Org,
    plan: &OutPlan,
    children: &[HashMap<String, Vec<Arc<Record>>>],
    rec: &Record,
    version: &str,
) {
    json_attrs(out, &org.schema.def(plan.obj).name, &rec.id, version);
    json_nodes(out, org, &plan.nodes, rec, plan, children, version);
    out.push('}');
}

/// REST query page: `{"totalSize","done","nextRecordsUrl"?,"records"}`.
pub fn json_query_result(
    out: &mut String,
    org: &Org,
    rs: &ResultSet,
    start: usize,
    n: usize,
    next: Option<&str>,
    version: &str,
) {
    out.push_str(&format!(
        "{{\"totalSize\":{},\"done\":{}",
        rs.len(),
        next.is_none()
    ));
    if let Some(u) = next {
        out.push_str(",\"nextRecordsUrl\":");
        json_str(out, u);
    }
    out.push_str(",\"records\":[");
    match &rs.rows {
        Rows::Records(rows) => {
            let end = (start + n).min(rows.len());
            let name = &org.schema.def(rs.plan.obj).name;
            for (i, r) in rows[start.min(end)..end].iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_attrs(out, name, &r.id, version);
                json_nodes(out, org, &rs.plan.nodes, r, &rs.plan, &rs.children, version);
                out.push('}');
            }
        }
        Rows::Aggregate(rows) => {
            let end = (start + n).min(rows.len());
            for (i, row) in rows[start.min(end)..end].iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str("{\"attributes\":{\"type\":\"AggregateResult\"}");
                for (name, v) in row {
                    out.push(',');
                    json_str(out, name);
                    out.push(':');
                    json_value(out, v, FType::Str);
                }
                out.push('}');
            }
        }
        Rows::Count(_) => {}
    }
    out.push_str("]}");
}
