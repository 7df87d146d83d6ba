//! SOAP Partner endpoint against the real binary over HTTPS.

mod common;
use common::*;

#[test]
fn first_line_has_every_contract_key() {
    let f = start(&["--tls", "--generate", "accounts=3,owners=1"]);
    for k in [
        "soap_login_url",
        "instance_url",
        "token_url",
        "login_host",
        "control_url",
        "api_version",
        "username",
        "password",
        "security_token",
        "client_id",
        "client_secret",
        "refresh_token",
        "jwt_private_key_file",
        "ca_file",
        "org_id",
        "user_id",
    ] {
        assert!(
            f.info
                .get(k)
                .and_then(|v| v.as_str())
                .is_some_and(|v| !v.is_empty()),
            "missing {k}"
        );
    }
    assert!(f.s("soap_login_url").starts_with("https://127.0.0.1:"));
    assert!(f.s("soap_login_url").ends_with("/services/Soap/u/64.0"));
    assert!(std::fs::read_to_string(f.s("ca_file"))
        .unwrap()
        .contains("BEGIN CERTIFICATE"));
    assert!(std::fs::read_to_string(f.s("jwt_private_key_file"))
        .unwrap()
        .contains("PRIVATE KEY"));
    assert_eq!(f.s("org_id").len(), 18);
    assert!(f.s("user_id").starts_with("005"));
    let plain = start(&["--generate", "accounts=1,owners=1"]);
    assert!(plain.s("instance_url").starts_with("http://127.0.0.1:"));
    assert!(plain.info.get("ca_file").is_none());
}

#[test]
fn login_shapes_and_faults() {
    let f = start(&["--tls", "--generate", "accounts=3,owners=1"]);
    let (st, body) = f.soap(
        &f.s("soap_login_url"),
        &login_envelope(
            &f.s("username"),
            &format!("{}{}", f.s("password"), f.s("security_token")),
        ),
    );
    assert_eq!(st, 200);
    assert!(
        !body.contains("<soapenv:Header>"),
        "login responses carry no header"
    );
    let server = between(&body, "<serverUrl>", "</serverUrl>");
    assert_eq!(
        server,
        format!(
            "{}/services/Soap/u/64.0/{}",
            f.s("instance_url"),
            &f.s("org_id")[..15]
        )
    );
    let sid = between(&body, "<sessionId>", "</sessionId>");
    assert!(sid.starts_with(&format!("{}!", &f.s("org_id")[..15])));
    assert!(body.contains("<roleId xsi:nil=\"true\"/>"));
    assert!(!body.contains('\n'), "single-line XML");

    let (st, body) = f.soap(
        &f.s("soap_login_url"),
        &login_envelope(&f.s("username"), "wrong"),
    );
    assert_eq!(st, 500);
    assert!(
        body.contains("<faultcode>INVALID_LOGIN</faultcode>"),
        "bare code: {body}"
    );
    assert!(body.contains("<sf:LoginFault xsi:type=\"sf:LoginFault\">"));
    let (_, body) = f.soap(
        &f.s("soap_login_url"),
        &login_envelope(&f.s("username"), &f.s("password")),
    );
    assert!(body.contains("LOGIN_MUST_USE_SECURITY_TOKEN"), "{body}");

    let base = f.s("instance_url");
    let good = login_envelope(
        &f.s("username"),
        &format!("{}{}", f.s("password"), f.s("security_token")),
    );
    let (st, body) = f.soap(&format!("{base}/services/Soap/u/65.0"), &good);
    assert_eq!(st, 500);
    assert!(
        body.contains("sf:INVALID_OPERATION") && body.contains("(65.0)"),
        "{body}"
    );
    let (st, body) = f.soap(&format!("{base}/services/Soap/u/30.0"), &good);
    assert_eq!(st, 500);
    assert!(
        body.contains("UNSUPPORTED_API_VERSION: Invalid Api version specified on URL"),
        "{body}"
    );
    let (st, _) = f.soap(&format!("{base}/services/Soap/u/31.0"), &good);
    assert_eq!(st, 200);

    f.control(serde_json::json!({"login_refused": true}));
    let (st, body) = f.soap(&f.s("soap_login_url"), &good);
    assert_eq!(st, 500);
    assert!(body.contains("INVALID_LOGIN"));
}

