//! Unit tests of the planner rules, through the JSON contract.

use super::*;
use serde_json::{json, Value};

pub(crate) fn acc(n: u64) -> String {
    to_id18(&format!("001{n:012}")).unwrap()
}
pub(super) fn usr(n: u64) -> String {
    to_id18(&format!("005{n:012}")).unwrap()
}
pub(crate) fn con(n: u64) -> String {
    to_id18(&format!("003{n:012}")).unwrap()
}

fn input(kind: &str, settings: Value, records: Value, otrs: Value) -> Value {
    json!({"kind": kind, "settings": settings, "records": records, "otrs": otrs})
}

fn run(kind: &str, settings: Value, records: Value, otrs: Value) -> Value {
    plan(&input(kind, settings, records, otrs)).unwrap()
}

pub(crate) fn actions<'a>(plan: &'a Value, action: &str) -> Vec<&'a Value> {
    plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == action)
        .collect()
}

fn skipped(plan: &Value) -> Vec<(String, String)> {
    plan["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub(crate) fn account(n: u64, name: &str) -> Value {
    json!({"type": "Account", "Id": acc(n), "Name": name})
}

fn company(n: u64, name: &str, valid: i64) -> Value {
    json!({"CustomerID": acc(n), "CustomerCompanyName": name, "ValidID": valid})
}

/// Applies a typed plan the way Sync.pm does (create adds, update merges,
/// invalidate sets ValidID 2 and remembers it, delete removes, memberships
/// add/remove), for the idempotence tests.
pub(super) fn apply(spec: &Spec, state: &mut OtrsState, plan: &Plan) {
    let find = |state: &OtrsState, id: &str| {
        state
            .records
            .iter()
            .position(|r| r.id.eq_ignore_ascii_case(id))
    };
    for action in &plan.actions {
        match action {
            Action::Create {
                id,
                values,
                memberships_add,
                ..
            } => {
                assert!(find(state, id).is_none(), "create of existing {id}");
                let vals = spec
                    .params
                    .iter()
                    .map(|p| Some(values.get(p).and_then(Value::as_str).map(|s| s.into())))
                    .collect();
                let valid = values["ValidID"].as_i64().unwrap();
                state
                    .records
                    .push(OtrsRecord::new(id, valid, vals, memberships_add.clone()));
            }
            Action::Update {
                id,
                changes,
                memberships_add,
                memberships_remove,
                ..
            } => {
                let i = find(state, id).expect("update of a missing record");
                let r = &mut state.records[i];
                for (k, v) in changes {
                    if k == "ValidID" {
                        r.valid_id = v.as_i64().unwrap();
                    } else {
                        let p = spec.param_index(k).expect("change of an unknown param");
                        r.values[p] = Some(v.as_str().map(|s| s.into()));
                    }
                }
                r.customer_ids.retain(|c| !memberships_remove.contains(c));
                for m in memberships_add {
                    assert!(!r.customer_ids.contains(m), "membership {m} added twice");
                    r.customer_ids.push(m.clone());
                }
            }
            Action::Invalidate { id, .. } => {
                let i = find(state, id).expect("invalidate of a missing record");
                state.records[i].valid_id = 2;
            }
            Action::Delete { id, .. } => {
                let i = find(state, id).expect("delete of a missing record");
                state.records.remove(i);
            }
        }
    }
    for id in &plan.sync_invalidated_remove {
        state.sync_invalidated.remove(&id.to_ascii_lowercase());
    }
    for id in &plan.sync_invalidated_add {
        state
            .sync_invalidated
            .insert(id.to_ascii_lowercase(), id.clone());
    }
}

/// Typed plan of a JSON input.
pub(super) fn typed(input: &Value) -> (Spec, Vec<SfRecord>, Vec<Relation>, OtrsState) {
    let spec = spec_from_input(input).unwrap();
    let otrs = OtrsState::from_json(&spec, &input["otrs"]).unwrap();
    let records = input["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| SfRecord::from_json(r, &spec.split_paths).unwrap())
        .collect();
    let relations = relations_from_json(input).unwrap();
    (spec, records, relations, otrs)
}

pub(super) fn complete() -> FetchStats {
    FetchStats {
        complete: true,
        ..FetchStats::default()
    }
}

// ------------------------------------------------------------------ companies

#[test]
fn companies_are_created_with_18_char_id_name_format_and_dotted_attributes() {
    let id15 = format!("001{:012}", 7);
    let p = run(
        "companies",
        json!({"attributes": {"CustomerCompanyCity": "Account.BillingCity", "CustomerCompanyComment": "Owner.Name",
                              "CustomerCompanyStreet": ""}}),
        json!([{"Id": id15, "Name": "Acme", "BillingCity": "Berlin", "Owner": {"Name": "Jo Owner"}}]),
        json!({}),
    );
    let creates = actions(&p, "create");
    assert_eq!(creates.len(), 1);
    let v = &creates[0]["values"];
    assert_eq!(creates[0]["id"], acc(7));
    assert_eq!(v["CustomerID"], acc(7));
    assert_eq!(v["CustomerCompanyName"], format!("Acme ({})", acc(7)));
    assert_eq!(v["CustomerCompanyCity"], "Berlin");
    // Owner.Name is the owner's name, not the Account's Name.
    assert_eq!(v["CustomerCompanyComment"], "Jo Owner");
    assert_eq!(v["ValidID"], 1);
    assert!(
        v.get("CustomerCompanyStreet").is_none(),
        "empty mapping is ignored"
    );
    assert_eq!(
        p["soql"],
        "SELECT Id, Name, BillingCity, Owner.Name FROM Account ORDER BY Id"
    );
    assert_eq!(p["counts"]["create"], 1);
    assert_eq!(p["fetch"]["records"], 1);
}

#[test]
fn name_format_placeholders_and_errors() {
    let p = run(
        "companies",
        json!({"name_format": "{Name} / {Owner.Alias} {{{Account.Id}}}"}),
        json!([{"Id": acc(1), "Name": "Acme", "Owner": {"Alias": "jo"}}]),
        json!({}),
    );
    assert_eq!(
        actions(&p, "create")[0]["values"]["CustomerCompanyName"],
        format!("Acme / jo {{{}}}", acc(1))
    );
    assert!(p["soql"]
        .as_str()
        .unwrap()
        .starts_with("SELECT Id, Name, Owner.Alias FROM Account"));
    for bad in ["{Name", "Name}", "{Bad Field}"] {
        let err = plan(&input(
            "companies",
            json!({"name_format": bad}),
            json!([]),
            json!({}),
        ))
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Config, "{bad}");
    }
}

#[test]
fn valid_data_skips_star_names_with_reason() {
    let recs = json!([account(1, "*Old"), account(2, "New")]);
    let p = run(
        "companies",
        json!({"valid_data": 1}),
        recs.clone(),
        json!({}),
    );
    assert_eq!(actions(&p, "create").len(), 1);
    let s = skipped(&p);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].0, acc(1));
    assert!(s[0].1.contains("ValidData"), "{}", s[0].1);
    let p = run("companies", json!({"valid_data": false}), recs, json!({}));
    assert_eq!(actions(&p, "create").len(), 2);
}

