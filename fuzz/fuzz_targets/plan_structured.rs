//! The sync planner on structured input: realistic records and OTRS state
//! drawn from small pools of ids, names and e-mails (so that records meet,
//! collide and disappear), with arbitrary settings. Checks the plan
//! contract of doc/dev/ARCHITECTURE.md, not just "no panic":
//! counts match the actions, one action per id, no cleanup when disabled
//! or refused, referenced companies never deleted, memberships removed only
//! for Account-looking ids, and the same input plans the same twice.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use sfclient::sync::{looks_like_account_id, plan, to_id18};
use std::collections::HashSet;

#[derive(Arbitrary, Debug)]
struct Input {
    customers: bool,
    contact_mode: bool,
    login_by_email: bool,
    valid_data: bool,
    delete_old: u8,
    cleanup_delete: bool,
    max_share: u8,
    force: bool,
    revalidate_manual: bool,
    complete: bool,
    limit: Option<u8>,
    records: Vec<Rec>,
    otrs: Vec<Otrs>,
    referenced: Vec<u8>,
    sync_invalidated: Vec<u8>,
    relations: Vec<(u8, u8)>,
}

#[derive(Arbitrary, Debug)]
struct Rec {
    id: u8,
    id15: bool,
    name: u8,
    owner: u8,
    email: u8,
    account: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct Otrs {
    id: u8,
    name: u8,
    valid: u8,
    email: u8,
    customer_id: u8,
    extra_ids: Vec<u8>,
}

const NAMES: [&str; 6] = ["Acme", "*Old", "Beta GmbH", "", "Ümlaut & <Co>", "Acme"];
const EMAILS: [&str; 5] = ["jo@acme.com", "JO@acme.com", "", "not-an-email", "al@b.org"];

fn id(prefix: &str, n: u8, id15: bool) -> String {
    let short = format!("{prefix}{:012}", n % 12);
    if id15 {
        short
    } else {
        to_id18(&short).expect("15-char id converts")
    }
}

fn pick<'a>(list: &[&'a str], n: u8) -> &'a str {
    list[n as usize % list.len()]
}

fn build(inp: &Input) -> Value {
    let kind = if inp.customers {
        "customers"
    } else {
        "companies"
    };
    let contact = inp.customers && inp.contact_mode;
    let delete_old = ["", "001*", "*", "003*"][inp.delete_old as usize % 4];
    let mut settings = json!({
        "valid_data": inp.valid_data,
        "delete_old": delete_old,
        "cleanup_action": if inp.cleanup_delete { "delete" } else { "invalidate" },
        "cleanup_max_share": (inp.max_share % 101) as f64 / 100.0,
        "force": inp.force,
        "revalidate_manual": inp.revalidate_manual,
        "default_customer_id": "DEFAULT",
    });
    if let Some(l) = inp.limit {
        settings["limit"] = json!(l);
    }
    if inp.customers {
        settings["mode"] = json!(if contact { "Contact" } else { "AccountOwner" });
        if contact && inp.login_by_email {
            settings["login_field"] = json!("Email");
        }
    }
    let records: Vec<Value> = inp
        .records
        .iter()
        .take(64)
        .map(|r| {
            let name = pick(&NAMES, r.name);
            let email = pick(&EMAILS, r.email);
            if contact {
                json!({"type": "Contact", "Id": id("003", r.id, r.id15), "Name": name,
                       "FirstName": name, "LastName": "Doe", "Email": email,
                       "AccountId": r.account.map(|a| id("001", a, false))})
            } else {
                json!({"type": "Account", "Id": id("001", r.id, r.id15), "Name": name,
                       "OwnerId": id("005", r.owner, false),
                       "Owner": {"Id": id("005", r.owner, false), "Name": name, "FirstName": name,
                                 "LastName": "Owner", "Email": email, "IsActive": true}})
            }
        })
        .collect();
    // OTRS keys are unique (CustomerID, UserLogin): one entry per id, as
    // OTRS holds them. (Duplicates once gave duplicate actions; that case
    // is pinned in tests/fuzz_regressions.rs.)
    let mut keys = HashSet::new();
    let otrs: Vec<Value> = inp
        .otrs
        .iter()
        .take(64)
        .filter(|o| keys.insert(o.id % 12))
        .map(|o| {
            let valid = [1, 2, 3][o.valid as usize % 3];
            if inp.customers {
                let login = if contact { id("003", o.id, false) } else { id("005", o.id, false) };
                let ids: Vec<String> = o
                    .extra_ids
                    .iter()
                    .take(4)
                    .map(|n| if n % 3 == 0 { format!("custom{n}") } else { id("001", *n, false) })
                    .collect();
                json!({"UserLogin": login, "UserFirstname": pick(&NAMES, o.name), "UserLastname": "Doe",
                       "UserEmail": pick(&EMAILS, o.email),
                       "UserCustomerID": id("001", o.customer_id, false), "ValidID": valid,
                       "CustomerIDs": ids})
            } else {
                json!({"CustomerID": id("001", o.id, false), "CustomerCompanyName": pick(&NAMES, o.name),
                       "ValidID": valid})
            }
        })
        .collect();
    let ids =
        |v: &[u8]| -> Vec<String> { v.iter().take(16).map(|n| id("001", *n, false)).collect() };
    let relations: Vec<Value> = inp
        .relations
        .iter()
        .take(32)
        .map(|(c, a)| json!({"ContactId": id("003", *c, false), "AccountId": id("001", *a, false)}))
        .collect();
    let mut input = json!({
        "kind": kind,
        "settings": settings,
        "records": records,
        "otrs": {
            (if inp.customers { "users" } else { "companies" }): otrs,
            "referenced": ids(&inp.referenced),
            "sync_invalidated": ids(&inp.sync_invalidated),
        },
        "fetch": {"complete": inp.complete},
    });
    if contact {
        input["relations"] = json!(relations);
    }
    input
}