#[test]
fn query_paging_sizes_and_locators() {
    let f = start(&["--tls", "--generate", "accounts=5001,owners=4,contacts=50"]);
    let (sid, url) = f.login();
    let (st, body) = f.soap(
        &url,
        &call(&sid, None, &query_body("SELECT Id, Name FROM Account")),
    );
    assert_eq!(st, 200);
    assert!(body.contains("<LimitInfoHeader><limitInfo><current>"));
    assert_eq!(between(&body, "<done>", "</done>"), "false");
    assert_eq!(between(&body, "<size>", "</size>"), "5001");
    assert_eq!(count(&body, "<records xsi:type=\"sf:sObject\">"), 2000);
    let mut loc = between(&body, "<queryLocator>", "</queryLocator>");
    assert!(loc.starts_with("01g") && loc.ends_with("-2000"), "{loc}");
    let mut seen = count(&body, "<records ");
    let mut pages = 1;
    loop {
        let (st, body) = f.soap(
            &url,
            &call(
                &sid,
                None,
                &format!(
                    "<urn:queryMore><urn:queryLocator>{loc}</urn:queryLocator></urn:queryMore>"
                ),
            ),
        );
        assert_eq!(st, 200, "{body}");
        pages += 1;
        assert_eq!(
            between(&body, "<size>", "</size>"),
            "5001",
            "size is the total on every page"
        );
        seen += count(&body, "<records ");
        if between(&body, "<done>", "</done>") == "true" {
            assert!(body.contains("<queryLocator xsi:nil=\"true\"/>"));
            break;
        }
        loc = between(&body, "<queryLocator>", "</queryLocator>");
    }
    assert_eq!((seen, pages), (5001, 3));
    // the used-up locator is gone
    let (st, body) = f.soap(
        &url,
        &call(
            &sid,
            None,
            &format!("<urn:queryMore><urn:queryLocator>{loc}</urn:queryLocator></urn:queryMore>"),
        ),
    );
    assert_eq!(st, 500);
    assert!(body.contains("<faultcode>sf:INVALID_QUERY_LOCATOR</faultcode>"));

    // batch size clamps to [200, 2000]
    let (_, body) = f.soap(
        &url,
        &call(&sid, Some(10), &query_body("SELECT Id FROM Account")),
    );
    assert_eq!(count(&body, "<records "), 200);
    let (_, body) = f.soap(
        &url,
        &call(&sid, Some(900), &query_body("SELECT Id FROM Account")),
    );
    assert_eq!(count(&body, "<records "), 900);
    let (_, body) = f.soap(
        &url,
        &call(&sid, Some(5000), &query_body("SELECT Id FROM Account")),
    );
    assert_eq!(count(&body, "<records "), 2000);
    // LIMIT under the batch size: one page
    let (_, body) = f.soap(
        &url,
        &call(&sid, None, &query_body("SELECT Id FROM Account LIMIT 10")),
    );
    assert_eq!(
        (
            count(&body, "<records "),
            between(&body, "<size>", "</size>")
        ),
        (10, "10".to_string())
    );
    assert!(body.contains("<done>true</done><queryLocator xsi:nil=\"true\"/>"));
}

