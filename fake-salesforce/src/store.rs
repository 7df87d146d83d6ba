//! The org's records: typed values in schema order, an id index, the recycle
//! bin (soft delete) and the write rules (required fields, lengths, ids,
//! references) that produce per-record errors.

use crate::ids;
use crate::schema::{FType, ObjectDef, Schema};
use crate::timeutil;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A stored value. Dates, datetimes and ids are kept as canonical text
/// (`2024-01-31`, `2024-01-31T12:00:00.000Z`, 18-char id) so that text order is
/// time order.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Str(String),
    Bool(bool),
    Int(i64),
    Double(f64),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Text as it appears in SOAP: `true`, `80.0`, `2024-01-31T12:00:00.000Z`.
    pub fn soap_text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Str(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Double(d) => Some(java_double(*d)),
        }
    }
}

/// Java-style rendering of a double, as Salesforce writes numbers: `80.0`, `1.5`.
pub fn java_double(d: f64) -> String {
    if d.is_finite() && d.fract() == 0.0 && d.abs() < 1e15 {
        format!("{d:.1}")
    } else {
        format!("{d}")
    }
}

#[derive(Clone, Debug)]
pub struct Record {
    pub id: String,
    pub obj: usize,
    pub values: Vec<Value>,
    pub deleted_at: Option<i64>,
}

/// One per-record error, as in SaveResult `errors`.
#[derive(Clone, Debug, PartialEq)]
pub struct RecError {
    pub status_code: String,
    pub message: String,
    pub fields: Vec<String>,
}

