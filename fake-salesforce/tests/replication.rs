//! Incremental-sync support over HTTP: modstamps on every change, SOAP
//! getUpdated/getDeleted, REST sobjects/{Type}/updated|deleted, their
//! faults, and the org clock (`/_fake/control` `clock`).
//!
//! Every test first sets the fake's clock to a fixed minute far ahead
//! (T0 = 2040-01-01T10:00:00Z) and then moves it in whole minutes, so the
//! expected stamps are known to the minute while real time flows on.

mod common;
use common::*;
use serde_json::{json, Value};

const T0: &str = "2040-01-01T10:00:00Z";

/// A fake with a logged-in session and its clock at T0.
struct Org {
    f: Fake,
    sid: String,
    url: String,
}

fn org() -> Org {
    let f = start(&["--generate", "accounts=3,owners=2,contacts=2,leads=2"]);
    let (sid, url) = f.login();
    f.control(json!({"clock": {"set": T0}}));
    Org { f, sid, url }
}

impl Org {
    fn soap(&self, body: &str) -> (u16, String) {
        self.f.soap(&self.url, &call(&self.sid, None, body))
    }

    /// A SOAP call that must succeed.
    fn ok(&self, body: &str) -> String {
        let (st, b) = self.soap(body);
        assert_eq!(st, 200, "{b}");
        b
    }

    fn advance_minutes(&self, n: u64) {
        self.f
            .control(json!({"clock": {"advance_seconds": n * 60}}));
    }

    fn create(&self, ty: &str, fields: &str) -> String {
        let b = self.ok(&format!(
            "<urn:create><urn:sObjects><urn:type>{ty}</urn:type>{fields}</urn:sObjects></urn:create>"
        ));
        assert!(b.contains("<success>true</success>"), "{b}");
        between(&b, "<id>", "</id>")
    }

    fn update(&self, ty: &str, id: &str, fields: &str) {
        let b = self.ok(&format!(
            "<urn:update><urn:sObjects><urn:type>{ty}</urn:type><urn:Id>{id}</urn:Id>{fields}</urn:sObjects></urn:update>"
        ));
        assert!(b.contains("<success>true</success>"), "{b}");
    }

    fn delete(&self, id: &str) {
        let b = self.ok(&format!("<urn:delete><urn:ids>{id}</urn:ids></urn:delete>"));
        assert!(b.contains("<success>true</success>"), "{b}");
    }

    /// (SystemModstamp, LastModifiedDate) of any record, deleted or not.
    fn stamps(&self, ty: &str, id: &str) -> (String, String) {
        let b = self.ok(&format!(
            "<urn:queryAll><urn:queryString>SELECT SystemModstamp, LastModifiedDate FROM {ty} WHERE Id = '{id}'</urn:queryString></urn:queryAll>"
        ));
        (
            between(&b, "<sf:SystemModstamp>", "</sf:SystemModstamp>"),
            between(&b, "<sf:LastModifiedDate>", "</sf:LastModifiedDate>"),
        )
    }

    fn first_id(&self, q: &str) -> String {
        between(&self.ok(&query_body(q)), "<sf:Id>", "</sf:Id>")
    }

    fn replication_call(&self, call: &str, ty: &str, start: &str, end: &str) -> (u16, String) {
        self.soap(&format!(
            "<urn:{call}><urn:sObjectType>{ty}</urn:sObjectType><urn:startDate>{start}</urn:startDate><urn:endDate>{end}</urn:endDate></urn:{call}>"
        ))
    }

    /// getUpdated ids and latestDateCovered over SOAP.
    fn get_updated(&self, ty: &str, start: &str, end: &str) -> (Vec<String>, String) {
        let (st, b) = self.replication_call("getUpdated", ty, start, end);
        assert_eq!(st, 200, "{b}");
        (
            all(&b, "<ids>", "</ids>"),
            between(&b, "<latestDateCovered>", "</latestDateCovered>"),
        )
    }

    /// getDeleted (id, deletedDate) pairs and the whole body over SOAP.
    fn get_deleted(&self, ty: &str, start: &str, end: &str) -> (Vec<(String, String)>, String) {
        let (st, b) = self.replication_call("getDeleted", ty, start, end);
        assert_eq!(st, 200, "{b}");
        let recs = all(&b, "<deletedRecords>", "</deletedRecords>")
            .iter()
            .map(|r| {
                (
                    between(r, "<id>", "</id>"),
                    between(r, "<deletedDate>", "</deletedDate>"),
                )
            })
            .collect();
        (recs, b)
    }

