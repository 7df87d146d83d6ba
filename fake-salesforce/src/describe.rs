//! describeGlobal / describeSObject / describeLayout / describeTabs, built
//! once as JSON (keys alphabetical, as Salesforce emits them) and rendered as
//! JSON for REST or as partner-namespace XML for SOAP.

use crate::schema::{FType, Schema};
use crate::xml::escape_into;
use serde_json::{json, Map, Value};

/// JSON -> partner XML: objects become child elements in key order, arrays
/// repeat the element, null is `xsi:nil`.
pub fn json_to_xml(out: &mut String, tag: &str, v: &Value) {
    match v {
        Value::Null => {
            out.push('<');
            out.push_str(tag);
            out.push_str(" xsi:nil=\"true\"/>");
        }
        Value::Array(items) => {
            for i in items {
                json_to_xml(out, tag, i);
            }
        }
        Value::Object(m) => {
            out.push('<');
            out.push_str(tag);
            out.push('>');
            for (k, v) in m {
                json_to_xml(out, k, v);
            }
            out.push_str("</");
            out.push_str(tag);
            out.push('>');
        }
        Value::String(s) => {
            out.push('<');
            out.push_str(tag);
            out.push('>');
            escape_into(out, s);
            out.push_str("</");
            out.push_str(tag);
            out.push('>');
        }
        other => {
            out.push('<');
            out.push_str(tag);
            out.push('>');
            out.push_str(&other.to_string());
            out.push_str("</");
            out.push_str(tag);
            out.push('>');
        }
    }
}

fn global_entry(schema: &Schema, i: usize) -> Value {
    let d = schema.def(i);
    let writable = d.createable;
    json!({
        "activateable": false, "createable": writable, "custom": false, "customSetting": false,
        "deletable": d.has_is_deleted, "deprecatedAndHidden": false, "feedEnabled": false, "hasSubtypes": false,
        "idEnabled": true, "keyPrefix": d.key_prefix, "label": d.label, "labelPlural": d.label_plural,
        "layoutable": writable, "mergeable": matches!(d.name.as_str(), "Account" | "Contact" | "Lead"),
        "mruEnabled": writable, "name": d.name, "queryable": true, "replicateable": d.replicateable,
        "retrieveable": true, "searchable": writable, "triggerable": writable, "undeletable": d.has_is_deleted,
        "updateable": writable
    })
}

pub fn global_json(schema: &Schema) -> Value {
    let sobjects: Vec<Value> = (0..schema.objects.len())
        .map(|i| global_entry(schema, i))
        .collect();
    json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects})
}

pub fn global_xml(schema: &Schema) -> String {
    let mut out = String::new();
    json_to_xml(&mut out, "result", &global_json(schema));
    out
}

