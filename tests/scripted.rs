//! Client behaviour against scripted SOAP answers on plain loopback HTTP:
//! re-login on INVALID_SESSION_ID, expired passwords, incomplete paging.
//! (The fake-based tests cover the same over HTTPS; these pin the exact
//! request sequence.)

mod common;

use common::{ScriptServer, Scripted};
use serde_json::json;
use sfclient::ErrorKind;

const ENV_OPEN: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sf="urn:sobject.partner.soap.sforce.com">"#;

fn login_ok(port: u16, expired: bool) -> Scripted {
    Scripted::ok(&format!(
        "{ENV_OPEN}<soapenv:Body><loginResponse><result>\
         <metadataServerUrl>http://127.0.0.1:{port}/services/Soap/m/64.0/00D000000000001</metadataServerUrl>\
         <passwordExpired>{expired}</passwordExpired><sandbox>false</sandbox>\
         <serverUrl>http://127.0.0.1:{port}/services/Soap/u/64.0/00D000000000001</serverUrl>\
         <sessionId>00D000000000001!AQ0AQScriptedSessionTokenValue</sessionId>\
         <userId>005000000000001AAA</userId><userInfo>\
         <organizationId>00D000000000001AAA</organizationId><userId>005000000000001AAA</userId>\
         <userName>user@example.com</userName><sessionSecondsValid>7200</sessionSecondsValid>\
         </userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>"
    ))
}

fn fault(code: &str, msg: &str) -> Scripted {
    Scripted::status(
        500,
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{code}: {msg}</faultstring><detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>{code}</sf:exceptionCode><sf:exceptionMessage>{msg}</sf:exceptionMessage></sf:UnexpectedErrorFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#
        ),
    )
}

fn query_page(done: bool, locator: Option<&str>, size: usize, ids: &[&str]) -> Scripted {
    page("queryResponse", done, locator, size, ids)
}

fn more_page(done: bool, locator: Option<&str>, size: usize, ids: &[&str]) -> Scripted {
    page("queryMoreResponse", done, locator, size, ids)
}

