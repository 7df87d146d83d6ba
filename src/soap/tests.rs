//! Tests of the SOAP codec against the payload shapes Salesforce sends
//! (doc/dev/PROTOCOL.md), plus hostile input.

use super::*;
use crate::error::ErrorKind;
use serde_json::json;

const ENV_OPEN: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sf="urn:sobject.partner.soap.sforce.com">"#;
const LIMIT_HEADER: &str = r#"<soapenv:Header><LimitInfoHeader><limitInfo><current>22092</current><limit>64000</limit><type>API REQUESTS</type></limitInfo></LimitInfoHeader></soapenv:Header>"#;

/// A data-call response envelope around `body` (with LimitInfoHeader).
fn data(body: &str) -> Vec<u8> {
    format!("{ENV_OPEN}{LIMIT_HEADER}<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>")
        .into_bytes()
}

fn fault(faultcode: &str, detail_type: &str, code: &str, msg: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>{faultcode}</faultcode><faultstring>{code}: {msg}</faultstring><detail><sf:{detail_type} xsi:type="sf:{detail_type}"><sf:exceptionCode>{code}</sf:exceptionCode><sf:exceptionMessage>{msg}</sf:exceptionMessage></sf:{detail_type}></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#
    )
    .into_bytes()
}

const LOGIN_OK: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <loginResponse>
   <result>
    <metadataServerUrl>https://acme.my.salesforce.com/services/Soap/m/64.0/00D000000000001</metadataServerUrl>
    <passwordExpired>false</passwordExpired>
    <sandbox>false</sandbox>
    <serverUrl>https://acme.my.salesforce.com/services/Soap/u/64.0/00D000000000001</serverUrl>
    <sessionId>00D000000000001!AQ0AQG7fake.session.token.value</sessionId>
    <userId>005000000000001AAA</userId>
    <userInfo>
     <accessibilityMode>false</accessibilityMode>
     <currencySymbol>$</currencySymbol>
     <orgAttachmentFileSizeLimit>5242880</orgAttachmentFileSizeLimit>
     <orgDefaultCurrencyIsoCode>USD</orgDefaultCurrencyIsoCode>
     <orgDisallowHtmlAttachments>false</orgDisallowHtmlAttachments>
     <orgHasPersonAccounts>false</orgHasPersonAccounts>
     <organizationId>00D000000000001AAA</organizationId>
     <organizationMultiCurrency>false</organizationMultiCurrency>
     <organizationName>Acme Inc.</organizationName>
     <profileId>00e000000000001AAA</profileId>
     <roleId xsi:nil="true"/>
     <sessionSecondsValid>7200</sessionSecondsValid>
     <userDefaultCurrencyIsoCode xsi:nil="true"/>
     <userEmail>user@example.com</userEmail>
     <userFullName>Jo Example</userFullName>
     <userId>005000000000001AAA</userId>
     <userLanguage>en_US</userLanguage>
     <userLocale>en_US</userLocale>
     <userName>user@example.com</userName>
     <userTimeZone>America/Los_Angeles</userTimeZone>
     <userType>Standard</userType>
     <userUiSkin>Theme3</userUiSkin>
    </userInfo>
   </result>
  </loginResponse>
 </soapenv:Body>
</soapenv:Envelope>"#;

const INVALID_LOGIN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:sf="urn:fault.partner.soap.sforce.com"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <soapenv:Fault>
   <faultcode>INVALID_LOGIN</faultcode>
   <faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring>
   <detail>
    <sf:LoginFault xsi:type="sf:LoginFault">
     <sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>
     <sf:exceptionMessage>Invalid username, password, security token; or user locked out.</sf:exceptionMessage>
    </sf:LoginFault>
   </detail>
  </soapenv:Fault>
 </soapenv:Body>
</soapenv:Envelope>"#;

const QUERY_PAGE: &str = r#"<queryResponse><result xsi:type="QueryResult"><done>false</done><queryLocator>01g5e00000AbCdEAAZ-2000</queryLocator><records xsi:type="sf:sObject"><sf:type>Account</sf:type><sf:Id>001000000000001AAA</sf:Id><sf:Name>Acme &amp; &lt;Sons&gt; &apos;Ltd&apos; Müller</sf:Name><sf:Phone xsi:nil="true"/><sf:IsDeleted>false</sf:IsDeleted><sf:AnnualRevenue>80.0</sf:AnnualRevenue><sf:Id>001000000000001AAA</sf:Id><sf:Owner xsi:type="sf:sObject"><sf:type>User</sf:type><sf:Id xsi:nil="true"/><sf:FirstName>Jo</sf:FirstName><sf:Manager xsi:type="sf:sObject"><sf:type>User</sf:type><sf:Id xsi:nil="true"/><sf:Email>boss@example.com</sf:Email></sf:Manager></sf:Owner><sf:Parent xsi:nil="true"/><sf:BillingAddress xsi:type="address"><city>Berlin</city><country>Germany</country><postalCode xsi:nil="true"/></sf:BillingAddress><sf:Contacts xsi:type="QueryResult"><done>true</done><queryLocator xsi:nil="true"/><records xsi:type="sf:sObject"><sf:type>Contact</sf:type><sf:Id xsi:nil="true"/><sf:FirstName>Liz</sf:FirstName></records><size>1</size></sf:Contacts><sf:Tasks xsi:nil="true"/><sf:Description></sf:Description></records><records xsi:type="sf:sObject"><sf:type>Account</sf:type><sf:Id xsi:nil="true"/><sf:Name>No Id</sf:Name></records><size>3000</size></result></queryResponse>"#;

#[test]
fn login_success() {
    let r = parse_login_response(200, LOGIN_OK.as_bytes()).unwrap();
    assert_eq!(
        r.session_id,
        "00D000000000001!AQ0AQG7fake.session.token.value"
    );
    assert_eq!(
        r.server_url,
        "https://acme.my.salesforce.com/services/Soap/u/64.0/00D000000000001"
    );
    assert_eq!(
        r.metadata_server_url.as_deref(),
        Some("https://acme.my.salesforce.com/services/Soap/m/64.0/00D000000000001")
    );
    assert_eq!(r.user_id, "005000000000001AAA");
    assert_eq!(r.org_id, "00D000000000001AAA");
    assert_eq!(r.user_name, "user@example.com");
    assert!(!r.password_expired);
    assert_eq!(r.session_seconds_valid, Some(7200));
    assert_eq!(r.user_info["roleId"], Value::Null);
    assert_eq!(r.user_info["accessibilityMode"], json!(false));
    assert_eq!(r.user_info["orgAttachmentFileSizeLimit"], json!(5242880));
    assert_eq!(r.user_info["currencySymbol"], json!("$"));
    assert_eq!(r.user_info["userFullName"], json!("Jo Example"));
    let dbg = format!("{r:?}");
    assert!(!dbg.contains("AQ0AQG7fake"), "{dbg}");
    assert!(dbg.contains("005000000000001AAA"));

    // Through the generic entry point: no session id in the JSON.
    let resp = parse_call_response("login", 200, LOGIN_OK.as_bytes()).unwrap();
    assert_eq!(resp.result["org_id"], json!("00D000000000001AAA"));
    assert!(!resp.result.to_string().contains("AQ0AQG7fake"));
    assert_eq!(resp.limit_info, None);
}

#[test]
fn login_password_expired_and_enterprise_namespace() {
    let body = LOGIN_OK
        .replace("<passwordExpired>false", "<passwordExpired>true")
        .replace(
            "urn:partner.soap.sforce.com",
            "urn:enterprise.soap.sforce.com",
        );
    let r = parse_login_response(200, body.as_bytes()).unwrap();
    assert!(r.password_expired);
}