    /// GET sobjects/{ty}/{which}/?start=&end= → (status, JSON).
    fn rest(&self, ty: &str, which: &str, start: &str, end: &str) -> (u16, Value) {
        let r = self
            .f
            .http
            .get(format!(
                "{}/services/data/v64.0/sobjects/{ty}/{which}/",
                self.f.s("instance_url")
            ))
            .query(&[("start", start), ("end", end)])
            .bearer_auth(&self.sid)
            .send()
            .expect("rest");
        let st = r.status().as_u16();
        (st, r.json().expect("rest json"))
    }

    fn rest_ok(&self, ty: &str, which: &str, start: &str, end: &str) -> Value {
        let (st, v) = self.rest(ty, which, start, end);
        assert_eq!(st, 200, "{v}");
        v
    }

    fn data(&self, v: Value) -> Value {
        let r = self
            .f
            .http
            .post(self.f.s("data_url"))
            .json(&v)
            .send()
            .expect("data");
        assert_eq!(r.status().as_u16(), 200);
        r.json().expect("data json")
    }
}

/// Every text between `a` and `b`, in order.
fn all(s: &str, a: &str, b: &str) -> Vec<String> {
    s.split(a)
        .skip(1)
        .filter_map(|p| p.split_once(b).map(|(x, _)| x.to_string()))
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn rest_ids(v: &Value) -> Vec<String> {
    v["ids"]
        .as_array()
        .expect("ids")
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// A SOAP fault's exceptionCode, checking the fault shape on the way.
fn fault_code(st: u16, b: &str) -> String {
    assert_eq!(st, 500, "{b}");
    let code = between(b, "<sf:exceptionCode>", "</sf:exceptionCode>");
    assert_eq!(
        between(b, "<faultcode>", "</faultcode>"),
        format!("sf:{code}")
    );
    assert!(between(b, "<faultstring>", "</faultstring>").starts_with(&format!("{code}: ")));
    code
}

/// Asserts both stamps were set in the clock minute `minute` (`10:02`).
fn assert_stamped(stamps: &(String, String), minute: &str, what: &str) {
    let want = format!("2040-01-01T{minute}:");
    assert!(
        stamps.0.starts_with(&want),
        "{what}: SystemModstamp {} not in {minute}",
        stamps.0
    );
    assert!(
        stamps.1.starts_with(&want),
        "{what}: LastModifiedDate {} not in {minute}",
        stamps.1
    );
}

#[test]
fn modstamps_move_on_every_kind_of_change() {
    let o = org();
    // SOAP create, update, upsert (insert and update), delete, undelete
    let a = o.create("Account", "<urn:Name>Stamp Co</urn:Name>");
    assert_stamped(&o.stamps("Account", &a), "10:00", "create");
    o.advance_minutes(2);
    o.update("Account", &a, "<urn:Phone>+49 30 1</urn:Phone>");
    assert_stamped(&o.stamps("Account", &a), "10:02", "update");
    o.advance_minutes(2);
    let upsert = |name: &str| {
        let b = o.ok(&format!("<urn:upsert><urn:externalIDFieldName>External_Id__c</urn:externalIDFieldName><urn:sObjects><urn:type>Account</urn:type><urn:Name>{name}</urn:Name><urn:External_Id__c>EXT-STAMP</urn:External_Id__c></urn:sObjects></urn:upsert>"));
        assert!(b.contains("<success>true</success>"), "{b}");
        between(&b, "<id>", "</id>")
    };
    let u = upsert("Upserted");
    assert_stamped(&o.stamps("Account", &u), "10:04", "upsert insert");
    o.advance_minutes(2);
    assert_eq!(upsert("Upserted again"), u);
    assert_stamped(&o.stamps("Account", &u), "10:06", "upsert update");
    o.advance_minutes(2);
    o.delete(&a);
    assert_stamped(&o.stamps("Account", &a), "10:08", "delete");
    o.advance_minutes(2);
    let b = o.ok(&format!(
        "<urn:undelete><urn:ids>{a}</urn:ids></urn:undelete>"
    ));
    assert!(b.contains("<success>true</success>"), "{b}");
    assert_stamped(&o.stamps("Account", &a), "10:10", "undelete");

    // convertLead stamps the lead
    o.advance_minutes(2);
    let lead = o.first_id("SELECT Id FROM Lead WHERE IsConverted = false LIMIT 1");
    let b = o.ok(&format!("<urn:convertLead><urn:leadConverts><urn:leadId>{lead}</urn:leadId><urn:convertedStatus>Closed - Converted</urn:convertedStatus><urn:doNotCreateOpportunity>true</urn:doNotCreateOpportunity></urn:leadConverts></urn:convertLead>"));
    assert!(b.contains("<success>true</success>"), "{b}");
    assert_stamped(&o.stamps("Lead", &lead), "10:12", "convertLead");

    // a User's name, e-mail and IsActive each move its stamps
    let api = o.f.s("username");
    let user = o.first_id(&format!(
        "SELECT Id FROM User WHERE Username != '{api}' LIMIT 1"
    ));
    for (i, change) in [
        "<urn:LastName>Renamed</urn:LastName>",
        "<urn:Email>renamed.owner@demo-crm.net</urn:Email>",
        "<urn:IsActive>false</urn:IsActive>",
    ]
    .iter()
    .enumerate()
    {
        o.advance_minutes(2);
        o.update("User", &user, change);
        let minute = format!("10:{:02}", 14 + 2 * i);
        assert_stamped(&o.stamps("User", &user), &minute, change);
    }

    // the control data hook: create, update (plain and read-only fields), delete, undelete
    o.advance_minutes(2); // 10:20
    let created = o.data(json!({"create": [{"type": "Contact", "LastName": "Hook"}]}));
    let c = created["created"][0].as_str().unwrap().to_string();
    assert_stamped(&o.stamps("Contact", &c), "10:20", "control create");
    o.advance_minutes(2);
    o.data(json!({"update": [{"Id": c, "FirstName": "Via"}]}));
    assert_stamped(&o.stamps("Contact", &c), "10:22", "control update");
    o.advance_minutes(2);
    o.data(json!({"update": [{"Id": user, "IsActive": true}]}));
    assert_stamped(
        &o.stamps("User", &user),
        "10:24",
        "control update of a User",
    );
    o.advance_minutes(2);
    o.data(json!({"delete": [c]}));
    assert_stamped(&o.stamps("Contact", &c), "10:26", "control delete");
    o.advance_minutes(2);
    o.data(json!({"undelete": [c]}));
    assert_stamped(&o.stamps("Contact", &c), "10:28", "control undelete");
    // explicitly given stamps win (back-dating for tests)
    o.data(json!({"update": [{"Id": c, "SystemModstamp": "2039-12-01T00:00:00Z", "LastModifiedDate": "2039-12-01T00:00:00Z"}]}));
    let s = o.stamps("Contact", &c);
    assert_eq!(
        s,
        (
            "2039-12-01T00:00:00.000Z".into(),
            "2039-12-01T00:00:00.000Z".into()
        )
    );

    // queryAll shows the recycle bin with IsDeleted = true and the delete stamp
    o.advance_minutes(2); // 10:30
    o.delete(&a);
    let b = o.ok(&format!("<urn:queryAll><urn:queryString>SELECT Id, IsDeleted, SystemModstamp FROM Account WHERE IsDeleted = true AND Id = '{a}'</urn:queryString></urn:queryAll>"));
    assert!(b.contains("<sf:IsDeleted>true</sf:IsDeleted>"), "{b}");
    assert!(b.contains("<sf:SystemModstamp>2040-01-01T10:30:"), "{b}");
}

#[test]
fn get_updated_and_get_deleted_return_exactly_the_changed_ids() {
    let o = org();
    let a = o.create("Account", "<urn:Name>A</urn:Name>");
    let b = o.create("Account", "<urn:Name>B</urn:Name>");
    let c = o.create("Account", "<urn:Name>C</urn:Name>");
    o.advance_minutes(2); // 10:02
    o.update("Account", &a, "<urn:Name>A2</urn:Name>");
    o.delete(&b);
    o.advance_minutes(2); // 10:04

    let t = |hm: &str| format!("2040-01-01T{hm}:00Z");
    // SOAP: the 10:02 minute holds A's update (B is deleted, C is older)
    let (ids, latest) = o.get_updated("Account", &t("10:01"), &t("10:04"));
    assert_eq!(ids, vec![a.clone()]);
    assert_eq!(latest, "2040-01-01T10:04:00.000Z");
    let (ids, _) = o.get_updated("Account", &t("10:00"), &t("10:04"));
    assert_eq!(sorted(ids), sorted(vec![a.clone(), c.clone()]));
    // an end in the future is covered only up to the current minute
    let (_, latest) = o.get_updated("Account", &t("10:00"), &t("11:00"));
    assert_eq!(latest, "2040-01-01T10:04:00.000Z");
    let (recs, body) = o.get_deleted("Account", &t("10:01"), &t("10:04"));
    assert_eq!(recs.len(), 1, "{body}");
    assert_eq!(recs[0].0, b);
    assert!(recs[0].1.starts_with("2040-01-01T10:02:"), "{body}");
    assert_eq!(
        between(&body, "<latestDateCovered>", "</latestDateCovered>"),
        "2040-01-01T10:04:00.000Z"
    );
    // 15 days back from the clock (10:04:xx), to the minute
    assert_eq!(
        between(&body, "<earliestDateAvailable>", "</earliestDateAvailable>"),
        "2039-12-17T10:04:00.000Z"
    );
    let (recs, _) = o.get_deleted("Account", &t("10:00"), &t("10:02"));
    assert!(recs.is_empty(), "{recs:?}");

    // REST: the same answers, REST date format
    let v = o.rest_ok("Account", "updated", &t("10:01"), &t("10:04"));
    assert_eq!(rest_ids(&v), vec![a.clone()]);
    assert_eq!(v["latestDateCovered"], "2040-01-01T10:04:00.000+0000");
    let v = o.rest_ok("Account", "updated", &t("10:00"), &t("10:04"));
    assert_eq!(sorted(rest_ids(&v)), sorted(vec![a.clone(), c.clone()]));
    let v = o.rest_ok("Account", "deleted", &t("10:01"), &t("10:04"));
    let recs = v["deletedRecords"].as_array().expect("deletedRecords");
    assert_eq!(recs.len(), 1, "{v}");
    assert_eq!(recs[0]["id"], b.as_str());
    assert!(recs[0]["deletedDate"]
        .as_str()
        .unwrap()
        .starts_with("2040-01-01T10:02:"));
    assert!(recs[0]["deletedDate"].as_str().unwrap().ends_with("+0000"));
    assert_eq!(v["earliestDateAvailable"], "2039-12-17T10:04:00.000+0000");
    assert_eq!(v["latestDateCovered"], "2040-01-01T10:04:00.000+0000");
    // an unencoded "+00:00" offset (a space after form decoding) is understood
    let v = o.rest_ok(
        "Account",
        "updated",
        "2040-01-01T10:01:00+00:00",
        "2040-01-01T10:04:00+00:00",
    );
    assert_eq!(rest_ids(&v), vec![a.clone()]);

    // undelete: back in getUpdated, gone from getDeleted
    let b2 = o.ok(&format!(
        "<urn:undelete><urn:ids>{b}</urn:ids></urn:undelete>"
    ));
    assert!(b2.contains("<success>true</success>"), "{b2}");
    o.advance_minutes(2); // 10:06
    let (ids, _) = o.get_updated("Account", &t("10:04"), &t("10:06"));
    assert_eq!(ids, vec![b.clone()]);
    let (recs, _) = o.get_deleted("Account", &t("10:00"), &t("10:06"));
    assert!(recs.is_empty(), "{recs:?}");

    // each object answers for itself
    let con = o.create(
        "Contact",
        &format!("<urn:LastName>Rel</urn:LastName><urn:AccountId>{c}</urn:AccountId>"),
    );
    o.advance_minutes(2); // 10:08
    let (ids, _) = o.get_updated("Contact", &t("10:06"), &t("10:08"));
    assert_eq!(ids, vec![con]);
    let (ids, _) = o.get_updated("Account", &t("10:06"), &t("10:08"));
    assert!(ids.is_empty(), "{ids:?}");

    // purge (Recycle Bin emptied): earliestDateAvailable moves past that deletion
    o.delete(&c);
    o.advance_minutes(2); // 10:10
    let (recs, _) = o.get_deleted("Account", &t("10:08"), &t("10:10"));
    assert_eq!(
        recs.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
        vec![c.clone()]
    );
    o.data(json!({"purge": [c]}));
    let (st, body) = o.replication_call("getDeleted", "Account", &t("10:08"), &t("10:10"));
    assert_eq!(fault_code(st, &body), "INVALID_REPLICATION_DATE");
    let (recs, body) = o.get_deleted("Account", &t("10:09"), &t("10:11"));
    assert!(recs.is_empty(), "{body}");
    assert_eq!(
        between(&body, "<earliestDateAvailable>", "</earliestDateAvailable>"),
        "2040-01-01T10:09:00.000Z"
    );
}

#[test]
fn dates_are_truncated_to_the_minute() {
    let o = org();
    o.advance_minutes(2); // 10:02:xx
    let a = o.create("Account", "<urn:Name>Truncated</urn:Name>");
    o.advance_minutes(2); // 10:04
                          // start 10:02:59 counts from 10:02:00, so A is in
    let (ids, _) = o.get_updated("Account", "2040-01-01T10:02:59Z", "2040-01-01T10:04:00Z");
    assert_eq!(ids, vec![a.clone()]);
    let v = o.rest_ok(
        "Account",
        "updated",
        "2040-01-01T10:02:59.999Z",
        "2040-01-01T10:04:00Z",
    );
    assert_eq!(rest_ids(&v), vec![a.clone()]);
    // start 10:03:00: after A
    let (ids, _) = o.get_updated("Account", "2040-01-01T10:03:00Z", "2040-01-01T10:05:30Z");
    assert!(ids.is_empty(), "{ids:?}");
    // end 10:02:59 ends at 10:02:00 (exclusive), so A is out, and
    // latestDateCovered says so
    let (ids, latest) = o.get_updated("Account", "2040-01-01T10:00:00Z", "2040-01-01T10:02:59Z");
    assert!(ids.is_empty(), "{ids:?}");
    assert_eq!(latest, "2040-01-01T10:02:00.000Z");
    // other zones are converted before truncating
    let (ids, _) = o.get_updated(
        "Account",
        "2040-01-01T11:02:30+01:00",
        "2040-01-01T11:04:00+01:00",
    );
    assert_eq!(ids, vec![a]);
}

#[test]
fn start_must_precede_end_by_more_than_one_minute() {
    let o = org();
    o.advance_minutes(5); // 10:05
    for call in ["getUpdated", "getDeleted"] {
        for (start, end) in [
            // one minute apart after truncation
            ("2040-01-01T10:00:00Z", "2040-01-01T10:01:59Z"),
            ("2040-01-01T10:00:30Z", "2040-01-01T10:01:00Z"),
            // equal, and reversed
            ("2040-01-01T10:02:00Z", "2040-01-01T10:02:00Z"),
            ("2040-01-01T10:03:00Z", "2040-01-01T10:01:00Z"),
        ] {
            let (st, b) = o.replication_call(call, "Account", start, end);
            assert_eq!(
                fault_code(st, &b),
                "INVALID_REPLICATION_DATE",
                "{call} {start} {end}"
            );
            assert!(b.contains("more than one minute"), "{b}");
            let which = if call == "getUpdated" {
                "updated"
            } else {
                "deleted"
            };
            let (st, v) = o.rest("Account", which, start, end);
            assert_eq!(st, 400, "{v}");
            assert_eq!(v[0]["errorCode"], "INVALID_REPLICATION_DATE");
        }
        // two minutes apart is enough
        let (st, b) = o.replication_call(
            call,
            "Account",
            "2040-01-01T10:00:00Z",
            "2040-01-01T10:02:00Z",
        );
        assert_eq!(st, 200, "{b}");
    }
    // a date that is no date
    let (st, b) = o.replication_call("getUpdated", "Account", "yesterday", "2040-01-01T10:02:00Z");
    assert_eq!(fault_code(st, &b), "INVALID_REPLICATION_DATE");
    let (st, v) = o.rest("Account", "deleted", "", "2040-01-01T10:02:00Z");
    assert_eq!(
        (st, v[0]["errorCode"].as_str()),
        (400, Some("INVALID_REPLICATION_DATE"))
    );
}

#[test]
fn windows_of_30_and_15_days_follow_the_clock() {
    let o = org();
    let a = o.create("Account", "<urn:Name>Old news</urn:Name>");
    o.delete(&a);
    let start = "2040-01-01T10:00:00Z";
    let end = "2040-01-01T10:05:00Z";
    let fault = |call: &str| {
        let (st, b) = o.replication_call(call, "Account", start, end);
        fault_code(st, &b)
    };
    let rest_code = |which: &str| {
        let (st, v) = o.rest("Account", which, start, end);
        assert_eq!(st, 400, "{v}");
        v[0]["errorCode"].as_str().unwrap().to_string()
    };
    // day 15 (minus a minute): both still answer
    o.advance_minutes(15 * 24 * 60 - 1);
    let (recs, _) = o.get_deleted("Account", start, end);
    assert_eq!(recs.len(), 1);
    // 16 days on: getDeleted refuses the start, getUpdated still answers
    o.advance_minutes(24 * 60 + 1);
    assert_eq!(fault("getDeleted"), "INVALID_REPLICATION_DATE");
    assert_eq!(rest_code("deleted"), "INVALID_REPLICATION_DATE");
    let (ids, _) = o.get_updated("Account", start, end);
    assert!(
        ids.is_empty(),
        "deleted records are not in getUpdated: {ids:?}"
    );
    // 31 days on: getUpdated refuses too
    o.advance_minutes(15 * 24 * 60);
    assert_eq!(fault("getUpdated"), "INVALID_REPLICATION_DATE");
    assert_eq!(rest_code("updated"), "INVALID_REPLICATION_DATE");
    // the same start is fine again for a window inside the last 30 days
    let (st, ts) = o.soap("<urn:getServerTimestamp/>");
    assert_eq!(st, 200);
    assert!(
        between(&ts, "<timestamp>", "</timestamp>").starts_with("2040-02-01T10:0"),
        "{ts}"
    );
    let (ids, _) = o.get_updated("Account", "2040-01-03T00:00:00Z", "2040-01-04T00:00:00Z");
    assert!(ids.is_empty());
}

#[test]
fn more_ids_than_the_limit_fault_exceeded_id_limit() {
    let o = org();
    let ids: Vec<String> = (0..3)
        .map(|i| o.create("Account", &format!("<urn:Name>Many {i}</urn:Name>")))
        .collect();
    o.advance_minutes(2);
    let (start, end) = ("2040-01-01T10:00:00Z", "2040-01-01T10:02:00Z");
    o.f.control(json!({"replication_id_limit": 2}));
    let (st, b) = o.replication_call("getUpdated", "Account", start, end);
    assert_eq!(fault_code(st, &b), "EXCEEDED_ID_LIMIT");
    let (st, v) = o.rest("Account", "updated", start, end);
    assert_eq!(
        (st, v[0]["errorCode"].as_str()),
        (400, Some("EXCEEDED_ID_LIMIT"))
    );
    o.f.control(json!({"replication_id_limit": 3}));
    assert_eq!(o.get_updated("Account", start, end).0.len(), 3);

    for id in &ids {
        o.delete(id);
    }
    o.advance_minutes(2);
    let (start, end) = ("2040-01-01T10:02:00Z", "2040-01-01T10:04:00Z");
    o.f.control(json!({"replication_id_limit": 2}));
    let (st, b) = o.replication_call("getDeleted", "Account", start, end);
    assert_eq!(fault_code(st, &b), "EXCEEDED_ID_LIMIT");
    let (st, v) = o.rest("Account", "deleted", start, end);
    assert_eq!(
        (st, v[0]["errorCode"].as_str()),
        (400, Some("EXCEEDED_ID_LIMIT"))
    );
    o.f.control(json!({"replication_id_limit": 600000}));
    assert_eq!(o.get_deleted("Account", start, end).0.len(), 3);
}

#[test]
fn only_known_replicateable_objects() {
    let o = org();
    o.advance_minutes(2);
    let (start, end) = ("2040-01-01T10:00:00Z", "2040-01-01T10:02:00Z");
    for call in ["getUpdated", "getDeleted"] {
        let (st, b) = o.replication_call(call, "Organization", start, end);
        assert_eq!(fault_code(st, &b), "INVALID_TYPE");
        assert!(b.contains("not replicateable"), "{b}");
        let (st, b) = o.replication_call(call, "Nope__c", start, end);
        assert_eq!(fault_code(st, &b), "INVALID_TYPE");
        assert!(b.contains("xsi:type=\"sf:InvalidSObjectFault\""), "{b}");
    }
    let (st, v) = o.rest("Nope__c", "updated", start, end);
    assert_eq!((st, v[0]["errorCode"].as_str()), (404, Some("NOT_FOUND")));
    let (st, v) = o.rest("Organization", "deleted", start, end);
    assert_eq!(
        (st, v[0]["errorCode"].as_str()),
        (400, Some("INVALID_TYPE"))
    );
}

#[test]
fn clock_control_moves_server_time_and_new_stamps() {
    let f = start(&["--generate", "accounts=1,owners=1"]);
    let (sid, url) = f.login();
    let ts = || {
        let (st, b) = f.soap(&url, &call(&sid, None, "<urn:getServerTimestamp/>"));
        assert_eq!(st, 200, "{b}");
        between(&b, "<timestamp>", "</timestamp>")
    };
    assert!(ts().as_str() < "2040", "starts at wall time");
    let v = f.control(json!({"clock": {"set": "2040-06-30T23:00:00Z"}}));
    assert!(
        v["now"].as_str().unwrap().starts_with("2040-06-30T23:00:0"),
        "{v}"
    );
    assert!(ts().starts_with("2040-06-30T23:00:0"));
    let v = f.control(json!({"clock": {"advance_seconds": 3600}}));
    assert!(
        v["now"].as_str().unwrap().starts_with("2040-07-01T00:00:0"),
        "{v}"
    );
    assert!(ts().starts_with("2040-07-01T00:00:0"));
    // new records get the org's time
    let created = f
        .http
        .post(f.s("data_url"))
        .json(&json!({"create": [{"type": "Account", "Name": "Tomorrow"}]}))
        .send()
        .unwrap()
        .json::<Value>()
        .unwrap();
    let id = created["created"][0].as_str().unwrap();
    let (_, b) = f.soap(
        &url,
        &call(
            &sid,
            None,
            &query_body(&format!(
                "SELECT CreatedDate, SystemModstamp FROM Account WHERE Id = '{id}'"
            )),
        ),
    );
    assert!(b.contains("<sf:CreatedDate>2040-07-01T00:00:0"), "{b}");
    assert!(b.contains("<sf:SystemModstamp>2040-07-01T00:00:0"), "{b}");
    // SOQL date literals follow the clock
    let (_, b) = f.soap(
        &url,
        &call(
            &sid,
            None,
            &query_body("SELECT Id FROM Account WHERE CreatedDate = TODAY"),
        ),
    );
    assert!(b.contains(id), "{b}");
    // never backwards; bad shapes are refused and change nothing
    let refuse = |v: Value| {
        let r = f.http.post(f.s("control_url")).json(&v).send().unwrap();
        assert_eq!(r.status().as_u16(), 400, "{v}");
        r.json::<Value>().unwrap()["error"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(refuse(json!({"clock": {"set": "2040-01-01T00:00:00Z"}})).contains("forward"));
    assert!(refuse(json!({"clock": {"advance_seconds": -5}})).contains("advance_seconds"));
    assert!(refuse(json!({"clock": {"set": "soon"}})).contains("dateTime"));
    assert!(
        refuse(json!({"clock": {"advance_seconds": 1, "set": "2041-01-01T00:00:00Z"}}))
            .contains("'clock' must be")
    );
    assert!(refuse(json!({"clock": 5, "latency_ms": 1})).contains("'clock' must be"));
    assert!(ts().starts_with("2040-07-01T00:00:0"));
    // the session survives a month's jump (sessions keep wall time)
    f.control(json!({"clock": {"advance_seconds": 31 * 86400}}));
    assert!(ts().starts_with("2040-08-01T00:00:0"));
}