fn page(element: &str, done: bool, locator: Option<&str>, size: usize, ids: &[&str]) -> Scripted {
    let loc = match locator {
        Some(l) => format!("<queryLocator>{l}</queryLocator>"),
        None => r#"<queryLocator xsi:nil="true"/>"#.to_string(),
    };
    let recs: String = ids
        .iter()
        .map(|id| format!(r#"<records xsi:type="sf:sObject"><sf:type>Account</sf:type><sf:Id>{id}</sf:Id><sf:Id>{id}</sf:Id></records>"#))
        .collect();
    Scripted::ok(&format!(
        "{ENV_OPEN}<soapenv:Header><LimitInfoHeader><limitInfo><current>42</current><limit>15000</limit>\
         <type>API REQUESTS</type></limitInfo></LimitInfoHeader></soapenv:Header><soapenv:Body>\
         <{element}><result><done>{done}</done>{loc}{recs}<size>{size}</size></result></{element}>\
         </soapenv:Body></soapenv:Envelope>"
    ))
}

fn start(script: impl FnOnce(u16) -> Vec<Scripted>) -> ScriptServer {
    ScriptServer::start_with(script)
}

fn client(srv: &ScriptServer) -> sfclient::Client {
    common::client_from(&json!({
        "username": "user@example.com", "password": "pw", "security_token": "tok",
        "login_url": srv.url("/services/Soap/u/64.0"),
    }))
}

#[test]
fn relogin_once_on_invalid_session_then_repeat() {
    let srv = start(|p| {
        vec![
            login_ok(p, false),
            fault(
                "INVALID_SESSION_ID",
                "Invalid Session ID found in SessionHeader: Illegal Session",
            ),
            login_ok(p, false),
            query_page(true, None, 1, &["001000000000001AAA"]),
        ]
    });
    let mut c = client(&srv);
    let page = c
        .call("query", &json!({"soql": "SELECT Id FROM Account"}))
        .unwrap();
    assert_eq!(page["size"], 1);
    let usage = c.call("usage", &json!({})).unwrap();
    assert_eq!(usage["logins"], 2);
    assert_eq!(usage["api_calls"], 2);
    assert_eq!(
        usage["limit_info"],
        json!({"current": 42, "limit": 15000, "type": "API REQUESTS"})
    );
    let heads = srv.heads.lock().unwrap().clone();
    assert!(
        heads[0].starts_with("POST /services/Soap/u/64.0 "),
        "{}",
        heads[0]
    );
    assert!(
        heads[1].starts_with("POST /services/Soap/u/64.0/00D000000000001 "),
        "{}",
        heads[1]
    );
    assert!(heads[3].starts_with("POST /services/Soap/u/64.0/00D000000000001 "));
}

#[test]
fn a_second_invalid_session_is_returned() {
    let srv = start(|p| {
        vec![
            login_ok(p, false),
            fault("INVALID_SESSION_ID", "Illegal Session"),
            login_ok(p, false),
            fault("INVALID_SESSION_ID", "Illegal Session"),
            login_ok(p, false),
        ]
    });
    let mut c = client(&srv);
    let e = c
        .call("query", &json!({"soql": "SELECT Id FROM Account"}))
        .unwrap_err();
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_SESSION_ID"));
    assert_eq!(srv.requests(), 4, "one re-login, one repeat, no more");
}

#[test]
fn expired_password_fails_login() {
    let srv = start(|p| vec![login_ok(p, true)]);
    let e = client(&srv).call("login", &json!({})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert_eq!(e.context, "login");
    assert!(e.message.contains("SalesForceModule::AuthUser"), "{e}");
    assert!(e.message.contains("expired"), "{e}");
}

#[test]
fn short_result_is_an_error() {
    let srv = start(|p| {
        vec![
            login_ok(p, false),
            query_page(false, Some("01g000000000001-1"), 3, &["001000000000001AAA"]),
            more_page(true, None, 3, &["001000000000002AAA"]),
        ]
    });
    let mut c = client(&srv);
    let e = c
        .call(
            "query_all_pages",
            &json!({"soql": "SELECT Id FROM Account"}),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(
        e.message.contains("announced 3 records but 2 arrived"),
        "{e}"
    );
}

#[test]
fn page_without_locator_is_an_error() {
    let srv = start(|p| {
        vec![
            login_ok(p, false),
            query_page(false, None, 3, &["001000000000001AAA"]),
        ]
    });
    let mut c = client(&srv);
    let e = c
        .call(
            "query_all_pages",
            &json!({"soql": "SELECT Id FROM Account"}),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert_eq!(e.context, "query page 1");
}

#[test]
fn invalid_locator_is_not_retried_and_says_restart() {
    let srv = start(|p| {
        vec![
            login_ok(p, false),
            query_page(false, Some("01g000000000001-1"), 2, &["001000000000001AAA"]),
            fault("INVALID_QUERY_LOCATOR", "invalid query locator"),
            more_page(true, None, 2, &["001000000000002AAA"]),
        ]
    });
    let mut c = client(&srv);
    let e = c
        .call(
            "query_all_pages",
            &json!({"soql": "SELECT Id FROM Account"}),
        )
        .unwrap_err();
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_QUERY_LOCATOR"));
    assert_eq!(e.context, "query page 2 (queryMore)");
    assert!(e.message.contains("restart the query"), "{e}");
    assert_eq!(srv.requests(), 3);
}

#[test]
fn transient_fault_is_retried() {
    let srv = start(|p| {
        vec![
            login_ok(p, false),
            fault("SERVER_UNAVAILABLE", "down for maintenance"),
            query_page(true, None, 1, &["001000000000001AAA"]),
        ]
    });
    let mut c = client(&srv);
    let page = c
        .call("query", &json!({"soql": "SELECT Id FROM Account"}))
        .unwrap();
    assert_eq!(page["size"], 1);
    assert_eq!(c.call("usage", &json!({})).unwrap()["retries"], 1);
}

#[test]
fn the_next_page_is_fetched_ahead_and_its_error_waits_for_its_turn() {
    use sfclient::query::{Api, QueryPager};
    let srv = start(|p| {
        vec![
            login_ok(p, false),
            query_page(false, Some("01g000000000001-1"), 3, &["001000000000001AAA"]),
            more_page(false, Some("01g000000000001-2"), 3, &["001000000000002AAA"]),
            fault("INVALID_QUERY_LOCATOR", "invalid query locator"),
        ]
    });
    let mut c = client(&srv);
    let mut pager = QueryPager::new(Api::Soap, "SELECT Id FROM Account", false, 2000);
    let first = pager.next_page(&mut c).unwrap().unwrap();
    assert_eq!(first["records"][0]["Id"], "001000000000001AAA");
    // Login, page 1, and page 2 fetched while page 1 was decoded.
    assert_eq!(srv.requests(), 3);
    let second = pager.next_page(&mut c).unwrap().unwrap();
    assert_eq!(second["records"][0]["Id"], "001000000000002AAA");
    assert_eq!(srv.requests(), 4);
    // Page 3 failed while page 2 was decoded: reported now, for page 3.
    let e = pager.next_page(&mut c).unwrap_err();
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_QUERY_LOCATOR"));
    assert_eq!(e.context, "query page 3 (queryMore)");
    assert!(e.message.contains("restart the query"), "{e}");
    assert_eq!(srv.requests(), 4, "the failed page is not asked for twice");
}

#[test]
fn a_page_fetched_ahead_with_an_unconfirmed_locator_is_fetched_again() {
    use sfclient::query::{Api, QueryPager};
    // Page 1 names two locators: its start says "-A" (used to fetch ahead),
    // the full decode settles on "-B". The page fetched ahead is dropped and
    // the page is fetched again with "-B".
    let two_locators = Scripted::ok(&format!(
        "{ENV_OPEN}<soapenv:Body><queryResponse><result><done>false</done>\
         <queryLocator>01g000000000001-A</queryLocator>\
         <records xsi:type=\"sf:sObject\"><sf:type>Account</sf:type><sf:Id>001000000000001AAA</sf:Id></records>\
         <queryLocator>01g000000000001-B</queryLocator><size>2</size></result></queryResponse>\
         </soapenv:Body></soapenv:Envelope>"
    ));
    let srv = start(|p| {
        vec![
            login_ok(p, false),
            two_locators,
            more_page(true, None, 2, &["001000000000009AAA"]),
            more_page(true, None, 2, &["001000000000002AAA"]),
        ]
    });
    let mut c = client(&srv);
    let mut pager = QueryPager::new(Api::Soap, "SELECT Id FROM Account", false, 2000);
    let first = pager.next_page(&mut c).unwrap().unwrap();
    let decoded_locator = first["query_locator"].as_str().unwrap().to_string();
    let second = pager.next_page(&mut c).unwrap().unwrap();
    assert!(pager.next_page(&mut c).unwrap().is_none());
    assert_eq!(decoded_locator, "01g000000000001-B");
    assert_eq!(second["records"][0]["Id"], "001000000000002AAA");
    assert_eq!(srv.requests(), 4);
}