#[test]
fn unchanged_records_are_not_written_and_updates_list_only_changes() {
    let settings = json!({"attributes": {"CustomerCompanyCity": "BillingCity", "CustomerCompanyURL": "Website"}});
    let recs = json!([
        {"Id": acc(1), "Name": "A", "BillingCity": "Berlin", "Website": null},
        {"Id": acc(2), "Name": "B", "BillingCity": "Paris", "Website": "b.example"},
    ]);
    let otrs = json!({"companies": [
        {"CustomerID": acc(1), "CustomerCompanyName": format!("A ({})", acc(1)), "CustomerCompanyCity": "Berlin",
         "CustomerCompanyURL": "", "ValidID": 1},
        {"CustomerID": acc(2), "CustomerCompanyName": format!("B ({})", acc(2)), "CustomerCompanyCity": "Rome",
         "CustomerCompanyURL": "b.example", "ValidID": 1},
    ]});
    let p = run("companies", settings, recs, otrs);
    assert_eq!(p["unchanged"], 1);
    let updates = actions(&p, "update");
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0]["id"], acc(2));
    assert_eq!(
        updates[0]["changes"],
        json!({"CustomerCompanyCity": "Paris"})
    );
}

#[test]
fn a_param_the_otrs_map_lacks_is_not_compared() {
    // CustomerCompanyLocation is in the original's default settings but not
    // in the OTRS map: the Get never returns it, so it must not be an
    // eternal "change".
    let p = run(
        "companies",
        json!({"attributes": {"CustomerCompanyLocation": "BillingCity"}}),
        json!([{"Id": acc(1), "Name": "A", "BillingCity": "Berlin"}]),
        json!({"companies": [company(1, &format!("A ({})", acc(1)), 1)]}),
    );
    assert_eq!(p["unchanged"], 1, "{p}");
}

#[test]
fn second_plan_after_apply_does_nothing() {
    let inp = input(
        "companies",
        json!({"attributes": {"CustomerCompanyCity": "BillingCity"}, "delete_old": "00*", "cleanup_max_share": 1.0}),
        json!([{"Id": acc(1), "Name": "A", "BillingCity": "X"}, {"Id": acc(2), "Name": "B", "BillingCity": null}]),
        json!({"companies": [company(2, "old name", 1), company(3, "gone", 1)]}),
    );
    let (spec, records, relations, mut otrs) = typed(&inp);
    let first = plan_records(&spec, &records, &relations, &otrs, complete());
    assert_eq!(
        (
            first.count("create"),
            first.count("update"),
            first.count("invalidate")
        ),
        (1, 1, 1)
    );
    apply(&spec, &mut otrs, &first);
    let second = plan_records(&spec, &records, &relations, &otrs, complete());
    assert_eq!(second.writes(), 0, "{:?}", second.actions);
    assert_eq!(second.unchanged, 2);
}