#[test]
fn record_shapes() {
    let f = start(&[
        "--tls",
        "--data",
        concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample.json"),
    ]);
    let (sid, url) = f.login();
    let q = |s: &str| f.soap(&url, &call(&sid, None, &query_body(s)));
    // duplicated Id, fields in SELECT order, nil fields, nested parent with nil Id
    let (_, b) =
        q("SELECT Name, Id, BillingState, Owner.FirstName FROM Account WHERE Name = 'Acme GmbH'");
    let rec = between(&b, "<records xsi:type=\"sf:sObject\">", "</records>");
    assert_eq!(
        rec,
        "<sf:type>Account</sf:type><sf:Id>0015g00000ACC01AAH</sf:Id><sf:Name>Acme GmbH</sf:Name><sf:Id>0015g00000ACC01AAH</sf:Id><sf:BillingState xsi:nil=\"true\"/><sf:Owner xsi:type=\"sf:sObject\"><sf:type>User</sf:type><sf:Id xsi:nil=\"true\"/><sf:FirstName>Anna</sf:FirstName></sf:Owner>"
    );
    // Id not selected: one nil Id
    let (_, b) = q("SELECT Name FROM Account WHERE Name = 'Acme GmbH'");
    assert!(b.contains(
        "<sf:type>Account</sf:type><sf:Id xsi:nil=\"true\"/><sf:Name>Acme GmbH</sf:Name>"
    ));
    // null parent, two-level path, escaping
    let (_, b) = q("SELECT LastName, Account.Name, Account.Owner.LastName FROM Contact WHERE LastName = 'Freelancer'");
    assert!(b.contains("<sf:Account xsi:nil=\"true\"/>"), "{b}");
    let (_, b) = q("SELECT Account.Name, Account.Owner.LastName FROM Contact WHERE LastName = 'O''Connor' OR LastName = 'O\\'Connor'");
    assert!(b.contains("<sf:Name>Globex &lt;Europe&gt; Ltd</sf:Name><sf:Owner xsi:type=\"sf:sObject\"><sf:type>User</sf:type><sf:Id xsi:nil=\"true\"/><sf:LastName>Müller</sf:LastName></sf:Owner>") || b.contains("MALFORMED_QUERY"), "{b}");
    let (_, b) = q(
        "SELECT Account.Name, Account.Owner.LastName FROM Contact WHERE LastName = 'O\\'Connor'",
    );
    assert!(b.contains("<sf:Account xsi:type=\"sf:sObject\"><sf:type>Account</sf:type><sf:Id xsi:nil=\"true\"/><sf:Name>Globex &lt;Europe&gt; Ltd</sf:Name><sf:Owner xsi:type=\"sf:sObject\"><sf:type>User</sf:type><sf:Id xsi:nil=\"true\"/><sf:LastName>Müller</sf:LastName></sf:Owner></sf:Account>"), "{b}");
    // child subquery, empty child = nil
    let (_, b) = q("SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Name IN ('Acme GmbH', 'Initech Inc.', 'Zürcher Kantonal-Werke AG') ORDER BY Name");
    assert!(b.contains("<sf:Contacts xsi:type=\"QueryResult\"><done>true</done><queryLocator xsi:nil=\"true\"/><records xsi:type=\"sf:sObject\"><sf:type>Contact</sf:type><sf:Id xsi:nil=\"true\"/><sf:LastName>Dubois</sf:LastName></records>"), "{b}");
    assert!(b.contains("<size>3</size></sf:Contacts>"));
    assert!(
        b.contains("<sf:Name>Zürcher Kantonal-Werke AG</sf:Name><sf:Contacts xsi:nil=\"true\"/>")
    );
    // size 0: no records element
    let (_, b) = q("SELECT Id FROM Account WHERE Name = 'nobody'");
    assert!(b.contains("<result xsi:type=\"QueryResult\"><done>true</done><queryLocator xsi:nil=\"true\"/><size>0</size></result>"), "{b}");
    // queryAll sees the recycle bin
    let (_, b) = q("SELECT COUNT() FROM Account");
    assert_eq!(between(&b, "<size>", "</size>"), "11");
    let (_, b) = f.soap(&url, &call(&sid, None, "<urn:queryAll><urn:queryString>SELECT Name, IsDeleted FROM Account WHERE IsDeleted = true</urn:queryString></urn:queryAll>"));
    assert!(
        b.contains("<queryAllResponse>")
            && b.contains("<sf:Name>Deleted Corp</sf:Name><sf:IsDeleted>true</sf:IsDeleted>"),
        "{b}"
    );
    // aggregate
    let (_, b) = q("SELECT OwnerId, COUNT(Id) FROM Account GROUP BY OwnerId ORDER BY OwnerId");
    assert!(b.contains("<sf:type>AggregateResult</sf:type><sf:Id xsi:nil=\"true\"/><sf:OwnerId xsi:type=\"xsd:string\">0055g00000OWN01AAH</sf:OwnerId><sf:expr0 xsi:type=\"xsd:int\">5</sf:expr0>"), "{b}");
}