#[test]
fn login_missing_pieces_are_protocol_errors() {
    let body = LOGIN_OK.replace(
        "<sessionId>00D000000000001!AQ0AQG7fake.session.token.value</sessionId>",
        "",
    );
    let e = parse_login_response(200, body.as_bytes()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(e.message.contains("sessionId"), "{e}");
    let e = parse_login_response(200, &data(QUERY_PAGE)).unwrap_err();
    assert!(e.message.contains("expected <loginResponse>"), "{e}");
}

#[test]
fn login_faults_are_auth() {
    let e = parse_login_response(500, INVALID_LOGIN.as_bytes()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_LOGIN"));
    assert_eq!(e.http_status, Some(500));
    assert_eq!(
        e.message,
        "Invalid username, password, security token; or user locked out."
    );
    assert_eq!(e.context, "login");

    // Prefixed faultcode, no detail: code after the last ':', faultstring
    // without its "CODE: " prefix.
    let body = INVALID_LOGIN
        .replace(
            "<faultcode>INVALID_LOGIN",
            "<faultcode>sf:LOGIN_MUST_USE_SECURITY_TOKEN",
        )
        .replace(
            "INVALID_LOGIN: Invalid",
            "LOGIN_MUST_USE_SECURITY_TOKEN: Invalid",
        );
    let start = body.find("<detail>").unwrap();
    let end = body.find("</detail>").unwrap() + "</detail>".len();
    let body = format!("{}{}", &body[..start], &body[end..]);
    let e = parse_login_response(500, body.as_bytes()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert_eq!(e.sf_code.as_deref(), Some("LOGIN_MUST_USE_SECURITY_TOKEN"));
    assert!(e.message.starts_with("Invalid username"), "{e}");

    // A LoginFault detail is Auth even outside login.
    let e = parse_fault(500, INVALID_LOGIN.as_bytes()).unwrap();
    assert_eq!(e.kind, ErrorKind::Auth);
}

#[test]
fn query_page_shapes() {
    let resp = parse_call_response("query", 200, &data(QUERY_PAGE)).unwrap();
    assert_eq!(
        resp.limit_info,
        Some(LimitInfo {
            current: 22092,
            limit: 64000,
            kind: "API REQUESTS".into()
        })
    );
    let page = resp.result;
    assert_eq!(page["done"], json!(false));
    assert_eq!(page["size"], json!(3000));
    assert_eq!(page["query_locator"], json!("01g5e00000AbCdEAAZ-2000"));
    let recs = page["records"].as_array().unwrap();
    assert_eq!(recs.len(), 2);
    assert_eq!(
        recs[0],
        json!({
            "type": "Account",
            "Id": "001000000000001AAA",
            "Name": "Acme & <Sons> 'Ltd' Müller",
            "Phone": null,
            "IsDeleted": "false",
            "AnnualRevenue": "80.0",
            "Owner": {"type": "User", "Id": null, "FirstName": "Jo",
                      "Manager": {"type": "User", "Id": null, "Email": "boss@example.com"}},
            "Parent": null,
            "BillingAddress": {"city": "Berlin", "country": "Germany", "postalCode": null},
            "Contacts": {"done": true, "size": 1, "records": [{"type": "Contact", "Id": null, "FirstName": "Liz"}]},
            "Tasks": null,
            "Description": ""
        })
    );
    assert_eq!(
        recs[1],
        json!({"type": "Account", "Id": null, "Name": "No Id"})
    );
}

#[test]
fn query_page_pretty_printed_and_other_prefixes() {
    // Indentation between elements, other prefixes, default namespace
    // bound differently: matched by URI/local name, not prefix.
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="urn:partner.soap.sforce.com"
   xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:o="urn:sobject.partner.soap.sforce.com">
 <env:Body>
  <p:queryAllResponse>
   <p:result i:type="p:QueryResult">
    <p:done>true</p:done>
    <p:queryLocator i:nil="true"/>
    <p:records i:type="o:sObject">
     <o:type>Contact</o:type>
     <o:Id>003000000000001AAA</o:Id>
     <o:Name> spaced value </o:Name>
     <o:Account i:nil="1"/>
    </p:records>
    <p:size>1</p:size>
   </p:result>
  </p:queryAllResponse>
 </env:Body>
</env:Envelope>"#;
    let page = parse_call_response("queryAll", 200, body.as_bytes())
        .unwrap()
        .result;
    assert_eq!(
        page,
        json!({"done": true, "size": 1, "query_locator": null, "records": [
            {"type": "Contact", "Id": "003000000000001AAA", "Name": " spaced value ", "Account": null}
        ]})
    );
}

#[test]
fn xsi_matched_by_uri_not_prefix() {
    // `x:nil` bound to the XSI URI counts; `xsi:nil` bound elsewhere does
    // not; an undeclared `xsi:` prefix is taken as XSI.
    let body = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:x="http://www.w3.org/2001/XMLSchema-instance" xmlns:o="urn:other"><s:Body><queryResponse><result><done>true</done><queryLocator x:nil="true"/><records><type>A</type><Id x:nil="true"/><B o:nil="true"/><C xsi:nil="true"/></records><size>1</size></result></queryResponse></s:Body></s:Envelope>"#;
    let page = parse_call_response("query", 200, body.as_bytes())
        .unwrap()
        .result;
    assert_eq!(
        page["records"][0],
        json!({"type": "A", "Id": null, "B": "", "C": null})
    );
    let body = body.replace("xmlns:o=\"urn:other\"", "xmlns:xsi=\"urn:other\"");
    let page = parse_call_response("query", 200, body.as_bytes())
        .unwrap()
        .result;
    assert_eq!(page["records"][0]["C"], json!(""));
}

#[test]
fn query_size_zero_and_query_more() {
    let body = data(
        r#"<queryResponse><result xsi:type="QueryResult"><done>true</done><queryLocator xsi:nil="true"/><size>0</size></result></queryResponse>"#,
    );
    let page = parse_call_response("query", 200, &body).unwrap().result;
    assert_eq!(
        page,
        json!({"done": true, "size": 0, "query_locator": null, "records": []})
    );
    let body = data(&QUERY_PAGE.replace("queryResponse", "queryMoreResponse"));
    let page = parse_call_response("queryMore", 200, &body).unwrap().result;
    assert_eq!(page["records"].as_array().unwrap().len(), 2);
    // The wrong response element is refused.
    let e = parse_call_response("queryMore", 200, &data(QUERY_PAGE)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(e.message.contains("expected <queryMoreResponse>"), "{e}");
}

#[test]
fn query_page_invariants_checked() {
    let e = parse_call_response(
        "query",
        200,
        &data(r#"<queryResponse><result><done>false</done><queryLocator xsi:nil="true"/><size>5</size></result></queryResponse>"#),
    )
    .unwrap_err();
    assert!(e.message.contains("no queryLocator"), "{e}");
    let e = parse_call_response(
        "query",
        200,
        &data(
            r#"<queryResponse><result><done>true</done><size>many</size></result></queryResponse>"#,
        ),
    )
    .unwrap_err();
    assert!(e.message.contains("size"), "{e}");
    let e = parse_call_response("query", 200, &data("<queryResponse/>")).unwrap_err();
    assert!(e.message.contains("no <result>"), "{e}");
}

#[test]
fn child_subquery_with_locator_keeps_it() {
    let body = data(
        r#"<queryResponse><result><done>true</done><queryLocator xsi:nil="true"/><records xsi:type="sf:sObject"><sf:type>Account</sf:type><sf:Id xsi:nil="true"/><sf:Contacts xsi:type="QueryResult"><done>false</done><queryLocator>01gX-200</queryLocator><records xsi:type="sf:sObject"><sf:type>Contact</sf:type><sf:Id xsi:nil="true"/></records><size>900</size></sf:Contacts></records><size>1</size></result></queryResponse>"#,
    );
    let page = parse_call_response("query", 200, &body).unwrap().result;
    assert_eq!(
        page["records"][0]["Contacts"],
        json!({"done": false, "size": 900, "query_locator": "01gX-200", "records": [{"type": "Contact", "Id": null}]})
    );
}

#[test]
fn aggregate_results_typed_by_xsi_type() {
    let body = data(
        r#"<queryResponse><result><done>true</done><queryLocator xsi:nil="true"/><records xsi:type="sf:sObject"><sf:type>AggregateResult</sf:type><sf:Id xsi:nil="true"/><sf:CampaignId>701000000000001AAA</sf:CampaignId><sf:expr0 xsi:type="xsd:int">300</sf:expr0><sf:expr1 xsi:type="xsd:double">1.5</sf:expr1><sf:expr2 xsi:type="xsd:boolean">true</sf:expr2><sf:expr3>42</sf:expr3></records><size>1</size></result></queryResponse>"#,
    );
    let page = parse_call_response("query", 200, &body).unwrap().result;
    assert_eq!(
        page["records"][0],
        json!({"type": "AggregateResult", "Id": null, "CampaignId": "701000000000001AAA",
               "expr0": 300, "expr1": 1.5, "expr2": true, "expr3": "42"})
    );
}

#[test]
fn save_results() {
    let body = data(
        r#"<createResponse><result><id>001000000000001AAA</id><success>true</success></result><result><errors><fields>Name</fields><fields>Phone</fields><message>Required fields are missing: [Name]</message><statusCode>REQUIRED_FIELD_MISSING</statusCode></errors><id xsi:nil="true"/><success>false</success></result></createResponse>"#,
    );
    let resp = parse_call_response("create", 200, &body).unwrap();
    assert_eq!(
        resp.result,
        json!({"results": [
            {"id": "001000000000001AAA", "success": true, "errors": []},
            {"id": null, "success": false, "errors": [
                {"statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [Name]", "fields": ["Name", "Phone"]}
            ]}
        ]})
    );
    assert!(resp.limit_info.is_some());

    let body = data(
        r#"<updateResponse><result><errors><message>bad id 006i000004DAKd</message><statusCode>MALFORMED_ID</statusCode></errors><id xsi:nil="true"/><success>false</success></result></updateResponse>"#,
    );
    let r = parse_call_response("update", 200, &body).unwrap().result;
    assert_eq!(r["results"][0]["errors"][0]["fields"], json!([]));
    assert_eq!(
        r["results"][0]["errors"][0]["statusCode"],
        json!("MALFORMED_ID")
    );

    let body = data(
        r#"<upsertResponse><result><created>true</created><id>001000000000001AAA</id><success>true</success></result><result><created>false</created><id>001000000000002AAA</id><success>true</success></result></upsertResponse>"#,
    );
    let r = parse_call_response("upsert", 200, &body).unwrap().result;
    assert_eq!(
        r,
        json!({"results": [
            {"created": true, "id": "001000000000001AAA", "success": true, "errors": []},
            {"created": false, "id": "001000000000002AAA", "success": true, "errors": []}
        ]})
    );

    let body = data(
        r#"<deleteResponse><result><id>001000000000001AAA</id><success>true</success></result><result><errors><message>insufficient access rights on cross-reference id</message><statusCode>INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY</statusCode></errors><id>001000000000002AAA</id><success>false</success></result></deleteResponse>"#,
    );
    let r = parse_call_response("delete", 200, &body).unwrap().result;
    assert_eq!(r["results"][1]["success"], json!(false));
    assert_eq!(r["results"][1]["id"], json!("001000000000002AAA"));
}

#[test]
fn retrieve_and_search() {
    let body = data(
        r#"<retrieveResponse><result xsi:type="sf:sObject"><sf:type>Account</sf:type><sf:Id>001000000000001AAA</sf:Id><sf:Name>Acme</sf:Name></result><result xsi:nil="true"/></retrieveResponse>"#,
    );
    let r = parse_call_response("retrieve", 200, &body).unwrap().result;
    assert_eq!(
        r,
        json!({"records": [{"type": "Account", "Id": "001000000000001AAA", "Name": "Acme"}, null]})
    );
    let body = data(
        r#"<searchResponse><result><queryId>x</queryId><searchRecords><record xsi:type="sf:sObject"><sf:type>Account</sf:type><sf:Id>001000000000001AAA</sf:Id><sf:Name>Acme</sf:Name></record></searchRecords><searchResultsMetadata/></result></searchResponse>"#,
    );
    let r = parse_call_response("search", 200, &body).unwrap().result;
    assert_eq!(
        r,
        json!({"records": [{"type": "Account", "Id": "001000000000001AAA", "Name": "Acme"}]})
    );
    let r = parse_call_response(
        "search",
        200,
        &data("<searchResponse><result/></searchResponse>"),
    )
    .unwrap()
    .result;
    assert_eq!(r, json!({"records": []}));
}

#[test]
fn describe_global_and_sobject() {
    let body = data(
        r#"<describeGlobalResponse><result><encoding>UTF-8</encoding><maxBatchSize>200</maxBatchSize><sobjects><activateable>false</activateable><createable>true</createable><custom>false</custom><keyPrefix>001</keyPrefix><label>Account</label><labelPlural>Accounts</labelPlural><name>Account</name><queryable>true</queryable></sobjects></result></describeGlobalResponse>"#,
    );
    let r = parse_call_response("describeGlobal", 200, &body)
        .unwrap()
        .result;
    assert_eq!(
        r,
        json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": [
            {"activateable": false, "createable": true, "custom": false, "keyPrefix": "001",
             "label": "Account", "labelPlural": "Accounts", "name": "Account", "queryable": true}
        ]})
    );
    let body = data(
        r#"<describeSObjectResponse><result><createable>true</createable><fields><byteLength>54</byteLength><defaultValue xsi:type="xsd:boolean">false</defaultValue><label>true</label><length>18</length><name>Id</name><nillable>false</nillable><picklistValues><active>true</active><label>Yes</label><value>true</value></picklistValues><referenceTo>User</referenceTo><soapType>tns:ID</soapType><type>id</type></fields><fields><length>255</length><name>Name</name><nillable>true</nillable><soapType>xsd:string</soapType><type>string</type></fields><keyPrefix>001</keyPrefix><label>Account</label><name>Account</name></result></describeSObjectResponse>"#,
    );
    let r = parse_call_response("describeSObject", 200, &body)
        .unwrap()
        .result;
    let f = &r["fields"];
    assert_eq!(f.as_array().unwrap().len(), 2);
    assert_eq!(f[0]["length"], json!(18));
    assert_eq!(f[0]["nillable"], json!(false));
    assert_eq!(f[0]["defaultValue"], json!(false));
    assert_eq!(f[0]["label"], json!("true"));
    assert_eq!(f[0]["referenceTo"], json!(["User"]));
    assert_eq!(
        f[0]["picklistValues"],
        json!([{"active": true, "label": "Yes", "value": "true"}])
    );
    assert_eq!(f[1]["soapType"], json!("xsd:string"));
    assert_eq!(r["keyPrefix"], json!("001"));

    let body = data(
        r#"<describeSObjectsResponse><result><name>Account</name></result><result><name>Contact</name></result></describeSObjectsResponse>"#,
    );
    let r = parse_call_response("describeSObjects", 200, &body)
        .unwrap()
        .result;
    assert_eq!(
        r,
        json!({"results": [{"name": "Account"}, {"name": "Contact"}]})
    );
    let body = data(
        r#"<describeTabsResponse><result><label>Sales</label><selected>true</selected><tabs><label>Accounts</label></tabs></result></describeTabsResponse>"#,
    );
    let r = parse_call_response("describeTabs", 200, &body)
        .unwrap()
        .result;
    assert_eq!(
        r,
        json!({"tab_sets": [{"label": "Sales", "selected": true, "tabs": [{"label": "Accounts"}]}]})
    );
}

#[test]
fn get_updated_deleted_timestamp_userinfo() {
    let body = data(
        r#"<getUpdatedResponse><result><ids>001000000000001AAA</ids><ids>001000000000002AAA</ids><latestDateCovered>2024-01-01T23:59:00.000Z</latestDateCovered></result></getUpdatedResponse>"#,
    );
    let r = parse_call_response("getUpdated", 200, &body)
        .unwrap()
        .result;
    assert_eq!(
        r,
        json!({"ids": ["001000000000001AAA", "001000000000002AAA"], "latest_date_covered": "2024-01-01T23:59:00.000Z"})
    );
    let body = data(
        r#"<getDeletedResponse><result><deletedRecords><deletedDate>2024-01-01T10:00:00.000Z</deletedDate><id>001000000000003AAA</id></deletedRecords><earliestDateAvailable>2023-12-01T00:00:00.000Z</earliestDateAvailable><latestDateCovered>2024-01-02T00:00:00.000Z</latestDateCovered></result></getDeletedResponse>"#,
    );
    let r = parse_call_response("getDeleted", 200, &body)
        .unwrap()
        .result;
    assert_eq!(
        r,
        json!({"deleted": [{"id": "001000000000003AAA", "deleted_date": "2024-01-01T10:00:00.000Z"}],
               "earliest_date_available": "2023-12-01T00:00:00.000Z",
               "latest_date_covered": "2024-01-02T00:00:00.000Z"})
    );
    let body = data(
        r#"<getServerTimestampResponse><result><timestamp>2024-01-31T12:00:00.000Z</timestamp></result></getServerTimestampResponse>"#,
    );
    let r = parse_call_response("getServerTimestamp", 200, &body)
        .unwrap()
        .result;
    assert_eq!(r, json!({"timestamp": "2024-01-31T12:00:00.000Z"}));
    let body = data(
        r#"<getUserInfoResponse><result><organizationId>00D000000000001AAA</organizationId><roleId xsi:nil="true"/><sessionSecondsValid>7200</sessionSecondsValid><userName>u@example.com</userName><accessibilityMode>false</accessibilityMode></result></getUserInfoResponse>"#,
    );
    let r = parse_call_response("getUserInfo", 200, &body)
        .unwrap()
        .result;
    assert_eq!(
        r,
        json!({"organizationId": "00D000000000001AAA", "roleId": null, "sessionSecondsValid": 7200,
               "userName": "u@example.com", "accessibilityMode": false})
    );
}

#[test]
fn convert_lead_passwords_logout() {
    let body = data(
        r#"<convertLeadResponse><result><accountId>001000000000001AAA</accountId><contactId>003000000000001AAA</contactId><leadId>00Q000000000001AAA</leadId><opportunityId xsi:nil="true"/><success>true</success></result></convertLeadResponse>"#,
    );
    let r = parse_call_response("convertLead", 200, &body)
        .unwrap()
        .result;
    assert_eq!(
        r,
        json!({"results": [{"accountId": "001000000000001AAA", "contactId": "003000000000001AAA",
               "leadId": "00Q000000000001AAA", "opportunityId": null, "success": true, "errors": []}]})
    );
    let r = parse_call_response(
        "setPassword",
        200,
        &data("<setPasswordResponse><result/></setPasswordResponse>"),
    )
    .unwrap()
    .result;
    assert_eq!(r, json!({}));
    let r = parse_call_response(
        "resetPassword",
        200,
        &data("<resetPasswordResponse><result><password>gen&amp;Pw1</password></result></resetPasswordResponse>"),
    )
    .unwrap()
    .result;
    assert_eq!(r, json!({"password": "gen&Pw1"}));
    let r = parse_call_response("logout", 200, &data("<logoutResponse/>"))
        .unwrap()
        .result;
    assert_eq!(r, json!({}));
}

#[test]
fn faults_map_to_kinds() {
    let body = fault(
        "sf:INVALID_SESSION_ID",
        "UnexpectedErrorFault",
        "INVALID_SESSION_ID",
        "Invalid Session ID found in SessionHeader: Illegal Session. Session not found, missing session key: 00D000000000001!AQ0AQG7fake.session.token",
    );
    let e = parse_call_response("query", 500, &body).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Salesforce);
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_SESSION_ID"));
    assert_eq!(e.http_status, Some(500));
    assert_eq!(e.context, "query");
    assert!(!e.to_string().contains("AQ0AQG7fake"), "{e}");
    assert!(e.message.contains("[redacted]"), "{e}");
    assert_eq!(parse_fault(500, &body).unwrap().sf_code, e.sf_code);

    let body = fault(
        "sf:REQUEST_LIMIT_EXCEEDED",
        "UnexpectedErrorFault",
        "REQUEST_LIMIT_EXCEEDED",
        "TotalRequests Limit exceeded.",
    );
    let e = parse_call_response("create", 500, &body).unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded);
    assert!(!e.is_transient());
    let body = fault(
        "sf:REQUEST_LIMIT_EXCEEDED",
        "UnexpectedErrorFault",
        "REQUEST_LIMIT_EXCEEDED",
        "ConcurrentPerOrgLongTxn Limit exceeded.",
    );
    assert!(parse_call_response("query", 500, &body)
        .unwrap_err()
        .is_transient());

    // INVALID_FIELD with &#10; newlines and &apos;, row/column detail.
    let body = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_FIELD</faultcode><faultstring>INVALID_FIELD: &#10;select adfId, Name from Contact&#10;       ^&#10;ERROR at Row:1:Column:8&#10;No such column &apos;adfId&apos; on entity &apos;Contact&apos;.</faultstring><detail><sf:InvalidFieldFault xsi:type="sf:InvalidFieldFault"><sf:exceptionCode>INVALID_FIELD</sf:exceptionCode><sf:exceptionMessage>&#10;select adfId, Name from Contact&#10;       ^&#10;ERROR at Row:1:Column:8&#10;No such column &apos;adfId&apos; on entity &apos;Contact&apos;.</sf:exceptionMessage><sf:row>1</sf:row><sf:column>8</sf:column></sf:InvalidFieldFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
    let e = parse_call_response("query", 500, body.as_bytes()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Salesforce);
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_FIELD"));
    assert!(e.message.starts_with("select adfId"), "{e}");
    assert!(e
        .message
        .contains("No such column 'adfId' on entity 'Contact'."));
    assert!(e.message.contains("\n       ^\n"));

    // Transport-level soapenv:Client fault without detail.
    let body = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>Unexpected element {}foo</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
    let e = parse_call_response("query", 500, body.as_bytes()).unwrap_err();
    assert_eq!(e.sf_code.as_deref(), Some("Client"));
    assert_eq!(e.message, "Unexpected element {}foo");

    // A fault on HTTP 200 is still a fault; a non-fault body is no fault.
    assert!(parse_call_response("query", 200, &fault("sf:X", "ApiFault", "X", "m")).is_err());
    assert!(parse_fault(200, &data(QUERY_PAGE)).is_none());
    assert!(parse_fault(502, b"<html></html>").is_none());
}

