//! Every method of the ARCHITECTURE.md call table, through `Client::call`,
//! over HTTPS against the fake org.

mod common;

use common::Fake;
use serde_json::{json, Value};
use sfclient::ErrorKind;

fn ok(c: &mut sfclient::Client, method: &str, args: Value) -> Value {
    c.call(method, &args)
        .unwrap_or_else(|e| panic!("{method} {args}: {e}"))
}

fn first_result(v: &Value) -> &Value {
    &v["results"][0]
}

#[test]
fn login_session_usage_logout() {
    let fake = Fake::start(&[]);
    let mut c = fake.client("soap-login");
    let login = ok(&mut c, "login", json!({}));
    assert_eq!(login["flow"], "soap-login");
    assert_eq!(login["api_version"], fake.s("api_version"));
    assert_eq!(login["user_id"], fake.s("user_id"));
    assert_eq!(login["org_id"], fake.s("org_id"));
    assert_eq!(login["user_name"], fake.s("username"));
    assert_eq!(login["instance_url"], fake.s("instance_url"));
    assert!(login["server_url"]
        .as_str()
        .unwrap()
        .starts_with(&fake.s("instance_url")));
    assert_eq!(login["warnings"], json!([]));
    assert!(login.get("session_id").is_none());

    let s = ok(&mut c, "session", json!({}));
    let sid = s["session_id"].as_str().unwrap().to_string();
    assert!(sid.contains('!'), "session id shape");
    assert_eq!(s["server_url"], login["server_url"]);
    assert_eq!(s["user_name"], fake.s("username"));

    ok(&mut c, "getServerTimestamp", json!({}));
    let usage = ok(&mut c, "usage", json!({}));
    assert_eq!(usage["logins"], 1);
    assert_eq!(usage["api_calls"], 1);
    assert_eq!(usage["retries"], 0);
    assert!(
        usage["limit_info"]["limit"].as_u64().unwrap() > 0,
        "{usage}"
    );
    assert_eq!(usage["limit_info"]["type"], "API REQUESTS");

    assert_eq!(ok(&mut c, "logout", json!({})), json!({}));
    // The old session id is dead now.
    let mut cfg = fake.base_config();
    cfg["auth_flow"] = "access-token".into();
    cfg["access_token"] = sid.clone().into();
    cfg["instance_url"] = fake.s("instance_url").into();
    let mut dead = common::client_from(&cfg);
    let e = dead.call("getServerTimestamp", &json!({})).unwrap_err();
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_SESSION_ID"), "{e}");
    // The client itself logs in again on its next call.
    ok(&mut c, "getServerTimestamp", json!({}));
    assert_eq!(ok(&mut c, "usage", json!({}))["logins"], 2);
}