#[test]
fn query_faults_carry_caret_blocks() {
    let f = start(&["--tls", "--generate", "accounts=3,owners=1"]);
    let (sid, url) = f.login();
    let (st, b) = f.soap(
        &url,
        &call(&sid, None, &query_body("select adfId, Name from Contact")),
    );
    assert_eq!(st, 500);
    assert!(b.contains("<faultstring>INVALID_FIELD: \nselect adfId, Name from Contact\n       ^\nERROR at Row:1:Column:8\nNo such column &apos;adfId&apos; on entity &apos;Contact&apos;."), "{b}");
    assert!(b.contains("<sf:row>1</sf:row><sf:column>8</sf:column>"));
    let (_, b) = f.soap(&url, &call(&sid, None, &query_body("SELECT Id FROM Foo")));
    assert!(
        b.contains("sf:INVALID_TYPE")
            && b.contains("sObject type &apos;Foo&apos; is not supported."),
        "{b}"
    );
    let (_, b) = f.soap(
        &url,
        &call(&sid, None, &query_body("SELECT Id FRM Account")),
    );
    assert!(
        b.contains("sf:MALFORMED_QUERY") && b.contains("MalformedQueryFault"),
        "{b}"
    );
    let (_, b) = f.soap(
        &url,
        &call(
            &sid,
            None,
            &query_body("SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'"),
        ),
    );
    assert!(
        b.contains("sf:MALFORMED_QUERY"),
        "mixing AND and OR needs parentheses: {b}"
    );
}

#[test]
fn lenient_legacy_envelopes_and_strict_xml() {
    let f = start(&["--generate", "accounts=3,owners=1"]);
    let (sid, url) = f.login();
    // WWW::Salesforce style: soap: prefix, encodingStyle, xsi:type everywhere, positional query element, unnamespaced sessionId
    let legacy = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Header><sforce:QueryOptions xmlns:sforce="urn:partner.soap.sforce.com"><batchSize xsi:type="xsd:int">500</batchSize></sforce:QueryOptions><sforce:SessionHeader xmlns:sforce="urn:partner.soap.sforce.com"><sessionId xsi:type="xsd:string">{sid}</sessionId></sforce:SessionHeader></soap:Header><soap:Body><query xmlns="urn:partner.soap.sforce.com"><c-gensym9 xsi:type="xsd:string">SELECT Id FROM Account</c-gensym9></query></soap:Body></soap:Envelope>"#
    );
    let (st, b) = f.soap(&url, &legacy);
    assert_eq!(st, 200, "{b}");
    assert_eq!(between(&b, "<size>", "</size>"), "3");
    // create with type only in xsi:type, fields in the sobject namespace, then update with fieldsToNull
    let create = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Header><sforce:SessionHeader xmlns:sforce="urn:partner.soap.sforce.com"><sessionId>{sid}</sessionId></sforce:SessionHeader></soap:Header><soap:Body><sforce:create xmlns:sfons="urn:sobject.partner.soap.sforce.com" xmlns:sforce="urn:partner.soap.sforce.com"><sObjects xsi:type="sfons:Account"><sfons:Name xsi:type="xsd:string">A &amp; B &lt;c&gt;</sfons:Name><sfons:Phone>123</sfons:Phone></sObjects><sObjects xsi:type="sfons:Account"><sfons:Phone>1</sfons:Phone></sObjects></sforce:create></soap:Body></soap:Envelope>"#
    );
    let (st, b) = f.soap(&url, &create);
    assert_eq!(st, 200, "{b}");
    let id = between(&b, "<id>", "</id>");
    assert!(id.starts_with("001") && id.len() == 18);
    assert!(b.contains("<result><errors><fields>Name</fields><message>Required fields are missing: [Name]</message><statusCode>REQUIRED_FIELD_MISSING</statusCode></errors><id xsi:nil=\"true\"/><success>false</success></result>"), "{b}");
    let update = format!(
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Header><sforce:SessionHeader xmlns:sforce="urn:partner.soap.sforce.com"><sessionId>{sid}</sessionId></sforce:SessionHeader></soap:Header><soap:Body><sforce:update xmlns:sforce="urn:partner.soap.sforce.com"><sObjects xsi:type="sforce:Account"><sforce:Id xsi:type="tns:ID">{id}</sforce:Id><sforce:fieldsToNull>Phone</sforce:fieldsToNull><sforce:Website>https://x.example</sforce:Website></sObjects></sforce:update></soap:Body></soap:Envelope>"#
    );
    let (st, b) = f.soap(&url, &update);
    assert_eq!(st, 200, "{b}");
    assert!(b.contains("<success>true</success>"));
    let (_, b) = f.soap(
        &url,
        &call(
            &sid,
            None,
            &query_body(&format!(
                "SELECT Name, Phone, Website FROM Account WHERE Id = '{id}'"
            )),
        ),
    );
    assert!(b.contains("<sf:Name>A &amp; B &lt;c&gt;</sf:Name><sf:Phone xsi:nil=\"true\"/><sf:Website>https://x.example</sf:Website>"), "{b}");
    // delete: unnamespaced ids, undeclared tns prefix in the attribute value
    let del = call(
        &sid,
        None,
        &format!(
            r#"<sforce:delete xmlns:sforce="urn:partner.soap.sforce.com"><ids xsi:type="tns:ID">{id}</ids><ids xsi:type="tns:ID">001000000000000AAA</ids></sforce:delete>"#
        ),
    );
    let (_, b) = f.soap(&url, &del);
    assert!(
        b.contains(&format!(
            "<result><id>{id}</id><success>true</success></result>"
        )),
        "{b}"
    );
    assert!(b.contains("<statusCode>INVALID_CROSS_REFERENCE_KEY</statusCode>"));

    // malformed XML (unescaped &) and DOCTYPE are faults
    let bad = call(&sid, None, "<urn:query><urn:queryString>SELECT Id FROM Account WHERE Name = 'A & B'</urn:queryString></urn:query>");
    let (st, b) = f.soap(&url, &bad);
    assert_eq!(st, 500);
    assert!(b.contains("<soapenv:Fault>"), "{b}");
    let doctype = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"SELECT Id FROM Account\">]>{}",
        call(
            &sid,
            None,
            "<urn:query><urn:queryString>&e;</urn:queryString></urn:query>"
        )
    );
    let (st, b) = f.soap(&url, &doctype);
    assert_eq!(st, 500);
    assert!(b.contains("DOCTYPE"), "{b}");
    // unknown session
    let (st, b) = f.soap(
        &url,
        &call("00Dbogus!x", None, &query_body("SELECT Id FROM Account")),
    );
    assert_eq!(st, 500);
    assert!(b.contains("<faultcode>sf:INVALID_SESSION_ID</faultcode>"));
}

