//! convertLead: Lead -> Account (unless given), Contact (unless given),
//! Opportunity (unless doNotCreateOpportunity), and the lead marked converted.

use crate::ids;
use crate::store::{Input, Org, RecError, Value, WriteError};
use crate::timeutil;

type Converted = (String, String, String, Option<String>);

fn errs(e: WriteError) -> Vec<RecError> {
    match e {
        WriteError::Record(v) => v,
        WriteError::Fault { code, message } => vec![RecError::new(&code, message, &[])],
    }
}

/// The 18-character id of an existing, live record of object `obj` named by
/// the convert argument `arg`; else Salesforce's cross-reference error.
fn live_id(org: &Org, id: &str, obj: usize, arg: &str) -> Result<String, Vec<RecError>> {
    ids::to18(id)
        .and_then(|i| org.get_live(&i).cloned())
        .filter(|r| r.obj == obj)
        .map(|r| r.id.clone())
        .ok_or_else(|| {
            vec![RecError::new(
                "INVALID_CROSS_REFERENCE_KEY",
                "invalid cross reference id",
                &[arg],
            )]
        })
}

pub fn convert(
    org: &mut Org,
    user: &str,
    now: i64,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Converted, (Option<String>, Vec<RecError>)> {
    let Some(lead_text) = get("leadId") else {
        return Err((
            None,
            vec![RecError::new(
                "REQUIRED_FIELD_MISSING",
                "Required fields are missing: [leadId]",
                &["leadId"],
            )],
        ));
    };
    let lead_obj = org.schema.object("Lead").unwrap_or(0);
    let lead = ids::to18(&lead_text)
        .and_then(|i| org.get_live(&i).cloned())
        .filter(|r| r.obj == lead_obj);
    let Some(lead) = lead else {
        return Err((
            Some(lead_text),
            vec![RecError::new(
                "INVALID_CROSS_REFERENCE_KEY",
                "invalid cross reference id",
                &[],
            )],
        ));
    };
    let lid = lead.id.clone();
    let def = org.schema.def(lead_obj).clone();
    let val = |n: &str| {
        def.field(n)
            .map(|i| lead.values[i].clone())
            .unwrap_or(Value::Null)
    };
    if val("IsConverted") == Value::Bool(true) {
        return Err((
            Some(lid),
            vec![RecError::new(
                "CANNOT_UPDATE_CONVERTED_LEAD",
                "This lead was already converted.",
                &[],
            )],
        ));
    }
    let Some(status) = get("convertedStatus") else {
        return Err((
            Some(lid),
            vec![RecError::new(
                "REQUIRED_FIELD_MISSING",
                "Required fields are missing: [ConvertedStatus]",
                &["ConvertedStatus"],
            )],
        ));
    };
    let text = |v: Value| match v {
        Value::Str(s) => Input::Text(s),
        _ => Input::Null,
    };
    let owner =
        get("ownerId").unwrap_or_else(|| val("OwnerId").as_str().unwrap_or(user).to_string());
    let company = val("Company").as_str().unwrap_or("").to_string();
    let acc_obj = org.schema.object("Account").unwrap_or(0);
    let con_obj = org.schema.object("Contact").unwrap_or(0);
    let opp_obj = org.schema.object("Opportunity").unwrap_or(0);
    let account = match get("accountId") {
        Some(a) => live_id(org, &a, acc_obj, "accountId").map_err(|e| (Some(lid.clone()), e))?,
        None => org
            .insert(
                acc_obj,
                &[
                    ("Name".into(), Input::Text(company.clone())),
                    ("OwnerId".into(), Input::Text(owner.clone())),
                ],
                user,
                now,
                false,
            )
            .map_err(|e| (Some(lid.clone()), errs(e)))?,
    };
    let contact = match get("contactId") {
        Some(c) => live_id(org, &c, con_obj, "contactId").map_err(|e| (Some(lid.clone()), e))?,
        None => org
            .insert(
                con_obj,
                &[
                    ("AccountId".into(), Input::Text(account.clone())),
                    ("FirstName".into(), text(val("FirstName"))),
                    ("LastName".into(), text(val("LastName"))),
                    ("Email".into(), text(val("Email"))),
                    ("Title".into(), text(val("Title"))),
                    ("Phone".into(), text(val("Phone"))),
                    ("OwnerId".into(), Input::Text(owner.clone())),
                ],
                user,
                now,
                false,
            )
            .map_err(|e| (Some(lid.clone()), errs(e)))?,
    };
    let no_opp = get("doNotCreateOpportunity").is_some_and(|v| v == "true" || v == "1");
    let opp = if no_opp {
        None
    } else {
        let name = get("opportunityName").unwrap_or_else(|| format!("{company}-"));
        Some(
            org.insert(
                opp_obj,
                &[
                    ("AccountId".into(), Input::Text(account.clone())),
                    ("Name".into(), Input::Text(name)),
                    ("StageName".into(), Input::Text("Prospecting".into())),
                    (
                        "CloseDate".into(),
                        Input::Text(timeutil::format_date(now + 30 * 86_400_000)),
                    ),
                    ("OwnerId".into(), Input::Text(owner.clone())),
                ],
                user,
                now,
                false,
            )
            .map_err(|e| (Some(lid.clone()), errs(e)))?,
        )
    };
    let mut set = vec![
        ("IsConverted".to_string(), Input::Text("true".into())),
        (
            "ConvertedDate".to_string(),
            Input::Text(timeutil::format_date(now)),
        ),
        (
            "ConvertedAccountId".to_string(),
            Input::Text(account.clone()),
        ),
        (
            "ConvertedContactId".to_string(),
            Input::Text(contact.clone()),
        ),
        ("Status".to_string(), Input::Text(status)),
    ];
    if let Some(o) = &opp {
        set.push(("ConvertedOpportunityId".to_string(), Input::Text(o.clone())));
    }
    org.system_set(&lid, &set, user, now)
        .map_err(|e| (Some(lid.clone()), errs(e)))?;
    Ok((account, contact, lid, opp))
}