fn check(input: &Value, p: &Value) {
    let actions = p["actions"].as_array().expect("actions is a list");
    let counts = &p["counts"];
    for kind in ["create", "update", "invalidate", "delete"] {
        let n = actions.iter().filter(|a| a["action"] == kind).count();
        assert_eq!(
            counts[kind].as_u64(),
            Some(n as u64),
            "counts.{kind} in {p}"
        );
    }
    let skipped = p["skipped"].as_array().expect("skipped is a list");
    assert_eq!(
        counts["skip"].as_u64(),
        Some(skipped.len() as u64),
        "counts.skip"
    );
    assert_eq!(counts["unchanged"], p["unchanged"], "counts.unchanged");

    let mut seen = HashSet::new();
    for a in actions {
        let id = a["id"].as_str().expect("action id").to_ascii_lowercase();
        assert!(seen.insert(id.clone()), "two actions for {id} in {p}");
        for removed in a["memberships_remove"].as_array().into_iter().flatten() {
            let r = removed.as_str().expect("membership id");
            assert!(looks_like_account_id(r), "membership {r} removed: {p}");
        }
    }

    let cleanup_actions = actions
        .iter()
        .filter(|a| a["action"] == "invalidate" || a["action"] == "delete")
        .count();
    let delete_old = input["settings"]["delete_old"].as_str().unwrap_or("");
    if delete_old.is_empty() || p["cleanup"]["refused"] == json!(true) {
        assert_eq!(
            cleanup_actions, 0,
            "cleanup ran while disabled or refused: {p}"
        );
    }
    if input["fetch"]["complete"] == json!(false) {
        assert_eq!(cleanup_actions, 0, "cleanup after an incomplete fetch: {p}");
    }
    if input["kind"] == "companies" {
        let referenced: HashSet<String> = input["otrs"]["referenced"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_ascii_lowercase))
            .collect();
        for a in actions.iter().filter(|a| a["action"] == "delete") {
            let id = a["id"].as_str().unwrap_or("").to_ascii_lowercase();
            assert!(
                !referenced.contains(&id),
                "referenced company {id} deleted: {p}"
            );
        }
    }
}

fuzz_target!(|inp: Input| {
    let input = build(&inp);
    match plan(&input) {
        Ok(p) => {
            check(&input, &p);
            assert_eq!(
                plan(&input).expect("second plan"),
                p,
                "plan is not deterministic"
            );
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
});