#[test]
fn other_calls() {
    let f = start(&[
        "--tls",
        "--data",
        concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample.json"),
    ]);
    let (sid, url) = f.login();
    let c = |body: &str| {
        let (st, b) = f.soap(&url, &call(&sid, None, body));
        assert_eq!(st, 200, "{b}");
        b
    };
    let b = c("<urn:retrieve><urn:fieldList>Id, Name</urn:fieldList><urn:sObjectType>Account</urn:sObjectType><urn:ids>0015g00000ACC02</urn:ids><urn:ids>0015g00000ZZZ99</urn:ids></urn:retrieve>");
    assert!(b.contains("<result xsi:type=\"sf:sObject\"><sf:type>Account</sf:type><sf:Id>0015g00000ACC02AAH</sf:Id><sf:Id>0015g00000ACC02AAH</sf:Id><sf:Name>Bäckerei Schäfer &amp; Söhne KG</sf:Name></result><result xsi:nil=\"true\"/>"), "{b}");
    let b = c("<urn:search><urn:searchString>FIND {schäfer} IN ALL FIELDS RETURNING Account(Name), Contact(FirstName, LastName ORDER BY FirstName)</urn:searchString></urn:search>");
    assert_eq!(count(&b, "<searchRecords>"), 3, "{b}");
    let b = c("<urn:describeGlobal/>");
    assert!(b.contains("<encoding>UTF-8</encoding>") && b.contains("<keyPrefix>001</keyPrefix>"));
    let b =
        c("<urn:describeSObject><urn:sObjectType>Contact</urn:sObjectType></urn:describeSObject>");
    assert!(
        b.contains("<name>AccountId</name>")
            && b.contains("<relationshipName>Account</relationshipName>")
    );
    let b = c("<urn:describeSObjects><urn:sObjectType>Account</urn:sObjectType><urn:sObjectType>User</urn:sObjectType></urn:describeSObjects>");
    assert_eq!(count(&b, "<result>"), 2);
    let b =
        c("<urn:describeLayout><urn:sObjectType>Account</urn:sObjectType></urn:describeLayout>");
    assert!(b.contains("<layouts>"));
    let b = c("<urn:describeTabs/>");
    assert!(b.contains("<tabs>"));
    let b = c("<urn:getUserInfo/>");
    assert!(b.contains(&format!("<userId>{}</userId>", f.s("user_id"))));
    let b = c("<urn:getServerTimestamp/>");
    assert!(between(&b, "<timestamp>", "</timestamp>").ends_with('Z'));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let fmt = |s: i64| {
        let days = s.div_euclid(86400);
        let (y, m, d) = civil(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z",
            s.rem_euclid(86400) / 3600,
            s.rem_euclid(3600) / 60
        )
    };
    let b = c(&format!("<urn:getUpdated><urn:sObjectType>Account</urn:sObjectType><urn:startDate>{}</urn:startDate><urn:endDate>{}</urn:endDate></urn:getUpdated>", fmt(now - 86400), fmt(now + 120)));
    assert!(b.contains("<latestDateCovered>"));
    let b = c(&format!("<urn:getDeleted><urn:sObjectType>Account</urn:sObjectType><urn:startDate>{}</urn:startDate><urn:endDate>{}</urn:endDate></urn:getDeleted>", fmt(now - 3 * 86400), fmt(now + 120)));
    assert!(b.contains("<id>0015g00000ACC12AAH</id>"), "{b}");
    let b = c("<urn:convertLead><urn:leadConverts><urn:leadId>00Q5g00000LEA01</urn:leadId><urn:convertedStatus>Closed - Converted</urn:convertedStatus><urn:doNotCreateOpportunity>true</urn:doNotCreateOpportunity></urn:leadConverts></urn:convertLead>");
    assert!(
        b.contains("<success>true</success>") && b.contains("<opportunityId xsi:nil=\"true\"/>"),
        "{b}"
    );
    let b = c("<urn:convertLead><urn:leadConverts><urn:leadId>00Q5g00000LEA01</urn:leadId><urn:convertedStatus>Closed - Converted</urn:convertedStatus></urn:leadConverts></urn:convertLead>");
    assert!(
        b.contains("<success>false</success>"),
        "already converted: {b}"
    );
    let b = c("<urn:upsert><urn:externalIDFieldName>External_Id__c</urn:externalIDFieldName><urn:sObjects><urn:type>Account</urn:type><urn:External_Id__c>X-1</urn:External_Id__c><urn:Name>Upserted</urn:Name></urn:sObjects></urn:upsert>");
    assert!(b.contains("<created>true</created>"), "{b}");
    let b = c("<urn:upsert><urn:externalIDFieldName>External_Id__c</urn:externalIDFieldName><urn:sObjects><urn:type>Account</urn:type><urn:External_Id__c>x-1</urn:External_Id__c><urn:Name>Upserted 2</urn:Name></urn:sObjects></urn:upsert>");
    assert!(b.contains("<created>false</created>"), "{b}");
    let b = c(&format!(
        "<urn:resetPassword><urn:userId>{}</urn:userId></urn:resetPassword>",
        f.s("user_id")
    ));
    let newpw = between(&b, "<password>", "</password>");
    let (st, _) = f.soap(&url, &call(&sid, None, &format!("<urn:setPassword><urn:userId>{}</urn:userId><urn:password>short</urn:password></urn:setPassword>", f.s("user_id"))));
    assert_eq!(st, 500);
    let (st, _) = f.soap(
        &f.s("soap_login_url"),
        &login_envelope(
            &f.s("username"),
            &format!("{newpw}{}", f.s("security_token")),
        ),
    );
    assert_eq!(st, 200);
    c("<urn:logout/>");
    let (st, b) = f.soap(&url, &call(&sid, None, "<urn:getUserInfo/>"));
    assert_eq!(st, 500);
    assert!(b.contains("INVALID_SESSION_ID"));
}

fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + if m <= 2 { 1 } else { 0 }, m, d)
}

#[test]
fn all_or_none_rolls_back_and_unknown_fields_fault() {
    let f = start(&["--generate", "accounts=2,owners=1"]);
    let (sid, url) = f.login();
    let aon = |body: &str| {
        format!(
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Header><urn:SessionHeader><urn:sessionId>{sid}</urn:sessionId></urn:SessionHeader><urn:AllOrNoneHeader><urn:allOrNone>true</urn:allOrNone></urn:AllOrNoneHeader></soapenv:Header><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"#
        )
    };
    let two = "<urn:create><urn:sObjects><urn:type>Account</urn:type><urn:Name>Kept?</urn:Name></urn:sObjects><urn:sObjects><urn:type>Account</urn:type><urn:Website>x</urn:Website></urn:sObjects></urn:create>";
    let (st, b) = f.soap(&url, &aon(two));
    assert_eq!(st, 200);
    assert!(
        b.contains("ALL_OR_NONE_OPERATION_ROLLED_BACK") && b.contains("REQUIRED_FIELD_MISSING"),
        "{b}"
    );
    let total = || {
        between(
            &f.soap(
                &url,
                &call(&sid, None, &query_body("SELECT COUNT() FROM Account")),
            )
            .1,
            "<size>",
            "</size>",
        )
    };
    assert_eq!(total(), "2", "nothing was kept");
    // without the header the valid record stays
    let (_, b) = f.soap(&url, &call(&sid, None, two));
    assert_eq!(count(&b, "<success>true</success>"), 1);
    assert_eq!(total(), "3");
    let (st, b) = f.soap(&url, &call(&sid, None, "<urn:create><urn:sObjects><urn:type>Account</urn:type><urn:Name>A</urn:Name></urn:sObjects><urn:sObjects><urn:type>Account</urn:type><urn:Nmae>B</urn:Nmae></urn:sObjects></urn:create>"));
    assert_eq!(st, 500);
    assert!(
        b.contains("sf:INVALID_FIELD")
            && b.contains("No such column &apos;Nmae&apos; on entity &apos;Account&apos;"),
        "{b}"
    );
    assert_eq!(total(), "3", "a faulted call writes nothing");
    let (st, b) = f.soap(
        &url,
        &call(
            &sid,
            None,
            "<urn:create><urn:sObjects><urn:type>Widget</urn:type></urn:sObjects></urn:create>",
        ),
    );
    assert_eq!(st, 500);
    assert!(b.contains("sf:INVALID_TYPE"));
}

