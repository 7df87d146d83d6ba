//! Every auth flow against the fake over HTTPS, re-login on session expiry,
//! and login failures.

mod common;

use common::Fake;
use serde_json::json;
use sfclient::ErrorKind;

const SOQL: &str = "SELECT Id, Name FROM Account";

fn login_and_query(fake: &Fake, flow: &str) {
    let mut c = fake.client(flow);
    let login = c
        .call("login", &json!({}))
        .unwrap_or_else(|e| panic!("{flow} login: {e}"));
    assert_eq!(login["flow"], flow);
    assert_eq!(login["org_id"], fake.s("org_id"), "{flow}: {login}");
    assert_eq!(login["user_id"], fake.s("user_id"), "{flow}: {login}");
    assert_eq!(login["user_name"], fake.s("username"), "{flow}: {login}");
    assert_eq!(login["instance_url"], fake.s("instance_url"));
    let server_url = login["server_url"].as_str().unwrap();
    assert!(
        server_url.starts_with(&format!(
            "{}/services/Soap/u/{}",
            fake.s("instance_url"),
            fake.s("api_version")
        )),
        "{flow}: {server_url}"
    );
    let page = c
        .call("query_all_pages", &json!({"soql": SOQL}))
        .unwrap_or_else(|e| panic!("{flow} query: {e}"));
    assert_eq!(page["size"], 7, "{flow}");
    let rest = c
        .call("rest_query", &json!({"soql": SOQL}))
        .unwrap_or_else(|e| panic!("{flow} rest query: {e}"));
    assert_eq!(rest["size"], 7, "{flow}");
    let usage = c.call("usage", &json!({})).unwrap();
    assert_eq!(usage["logins"], 1, "{flow}: session reused");
}

#[test]
fn soap_login() {
    login_and_query(&Fake::start(&["--generate", "accounts=7"]), "soap-login");
}

#[test]
fn oauth_password() {
    login_and_query(
        &Fake::start(&["--generate", "accounts=7"]),
        "oauth-password",
    );
}

#[test]
fn oauth_client_credentials() {
    login_and_query(
        &Fake::start(&["--generate", "accounts=7"]),
        "oauth-client-credentials",
    );
}

#[test]
fn oauth_jwt_from_file_and_from_text() {
    let fake = Fake::start(&["--generate", "accounts=7"]);
    login_and_query(&fake, "oauth-jwt");
    let mut cfg = fake.config("oauth-jwt");
    let pem = std::fs::read_to_string(fake.s("jwt_private_key_file")).unwrap();
    cfg.as_object_mut().unwrap().remove("private_key_file");
    cfg["private_key"] = pem.into();
    let mut c = common::client_from(&cfg);
    c.call("login", &json!({}))
        .expect("jwt login with key text");
}

#[test]
fn oauth_refresh_token() {
    login_and_query(
        &Fake::start(&["--generate", "accounts=7"]),
        "oauth-refresh-token",
    );
}