#[test]
fn validity_rules_manual_invalid_sync_invalidated_and_locked() {
    let name = |n| format!("N ({})", acc(n));
    let recs = json!([account(1, "N"), account(2, "N"), account(3, "N")]);
    let otrs = json!({"companies": [company(1, &name(1), 2), company(2, &name(2), 2), company(3, &name(3), 3)],
                      "sync_invalidated": [acc(2)]});
    let p = run("companies", json!({}), recs.clone(), otrs.clone());
    // 1: set invalid by hand -> stays; 2: invalidated by the sync -> valid again; 3: locked.
    let updates = actions(&p, "update");
    assert_eq!(updates.len(), 1, "{p}");
    assert_eq!(updates[0]["id"], acc(2));
    assert_eq!(updates[0]["changes"], json!({"ValidID": 1}));
    assert_eq!(p["sync_invalidated"]["remove"], json!([acc(2)]));
    assert_eq!(p["unchanged"], 2);

    let p = run("companies", json!({"revalidate_manual": true}), recs, otrs);
    let ids: Vec<_> = actions(&p, "update")
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(
        ids,
        vec![json!(acc(1)), json!(acc(2))],
        "ValidID 3 is never changed"
    );
}

#[test]
fn company_names_stay_unique() {
    let p = run(
        "companies",
        json!({"name_format": "{Name}"}),
        json!([
            account(3, "Same"),
            account(1, "Same"),
            account(2, "Taken"),
            account(4, "Mine")
        ]),
        json!({"companies": [{"CustomerID": "ACME", "CustomerCompanyName": "taken", "ValidID": 1},
                             {"CustomerID": acc(4), "CustomerCompanyName": "Mine", "ValidID": 1}]}),
    );
    let creates: Vec<_> = actions(&p, "create")
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(creates, vec![json!(acc(1))]);
    let s = skipped(&p);
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].0, acc(2));
    assert!(
        s[0].1.contains("already used by OTRS company ACME"),
        "{}",
        s[0].1
    );
    assert_eq!(s[1].0, acc(3));
    assert!(s[1].1.contains(&acc(1)), "{}", s[1].1);
    assert_eq!(p["unchanged"], 1, "a company keeps its own name");
}

#[test]
fn a_too_long_company_name_is_shortened_keeping_the_id() {
    let long = "Ä".repeat(250);
    let p = run(
        "companies",
        json!({}),
        json!([{"Id": acc(1), "Name": long}, {"Id": acc(2), "Name": "Short"}]),
        json!({}),
    );
    assert!(skipped(&p).is_empty(), "{:?}", skipped(&p));
    let created = actions(&p, "create");
    assert_eq!(created.len(), 2);
    let name = created[0]["values"]["CustomerCompanyName"]
        .as_str()
        .unwrap();
    assert_eq!(name.chars().count(), 200, "{name}");
    assert!(name.ends_with(&format!("… ({})", acc(1))), "{name}");
    assert!(name.starts_with("ÄÄÄ"), "{name}");
    let note = p["notes"][0].as_str().unwrap();
    assert!(
        note.contains(&acc(1)) && note.contains("271 characters") && note.contains("holds 200;"),
        "{note}"
    );
    assert_eq!(
        created[1]["values"]["CustomerCompanyName"],
        format!("Short ({})", acc(2))
    );

    // Only text and the Id left over: skipped as before.
    let p = run(
        "companies",
        json!({"name_format": format!("{}{{Id}}", "t".repeat(199))}),
        json!([{"Id": acc(1), "Name": "x"}]),
        json!({}),
    );
    assert_eq!(skipped(&p).len(), 1, "{p}");
}

#[test]
fn the_column_lengths_of_this_database_win_over_the_otrs_6_schema() {
    // OTOBO: company names and logins hold 191 characters.
    let p = run(
        "companies",
        json!({"column_lengths": {"CustomerCompanyName": 191, "CustomerCompanyCity": 5}}),
        json!([
            {"Id": acc(1), "Name": "n".repeat(195)},
            {"Id": acc(2), "Name": "ok"},
        ]),
        json!({}),
    );
    let created = actions(&p, "create");
    let name = created[0]["values"]["CustomerCompanyName"]
        .as_str()
        .unwrap();
    assert_eq!(name.chars().count(), 191, "{name}");
    assert!(
        p["notes"][0].as_str().unwrap().contains("holds 191;"),
        "{p}"
    );

    let p = run(
        "companies",
        json!({"attributes": {"CustomerCompanyCity": "BillingCity"},
               "column_lengths": {"CustomerCompanyCity": 5}}),
        json!([{"Id": acc(1), "Name": "a", "BillingCity": "Berlin"}]),
        json!({}),
    );
    let s = skipped(&p);
    assert!(s[0].1.contains("holds 5"), "{s:?}");

    for bad in [json!({"X": 0}), json!({"X": "many"}), json!([191])] {
        let settings = json!({ "column_lengths": bad });
        assert!(
            crate::sync::Settings::from_json(&settings).is_err(),
            "{settings}"
        );
    }
}