impl RecError {
    pub fn new(code: &str, message: impl Into<String>, fields: &[&str]) -> RecError {
        RecError {
            status_code: code.to_string(),
            message: message.into(),
            fields: fields.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// Why a write failed: a per-record error list, or a fault for the whole call.
#[derive(Clone, Debug)]
pub enum WriteError {
    Record(Vec<RecError>),
    Fault { code: String, message: String },
}

/// Input value for a write: text from SOAP / JSON, or an explicit null.
#[derive(Clone, Debug)]
pub enum Input {
    Null,
    Text(String),
}

impl Input {
    /// JSON value to input text (numbers and booleans in their JSON spelling).
    pub fn from_json(v: &serde_json::Value) -> Input {
        match v {
            serde_json::Value::Null => Input::Null,
            serde_json::Value::String(s) => Input::Text(s.clone()),
            serde_json::Value::Bool(b) => Input::Text(b.to_string()),
            serde_json::Value::Number(n) => Input::Text(n.to_string()),
            other => Input::Text(other.to_string()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct DeletedEntry {
    pub obj: usize,
    pub id: String,
    pub at: i64,
}

pub struct Org {
    pub schema: Arc<Schema>,
    pub tables: Vec<BTreeMap<String, Arc<Record>>>,
    index: HashMap<String, usize>,
    seq: u64,
    pub org_id: String,
    pub user_id: String,
    /// the delete log getDeleted reads: one entry per record in the recycle bin
    pub deleted_log: Vec<DeletedEntry>,
    /// getDeleted's earliestDateAvailable floor: the minute after the latest
    /// deletion whose record was physically removed (purged), 0 if none
    pub purged_through: i64,
}

/// The fixed org id of the fake (15-char form `00D5g000004Cq9Z`).
pub const ORG_ID15: &str = "00D5g000004Cq9Z";

impl Org {
    pub fn new(schema: Arc<Schema>) -> Org {
        let tables = schema.objects.iter().map(|_| BTreeMap::new()).collect();
        Org {
            schema,
            tables,
            index: HashMap::new(),
            seq: 1_000_000,
            org_id: ids::to18(ORG_ID15).unwrap_or_default(),
            user_id: String::new(),
            deleted_log: Vec::new(),
            purged_through: 0,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Record>> {
        let obj = *self.index.get(id)?;
        self.tables[obj].get(id)
    }

    /// A live (not deleted) record by 15- or 18-char id.
    pub fn get_live(&self, id: &str) -> Option<&Arc<Record>> {
        let id18;
        let key = if id.len() == 15 {
            id18 = ids::to18(id)?;
            id18.as_str()
        } else {
            id
        };
        self.get(key).filter(|r| r.deleted_at.is_none())
    }

    pub fn count(&self, obj: usize) -> usize {
        self.tables[obj].len()
    }

    pub fn next_id(&mut self, obj: usize) -> String {
        loop {
            self.seq += 1;
            let id = ids::make_id(&self.schema.objects[obj].key_prefix, self.seq);
            if !self.index.contains_key(&id) {
                return id;
            }
        }
    }

    /// Parses input text into a typed value for `field`; per-record error on bad input.
    pub fn parse_input(
        &self,
        def: &ObjectDef,
        fidx: usize,
        input: &Input,
    ) -> Result<Value, RecError> {
        let f = &def.fields[fidx];
        let text = match input {
            Input::Null => return Ok(Value::Null),
            Input::Text(t) => t,
        };
        let bad_type = || {
            RecError::new(
                "INVALID_TYPE_ON_FIELD_IN_RECORD",
                format!("{}: value not of required type: {}", f.label, text),
                &[&f.name],
            )
        };
        match f.ftype {
            FType::Bool => match text.trim() {
                "true" | "1" => Ok(Value::Bool(true)),
                "false" | "0" => Ok(Value::Bool(false)),
                _ => Err(bad_type()),
            },
            FType::Int => text
                .trim()
                .parse::<i64>()
                .map(Value::Int)
                .map_err(|_| bad_type()),
            FType::Double | FType::Currency => text
                .trim()
                .parse::<f64>()
                .map(Value::Double)
                .map_err(|_| bad_type()),
            FType::Date => {
                let t = text.trim();
                let day = t.get(0..10).and_then(timeutil::parse_date_days);
                match day {
                    Some(d) if t.len() == 10 || timeutil::parse_datetime(t).is_some() => {
                        Ok(Value::Str(timeutil::format_date(d * 86_400_000)))
                    }
                    _ => Err(bad_type()),
                }
            }
            FType::DateTime => timeutil::parse_datetime(text.trim())
                .map(|ms| Value::Str(timeutil::format_datetime(ms)))
                .ok_or_else(bad_type),
            FType::Id | FType::Reference => {
                if text.is_empty() {
                    return Ok(Value::Null);
                }
                let target_prefix = match &f.reference_to {
                    Some(t) => self
                        .schema
                        .object(t)
                        .map(|o| self.schema.objects[o].key_prefix.clone()),
                    None => Some(def.key_prefix.clone()),
                };
                let id = ids::to18(text.trim());
                match (id, target_prefix) {
                    (Some(id), Some(p)) if id.starts_with(&p) => Ok(Value::Str(id)),
                    _ => Err(RecError::new(
                        "MALFORMED_ID",
                        format!("{}: id value of incorrect type: {}", f.label, text),
                        &[&f.name],
                    )),
                }
            }
            _ => {
                if text.is_empty() {
                    return Ok(Value::Null);
                }
                let n = text.chars().count();
                if f.length > 0 && n > f.length as usize {
                    return Err(RecError::new(
                        "STRING_TOO_LONG",
                        format!(
                            "{}: data value too large: {} (max length={})",
                            f.label, text, f.length
                        ),
                        &[&f.name],
                    ));
                }
                if f.ftype == FType::Email && !valid_email(text) {
                    return Err(RecError::new(
                        "INVALID_EMAIL_ADDRESS",
                        format!("{}: invalid email address: {}", f.label, text),
                        &[&f.name],
                    ));
                }
                Ok(Value::Str(text.clone()))
            }
        }
    }

    /// Creates a record. `system` allows read-only fields (Id, audit fields) as
    /// the data loader needs; API creates pass false.
    pub fn insert(
        &mut self,
        obj: usize,
        fields: &[(String, Input)],
        user_id: &str,
        now: i64,
        system: bool,
    ) -> Result<String, WriteError> {
        let schema = Arc::clone(&self.schema);
        let def = &schema.objects[obj];
        if !def.createable && !system {
            return Err(WriteError::Record(vec![RecError::new(
                "INVALID_TYPE",
                format!("entity type cannot be inserted: {}", def.name),
                &[],
            )]));
        }
        let mut values = vec![Value::Null; def.fields.len()];
        let mut set = vec![false; def.fields.len()];
        let mut errors = Vec::new();
        let mut given_id = None;
        for (name, input) in fields {
            let Some(fidx) = def.field(name) else {
                return Err(unknown_field(def, name));
            };
            let f = &def.fields[fidx];
            if !system && !f.createable {
                errors.push(RecError::new(
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    format!(
                        "Unable to create/update fields: {}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                        f.name
                    ),
                    &[&f.name],
                ));
                continue;
            }
            match self.parse_input(def, fidx, input) {
                Ok(v) => {
                    if fidx == 0 {
                        given_id = v.as_str().map(str::to_string);
                    }
                    values[fidx] = v;
                    set[fidx] = true;
                }
                Err(e) => errors.push(e),
            }
        }
        self.fill_defaults(def, &mut values, &set, user_id, now);
        errors.extend(self.check_record(def, &values, !system));
        if !errors.is_empty() {
            return Err(WriteError::Record(errors));
        }
        let id = match given_id {
            Some(id) => {
                if self.index.contains_key(&id) {
                    return Err(WriteError::Record(vec![RecError::new(
                        "DUPLICATE_VALUE",
                        format!(
                            "duplicate value found: Id duplicates value on record with id: {id}"
                        ),
                        &["Id"],
                    )]));
                }
                id
            }
            None => self.next_id(obj),
        };
        values[0] = Value::Str(id.clone());
        compute_name(def, &mut values);
        let deleted = def
            .field("IsDeleted")
            .map(|i| values[i] == Value::Bool(true))
            .unwrap_or(false);
        let rec = Record {
            id: id.clone(),
            obj,
            values,
            deleted_at: if deleted { Some(now) } else { None },
        };
        self.index.insert(id.clone(), obj);
        self.tables[obj].insert(id.clone(), Arc::new(rec));
        if deleted {
            // created straight into the recycle bin: getDeleted must see it
            self.deleted_log.push(DeletedEntry {
                obj,
                id: id.clone(),
                at: now,
            });
        }
        Ok(id)
    }

    fn fill_defaults(
        &self,
        def: &ObjectDef,
        values: &mut [Value],
        set: &[bool],
        user_id: &str,
        now: i64,
    ) {
        let now_text = timeutil::format_datetime(now);
        for (i, f) in def.fields.iter().enumerate() {
            if set[i] {
                continue;
            }
            let v = match f.name.as_str() {
                "IsDeleted" | "IsConverted" | "IsSandbox" => Value::Bool(false),
                "IsActive" => Value::Bool(true),
                "IsDirect" => Value::Bool(false),
                "CreatedDate" | "LastModifiedDate" | "SystemModstamp" => {
                    Value::Str(now_text.clone())
                }
                "CreatedById" | "LastModifiedById" | "OwnerId" if !user_id.is_empty() => {
                    Value::Str(user_id.to_string())
                }
                "Status" if def.name == "Lead" => Value::Str("Open - Not Contacted".into()),
                _ => continue,
            };
            values[i] = v;
        }
        if set.get(def.field("LastModifiedDate").unwrap_or(usize::MAX)) == Some(&true) {
            if let Some(sm) = def.field("SystemModstamp") {
                if !set[sm] {
                    if let Some(lm) = def.field("LastModifiedDate") {
                        values[sm] = values[lm].clone();
                    }
                }
            }
        }
    }

    /// Required fields and reference targets.
    fn check_record(&self, def: &ObjectDef, values: &[Value], references: bool) -> Vec<RecError> {
        let mut errors = Vec::new();
        let missing: Vec<&str> = def
            .fields
            .iter()
            .enumerate()
            .filter(|(i, f)| f.required && values[*i].is_null())
            .map(|(_, f)| f.name.as_str())
            .collect();
        if !missing.is_empty() {
            errors.push(RecError::new(
                "REQUIRED_FIELD_MISSING",
                format!("Required fields are missing: [{}]", missing.join(", ")),
                &missing,
            ));
        }
        for (i, f) in def.fields.iter().enumerate() {
            if f.ftype != FType::Reference || !references {
                continue;
            }
            if let Value::Str(id) = &values[i] {
                if self.get_live(id).is_none() {
                    errors.push(RecError::new(
                        "INVALID_CROSS_REFERENCE_KEY",
                        format!("invalid cross reference id: {}", f.name),
                        &[&f.name],
                    ));
                }
            }
        }
        errors
    }

    /// Updates a record: `fields` to set, `to_null` to clear.
    pub fn update(
        &mut self,
        id_text: &str,
        expected_obj: Option<usize>,
        fields: &[(String, Input)],
        to_null: &[String],
        user_id: &str,
        now: i64,
    ) -> Result<String, WriteError> {
        let Some(id) = ids::to18(id_text.trim()) else {
            return Err(WriteError::Record(vec![RecError::new(
                "MALFORMED_ID",
                format!("Record ID: id value of incorrect type: {id_text}"),
                &["Id"],
            )]));
        };
        let existing = match self.get(&id) {
            Some(r) => Arc::clone(r),
            None => {
                return Err(WriteError::Record(vec![RecError::new(
                    "INVALID_CROSS_REFERENCE_KEY",
                    "invalid cross reference id",
                    &[],
                )]))
            }
        };
        if let Some(o) = expected_obj {
            if existing.obj != o {
                return Err(WriteError::Record(vec![RecError::new(
                    "MALFORMED_ID",
                    format!(
                        "{} ID: id value of incorrect type: {id}",
                        self.schema.objects[o].label
                    ),
                    &["Id"],
                )]));
            }
        }
        if existing.deleted_at.is_some() {
            return Err(WriteError::Record(vec![RecError::new(
                "ENTITY_IS_DELETED",
                "entity is deleted",
                &[],
            )]));
        }
        let schema = Arc::clone(&self.schema);
        let def = &schema.objects[existing.obj];
        let mut values = existing.values.clone();
        let mut errors = Vec::new();
        let mut changes: Vec<(usize, &Input)> = fields
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("Id"))
            .map(|(n, v)| (def.field(n).ok_or_else(|| unknown_field(def, n)), v))
            .map(|(r, v)| r.map(|i| (i, v)))
            .collect::<Result<_, _>>()?;
        let null_input = Input::Null;
        for n in to_null {
            let i = def.field(n).ok_or_else(|| unknown_field(def, n))?;
            changes.push((i, &null_input));
        }
        for (fidx, input) in changes {
            let f = &def.fields[fidx];
            if !f.updateable {
                errors.push(RecError::new(
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    format!(
                        "Unable to create/update fields: {}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                        f.name
                    ),
                    &[&f.name],
                ));
                continue;
            }
            match self.parse_input(def, fidx, input) {
                Ok(v) => values[fidx] = v,
                Err(e) => errors.push(e),
            }
        }
        errors.extend(self.check_record(def, &values, true));
        if !errors.is_empty() {
            return Err(WriteError::Record(errors));
        }
        touch(def, &mut values, user_id, now);
        compute_name(def, &mut values);
        let rec = Record {
            id: id.clone(),
            obj: existing.obj,
            values,
            deleted_at: None,
        };
        self.tables[existing.obj].insert(id.clone(), Arc::new(rec));
        Ok(id)
    }

    /// Loader-style update that may set read-only fields (control endpoint,
    /// convertLead). It is a change, so it stamps the record first; stamps
    /// given in `fields` win.
    pub fn system_set(
        &mut self,
        id: &str,
        fields: &[(String, Input)],
        user_id: &str,
        now: i64,
    ) -> Result<(), WriteError> {
        let Some(existing) = self.get(id).cloned() else {
            return Err(WriteError::Fault {
                code: "NOT_FOUND".into(),
                message: format!("no record {id}"),
            });
        };
        let schema = Arc::clone(&self.schema);
        let def = &schema.objects[existing.obj];
        let mut values = existing.values.clone();
        touch(def, &mut values, user_id, now);
        for (n, input) in fields {
            let i = def.field(n).ok_or_else(|| unknown_field(def, n))?;
            values[i] = self
                .parse_input(def, i, input)
                .map_err(|e| WriteError::Record(vec![e]))?;
        }
        compute_name(def, &mut values);
        let rec = Record {
            values,
            ..(*existing).clone()
        };
        self.tables[existing.obj].insert(id.to_string(), Arc::new(rec));
        Ok(())
    }

    /// Soft delete (to the recycle bin), with the ids of cascaded children.
    pub fn delete(&mut self, id_text: &str, user_id: &str, now: i64) -> Result<String, RecError> {
        let Some(id) = ids::to18(id_text.trim()) else {
            return Err(RecError::new(
                "MALFORMED_ID",
                format!("bad id {id_text}"),
                &[],
            ));
        };
        let Some(existing) = self.get(&id).cloned() else {
            return Err(RecError::new(
                "INVALID_CROSS_REFERENCE_KEY",
                "invalid cross reference id",
                &[],
            ));
        };
        if existing.deleted_at.is_some() {
            return Err(RecError::new("ENTITY_IS_DELETED", "entity is deleted", &[]));
        }
        let schema = Arc::clone(&self.schema);
        let def = &schema.objects[existing.obj];
        if !def.has_is_deleted {
            return Err(RecError::new(
                "DELETE_FAILED",
                format!("Cannot delete a record of type {}", def.name),
                &[],
            ));
        }
        self.mark_deleted(&existing, user_id, now);
        // cascade: relations of an account or a contact go with it
        for child in &def.children {
            if child.child != "AccountContactRelation" {
                continue;
            }
            if let Some(co) = schema.object(&child.child) {
                let cdef = &schema.objects[co];
                let Some(fi) = cdef.field(&child.field) else {
                    continue;
                };
                let victims: Vec<Arc<Record>> = self.tables[co]
                    .values()
                    .filter(|r| {
                        r.deleted_at.is_none() && r.values[fi].as_str() == Some(id.as_str())
                    })
                    .cloned()
                    .collect();
                for v in victims {
                    self.mark_deleted(&v, user_id, now);
                }
            }
        }
        Ok(id)
    }

    fn mark_deleted(&mut self, rec: &Arc<Record>, user_id: &str, now: i64) {
        let def = &self.schema.objects[rec.obj];
        let mut values = rec.values.clone();
        if let Some(i) = def.field("IsDeleted") {
            values[i] = Value::Bool(true);
        }
        touch(def, &mut values, user_id, now);
        let new = Record {
            values,
            deleted_at: Some(now),
            ..(**rec).clone()
        };
        self.deleted_log.push(DeletedEntry {
            obj: rec.obj,
            id: rec.id.clone(),
            at: now,
        });
        self.tables[rec.obj].insert(rec.id.clone(), Arc::new(new));
    }

    /// Checks every reference of every record (after a bulk load).
    pub fn validate_references(&self) -> Result<(), String> {
        for (oi, table) in self.tables.iter().enumerate() {
            let def = &self.schema.objects[oi];
            for rec in table.values() {
                for (i, f) in def.fields.iter().enumerate() {
                    if f.ftype != FType::Reference {
                        continue;
                    }
                    if let Value::Str(id) = &rec.values[i] {
                        if self.get(id).is_none() {
                            return Err(format!(
                                "{} {}: {} refers to {id}, which is not in the data",
                                def.name, rec.id, f.name
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Puts back an earlier version of a record (all-or-none rollback).
    pub fn restore(&mut self, rec: Arc<Record>) {
        self.index.insert(rec.id.clone(), rec.obj);
        self.tables[rec.obj].insert(rec.id.clone(), rec);
    }

    /// Removes a record for good (emptying its recycle-bin slot, or a hard
    /// delete of a live record), for the control endpoint. Its delete-log
    /// entry goes too, so getDeleted can no longer vouch for that time:
    /// `purged_through` moves past it and older start dates fault.
    pub fn purge(&mut self, id: &str, now: i64) -> bool {
        let Some(obj) = self.index.remove(id) else {
            return false;
        };
        let Some(rec) = self.tables[obj].remove(id) else {
            return false;
        };
        let at = rec.deleted_at.unwrap_or(now);
        self.deleted_log.retain(|d| d.id != id);
        let next_minute = at - at.rem_euclid(60_000) + 60_000;
        self.purged_through = self.purged_through.max(next_minute);
        true
    }

    /// Drops a record inserted by a call that is being rolled back (it never
    /// existed for anyone else, so no delete-log trace).
    pub fn unwind_insert(&mut self, id: &str) {
        if let Some(obj) = self.index.remove(id) {
            self.tables[obj].remove(id);
        }
    }

    /// Restores a soft-deleted record.
    pub fn undelete(&mut self, id: &str, user_id: &str, now: i64) -> Result<(), RecError> {
        let Some(existing) = self.get(id).cloned() else {
            return Err(RecError::new(
                "INVALID_CROSS_REFERENCE_KEY",
                "invalid cross reference id",
                &[],
            ));
        };
        if existing.deleted_at.is_none() {
            return Err(RecError::new(
                "UNDELETE_FAILED",
                "Entity is not in the recycle bin",
                &[],
            ));
        }
        let def = &self.schema.objects[existing.obj];
        let mut values = existing.values.clone();
        if let Some(i) = def.field("IsDeleted") {
            values[i] = Value::Bool(false);
        }
        touch(def, &mut values, user_id, now);
        let rec = Record {
            values,
            deleted_at: None,
            ..(*existing).clone()
        };
        self.tables[existing.obj].insert(id.to_string(), Arc::new(rec));
        // no longer deleted: getDeleted stops reporting it, getUpdated sees the new modstamp
        self.deleted_log.retain(|d| d.id != id);
        Ok(())
    }
}

/// Stamps a change: LastModifiedDate and SystemModstamp to `now`, and
/// LastModifiedById to the acting user when known.
fn touch(def: &ObjectDef, values: &mut [Value], user_id: &str, now: i64) {
    let now_text = timeutil::format_datetime(now);
    for name in ["LastModifiedDate", "SystemModstamp"] {
        if let Some(i) = def.field(name) {
            values[i] = Value::Str(now_text.clone());
        }
    }
    if let Some(i) = def.field("LastModifiedById") {
        if !user_id.is_empty() {
            values[i] = Value::Str(user_id.to_string());
        }
    }
}

fn unknown_field(def: &ObjectDef, name: &str) -> WriteError {
    WriteError::Fault {
        code: "INVALID_FIELD".into(),
        message: format!(
            "No such column '{name}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
            def.name
        ),
    }
}

fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// Name = "FirstName LastName" for people objects.
fn compute_name(def: &ObjectDef, values: &mut [Value]) {
    if !matches!(def.name.as_str(), "User" | "Contact" | "Lead") {
        return;
    }
    let (Some(n), Some(f), Some(l)) = (
        def.field("Name"),
        def.field("FirstName"),
        def.field("LastName"),
    ) else {
        return;
    };
    let name = match (&values[f], &values[l]) {
        (Value::Str(a), Value::Str(b)) => format!("{a} {b}"),
        (Value::Null, Value::Str(b)) => b.clone(),
        (Value::Str(a), Value::Null) => a.clone(),
        _ => return,
    };
    values[n] = Value::Str(name);
}