#[test]
fn access_token_flow_and_no_relogin() {
    let fake = Fake::start(&["--generate", "accounts=7"]);
    let mut soap = fake.client("soap-login");
    let sid = soap.call("session", &json!({})).unwrap()["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut cfg = fake.base_config();
    cfg["auth_flow"] = "access-token".into();
    cfg["access_token"] = sid.into();
    cfg["instance_url"] = fake.s("instance_url").into();
    let mut c = common::client_from(&cfg);
    let login = c.call("login", &json!({})).unwrap();
    assert_eq!(login["user_name"], fake.s("username"), "{login}");
    assert_eq!(login["org_id"], fake.s("org_id"), "{login}");
    let page = c.call("query_all_pages", &json!({"soql": SOQL})).unwrap();
    assert_eq!(page["size"], 7);
    fake.inject(json!({"fault": "invalid_session", "on": "query", "count": 1}));
    let e = c.call("query", &json!({"soql": SOQL})).unwrap_err();
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_SESSION_ID"), "{e}");
    assert_eq!(c.call("usage", &json!({})).unwrap()["logins"], 0);
    // A bogus token fails at login already.
    cfg["access_token"] = "00D000000000001!AQ0bogusTokenValue123".into();
    let e = common::client_from(&cfg)
        .call("login", &json!({}))
        .unwrap_err();
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_SESSION_ID"), "{e}");
    assert_eq!(e.context, "login (getUserInfo)");
}

#[test]
fn relogin_once_on_expired_session_soap_and_rest() {
    let fake = Fake::start(&["--generate", "accounts=7"]);
    for flow in ["soap-login", "oauth-client-credentials"] {
        let mut c = fake.client(flow);
        c.call("login", &json!({})).unwrap();
        fake.inject(json!({"fault": "invalid_session", "on": "query", "count": 1}));
        let page = c
            .call("query", &json!({"soql": SOQL}))
            .unwrap_or_else(|e| panic!("{flow}: {e}"));
        assert_eq!(page["size"], 7);
        fake.inject(json!({"fault": "invalid_session", "on": "rest_query", "count": 1}));
        let rest = c
            .call("rest_query", &json!({"soql": SOQL}))
            .unwrap_or_else(|e| panic!("{flow}: {e}"));
        assert_eq!(rest["size"], 7);
        assert_eq!(c.call("usage", &json!({})).unwrap()["logins"], 3, "{flow}");
        // Twice in a row: one re-login only, then the error.
        fake.inject(json!({"fault": "invalid_session", "on": "query", "count": 2}));
        let e = c.call("query", &json!({"soql": SOQL})).unwrap_err();
        assert_eq!(e.sf_code.as_deref(), Some("INVALID_SESSION_ID"), "{e}");
        assert_eq!(c.call("usage", &json!({})).unwrap()["logins"], 4, "{flow}");
    }
}

#[test]
fn login_failures() {
    let fake = Fake::start(&[]);
    let mut cfg = fake.config("soap-login");
    cfg["password"] = "wrong".into();
    let e = common::client_from(&cfg)
        .call("login", &json!({}))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_LOGIN"));
    assert_eq!(e.context, "login");

    let mut cfg = fake.config("soap-login");
    cfg.as_object_mut().unwrap().remove("security_token");
    let e = common::client_from(&cfg)
        .call("login", &json!({}))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert!(
        matches!(
            e.sf_code.as_deref(),
            Some("LOGIN_MUST_USE_SECURITY_TOKEN") | Some("INVALID_LOGIN")
        ),
        "{e}"
    );

    let mut cfg = fake.config("oauth-client-credentials");
    cfg["client_secret"] = "wrong-secret".into();
    let e = common::client_from(&cfg)
        .call("login", &json!({}))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert!(
        e.sf_code
            .as_deref()
            .is_some_and(|c| c.starts_with("invalid_")),
        "{e}"
    );

    let mut cfg = fake.config("oauth-refresh-token");
    cfg["refresh_token"] = "5Aep861bogus".into();
    let e = common::client_from(&cfg)
        .call("login", &json!({}))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert_eq!(e.sf_code.as_deref(), Some("invalid_grant"));

    let mut cfg = fake.config("oauth-jwt");
    cfg.as_object_mut().unwrap().remove("private_key_file");
    cfg["private_key"] = include_str!("common/jwt-test-key.pem").into();
    let e = common::client_from(&cfg)
        .call("login", &json!({}))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth, "a key the app does not know");
    assert_eq!(e.sf_code.as_deref(), Some("invalid_grant"));

    let mut cfg = fake.config("oauth-jwt");
    cfg["jwt_audience"] = "https://elsewhere.example".into();
    let e = common::client_from(&cfg)
        .call("login", &json!({}))
        .unwrap_err();
    assert_eq!(e.sf_code.as_deref(), Some("invalid_grant"), "{e}");
}

#[test]
fn expired_password_is_a_login_failure() {
    let fake = Fake::start(&[]);
    fake.control(json!({"password_expired": true}));
    let e = fake
        .client("soap-login")
        .call("login", &json!({}))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert!(e.message.contains("expired"), "{e}");
}

#[test]
fn retired_version_is_replaced_with_a_warning() {
    let fake = Fake::start(&[]);
    let mut cfg = fake.config("soap-login");
    let url = fake
        .s("soap_login_url")
        .replace(&format!("/{}", fake.s("api_version")), "/8.0");
    cfg["login_url"] = url.into();
    cfg["api_version"] = "23.0".into();
    let mut c = common::client_from(&cfg);
    let login = c.call("login", &json!({})).unwrap();
    assert_eq!(login["api_version"], "64.0");
    let warnings = login["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{login}");
    assert!(warnings[1].as_str().unwrap().contains("8.0"));
}

/// Client id, secret, password and refresh token holding characters that
/// mean something in a form body or in HTTP Basic (`+ % & : / =`, space):
/// every OAuth flow must deliver them unchanged (RFC 6749 §2.3.1 for Basic,
/// form encoding for the body), and SOAP login must too.
#[test]
fn credentials_with_form_and_basic_special_characters() {
    let id = "3MVG9+id%2B&x:y/z=w v";
    let secret = "s3cr+t%25&a:b/c=d e+";
    let password = "p+w%d&:/= x";
    let token = "tok+%&:/=";
    let refresh = "5Aep+r%2F&:/==";
    let fake = Fake::start(&[
        "--generate",
        "accounts=7",
        "--client-id",
        id,
        "--client-secret",
        secret,
        "--password",
        password,
        "--security-token",
        token,
        "--refresh-token",
        refresh,
    ]);
    assert_eq!(fake.s("client_secret"), secret);
    assert_eq!(fake.s("client_id"), id);
    for flow in [
        "oauth-client-credentials",
        "oauth-password",
        "oauth-refresh-token",
        "oauth-jwt",
        "soap-login",
    ] {
        login_and_query(&fake, flow);
    }
    // The decoding side really compares: a secret that differs only in the
    // characters the encoding protects is refused.
    let mut cfg = fake.config("oauth-client-credentials");
    cfg["client_secret"] = json!("s3cr t%&a:b/c=d e+");
    let err = common::client_from(&cfg)
        .call("login", &json!({}))
        .expect_err("a wrong secret must be refused");
    assert_eq!(err.kind, ErrorKind::Auth, "{err}");
    assert!(
        err.sf_code
            .as_deref()
            .is_some_and(|c| c.starts_with("invalid_")),
        "{err}"
    );
}
