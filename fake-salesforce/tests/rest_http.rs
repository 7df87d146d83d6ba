//! REST query paging and errors; HTTP details: keep-alive, gzip both ways, chunked.

mod common;
use common::*;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::Value;
use std::io::{Read, Write};

#[test]
fn rest_query_paging_and_errors() {
    let f = start(&["--tls", "--generate", "accounts=2500,owners=3,contacts=20"]);
    let (sid, _) = f.login();
    let base = f.s("instance_url");
    let get = |path: &str, batch: Option<&str>| {
        let mut r = f.http.get(format!("{base}{path}")).bearer_auth(&sid);
        if let Some(b) = batch {
            r = r.header("Sforce-Query-Options", b);
        }
        r.send().unwrap()
    };
    let r = get(
        "/services/data/v64.0/query?q=SELECT+Id,Name,Owner.Name,CreatedDate+FROM+Account",
        Some("batchSize=1000"),
    );
    assert_eq!(r.status().as_u16(), 200);
    assert!(r
        .headers()
        .get("sforce-limit-info")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("api-usage="));
    let v: Value = r.json().unwrap();
    assert_eq!(
        (v["totalSize"].as_u64(), v["done"].as_bool()),
        (Some(2500), Some(false))
    );
    assert_eq!(v["records"].as_array().unwrap().len(), 1000);
    let rec = &v["records"][0];
    assert_eq!(rec["attributes"]["type"], "Account");
    assert!(rec["CreatedDate"].as_str().unwrap().ends_with("+0000"));
    assert_eq!(rec["Owner"]["attributes"]["type"], "User");
    let mut next = v["nextRecordsUrl"].as_str().unwrap().to_string();
    assert!(next.starts_with("/services/data/v64.0/query/01g") && next.ends_with("-1000"));
    let mut total = 1000;
    loop {
        let v: Value = get(&next, None).json().unwrap();
        total += v["records"].as_array().unwrap().len();
        assert_eq!(v["totalSize"], 2500);
        match v.get("nextRecordsUrl") {
            Some(n) => next = n.as_str().unwrap().to_string(),
            None => {
                assert_eq!(v["done"], true);
                break;
            }
        }
    }
    assert_eq!(total, 2500);
    let v: Value = get(
        "/services/data/v64.0/query?q=SELECT+COUNT()+FROM+Account",
        None,
    )
    .json()
    .unwrap();
    assert_eq!(
        v,
        serde_json::json!({"totalSize": 2500, "done": true, "records": []})
    );
    let r = get("/services/data/v64.0/query?q=SELECT+Nme+FROM+Account", None);
    assert_eq!(r.status().as_u16(), 400);
    let v: Value = r.json().unwrap();
    assert_eq!(v[0]["errorCode"], "INVALID_FIELD");
    assert!(v[0]["message"]
        .as_str()
        .unwrap()
        .contains("ERROR at Row:1:Column:8"));
    let r = f
        .http
        .get(format!(
            "{base}/services/data/v64.0/query?q=SELECT+Id+FROM+Account"
        ))
        .bearer_auth("nope")
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        r.json::<Value>().unwrap()[0]["errorCode"],
        "INVALID_SESSION_ID"
    );
    let v: Value = get("/services/data/v64.0/sobjects/Account/describe", None)
        .json()
        .unwrap();
    assert_eq!(v["keyPrefix"], "001");
    assert!(v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["name"] == "OwnerId" && x["relationshipName"] == "Owner"));
    let v: Value = get("/services/data/v64.0/sobjects", None).json().unwrap();
    assert!(v["sobjects"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["name"] == "AccountContactRelation"));
}

#[test]
fn keep_alive_gzip_and_chunked() {
    let f = start(&["--generate", "accounts=3000,owners=2"]);
    let (sid, _) = f.login();
    let mut raw = Raw::connect(f.port());
    let env = call(
        &sid,
        None,
        &query_body("SELECT Id, Name, BillingCity FROM Account"),
    );
    // gzip request body, plain response (not asked for gzip), chunked because large
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(env.as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    let path = "/services/Soap/u/64.0/00D5g000004Cq9Z";
    let r = raw
        .send(
            "POST",
            path,
            &[("Content-Type", "text/xml"), ("Content-Encoding", "gzip")],
            &gz,
        )
        .unwrap();
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-encoding").is_none(),
        "no gzip unless asked"
    );
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    assert!(String::from_utf8(r.body)
        .unwrap()
        .ends_with("</soapenv:Envelope>"));
    // same connection: gzip response when asked
    let r = raw
        .send(
            "POST",
            path,
            &[
                ("Content-Type", "text/xml"),
                ("Accept-Encoding", "gzip, deflate"),
            ],
            env.as_bytes(),
        )
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    let mut text = String::new();
    GzDecoder::new(&r.body[..])
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.contains("<size>3000</size>"));
    // small response: Content-Length; Connection: close ends the connection
    let r = raw
        .send("GET", "/_fake/health", &[("Connection", "close")], b"")
        .unwrap();
    assert_eq!(r.header("content-length"), Some("11"));
    assert!(raw.send("GET", "/_fake/health", &[], b"").is_err());
    assert!(f.stats()["connections"].as_u64().unwrap() >= 2);
}

#[test]
fn chunked_request_bodies_expect_continue_and_locator_expiry() {
    let f = start(&["--generate", "accounts=450,owners=1", "--locator-ttl", "0"]);
    let (sid, _) = f.login();
    let env = call(&sid, Some(200), &query_body("SELECT Id FROM Account"));
    let path = "/services/Soap/u/64.0";
    // a chunked request body
    let mut raw = Raw::connect(f.port());
    let (a, b) = env.as_bytes().split_at(env.len() / 2);
    let mut req = format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: text/xml\r\n\r\n").into_bytes();
    for part in [a, b] {
        req.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        req.extend_from_slice(part);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    raw.stream.write_all(&req).unwrap();
    let r = raw.read_response().unwrap();
    assert_eq!(r.status, 200);
    let body = String::from_utf8(r.body).unwrap();
    let loc = between(&body, "<queryLocator>", "</queryLocator>");
    std::thread::sleep(std::time::Duration::from_millis(5));
    // Expect: 100-continue gets its interim answer before the body is sent
    let mut raw = Raw::connect(f.port());
    let more = call(
        &sid,
        None,
        &format!("<urn:queryMore><urn:queryLocator>{loc}</urn:queryLocator></urn:queryMore>"),
    );
    let head = format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n", more.len());
    raw.stream.write_all(head.as_bytes()).unwrap();
    let interim = raw.read_response().unwrap();
    assert_eq!(interim.status, 100);
    raw.stream.write_all(more.as_bytes()).unwrap();
    let r = raw.read_response().unwrap();
    // --locator-ttl 0: the locator has expired by now
    assert_eq!(r.status, 500);
    assert!(String::from_utf8(r.body)
        .unwrap()
        .contains("INVALID_QUERY_LOCATOR"));
}