#[test]
fn non_soap_bodies() {
    let e = parse_call_response(
        "query",
        502,
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Http);
    assert_eq!(e.http_status, Some(502));
    assert!(e.message.contains("HTML"), "{e}");
    assert!(e.is_transient());

    let e = parse_call_response(
        "query",
        200,
        b"<!DOCTYPE html><html><body>login</body></html>",
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(e.message.contains("got HTML"), "{e}");

    let e = parse_call_response("query", 200, b"<html><body>proxy</body></html>").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(
        e.message
            .contains("not a SOAP envelope: got HTML (status 200)"),
        "{e}"
    );

    let e = parse_call_response("query", 200, b"").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(e.message.contains("empty"), "{e}");

    let e = parse_call_response("query", 200, br#"{"a":1}"#).unwrap_err();
    assert!(e.message.contains("JSON"), "{e}");

    // Wrong envelope namespace (SOAP 1.2).
    let body = data(QUERY_PAGE);
    let body = String::from_utf8(body).unwrap().replace(
        "http://schemas.xmlsoap.org/soap/envelope/",
        "http://www.w3.org/2003/05/soap-envelope",
    );
    let e = parse_call_response("query", 200, body.as_bytes()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(e.message.contains("not in the SOAP 1.1 namespace"), "{e}");

    // A 500 that is SOAP but no fault.
    let e = parse_call_response("query", 500, &data(QUERY_PAGE)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Http);

    let e = parse_call_response("sync_plan", 200, &data(QUERY_PAGE)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownMethod);
}

#[test]
fn hostile_inputs() {
    let check = |body: &[u8], needle: &str| {
        let e = parse_call_response("query", 200, body).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
        assert!(e.message.contains(needle), "{e:?} lacks {needle:?}");
        assert!(parse_fault(500, body).is_none());
        assert!(parse_login_response(200, body).is_err());
    };
    check(
        br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>&a;</soapenv:Body></soapenv:Envelope>"#,
        "DOCTYPE not allowed",
    );
    let mut laughs = String::from("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        laughs.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    laughs.push_str("]><lolz>&lol9;</lolz>");
    check(laughs.as_bytes(), "DOCTYPE not allowed");
    // An undeclared entity without DOCTYPE is refused, not expanded.
    let body = String::from_utf8(data(QUERY_PAGE))
        .unwrap()
        .replace("Müller", "&lol9;");
    check(body.as_bytes(), "entit");

    let full = data(QUERY_PAGE);
    check(&full[..full.len() / 2], "truncated");
    check(&full[..full.len() - 3], "");
    check(b"<a></b>", "malformed XML");
    let mut nul = full.clone();
    nul[200] = 0;
    check(&nul, "NUL byte");
    let mut bad = full.clone();
    bad[300] = 0xFF;
    check(&bad, "not valid UTF-8");

    let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    check(deep.as_bytes(), "nested deeper than 64");
    // Nesting just within the limit still parses (as a non-envelope).
    let ok_depth = format!("{}{}", "<a>".repeat(60), "</a>".repeat(60));
    check(ok_depth.as_bytes(), "not a SOAP envelope");
    check(b"<a/><b/>", "more than one root");
    let many_attrs = format!(
        "<a {}/>",
        (0..1000)
            .map(|i| format!("x{i}=\"1\""))
            .collect::<Vec<_>>()
            .join(" ")
    );
    check(many_attrs.as_bytes(), "more than 64 attributes");
    let many_ns = format!(
        "{}{}",
        (0..20).map(|i| format!("<a xmlns:p{i}=\"urn:{i}\" xmlns:q{i}=\"urn:{i}\" xmlns:r{i}=\"urn:{i}\" xmlns:s{i}=\"urn:{i}\">")).collect::<String>(),
        "</a>".repeat(20)
    );
    check(many_ns.as_bytes(), "namespace declarations");
    check(b"   ", "empty");
}

#[test]
fn huge_field_value() {
    let big = "x&amp;y".repeat(5 * 1024 * 1024 / 7);
    let body = data(&format!(
        r#"<queryResponse><result><done>true</done><queryLocator xsi:nil="true"/><records xsi:type="sf:sObject"><sf:type>Document</sf:type><sf:Id xsi:nil="true"/><sf:Body>{big}</sf:Body></records><size>1</size></result></queryResponse>"#
    ));
    let page = parse_call_response("query", 200, &body).unwrap().result;
    let v = page["records"][0]["Body"].as_str().unwrap();
    assert_eq!(v.len(), big.len() - 4 * (big.len() / 7));
    assert!(v.starts_with("x&yx&y"));
}

#[test]
fn large_page_decodes() {
    let mut body = String::from(
        r#"<queryResponse><result><done>false</done><queryLocator>01gA-2000</queryLocator>"#,
    );
    for i in 0..2000 {
        body.push_str(&format!(
            r#"<records xsi:type="sf:sObject"><sf:type>Account</sf:type><sf:Id>001{i:015}</sf:Id><sf:Id>001{i:015}</sf:Id><sf:Name>Acme {i}</sf:Name><sf:Phone xsi:nil="true"/><sf:Owner xsi:type="sf:sObject"><sf:type>User</sf:type><sf:Id xsi:nil="true"/><sf:Email>o{i}@example.com</sf:Email></sf:Owner></records>"#
        ));
    }
    body.push_str("<size>100000</size></result></queryResponse>");
    let page = parse_call_response("query", 200, &data(&body))
        .unwrap()
        .result;
    let recs = page["records"].as_array().unwrap();
    assert_eq!(recs.len(), 2000);
    assert_eq!(recs[1999]["Id"], json!(format!("001{:015}", 1999)));
    assert_eq!(recs[1999]["Owner"]["Email"], json!("o1999@example.com"));
    assert_eq!(page["size"], json!(100000));
}

// ---------------------------------------------------------------- requests

/// Parses a request envelope back into (qualified-name path, text) pairs
/// of its leaves, with namespaces resolved to URIs.
fn leaves(xml: &[u8]) -> Vec<(String, String)> {
    use quick_xml::events::Event;
    use quick_xml::name::ResolveResult;
    let text = std::str::from_utf8(xml).unwrap();
    let mut r = quick_xml::NsReader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut cur_text = String::new();
    loop {
        match r.read_resolved_event().unwrap() {
            (ns, Event::Start(s)) => {
                let uri = match ns {
                    ResolveResult::Bound(n) => String::from_utf8(n.as_ref().to_vec()).unwrap(),
                    _ => String::new(),
                };
                let local = String::from_utf8(s.local_name().as_ref().to_vec()).unwrap();
                path.push(format!("{{{uri}}}{local}"));
                cur_text.clear();
            }
            (_, Event::Text(t)) => cur_text.push_str(&t.unescape().unwrap()),
            (_, Event::End(_)) => {
                out.push((path.join("/"), std::mem::take(&mut cur_text)));
                path.pop();
            }
            (_, Event::Eof) => break,
            (_, Event::Empty(_)) => panic!("no empty elements expected"),
            _ => {}
        }
    }
    out
}

const ENV: &str = "{http://schemas.xmlsoap.org/soap/envelope/}";
const P: &str = "{urn:partner.soap.sforce.com}";
const S: &str = "{urn:sobject.partner.soap.sforce.com}";

fn find<'a>(l: &'a [(String, String)], suffix: &str) -> Vec<&'a str> {
    l.iter()
        .filter(|(p, _)| p.ends_with(suffix))
        .map(|(_, t)| t.as_str())
        .collect()
}

#[test]
fn escape_text_rules() {
    assert!(matches!(escape_text("plain Müller"), Cow::Borrowed(_)));
    assert_eq!(
        escape_text("a&b<c>d\"e'f\tg\nh\ri\u{1}j"),
        "a&amp;b&lt;c&gt;d&quot;e&apos;f&#9;g&#10;h&#13;i\u{FFFD}j"
    );
}

#[test]
fn login_request_round_trips_hostile_values() {
    let ns = Namespaces::default();
    let user = "o'brien&<co>@example.com";
    let pw = "p\"w<&>' ümlaut 密码\r\nTOKEN";
    let xml = login_request(&ns, user, pw);
    let l = leaves(&xml);
    assert_eq!(find(&l, &format!("{P}login/{P}username")), vec![user]);
    assert_eq!(find(&l, &format!("{P}login/{P}password")), vec![pw]);
    assert!(l.iter().all(|(p, _)| !p.contains("Header")));
    assert!(l
        .iter()
        .any(|(p, _)| p == &format!("{ENV}Envelope/{ENV}Body/{P}login")));
    let s = String::from_utf8(xml).unwrap();
    assert!(s.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(s.contains("xmlns:sforce=\"urn:partner.soap.sforce.com\""));
}

#[test]
fn custom_namespaces_and_prefix() {
    let ns = Namespaces {
        partner: "urn:custom.partner".into(),
        sobject: "urn:custom.sobject".into(),
        metadata: "http://x/m".into(),
        prefix: "p1".into(),
    };
    let xml = call_request(
        &ns,
        "create",
        &json!({"type": "Account", "records": [{"Name": "A"}]}),
        &RequestOptions {
            session_id: Some("SID"),
            ..Default::default()
        },
    )
    .unwrap();
    let l = leaves(&xml);
    let p = "{urn:custom.partner}";
    assert_eq!(
        find(
            &l,
            &format!("{p}create/{p}sObjects/{{urn:custom.sobject}}Name")
        ),
        vec!["A"]
    );
    assert!(String::from_utf8(xml).unwrap().contains("<p1:create>"));
    let bad = Namespaces {
        prefix: "1x".into(),
        ..Namespaces::default()
    };
    let e = call_request(&bad, "logout", &json!({}), &RequestOptions::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Config);
    assert!(e.message.contains("prefix"));
    // Empty prefix = default namespace.
    let ns = Namespaces {
        prefix: String::new(),
        ..Namespaces::default()
    };
    let l = leaves(&login_request(&ns, "u", "p"));
    assert_eq!(find(&l, &format!("{P}login/{P}username")), vec!["u"]);
}

#[test]
fn query_request_headers() {
    let ns = Namespaces::default();
    let opts = RequestOptions {
        session_id: Some("00D000000000001!AQ0secret"),
        batch_size: Some(5000),
        client_name: Some("SalesForce-Customer-Sync"),
    };
    assert!(!format!("{opts:?}").contains("AQ0secret"));
    let soql = "SELECT Id FROM Account WHERE Name = 'A & B <c>' AND City = 'Köln'";
    let xml = call_request(&ns, "query", &json!({"soql": soql}), &opts).unwrap();
    let l = leaves(&xml);
    let h = format!("{ENV}Envelope/{ENV}Header/");
    assert_eq!(
        find(&l, &format!("{h}{P}SessionHeader/{P}sessionId")),
        vec!["00D000000000001!AQ0secret"]
    );
    assert_eq!(
        find(&l, &format!("{h}{P}QueryOptions/{P}batchSize")),
        vec!["2000"]
    );
    assert_eq!(
        find(&l, &format!("{h}{P}CallOptions/{P}client")),
        vec!["SalesForce-Customer-Sync"]
    );
    assert_eq!(find(&l, &format!("{P}query/{P}queryString")), vec![soql]);

    let xml = call_request(
        &ns,
        "queryMore",
        &json!({"query_locator": "01gX-2000", "batch_size": 10}),
        &opts,
    )
    .unwrap();
    let l = leaves(&xml);
    assert_eq!(
        find(&l, &format!("{P}QueryOptions/{P}batchSize")),
        vec!["200"]
    );
    assert_eq!(
        find(&l, &format!("{P}queryMore/{P}queryLocator")),
        vec!["01gX-2000"]
    );

    // No QueryOptions on non-query calls.
    let l = leaves(&call_request(&ns, "describeGlobal", &json!({}), &opts).unwrap());
    assert!(find(&l, "batchSize").is_empty());
    assert!(l
        .iter()
        .any(|(p, _)| p.ends_with(&format!("{ENV}Body/{P}describeGlobal"))));
}

#[test]
fn save_requests() {
    let ns = Namespaces::default();
    let opts = RequestOptions {
        session_id: Some("SID"),
        ..Default::default()
    };
    let xml = call_request(
        &ns,
        "update",
        &json!({"type": "Account", "records": [
            {"Id": "001000000000001AAA", "Name": "Ä & <b> \"q\" 'a'", "Phone": null,
             "NumberOfEmployees": 5, "IsActive__c": true, "Rating": 4.5}
        ]}),
        &opts,
    )
    .unwrap();
    let l = leaves(&xml);
    let base = format!("{P}update/{P}sObjects/");
    assert_eq!(find(&l, &format!("{base}{S}type")), vec!["Account"]);
    assert_eq!(
        find(&l, &format!("{base}{S}Id")),
        vec!["001000000000001AAA"]
    );
    assert_eq!(find(&l, &format!("{base}{S}fieldsToNull")), vec!["Phone"]);
    assert_eq!(
        find(&l, &format!("{base}{S}Name")),
        vec!["Ä & <b> \"q\" 'a'"]
    );
    assert_eq!(find(&l, &format!("{base}{S}NumberOfEmployees")), vec!["5"]);
    assert_eq!(find(&l, &format!("{base}{S}IsActive__c")), vec!["true"]);
    assert_eq!(find(&l, &format!("{base}{S}Rating")), vec!["4.5"]);
    // WSDL order: type, fieldsToNull, Id, fields.
    let order: Vec<&str> = l
        .iter()
        .filter(|(p, _)| p.starts_with(&format!("{ENV}Envelope/{ENV}Body/{P}update/{P}sObjects/")))
        .map(|(p, _)| p.rsplit('}').next().unwrap())
        .collect();
    assert_eq!(&order[..3], &["type", "fieldsToNull", "Id"]);

    let xml = call_request(
        &ns,
        "upsert",
        &json!({"type": "Account", "external_id_field": "Ext__c", "records": [{"Ext__c": "X1", "Name": "N"}]}),
        &opts,
    )
    .unwrap();
    let l = leaves(&xml);
    assert_eq!(
        find(&l, &format!("{P}upsert/{P}externalIDFieldName")),
        vec!["Ext__c"]
    );
    assert_eq!(
        find(&l, &format!("{P}upsert/{P}sObjects/{S}Ext__c")),
        vec!["X1"]
    );

    let xml = call_request(&ns, "delete", &json!({"ids": ["001A", "001B"]}), &opts).unwrap();
    assert_eq!(
        find(&leaves(&xml), &format!("{P}delete/{P}ids")),
        vec!["001A", "001B"]
    );

    // Type from the records themselves.
    let xml = call_request(
        &ns,
        "create",
        &json!({"records": [{"type": "Contact", "LastName": "Ng"}]}),
        &opts,
    )
    .unwrap();
    assert_eq!(find(&leaves(&xml), &format!("{S}type")), vec!["Contact"]);
}

#[test]
fn other_requests() {
    let ns = Namespaces::default();
    let opts = RequestOptions {
        session_id: Some("SID"),
        batch_size: Some(500),
        ..Default::default()
    };
    let req = |m: &str, a: Value| leaves(&call_request(&ns, m, &a, &opts).unwrap());
    let l = req(
        "retrieve",
        json!({"fields": ["Id", "Name", "Owner.Email"], "type": "Account", "ids": ["001A", "001B"]}),
    );
    assert_eq!(
        find(&l, &format!("{P}retrieve/{P}fieldList")),
        vec!["Id,Name,Owner.Email"]
    );
    assert_eq!(
        find(&l, &format!("{P}retrieve/{P}sObjectType")),
        vec!["Account"]
    );
    assert_eq!(
        find(&l, &format!("{P}retrieve/{P}ids")),
        vec!["001A", "001B"]
    );
    assert_eq!(find(&l, "batchSize"), vec!["500"]);
    let l = req(
        "search",
        json!({"sosl": "FIND {Acme & Co} RETURNING Account(Id)"}),
    );
    assert_eq!(
        find(&l, &format!("{P}search/{P}searchString")),
        vec!["FIND {Acme & Co} RETURNING Account(Id)"]
    );
    let l = req("describeSObjects", json!({"types": ["Account", "Contact"]}));
    assert_eq!(
        find(&l, &format!("{P}describeSObjects/{P}sObjectType")),
        vec!["Account", "Contact"]
    );
    let l = req(
        "describeLayout",
        json!({"type": "Account", "record_type_ids": ["012A"]}),
    );
    assert_eq!(
        find(&l, &format!("{P}describeLayout/{P}recordTypeIds")),
        vec!["012A"]
    );
    let l = req(
        "getUpdated",
        json!({"type": "Account", "start": "2024-01-01T00:00:00Z", "end": "2024-01-02T00:00:00Z"}),
    );
    assert_eq!(
        find(&l, &format!("{P}getUpdated/{P}startDate")),
        vec!["2024-01-01T00:00:00Z"]
    );
    assert_eq!(
        find(&l, &format!("{P}getUpdated/{P}endDate")),
        vec!["2024-01-02T00:00:00Z"]
    );
    let l = req(
        "getDeleted",
        json!({"type": "Account", "start": "a", "end": "b"}),
    );
    assert_eq!(
        find(&l, &format!("{P}getDeleted/{P}sObjectType")),
        vec!["Account"]
    );
    let l = req(
        "convertLead",
        json!({"lead_converts": [{"leadId": "00QA", "convertedStatus": "Closed - Converted", "doNotCreateOpportunity": true, "ownerId": null}]}),
    );
    let conv: Vec<&str> = l
        .iter()
        .filter(|(p, _)| p.contains("leadConverts/"))
        .map(|(p, _)| p.rsplit('}').next().unwrap())
        .collect();
    assert_eq!(
        conv,
        vec!["convertedStatus", "doNotCreateOpportunity", "leadId"]
    );
    let l = req(
        "setPassword",
        json!({"user_id": "005A", "password": "n3w<&>"}),
    );
    assert_eq!(
        find(&l, &format!("{P}setPassword/{P}password")),
        vec!["n3w<&>"]
    );
    let l = req("resetPassword", json!({"user_id": "005A"}));
    assert_eq!(
        find(&l, &format!("{P}resetPassword/{P}userId")),
        vec!["005A"]
    );
    for m in [
        "logout",
        "describeTabs",
        "getUserInfo",
        "getServerTimestamp",
    ] {
        let l = req(m, json!({}));
        assert!(
            l.iter()
                .any(|(p, _)| p.ends_with(&format!("{ENV}Body/{P}{m}"))),
            "{m}"
        );
    }
    let l = req("describeSObject", json!({"type": "Contact"}));
    assert_eq!(
        find(&l, &format!("{P}describeSObject/{P}sObjectType")),
        vec!["Contact"]
    );
    let l = req("login", json!({"username": "u", "password": "p"}));
    assert!(find(&l, "sessionId").is_empty());
}

#[test]
fn bad_arguments_name_the_argument() {
    let ns = Namespaces::default();
    let opts = RequestOptions {
        session_id: Some("SID"),
        ..Default::default()
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        ("query", json!({}), "soql is required"),
        ("query", json!({"soql": 5}), "soql must be a string"),
        ("query", json!({"soql": ""}), "soql must not be empty"),
        ("query", json!({"soql": "S\u{1}"}), "U+0001"),
        (
            "query",
            json!({"soql": "S", "batch_size": -1}),
            "batch_size",
        ),
        ("query", json!([1]), "must be a JSON object"),
        ("queryMore", json!({}), "query_locator"),
        (
            "create",
            json!({"records": [{"Name": "x"}]}),
            "type is required",
        ),
        (
            "create",
            json!({"type": "Acc ount", "records": [{}]}),
            "type",
        ),
        (
            "create",
            json!({"type": "Account", "records": []}),
            "records must not be empty",
        ),
        ("create", json!({"type": "Account"}), "records is required"),
        (
            "create",
            json!({"type": "Account", "records": [{"Na<me": "x"}]}),
            "records[0]",
        ),
        (
            "create",
            json!({"type": "Account", "records": [{"Name": {"a": 1}}]}),
            "records[0].Name",
        ),
        (
            "create",
            json!({"type": "Account", "records": [{"type": "Contact"}]}),
            "differs",
        ),
        (
            "update",
            json!({"type": "Account", "records": [{"Name": "x"}]}),
            "records[0].Id is required",
        ),
        (
            "upsert",
            json!({"type": "Account", "records": [{"Name": "x"}]}),
            "external_id_field",
        ),
        (
            "upsert",
            json!({"type": "Account", "external_id_field": "E__c", "records": [{"Name": "x"}]}),
            "E__c",
        ),
        ("delete", json!({"ids": []}), "ids must not be empty"),
        ("delete", json!({"ids": [5]}), "ids[0]"),
        (
            "retrieve",
            json!({"fields": ["Id"], "type": "Account"}),
            "ids is required",
        ),
        (
            "retrieve",
            json!({"fields": ["Id; DROP"], "type": "Account", "ids": ["1"]}),
            "fields[0]",
        ),
        (
            "getUpdated",
            json!({"type": "Account", "start": "a"}),
            "end is required",
        ),
        (
            "convertLead",
            json!({"lead_converts": [{"convertedStatus": "x"}]}),
            "leadId",
        ),
        (
            "setPassword",
            json!({"user_id": "005"}),
            "password is required",
        ),
        (
            "describeSObjects",
            json!({"types": vec!["A"; 101]}),
            "at most 100",
        ),
    ];
    for (m, args, needle) in cases {
        let e = call_request(&ns, m, &args, &opts).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{m} {args}: {e}");
        assert!(
            e.message.contains(needle),
            "{m} {args}: {e} lacks {needle:?}"
        );
    }
    let many: Vec<Value> = (0..201).map(|_| json!({"Name": "x"})).collect();
    let e = call_request(
        &ns,
        "create",
        &json!({"type": "Account", "records": many}),
        &opts,
    )
    .unwrap_err();
    assert!(e.message.contains("at most 200"), "{e}");

    let e = call_request(&ns, "query_all_pages", &json!({}), &opts).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownMethod);
    let e = call_request(
        &ns,
        "query",
        &json!({"soql": "x"}),
        &RequestOptions::default(),
    )
    .unwrap_err();
    assert!(e.message.contains("session id"), "{e}");
    // The session id never appears in an error.
    let e = call_request(&ns, "query", &json!({}), &opts).unwrap_err();
    assert!(!e.to_string().contains("SID"));
}

// ------------------------------------------------------------- robustness

/// Deterministic xorshift mutations of valid payloads: every parse
/// function must return (Ok or Err), never panic.
#[test]
fn mutated_payloads_never_panic() {
    let mut seeds: Vec<(&str, Vec<u8>)> = vec![
        ("query", data(QUERY_PAGE)),
        ("login", LOGIN_OK.as_bytes().to_vec()),
        ("login", INVALID_LOGIN.as_bytes().to_vec()),
        (
            "create",
            data(
                r#"<createResponse><result><errors><fields>Name</fields><message>m</message><statusCode>X</statusCode></errors><id xsi:nil="true"/><success>false</success></result></createResponse>"#,
            ),
        ),
        (
            "getDeleted",
            data(
                r#"<getDeletedResponse><result><deletedRecords><deletedDate>d</deletedDate><id>i</id></deletedRecords><latestDateCovered>l</latestDateCovered></result></getDeletedResponse>"#,
            ),
        ),
        (
            "describeGlobal",
            data(
                r#"<describeGlobalResponse><result><encoding>UTF-8</encoding><maxBatchSize>200</maxBatchSize><sobjects><name>A</name></sobjects></result></describeGlobalResponse>"#,
            ),
        ),
    ];
    seeds.push((
        "query",
        fault(
            "sf:INVALID_FIELD",
            "InvalidFieldFault",
            "INVALID_FIELD",
            "x &apos;y&apos;",
        ),
    ));
    let mut rng = crate::test_support::Rng::new(0x2545_F491_4F6C_DD1D);
    let specials: &[&[u8]] = &[
        b"<",
        b">",
        b"&",
        b"&#0;",
        b"&#x110000;",
        b"<!DOCTYPE x>",
        b"xsi:nil=\"true\"",
        b"</",
        b"\"",
        b":",
        b"\xC3",
        b"<![CDATA[",
        b"]]>",
    ];
    for (method, seed) in &seeds {
        for _ in 0..400 {
            let mut b = seed.clone();
            rng.mutate(&mut b, 5, specials);
            let _ = parse_call_response(method, 200, &b);
            let _ = parse_call_response(method, 500, &b);
            let _ = parse_login_response(200, &b);
            let _ = parse_fault(500, &b);
        }
    }
}

/// Manual speed report (not a timing assertion): decodes a 2000-record
/// page 50 times, i.e. 100,000 records. Run with
/// `cargo test --release -p sfclient --lib -- soap::tests::decode_speed_report --ignored --nocapture`.
#[test]
#[ignore]
fn decode_speed_report() {
    let mut body = String::from(
        r#"<queryResponse><result><done>false</done><queryLocator>01gA-2000</queryLocator>"#,
    );
    for i in 0..2000 {
        body.push_str(&format!(
            r#"<records xsi:type="sf:sObject"><sf:type>Account</sf:type><sf:Id>001{i:015}</sf:Id><sf:Id>001{i:015}</sf:Id><sf:Name>Acme &amp; Sons {i}</sf:Name><sf:Phone xsi:nil="true"/><sf:BillingCity>Berlin</sf:BillingCity><sf:BillingCountry>Germany</sf:BillingCountry><sf:Website>https://example.com/{i}</sf:Website><sf:Type>Customer</sf:Type><sf:LastModifiedDate>2024-01-31T12:00:00.000Z</sf:LastModifiedDate><sf:Owner xsi:type="sf:sObject"><sf:type>User</sf:type><sf:Id xsi:nil="true"/><sf:FirstName>Jo</sf:FirstName><sf:LastName>Example</sf:LastName><sf:Email>o{i}@example.com</sf:Email></sf:Owner></records>"#
        ));
    }
    body.push_str("<size>100000</size></result></queryResponse>");
    let body = data(&body);
    let start = std::time::Instant::now();
    for _ in 0..50 {
        let doc = super::read::Doc::parse(&body).unwrap();
        assert!(doc.has_children(doc.root()));
    }
    eprintln!("tree only: {:?} for 50 pages", start.elapsed());
    let start = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..50 {
        let page = parse_call_response("query", 200, &body).unwrap().result;
        n += page["records"].as_array().unwrap().len();
    }
    let el = start.elapsed();
    eprintln!(
        "decoded {n} records ({} bytes per page) in {el:?}: {:.1} µs per record",
        body.len(),
        el.as_secs_f64() * 1e6 / n as f64
    );
    assert_eq!(n, 100_000);
}

/// Every SOAP method with odd argument values: an envelope or an error,
/// never a panic; every envelope produced is well-formed XML.
#[test]
fn odd_arguments_never_panic() {
    let ns = Namespaces::default();
    let opts = RequestOptions {
        session_id: Some("SID"),
        batch_size: Some(u32::MAX),
        client_name: Some("c<&>"),
    };
    let odd = [
        json!(null),
        json!(""),
        json!("\u{0}"),
        json!("\u{FFFE}"),
        json!("𝄞 & <x>"),
        json!(-1),
        json!(1.5e300),
        json!(u64::MAX),
        json!(true),
        json!([]),
        json!([null, 1, "a"]),
        json!(["001A"]),
        json!({}),
        json!([{"Id": "001A", "Name": "x", "type": "Account"}]),
        json!([{"leadId": "00QA", "x y": 1}]),
        json!([{"": 1}]),
    ];
    let keys = [
        "soql",
        "query_locator",
        "sosl",
        "fields",
        "type",
        "ids",
        "records",
        "external_id_field",
        "types",
        "record_type_ids",
        "layout_name",
        "start",
        "end",
        "lead_converts",
        "user_id",
        "password",
        "username",
        "batch_size",
    ];
    let mut built = 0;
    for method in SOAP_METHODS {
        for (k, key) in keys.iter().enumerate() {
            for (i, v) in odd.iter().enumerate() {
                let mut args = serde_json::Map::new();
                args.insert((*key).to_string(), v.clone());
                // A second key varies with the first to reach deeper checks.
                let other = keys[(k + i) % keys.len()];
                args.insert(other.to_string(), odd[(i * 7 + k) % odd.len()].clone());
                if let Ok(xml) = call_request(&ns, method, &Value::Object(args), &opts) {
                    leaves(&xml);
                    built += 1;
                }
            }
        }
    }
    assert!(built > 0);
}

#[test]
fn envelope_bytes_shape() {
    let xml = call_request(
        &Namespaces::default(),
        "query",
        &json!({"soql": "SELECT Id FROM Account"}),
        &RequestOptions {
            session_id: Some("SID"),
            batch_size: Some(2000),
            client_name: Some("C"),
        },
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(xml).unwrap(),
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sforce="urn:partner.soap.sforce.com" xmlns:sobj="urn:sobject.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            r#"<soapenv:Header><sforce:SessionHeader><sforce:sessionId>SID</sforce:sessionId></sforce:SessionHeader>"#,
            r#"<sforce:QueryOptions><sforce:batchSize>2000</sforce:batchSize></sforce:QueryOptions>"#,
            r#"<sforce:CallOptions><sforce:client>C</sforce:client></sforce:CallOptions></soapenv:Header>"#,
            r#"<soapenv:Body><sforce:query><sforce:queryString>SELECT Id FROM Account</sforce:queryString></sforce:query></soapenv:Body></soapenv:Envelope>"#
        )
    );
}