#[test]
fn missing_and_too_long_values_are_skipped_not_truncated() {
    let long = "x".repeat(201);
    let p = run(
        "companies",
        json!({"name_format": "{Name}", "attributes": {"CustomerCompanyCity": "BillingCity"}}),
        json!([
            {"Id": acc(1), "Name": null},
            {"Id": acc(2), "Name": "ok", "BillingCity": long},
            {"Id": acc(3), "Name": "fine", "BillingCity": "é".repeat(200)},
            {"Id": "not-an-id", "Name": "bad"},
        ]),
        json!({}),
    );
    let s = skipped(&p);
    assert_eq!(s.len(), 3, "{s:?}");
    assert!(s
        .iter()
        .any(|(id, r)| id == &acc(1) && r.contains("missing required field CustomerCompanyName")));
    assert!(s
        .iter()
        .any(|(id, r)| id == &acc(2) && r.contains("201 characters") && r.contains("200")));
    assert!(s
        .iter()
        .any(|(id, r)| id == "not-an-id" && r.contains("Salesforce Id")));
    assert_eq!(
        actions(&p, "create").len(),
        1,
        "200 multi-byte characters fit"
    );
}

// ------------------------------------------------------------------ customers

fn owned(account_n: u64, name: &str, owner_n: u64, first: &str, email: &str) -> Value {
    json!({"Id": acc(account_n), "Name": name, "OwnerId": usr(owner_n),
           "Owner": {"Id": usr(owner_n), "Name": format!("{first} Owner"), "FirstName": first,
                     "LastName": "Owner", "Email": email, "IsActive": true, "Title": "Boss"}})
}

#[test]
fn account_owners_become_users_once_with_their_accounts() {
    let p = run(
        "customers",
        json!({"default_customer_id": "SF", "attributes": {"UserTitle": "Account.Owner.Title"}, "where": "Type = 'Customer'"}),
        json!([
            owned(1, "A", 1, "Jo", "jo@acme.com"),
            owned(2, "B", 2, "Al", "al@acme.com"),
            owned(3, "C", 1, "Jo", "jo@acme.com"),
        ]),
        json!({}),
    );
    assert_eq!(
        p["soql"],
        "SELECT Id, Name, OwnerId, Owner.Id, Owner.Name, Owner.FirstName, Owner.LastName, Owner.Email, Owner.IsActive, Owner.Title FROM Account WHERE Type = 'Customer' ORDER BY Id"
    );
    let creates = actions(&p, "create");
    assert_eq!(creates.len(), 2);
    let jo = creates.iter().find(|a| a["id"] == usr(1)).unwrap();
    assert_eq!(
        jo["values"],
        json!({"UserLogin": usr(1), "UserFirstname": "Jo", "UserLastname": "Owner", "UserEmail": "jo@acme.com",
               "UserCustomerID": "SF", "UserTitle": "Boss", "ValidID": 1})
    );
    assert_eq!(jo["memberships_add"], json!([acc(1), acc(3)]));
}

#[test]
fn account_owner_attributes_must_be_owner_fields() {
    let err = plan(&input(
        "customers",
        json!({"attributes": {"UserTitle": "Title"}}),
        json!([]),
        json!({}),
    ))
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Config);
    assert!(err.message.contains("Owner.Title"), "{}", err.message);
}

#[test]
fn valid_data_drops_star_accounts_from_memberships_and_star_owners() {
    let mut star_owner = owned(4, "D", 2, "Al", "al@acme.com");
    star_owner["Owner"]["Name"] = json!("*Al Owner");
    let p = run(
        "customers",
        json!({"valid_data": true}),
        json!([
            owned(1, "A", 1, "Jo", "jo@acme.com"),
            owned(3, "*C", 1, "Jo", "jo@acme.com"),
            star_owner
        ]),
        json!({}),
    );
    let creates = actions(&p, "create");
    assert_eq!(creates.len(), 1);
    assert_eq!(creates[0]["memberships_add"], json!([acc(1)]));
    assert_eq!(skipped(&p)[0].0, usr(2));
}

#[test]
fn memberships_follow_salesforce_but_hand_added_ones_stay() {
    let p = run(
        "customers",
        json!({}),
        json!([
            owned(1, "A", 1, "Jo", "jo@acme.com"),
            owned(2, "B", 1, "Jo", "jo@acme.com")
        ]),
        json!({"users": [{"UserLogin": usr(1), "UserFirstname": "Jo", "UserLastname": "Owner",
            "UserEmail": "jo@acme.com", "UserCustomerID": "1", "ValidID": 1,
            "CustomerIDs": [acc(1), acc(9), "ACME", format!("001{:012}", 8), "001short"]}]}),
    );
    let u = actions(&p, "update");
    assert_eq!(u.len(), 1, "{p}");
    assert_eq!(u[0]["changes"], json!({}));
    assert_eq!(u[0]["memberships_add"], json!([acc(2)]));
    assert_eq!(
        u[0]["memberships_remove"],
        json!([format!("001{:012}", 8), acc(9)])
    );
}

pub(crate) fn contact(
    n: u64,
    first: Option<&str>,
    email: Option<&str>,
    account: Option<u64>,
) -> Value {
    json!({"Id": con(n), "Name": format!("{} Doe", first.unwrap_or("")), "FirstName": first, "LastName": "Doe",
           "Email": email, "AccountId": account.map(acc), "Phone": "+49 1"})
}