pub fn sobject_json(schema: &Schema, i: usize) -> Value {
    let d = schema.def(i);
    let mut fields = Vec::new();
    for f in &d.fields {
        let t = f.ftype;
        let text = t.is_text();
        let length = if text || t == FType::Id || t == FType::Reference {
            f.length
        } else {
            0
        };
        let mut m = Map::new();
        m.insert("aggregatable".into(), json!(t != FType::TextArea));
        m.insert("autoNumber".into(), json!(false));
        m.insert("byteLength".into(), json!(length * 3));
        m.insert("calculated".into(), json!(false));
        m.insert("caseSensitive".into(), json!(false));
        m.insert("createable".into(), json!(f.createable));
        m.insert("custom".into(), json!(f.custom));
        m.insert(
            "defaultedOnCreate".into(),
            json!(matches!(
                f.name.as_str(),
                "OwnerId"
                    | "IsDeleted"
                    | "CreatedDate"
                    | "CreatedById"
                    | "LastModifiedDate"
                    | "LastModifiedById"
                    | "SystemModstamp"
                    | "IsActive"
                    | "Id"
            )),
        );
        m.insert("deprecatedAndHidden".into(), json!(false));
        m.insert("digits".into(), json!(if t == FType::Int { 9 } else { 0 }));
        m.insert("externalId".into(), json!(f.external_id));
        m.insert("filterable".into(), json!(t != FType::TextArea));
        m.insert(
            "groupable".into(),
            json!(!matches!(
                t,
                FType::TextArea | FType::Double | FType::Currency | FType::DateTime
            )),
        );
        m.insert(
            "idLookup".into(),
            json!(t == FType::Id || f.external_id || f.name == "Email" || f.name == "Username"),
        );
        m.insert("label".into(), json!(f.label));
        m.insert("length".into(), json!(length));
        m.insert("name".into(), json!(f.name));
        m.insert("nameField".into(), json!(f.name_field));
        m.insert("namePointing".into(), json!(false));
        m.insert("nillable".into(), json!(f.nillable));
        m.insert("permissionable".into(), json!(f.nillable && f.createable));
        let picks: Vec<Value> = f
            .picklist
            .iter()
            .map(|p| json!({"active": true, "defaultValue": false, "label": p, "value": p}))
            .collect();
        m.insert("picklistValues".into(), Value::Array(picks));
        m.insert(
            "precision".into(),
            json!(if matches!(t, FType::Double | FType::Currency) {
                18
            } else {
                0
            }),
        );
        let refs: Vec<Value> = f.reference_to.iter().map(|r| json!(r)).collect();
        m.insert("referenceTo".into(), Value::Array(refs));
        if let Some(r) = &f.relationship_name {
            m.insert("relationshipName".into(), json!(r));
        }
        m.insert("restrictedPicklist".into(), json!(false));
        m.insert(
            "scale".into(),
            json!(if matches!(t, FType::Double | FType::Currency) {
                2
            } else {
                0
            }),
        );
        m.insert("soapType".into(), json!(t.soap_type()));
        m.insert("sortable".into(), json!(t != FType::TextArea));
        m.insert("type".into(), json!(t.describe_name()));
        m.insert("unique".into(), json!(f.name == "Username"));
        m.insert("updateable".into(), json!(f.updateable));
        fields.push(Value::Object(m));
    }
    let children: Vec<Value> = d
        .children
        .iter()
        .map(|c| {
            json!({"cascadeDelete": c.child == "AccountContactRelation", "childSObject": c.child,
                   "deprecatedAndHidden": false, "field": c.field, "relationshipName": c.name})
        })
        .collect();
    let mut v = global_entry(schema, i);
    if let Value::Object(m) = &mut v {
        m.insert("childRelationships".into(), Value::Array(children));
        m.insert("fields".into(), Value::Array(fields));
        m.insert(
            "urlDetail".into(),
            json!(format!("https://fake.my.salesforce.com/{{ID}}")),
        );
        m.insert(
            "urlEdit".into(),
            json!(format!("https://fake.my.salesforce.com/{{ID}}/e")),
        );
        m.insert(
            "urlNew".into(),
            json!(format!("https://fake.my.salesforce.com/{}/e", d.key_prefix)),
        );
    }
    v
}

pub fn sobject_xml(schema: &Schema, i: usize, tag: &str) -> String {
    let mut out = String::new();
    json_to_xml(&mut out, tag, &sobject_json(schema, i));
    out
}

pub fn layout_json(schema: &Schema, i: usize) -> Value {
    let d = schema.def(i);
    let items: Vec<Value> = d
        .fields
        .iter()
        .filter(|f| f.createable || f.name_field)
        .take(12)
        .map(|f| {
            json!({"editableForNew": f.createable, "editableForUpdate": f.updateable, "label": f.label,
                   "layoutComponents": {"displayLines": 1, "tabOrder": 1, "type": "Field", "value": f.name},
                   "placeholder": false, "required": f.required})
        })
        .collect();
    let rows: Vec<Value> = items
        .chunks(2)
        .map(|c| json!({"layoutItems": c, "numItems": c.len()}))
        .collect();
    let n = rows.len();
    json!({
        "layouts": [{
            "detailLayoutSections": [{"columns": 2, "heading": format!("{} Information", d.label),
                                       "layoutRows": rows, "rows": n, "useCollapsibleSection": false, "useHeading": true}],
            "id": crate::ids::to18(&format!("00h5g0000{:06}", i)).unwrap_or_default()
        }],
        "recordTypeSelectorRequired": false
    })
}

pub fn layout_xml(schema: &Schema, i: usize) -> String {
    let mut out = String::new();
    json_to_xml(&mut out, "result", &layout_json(schema, i));
    out
}

pub fn tabs_json(schema: &Schema) -> Value {
    let tabs: Vec<Value> = schema
        .objects
        .iter()
        .filter(|o| o.createable && o.name != "User" && o.name != "AccountContactRelation")
        .map(|o| {
            json!({"custom": false, "label": o.label_plural, "name": format!("standard-{}", o.name),
                   "sobjectName": o.name, "url": format!("https://fake.my.salesforce.com/{}/o", o.key_prefix)})
        })
        .collect();
    json!([{"description": "Sales", "label": "Sales", "logoUrl": "https://fake.my.salesforce.com/img/seasonLogos/logo.png",
            "selected": true, "tabSetId": "02u5g000000AbCdAAK", "tabs": tabs}])
}

pub fn tabs_xml(schema: &Schema) -> String {
    let mut out = String::new();
    json_to_xml(&mut out, "result", &tabs_json(schema));
    out
}