#[test]
fn namespace_settings_are_validated() {
    let ok = Namespaces::default();
    assert!(ok.validate().is_ok());
    for (ns, key) in [
        (
            Namespaces {
                partner: "urn:a b".into(),
                ..Namespaces::default()
            },
            "partner_ns",
        ),
        (
            Namespaces {
                sobject: "".into(),
                ..Namespaces::default()
            },
            "sobject_ns",
        ),
        (
            Namespaces {
                metadata: "x\u{1}".into(),
                ..Namespaces::default()
            },
            "metadata_ns",
        ),
        (
            Namespaces {
                prefix: "xmlfoo".into(),
                ..Namespaces::default()
            },
            "prefix",
        ),
        (
            Namespaces {
                prefix: "soapenv".into(),
                ..Namespaces::default()
            },
            "prefix",
        ),
        (
            Namespaces {
                prefix: "a:b".into(),
                ..Namespaces::default()
            },
            "prefix",
        ),
    ] {
        let e = ns.validate().unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.message.starts_with(key), "{e}");
    }
}

/// Random Unicode strings (all XML-legal characters, and the escaped
/// ones often) survive a request envelope unchanged.
#[test]
fn random_values_round_trip() {
    let mut rng = crate::test_support::Rng::new(0x1234_5678_9ABC_DEF1);
    let mut next = move || rng.next();
    let ns = Namespaces::default();
    for _ in 0..300 {
        let len = (next() % 40) as usize;
        let s: String = (0..len)
            .map(|_| match next() % 6 {
                0 => ['&', '<', '>', '"', '\'', '\t', '\n', '\r', ']', ';'][(next() % 10) as usize],
                1 => char::from_u32(0x80 + (next() % 0x700) as u32).unwrap_or('x'),
                2 => char::from_u32(0x1_0000 + (next() % 0x1000) as u32).unwrap_or('x'),
                _ => char::from(b' ' + (next() % 95) as u8),
            })
            .collect();
        let xml = login_request(&ns, &s, &s);
        let l = leaves(&xml);
        assert_eq!(
            find(&l, &format!("{P}login/{P}username")),
            vec![s.as_str()],
            "{s:?}"
        );
    }
}