#[test]
fn contacts_become_users_with_account_and_relations() {
    let mut inp = input(
        "customers",
        json!({"mode": "Contact", "attributes": {"UserPhone": "Contact.Phone"}, "default_customer_id": "DEF"}),
        json!([
            contact(1, Some("Ann"), Some("ann@x.org"), Some(5)),
            contact(2, Some("Bob"), Some("bob@x.org"), None)
        ]),
        json!({}),
    );
    inp["relations"] = json!([{"ContactId": con(1), "AccountId": acc(5)}, {"ContactId": con(1), "AccountId": acc(6)},
                              {"ContactId": con(9), "AccountId": acc(7)}]);
    let p = plan(&inp).unwrap();
    assert_eq!(
        p["soql"],
        "SELECT Id, Name, FirstName, LastName, Email, AccountId, Phone FROM Contact ORDER BY Id"
    );
    let creates = actions(&p, "create");
    assert_eq!(creates.len(), 2);
    assert_eq!(creates[0]["id"], con(1));
    assert_eq!(creates[0]["values"]["UserCustomerID"], acc(5));
    assert_eq!(creates[0]["values"]["UserPhone"], "+49 1");
    assert_eq!(creates[0]["memberships_add"], json!([acc(6)]));
    assert_eq!(creates[1]["values"]["UserCustomerID"], "DEF");
    assert_eq!(creates[1]["memberships_add"], json!([]));

    let p = run(
        "customers",
        json!({"mode": "Contact", "login_field": "Email"}),
        json!([
            contact(1, Some("Ann"), Some("Ann@X.org"), Some(5)),
            contact(2, Some("Bob"), None, None)
        ]),
        json!({}),
    );
    assert_eq!(actions(&p, "create")[0]["id"], "ann@x.org");
    assert!(skipped(&p)[0].1.contains("no Email"));
}

#[test]
fn people_skips_duplicate_invalid_email_missing_fields() {
    let p = run(
        "customers",
        json!({"mode": "Contact"}),
        json!([
            contact(1, Some("Ann"), Some("same@x.org"), None),
            contact(2, Some("Ann2"), Some("SAME@x.org"), None),
            contact(3, Some("Cy"), Some("cy@@x.org"), None),
            contact(4, None, Some("d@x.org"), None),
            contact(5, Some("Ed"), Some("taken@x.org"), None),
            contact(6, Some("Fay"), Some("fay@x.org"), None),
            contact(7, Some(&"g".repeat(101)), Some("g@x.org"), None),
        ]),
        json!({"users": [{"UserLogin": "someone", "UserFirstname": "S", "UserLastname": "O",
                          "UserEmail": "Taken@X.org", "UserCustomerID": "X", "ValidID": 2}]}),
    );
    let s = skipped(&p);
    let reason = |n: u64| {
        s.iter()
            .find(|(id, _)| *id == con(n))
            .map(|(_, r)| r.clone())
            .unwrap_or_default()
    };
    assert!(
        reason(2).contains("duplicate email") && reason(2).contains(&con(1)),
        "{}",
        reason(2)
    );
    assert!(reason(3).contains("invalid e-mail"), "{}", reason(3));
    assert!(
        reason(4).contains("missing required field UserFirstname"),
        "{}",
        reason(4)
    );
    assert!(
        reason(5).contains("used by OTRS customer user someone"),
        "{}",
        reason(5)
    );
    assert!(
        reason(7).contains("UserFirstname is 101 characters"),
        "{}",
        reason(7)
    );
    let created: Vec<_> = actions(&p, "create")
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(created, vec![json!(con(1)), json!(con(6))]);
}

#[test]
fn existing_owner_of_an_email_keeps_it_and_an_unchanged_email_is_not_rechecked() {
    // OTRS already has two users with the same e-mail (uniqueness check
    // off once); the one we sync keeps it, no skip since it does not change.
    let p = run(
        "customers",
        json!({"mode": "Contact"}),
        json!([
            contact(1, Some("Late"), Some("x@x.org"), None),
            contact(2, Some("Ann"), Some("x@x.org"), None)
        ]),
        json!({"users": [
            {"UserLogin": con(2), "UserFirstname": "Ann", "UserLastname": "Doe", "UserEmail": "x@x.org",
             "UserCustomerID": "1", "ValidID": 1},
            {"UserLogin": "other", "UserFirstname": "O", "UserLastname": "O", "UserEmail": "X@x.org",
             "UserCustomerID": "1", "ValidID": 1}]}),
    );
    assert_eq!(p["unchanged"], 1, "{p}");
    let s = skipped(&p);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].0, con(1));
}

#[test]
fn email_login_taken_by_a_hand_made_user_is_skipped() {
    let p = run(
        "customers",
        json!({"mode": "Contact", "login_field": "Email"}),
        json!([
            contact(1, Some("Ann"), Some("ann@x.org"), Some(1)),
            contact(2, Some("Bob"), Some("bob@x.org"), Some(1))
        ]),
        json!({"users": [
            {"UserLogin": "ann@x.org", "UserFirstname": "Ann", "UserLastname": "Doe", "UserEmail": "ann@x.org",
             "UserCustomerID": "ACME-LTD", "ValidID": 1},
            {"UserLogin": "bob@x.org", "UserFirstname": "Bob", "UserLastname": "Old", "UserEmail": "bob@x.org",
             "UserCustomerID": acc(1), "ValidID": 1}]}),
    );
    let s = skipped(&p);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].0, "ann@x.org");
    assert!(s[0].1.contains("did not create"), "{}", s[0].1);
    assert_eq!(
        actions(&p, "update")[0]["changes"],
        json!({"UserLastname": "Doe"})
    );
}

