//! Secrets never show: every error path we can produce, with unique secret
//! values, checked in Display and Debug of the error and of the client.

mod common;

use common::{assert_no_secrets, Fake};
use serde_json::{json, Value};

/// Runs `method` on a client from `cfg`, expects an error, and checks that
/// no secret shows in the error or the client.
fn check(what: &str, cfg: &Value, method: &str, secrets: &[String]) {
    let built = sfclient::Client::from_json(&cfg.to_string());
    let mut c = match built {
        Ok(c) => c,
        Err(e) => {
            assert_no_secrets(what, &format!("{e} {e:?}"), secrets);
            return;
        }
    };
    c.set_backoff_base(std::time::Duration::from_millis(10));
    let e = c
        .call(method, &json!({"soql": "SELECT Id FROM Account"}))
        .expect_err(what);
    assert_no_secrets(what, &format!("{e}"), secrets);
    assert_no_secrets(what, &format!("{e:?}"), secrets);
    assert_no_secrets(what, &format!("{c:?}"), secrets);
    assert_no_secrets(what, &format!("{:?}", c.config()), secrets);
}

#[test]
fn no_secret_in_any_error_path() {
    let fake = Fake::start(&["--generate", "accounts=3"]);
    let key_pem = std::fs::read_to_string(fake.s("jwt_private_key_file")).unwrap();
    // Good credentials of the fake, the middle lines of its private key,
    // and every unique wrong value used below.
    let mut secrets: Vec<String> = [
        "password",
        "security_token",
        "client_secret",
        "refresh_token",
    ]
    .iter()
    .map(|k| fake.s(k))
    .collect();
    secrets.extend(
        key_pem
            .lines()
            .filter(|l| !l.starts_with("-----") && l.len() > 20)
            .map(str::to_string),
    );
    let wrong = |s: &str| format!("{s}-Uniq-7Xq2Lm9");
    let bad_pw = wrong("BadPassword");
    let bad_token = wrong("BadToken");
    let bad_cs = wrong("BadClientSecret");
    let bad_rt = wrong("5Aep861BadRefresh");
    let bad_key_body = "QmFkS2V5Qm9keVVuaXF1ZTdYcTJMbTk5OTk5OTk5OTk5";
    let bad_at = "00D000000000001!AQ0BadAccessToken.Uniq7Xq2Lm9";
    let proxy_pw = wrong("ProxyPw");
    secrets.extend([
        bad_pw.clone(),
        bad_token.clone(),
        bad_cs.clone(),
        bad_rt.clone(),
        bad_key_body.to_string(),
        "AQ0BadAccessToken".to_string(),
        proxy_pw.clone(),
    ]);

    // A real session id, then log out so it is expired.
    let mut good = fake.client("soap-login");
    let sid = good.call("session", &json!({})).unwrap()["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let opaque = sid.split_once('!').map(|(_, o)| o.to_string()).unwrap();
    assert_no_secrets(
        "client Debug",
        &format!("{good:?}"),
        &[sid.clone(), opaque.clone()],
    );
    good.call("logout", &json!({})).unwrap();
    secrets.push(opaque);

    let mut cfg = fake.config("soap-login");
    cfg["password"] = bad_pw.clone().into();
    cfg["security_token"] = bad_token.clone().into();
    check("bad password (SOAP)", &cfg, "login", &secrets);

    let mut cfg = fake.config("oauth-password");
    cfg["password"] = bad_pw.clone().into();
    check("bad password (OAuth)", &cfg, "login", &secrets);

    let mut cfg = fake.config("oauth-client-credentials");
    cfg["client_secret"] = bad_cs.clone().into();
    check("bad client secret", &cfg, "login", &secrets);

    let mut cfg = fake.config("oauth-refresh-token");
    cfg["refresh_token"] = bad_rt.clone().into();
    check("bad refresh token", &cfg, "login", &secrets);

    let mut cfg = fake.config("oauth-jwt");
    cfg.as_object_mut().unwrap().remove("private_key_file");
    cfg["private_key"] =
        format!("-----BEGIN PRIVATE KEY-----\n{bad_key_body}\n-----END PRIVATE KEY-----\n").into();
    check("malformed JWT key", &cfg, "login", &secrets);

    let mut cfg = fake.config("oauth-jwt");
    cfg.as_object_mut().unwrap().remove("private_key_file");
    cfg["private_key"] = include_str!("common/jwt-test-key.pem").into();
    let mut s2 = secrets.clone();
    s2.extend(
        include_str!("common/jwt-test-key.pem")
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .map(str::to_string),
    );
    check("JWT key unknown to the app", &cfg, "login", &s2);

    for token in [bad_at.to_string(), sid.clone()] {
        let mut cfg = fake.base_config();
        cfg["auth_flow"] = "access-token".into();
        cfg["access_token"] = token.into();
        cfg["instance_url"] = fake.s("instance_url").into();
        check("expired session", &cfg, "query", &secrets);
        check("expired session (REST)", &cfg, "rest_query", &secrets);
    }

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cfg = fake.config("soap-login");
    cfg["login_url"] = format!("https://127.0.0.1:{port}/services/Soap/u/64.0").into();
    check("unreachable host", &cfg, "login", &secrets);

    let mut cfg = fake.config("oauth-client-credentials");
    cfg["ca_file"] = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/other-ca.pem").into();
    check("TLS failure", &cfg, "login", &secrets);

    let mut cfg = fake.config("soap-login");
    cfg["proxy"] = format!("http://proxyuser:{proxy_pw}@127.0.0.1:{port}").into();
    check("bad proxy", &cfg, "login", &secrets);

    let proxy = common::ConnectProxy::start(Some(("proxyuser", "right")));
    let mut cfg = fake.config("soap-login");
    cfg["proxy"] = proxy.url(Some(("proxyuser", &proxy_pw))).into();
    check("proxy refuses credentials", &cfg, "login", &secrets);

    let mut cfg = fake.config("soap-login");
    cfg["proxy"] = format!("::{proxy_pw}@").into();
    check("malformed proxy URL", &cfg, "login", &secrets);
}