#[test]
fn compound_address_fields() {
    let f = start(&[
        "--data",
        concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample.json"),
    ]);
    let (sid, url) = f.login();
    let (_, b) = f.soap(&url, &call(&sid, None, &query_body("SELECT Name, BillingAddress FROM Account WHERE Name IN ('Acme GmbH', '*Old Test Account (do not sync)') ORDER BY Name")));
    assert!(
        b.contains("<sf:BillingAddress xsi:nil=\"true\"/>"),
        "all parts null: {b}"
    );
    assert!(b.contains("<sf:BillingAddress xsi:type=\"address\"><city>Berlin</city><country>Germany</country><countryCode xsi:nil=\"true\"/><geocodeAccuracy xsi:nil=\"true\"/><latitude xsi:nil=\"true\"/><longitude xsi:nil=\"true\"/><postalCode>10115</postalCode><state xsi:nil=\"true\"/><stateCode xsi:nil=\"true\"/><street>Hauptstraße 5\nHinterhaus</street></sf:BillingAddress>"), "{b}");
    let (st, b) = f.soap(
        &url,
        &call(
            &sid,
            None,
            &query_body("SELECT Id FROM Account WHERE BillingAddress = null"),
        ),
    );
    assert_eq!(st, 500);
    assert!(b.contains("can not be filtered"), "{b}");
    let v: serde_json::Value = f
        .http
        .get(format!("{}/services/data/v64.0/query?q=SELECT+MailingAddress+FROM+Contact+WHERE+LastName='Weiß'", f.s("instance_url")))
        .bearer_auth(&sid)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(v["records"][0]["MailingAddress"]["city"], "Berlin");
    assert!(v["records"][0]["MailingAddress"]["street"].is_null());
}