// ------------------------------------------------------------------ cleanup

fn cleanup_case(settings: Value, fetch_complete: bool) -> Value {
    let mut companies = vec![company(1, "one", 1)];
    for n in 2..=20 {
        companies.push(company(n, &format!("c{n}"), 1));
    }
    companies.push(json!({"CustomerID": "ACME", "CustomerCompanyName": "hand", "ValidID": 1}));
    companies.push(company(30, "invalid already", 2));
    companies.push(company(31, "locked", 3));
    let recs: Vec<Value> = (1..=18).map(|n| account(n, &format!("c{n}"))).collect();
    let mut inp = input(
        "companies",
        settings,
        json!(recs),
        json!({"companies": companies, "referenced": [acc(20)]}),
    );
    inp["fetch"] = json!({"complete": fetch_complete});
    plan(&inp).unwrap()
}

#[test]
fn cleanup_selects_only_valid_glob_matches_salesforce_did_not_return() {
    let p = cleanup_case(json!({"delete_old": "00*", "cleanup_max_share": 0.2}), true);
    let c = &p["cleanup"];
    assert_eq!(c["ran"], true, "{c}");
    assert_eq!(c["synced"], 22);
    assert_eq!(c["candidates"], 2);
    let inv: Vec<_> = actions(&p, "invalidate")
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(inv, vec![json!(acc(19)), json!(acc(20))]);
    assert_eq!(p["sync_invalidated"]["add"], json!([acc(19), acc(20)]));
    assert!(actions(&p, "delete").is_empty());
}

#[test]
fn cleanup_delete_never_deletes_a_referenced_company() {
    let p = cleanup_case(
        json!({"delete_old": "00*", "cleanup_action": "delete", "cleanup_max_share": 0.2}),
        true,
    );
    assert_eq!(actions(&p, "delete")[0]["id"], acc(19));
    let inv = actions(&p, "invalidate");
    assert_eq!(inv.len(), 1);
    assert_eq!(inv[0]["id"], acc(20));
    assert!(inv[0]["reason"].as_str().unwrap().contains("referenced"));
}

#[test]
fn cleanup_refuses_above_the_share_unless_forced() {
    // 2 of 22 = 9.1%: within the default 10%, above 5%.
    let p = cleanup_case(json!({"delete_old": "00*"}), true);
    assert_eq!(p["cleanup"]["refused"], false);
    assert_eq!(p["cleanup"]["max_share"], 0.1);
    let p = cleanup_case(
        json!({"delete_old": "00*", "cleanup_max_share": 0.05}),
        true,
    );
    let c = &p["cleanup"];
    assert_eq!(c["refused"], true);
    assert!(c["reason"].as_str().unwrap().contains("--force"));
    assert_eq!(c["ran"], false);
    assert!(actions(&p, "invalidate").is_empty());
    assert_eq!(
        p["counts"]["update"], 18,
        "the rest of the plan stands (renames)"
    );
    let p = cleanup_case(
        json!({"delete_old": "00*", "cleanup_max_share": 0.05, "force": "1"}),
        true,
    );
    assert_eq!(p["cleanup"]["refused"], false);
    assert_eq!(actions(&p, "invalidate").len(), 2);
}

#[test]
fn cleanup_needs_complete_fetch_without_limit_and_a_glob() {
    let p = cleanup_case(
        json!({"delete_old": "00*", "limit": 5, "force": true}),
        true,
    );
    assert_eq!(p["cleanup"]["ran"], false);
    assert!(p["cleanup"]["reason"]
        .as_str()
        .unwrap()
        .starts_with("Limit in force"));
    assert!(p["soql"].as_str().unwrap().ends_with("ORDER BY Id LIMIT 5"));
    let p = cleanup_case(json!({"delete_old": "00*", "force": true}), false);
    assert_eq!(p["cleanup"]["ran"], false);
    assert!(p["cleanup"]["reason"]
        .as_str()
        .unwrap()
        .contains("incomplete"));
    let p = cleanup_case(json!({"delete_old": "", "force": true}), true);
    assert_eq!(p["cleanup"]["enabled"], false);
    assert!(actions(&p, "invalidate").is_empty());
    let p = cleanup_case(json!({"delete_old": "ACM?", "force": true}), true);
    let inv: Vec<_> = actions(&p, "invalidate")
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(inv, vec![json!("ACME")]);
}

