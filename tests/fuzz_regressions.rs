//! Inputs found by the fuzz targets (fuzz/fuzz_targets/), kept as plain
//! tests so that they run with every `cargo test`.

use serde_json::json;
use sfclient::sync::{plan, to_id18};
use std::collections::HashSet;

/// plan_structured: two OTRS customer users with the same UserLogin (a
/// state OTRS itself cannot hold) gave two `delete` actions for the same
/// id. The planner must either refuse such input with a clear error or
/// plan one action per id.
#[test]
fn duplicate_otrs_logins_give_one_action_per_id() {
    let c = to_id18("003000000000011").unwrap();
    let user = json!({"UserLogin": c, "UserFirstname": "Ann", "UserLastname": "Doe",
                      "UserEmail": "ann@x.org", "UserCustomerID": to_id18("001000000000001").unwrap(),
                      "ValidID": 1, "CustomerIDs": []});
    let input = json!({
        "kind": "customers",
        "settings": {"mode": "Contact", "delete_old": "003*", "cleanup_action": "delete",
                     "cleanup_max_share": 1.0},
        "records": [],
        "otrs": {"users": [user.clone(), user]},
    });
    match plan(&input) {
        Err(e) => assert!(
            e.message.contains("UserLogin") || e.message.contains(&c),
            "the error does not say what is duplicated: {e}"
        ),
        Ok(p) => {
            let mut seen = HashSet::new();
            for a in p["actions"].as_array().unwrap() {
                let id = a["id"].as_str().unwrap().to_ascii_lowercase();
                assert!(seen.insert(id.clone()), "two actions for {id}: {p}");
            }
        }
    }
}

/// The same for companies: one CustomerID twice in the OTRS state.
#[test]
fn duplicate_otrs_companies_give_one_action_per_id() {
    let id = to_id18("001000000000011").unwrap();
    let company = json!({"CustomerID": id, "CustomerCompanyName": "Old", "ValidID": 1});
    let input = json!({
        "kind": "companies",
        "settings": {"delete_old": "001*", "cleanup_action": "delete", "cleanup_max_share": 1.0},
        "records": [],
        "otrs": {"companies": [company.clone(), company]},
    });
    match plan(&input) {
        Err(e) => assert!(
            e.message.contains("CustomerID") || e.message.contains(&id),
            "the error does not say what is duplicated: {e}"
        ),
        Ok(p) => {
            let mut seen = HashSet::new();
            for a in p["actions"].as_array().unwrap() {
                let id = a["id"].as_str().unwrap().to_ascii_lowercase();
                assert!(seen.insert(id.clone()), "two actions for {id}: {p}");
            }
        }
    }
}

/// Found by `rest_decode` (2026-11-29): a REST error whose message is only
/// blanks gave an error with an empty message.
#[test]
fn a_blank_rest_error_message_still_says_something() {
    let body = br#"[{"message": "          ", "errorCode": "ID<htmlION_ID"}]"#;
    let e = sfclient::rest::parse_error(400, body);
    assert_eq!(e.message, "(Salesforce gave no message)");
    assert_eq!(e.sf_code.as_deref(), Some("ID<htmlION_ID"));
}