#[test]
fn queries_soap_and_rest() {
    let fake = Fake::start(&["--generate", "accounts=450,owners=3,contacts=20,deleted=5"]);
    let mut c = fake.client("soap-login");
    let page = ok(
        &mut c,
        "query",
        json!({"soql": "SELECT Id, Name, Owner.FirstName FROM Account", "batch_size": 200}),
    );
    assert_eq!(page["done"], false);
    // 450 generated, 5 of them deleted.
    assert_eq!(page["size"], 445);
    assert_eq!(page["records"].as_array().unwrap().len(), 200);
    assert_eq!(page["records"][0]["type"], "Account");
    assert!(page["records"][0]["Owner"].is_object());
    let locator = page["query_locator"].as_str().unwrap().to_string();
    let more = ok(
        &mut c,
        "queryMore",
        json!({"query_locator": locator, "batch_size": 200}),
    );
    assert_eq!(more["records"].as_array().unwrap().len(), 200);

    let all = ok(
        &mut c,
        "query_all_pages",
        json!({"soql": "SELECT Id FROM Account", "batch_size": 200}),
    );
    assert_eq!(all["size"], 445);
    assert_eq!(all["pages"], 3);
    let with_deleted = ok(
        &mut c,
        "query_all_pages",
        json!({"soql": "SELECT Id FROM Account", "all": true}),
    );
    assert_eq!(with_deleted["size"], 450);
    let qa = ok(
        &mut c,
        "queryAll",
        json!({"soql": "SELECT Id FROM Account WHERE IsDeleted = true"}),
    );
    assert_eq!(qa["size"], 5);

    let count = ok(
        &mut c,
        "query_all_pages",
        json!({"soql": "SELECT COUNT() FROM Account"}),
    );
    assert_eq!(count["size"], 445);

    let r = ok(
        &mut c,
        "rest_query",
        json!({"soql": "SELECT Id, Name FROM Account", "batch_size": 200}),
    );
    assert_eq!(r["done"], false);
    assert_eq!(r["size"], 445);
    assert_eq!(r["records"].as_array().unwrap().len(), 200);
    let next = r["next_records_url"].as_str().unwrap().to_string();
    let r2 = ok(&mut c, "rest_query_more", json!({"next_records_url": next}));
    assert_eq!(r2["records"].as_array().unwrap().len(), 200);
    let ra = ok(
        &mut c,
        "rest_query",
        json!({"soql": "SELECT Id FROM Account WHERE IsDeleted = true", "all": true}),
    );
    assert_eq!(ra["size"], 5);
    // Foreign hosts are refused: the Bearer token must not travel there.
    let e = c
        .call(
            "rest_query_more",
            &json!({"next_records_url": "https://evil.example/services/data/v64.0/query/01g-2000"}),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
}

#[test]
fn writes_and_reads() {
    let fake = Fake::start(&["--generate", "accounts=3,owners=1"]);
    let mut c = fake.client("soap-login");
    let name = "Müller & <Söhne> 'quoted'";
    let created = ok(
        &mut c,
        "create",
        json!({"type": "Account", "records": [{"Name": name, "Phone": "123"}, {"Phone": "no name"}]}),
    );
    assert_eq!(first_result(&created)["success"], true);
    let id = first_result(&created)["id"].as_str().unwrap().to_string();
    assert_eq!(created["results"][1]["success"], false);
    assert_eq!(
        created["results"][1]["errors"][0]["statusCode"],
        "REQUIRED_FIELD_MISSING"
    );

    let got = ok(
        &mut c,
        "retrieve",
        json!({"fields": ["Name", "Phone"], "type": "Account", "ids": [id, "001000000000000AAA"]}),
    );
    assert_eq!(got["records"][0]["Name"], name);
    assert!(got["records"][1].is_null());

    let upd = ok(
        &mut c,
        "update",
        json!({"type": "Account", "records": [{"Id": id, "Phone": null, "Website": "https://x.example"}]}),
    );
    assert_eq!(first_result(&upd)["success"], true);
    let got = ok(
        &mut c,
        "retrieve",
        json!({"fields": ["Phone", "Website"], "type": "Account", "ids": [id]}),
    );
    assert!(got["records"][0]["Phone"].is_null());

    let ups = ok(
        &mut c,
        "upsert",
        json!({"type": "Account", "external_id_field": "External_Id__c",
        "records": [{"External_Id__c": "EXT-1", "Name": "Upserted"}]}),
    );
    assert_eq!(first_result(&ups)["created"], true);
    let ups = ok(
        &mut c,
        "upsert",
        json!({"type": "Account", "external_id_field": "External_Id__c",
        "records": [{"External_Id__c": "EXT-1", "Name": "Upserted again"}]}),
    );
    assert_eq!(first_result(&ups)["created"], false);

    let found = ok(
        &mut c,
        "search",
        json!({"sosl": "FIND {Upserted} IN ALL FIELDS RETURNING Account(Id, Name)"}),
    );
    assert!(!found["records"].as_array().unwrap().is_empty(), "{found}");

    let del = ok(&mut c, "delete", json!({"ids": [id]}));
    assert_eq!(first_result(&del)["success"], true);
    let end = ok(&mut c, "getServerTimestamp", json!({}))["timestamp"]
        .as_str()
        .unwrap()
        .to_string();
    let start = iso_days_ago(2);
    let deleted = ok(
        &mut c,
        "getDeleted",
        json!({"type": "Account", "start": start, "end": end}),
    );
    assert!(deleted.get("deleted").is_some(), "{deleted}");
    let updated = ok(
        &mut c,
        "getUpdated",
        json!({"type": "Account", "start": start, "end": end}),
    );
    assert!(updated["ids"].is_array(), "{updated}");

    let lead = ok(
        &mut c,
        "create",
        json!({"type": "Lead", "records": [{"LastName": "Lead", "Company": "LeadCo"}]}),
    );
    let lead_id = first_result(&lead)["id"].as_str().unwrap().to_string();
    let conv = ok(
        &mut c,
        "convertLead",
        json!({"lead_converts": [{"leadId": lead_id, "convertedStatus": "Closed - Converted", "doNotCreateOpportunity": true}]}),
    );
    assert_eq!(first_result(&conv)["success"], true, "{conv}");
    assert!(first_result(&conv)["accountId"].is_string());
}

#[test]
fn describes_and_user_calls() {
    let fake = Fake::start(&[]);
    let mut c = fake.client("soap-login");
    let g = ok(&mut c, "describeGlobal", json!({}));
    assert!(g["sobjects"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["name"] == "Account"));
    let d = ok(&mut c, "describeSObject", json!({"type": "Account"}));
    assert_eq!(d["name"], "Account");
    assert!(d["fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "Name"));
    let ds = ok(
        &mut c,
        "describeSObjects",
        json!({"types": ["Account", "Contact"]}),
    );
    assert_eq!(ds["results"].as_array().unwrap().len(), 2);
    ok(&mut c, "describeLayout", json!({"type": "Account"}));
    let tabs = ok(&mut c, "describeTabs", json!({}));
    assert!(tabs["tab_sets"].is_array());
    let ui = ok(&mut c, "getUserInfo", json!({}));
    assert_eq!(ui["userName"], fake.s("username"));
    let uid = ui["userId"].as_str().unwrap().to_string();
    let reset = ok(&mut c, "resetPassword", json!({"user_id": uid}));
    assert!(reset["password"].as_str().is_some_and(|p| !p.is_empty()));
    assert_eq!(
        ok(
            &mut c,
            "setPassword",
            json!({"user_id": uid, "password": "N3w-Passw0rd!"})
        ),
        json!({})
    );
    let e = c
        .call("describeSObject", &json!({"type": "NoSuchThing"}))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Salesforce);
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_TYPE"));
    assert_eq!(e.context, "describeSObject");
}

#[test]
fn sync_plan_dispatches_to_the_planner() {
    let fake = Fake::start(&["--generate", "accounts=5,owners=1"]);
    let mut c = fake.client("soap-login");
    let plan = c.call(
        "sync_plan",
        &json!({
            "kind": "companies",
            "settings": {},
            "otrs": {"companies": [], "users": [], "referenced": [], "sync_invalidated": []}
        }),
    );
    let plan = plan.expect("sync_plan");
    assert_eq!(plan["kind"], "companies");
    assert_eq!(plan["fetch"]["records"], 5, "{plan}");
    assert_eq!(plan["fetch"]["complete"], true);
    assert_eq!(plan["counts"]["create"], 5, "{plan}");
}

/// `YYYY-MM-DDTHH:MM:SSZ`, `days` before now (civil-from-days, UTC).
fn iso_days_ago(days: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - days * 86_400;
    let (secs_of_day, z) = (now % 86_400, (now / 86_400) as i64 + 719_468);
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60
    )
}