#[test]
fn cleanup_of_users_in_account_owner_mode() {
    let p = run(
        "customers",
        json!({"delete_old": "005*", "force": true}),
        json!([owned(1, "A", 1, "Jo", "jo@acme.com")]),
        json!({"users": [
            {"UserLogin": usr(1), "UserFirstname": "Jo", "UserLastname": "Owner", "UserEmail": "jo@acme.com",
             "UserCustomerID": "1", "ValidID": 1, "CustomerIDs": [acc(1)]},
            {"UserLogin": usr(2), "UserFirstname": "Gone", "UserLastname": "Owner", "UserEmail": "gone@acme.com",
             "UserCustomerID": "1", "ValidID": 1},
            {"UserLogin": "hand", "UserFirstname": "H", "UserLastname": "M", "UserEmail": "h@acme.com",
             "UserCustomerID": "1", "ValidID": 1}]}),
    );
    assert_eq!(p["unchanged"], 1);
    let inv: Vec<_> = actions(&p, "invalidate")
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(inv, vec![json!(usr(2))]);
}

// ------------------------------------------------------------------ misc

#[test]
fn plans_are_deterministic_whatever_the_record_order() {
    let mut recs: Vec<Value> = (1..=30)
        .map(|n| {
            owned(
                n,
                &format!("A{n}"),
                n % 7,
                "Jo",
                &format!("o{}@x.org", n % 7),
            )
        })
        .collect();
    let a = run("customers", json!({}), json!(recs.clone()), json!({}));
    recs.reverse();
    let b = run("customers", json!({}), json!(recs), json!({}));
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

#[test]
fn bad_input_gets_clear_errors() {
    let e = plan(&json!({"kind": "people"})).unwrap_err();
    assert!(e.message.contains("companies or customers"));
    let e = plan(&input(
        "companies",
        json!({"delete_olds": "00*"}),
        json!([]),
        json!({}),
    ))
    .unwrap_err();
    assert!(e.message.contains("delete_olds"));
    let e = plan(&input(
        "customers",
        json!({"mode": "Lead"}),
        json!([]),
        json!({}),
    ))
    .unwrap_err();
    assert!(e.message.contains("AccountOwner or Contact"));
    let e = plan(&input(
        "companies",
        json!({"where": "x = 1; y"}),
        json!([]),
        json!({}),
    ))
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Config);
    let e = plan(&input(
        "companies",
        json!({}),
        json!([]),
        json!({"companies": [{"CustomerID": "x"}]}),
    ))
    .unwrap_err();
    assert!(e.message.contains("ValidID"), "{}", e.message);
    let e = plan(&input(
        "companies",
        json!({"attributes": {"ValidID": "Status"}}),
        json!([]),
        json!({}),
    ))
    .unwrap_err();
    assert!(e.message.contains("set by the sync"));
    let e = plan(&json!({"kind": "companies", "settings": {}, "otrs": {}})).unwrap_err();
    assert!(e.message.contains("records"));
}

#[test]
fn a_name_given_up_in_the_plan_is_taken_in_a_later_phase() {
    // acc(1) wants "X", which OTRS company acc(2) holds and gives up
    // (renamed to "Y") in this plan; acc(3) wants "Z", held by a company
    // that cleanup deletes. Both are placed after the record they wait for.
    let mut inp = input(
        "companies",
        json!({"name_format": "{Name}", "delete_old": "001*", "cleanup_action": "delete", "force": true}),
        json!([account(1, "X"), account(2, "Y"), account(3, "Z")]),
        json!({"companies": [company(2, "X", 1), company(4, "Z", 1)]}),
    );
    inp["fetch"] = json!({"complete": true});
    let p = plan(&inp).unwrap();
    let order: Vec<(String, String)> = p["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["action"].as_str().unwrap().to_string(),
                a["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![
            ("delete".to_string(), acc(4)),
            ("update".to_string(), acc(2)),
            ("create".to_string(), acc(3)),
            ("create".to_string(), acc(1)),
        ],
        "{p}"
    );
    assert!(skipped(&p).is_empty());

    // A swap cannot be ordered: both stay as they are, with a reason.
    let p = run(
        "companies",
        json!({"name_format": "{Name}"}),
        json!([account(1, "B"), account(2, "A")]),
        json!({"companies": [company(1, "A", 1), company(2, "B", 1)]}),
    );
    assert!(p["actions"].as_array().unwrap().is_empty(), "{p}");
    assert_eq!(skipped(&p).len(), 2);
}

#[test]
fn stale_sync_invalidated_entries_are_dropped() {
    let p = run(
        "companies",
        json!({}),
        json!([]),
        json!({"companies": [company(1, "valid again by hand", 1), company(2, "still invalid", 2)],
               "sync_invalidated": [acc(1), acc(2), acc(3)]}),
    );
    assert_eq!(p["sync_invalidated"]["remove"], json!([acc(1), acc(3)]));
    assert_eq!(p["sync_invalidated"]["add"], json!([]));
}

#[test]
fn salesforce_datetimes_are_compared_in_otrs_form() {
    let settings = json!({"attributes": {"CustomerCompanyComment": "LastModifiedDate"}});
    let name = |n: u64, s: &str| format!("{s} ({})", acc(n));
    let recs = json!([
        // SOAP form, equal to OTRS after conversion.
        {"Id": acc(1), "Name": "A", "LastModifiedDate": "2024-01-02T03:04:05.000Z"},
        // REST form, equal to OTRS after conversion.
        {"Id": acc(2), "Name": "B", "LastModifiedDate": "2024-01-02T03:04:05.000+0000"},
        // Changed: the update carries the OTRS form.
        {"Id": acc(3), "Name": "C", "LastModifiedDate": "2024-03-04T05:06:07.000Z"},
        // A date stays as it is (equal to OTRS).
        {"Id": acc(4), "Name": "D", "LastModifiedDate": "2024-01-02"},
        // New: created with the OTRS form.
        {"Id": acc(5), "Name": "E", "LastModifiedDate": "2024-01-01T01:30:00.000+0200"},
    ]);
    let otrs = json!({"companies": [
        {"CustomerID": acc(1), "CustomerCompanyName": name(1, "A"), "CustomerCompanyComment": "2024-01-02 03:04:05", "ValidID": 1},
        {"CustomerID": acc(2), "CustomerCompanyName": name(2, "B"), "CustomerCompanyComment": "2024-01-02 03:04:05", "ValidID": 1},
        {"CustomerID": acc(3), "CustomerCompanyName": name(3, "C"), "CustomerCompanyComment": "2024-01-02 03:04:05", "ValidID": 1},
        {"CustomerID": acc(4), "CustomerCompanyName": name(4, "D"), "CustomerCompanyComment": "2024-01-02", "ValidID": 1},
    ]});
    let p = run("companies", settings, recs, otrs);
    assert_eq!(p["unchanged"], 3, "{p}");
    let updates = actions(&p, "update");
    assert_eq!(updates.len(), 1, "{p}");
    assert_eq!(updates[0]["id"], acc(3));
    assert_eq!(
        updates[0]["changes"],
        json!({"CustomerCompanyComment": "2024-03-04 05:06:07"})
    );
    let creates = actions(&p, "create");
    assert_eq!(creates.len(), 1, "{p}");
    assert_eq!(
        creates[0]["values"]["CustomerCompanyComment"],
        "2023-12-31 23:30:00"
    );
}

#[test]
fn customer_attributes_with_datetimes_are_converted_too() {
    let c = con(1);
    let settings = json!({"mode": "Contact", "attributes": {"UserComment": "LastModifiedDate"}});
    let recs = json!([{"Id": c, "Name": "Ann Doe", "FirstName": "Ann", "LastName": "Doe",
                       "Email": "ann@x.org", "AccountId": acc(1),
                       "LastModifiedDate": "2024-01-02T03:04:05.000+0000"}]);
    let user = json!({"UserLogin": c, "UserFirstname": "Ann", "UserLastname": "Doe",
                      "UserEmail": "ann@x.org", "UserCustomerID": acc(1), "ValidID": 1,
                      "UserComment": "2024-01-02 03:04:05", "CustomerIDs": [acc(1)]});
    let p = run("customers", settings, recs, json!({"users": [user]}));
    assert_eq!(p["unchanged"], 1, "{p}");
}

#[test]
fn an_otrs_id_listed_twice_is_refused_naming_field_and_id() {
    let company = company(1, "A", 1);
    let e = plan(&input(
        "companies",
        json!({}),
        json!([]),
        json!({"companies": [company.clone(), company]}),
    ))
    .unwrap_err();
    assert_eq!(e.kind, crate::error::ErrorKind::Plan);
    assert!(e.message.contains("CustomerID"), "{e}");
    assert!(e.message.contains(&acc(1)), "{e}");
    let user = json!({"UserLogin": "jo", "ValidID": 1});
    let e = plan(&input(
        "customers",
        json!({}),
        json!([]),
        json!({"users": [user.clone(), json!({"UserLogin": "other", "ValidID": 1}), user]}),
    ))
    .unwrap_err();
    assert_eq!(e.kind, crate::error::ErrorKind::Plan);
    assert!(e.message.contains("UserLogin 'jo'"), "{e}");
    assert!(e.message.contains("items 0 and 2"), "{e}");
}

#[test]
fn otrs_ids_differing_only_in_case_are_planned_once() {
    let upper = acc(1);
    let lower = upper.to_ascii_lowercase();
    let settings =
        json!({"delete_old": "001*", "cleanup_action": "delete", "cleanup_max_share": 1.0});
    let companies = json!({"companies": [
        {"CustomerID": upper, "CustomerCompanyName": "Old", "ValidID": 1},
        {"CustomerID": lower, "CustomerCompanyName": "Other", "ValidID": 1},
    ]});
    // Gone from Salesforce: one delete, for the first listed.
    let p = run("companies", settings.clone(), json!([]), companies.clone());
    let all = p["actions"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{p}");
    assert_eq!(all[0]["action"], "delete");
    assert_eq!(all[0]["id"], upper);
    assert_eq!(p["cleanup"]["synced"], 1, "{p}");
    let notes = p["notes"].to_string();
    assert!(notes.contains(&upper) && notes.contains(&lower), "{p}");
    // Returned by Salesforce: one update of the first listed, no cleanup of
    // the other.
    let p = run("companies", settings, json!([account(1, "New")]), companies);
    let all = p["actions"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{p}");
    assert_eq!(all[0]["action"], "update");
    assert_eq!(all[0]["id"], upper);
}
