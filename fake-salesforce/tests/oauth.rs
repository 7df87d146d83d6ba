//! OAuth token endpoint flows; the tokens work for SOAP and REST.

mod common;
use base64::Engine;
use common::*;
use serde_json::{json, Value};

fn token(f: &Fake, url: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let r = f.http.post(url).form(form).send().unwrap();
    let st = r.status().as_u16();
    (st, r.json().unwrap())
}

fn jwt(f: &Fake, claims: Value) -> String {
    let pem = std::fs::read_to_string(f.s("jwt_private_key_file")).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let key = ring::signature::RsaKeyPair::from_pkcs8(&der).unwrap();
    let e = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let signing = format!(
        "{}.{}",
        e(br#"{"alg":"RS256"}"#),
        e(claims.to_string().as_bytes())
    );
    let mut sig = vec![0; key.public().modulus_len()];
    key.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        signing.as_bytes(),
        &mut sig,
    )
    .unwrap();
    format!("{signing}.{}", e(&sig))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn password_refresh_and_jwt_flows() {
    let f = start(&["--tls", "--generate", "accounts=3,owners=1"]);
    let url = f.s("token_url");
    let pw = format!("{}{}", f.s("password"), f.s("security_token"));
    let (cid, secret, user) = (f.s("client_id"), f.s("client_secret"), f.s("username"));
    let (st, v) = token(
        &f,
        &url,
        &[
            ("grant_type", "password"),
            ("client_id", &cid),
            ("client_secret", &secret),
            ("username", &user),
            ("password", &pw),
        ],
    );
    assert_eq!(st, 200, "{v}");
    assert!(
        v["issued_at"].is_string() && v["signature"].is_string() && v["token_type"] == "Bearer"
    );
    assert_eq!(v["instance_url"], f.s("instance_url"));
    assert!(v["id"].as_str().unwrap().ends_with(&format!(
        "/id/{}/{}",
        f.s("org_id"),
        f.s("user_id")
    )));
    assert!(v.get("refresh_token").is_none());
    let at = v["access_token"].as_str().unwrap().to_string();
    // the access token is a SOAP session id, with and without the org id suffix, and a REST bearer token
    for soap_url in [
        format!("{}/services/Soap/u/64.0", f.s("instance_url")),
        format!(
            "{}/services/Soap/u/64.0/{}",
            f.s("instance_url"),
            &f.s("org_id")[..15]
        ),
    ] {
        let (st, b) = f.soap(
            &soap_url,
            &call(&at, None, &query_body("SELECT Id FROM Account")),
        );
        assert_eq!(st, 200, "{b}");
        assert_eq!(between(&b, "<size>", "</size>"), "3");
    }
    let r = f
        .http
        .get(format!(
            "{}/services/data/v64.0/query?q=SELECT+Id+FROM+Account",
            f.s("instance_url")
        ))
        .bearer_auth(&at)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    let (st, v) = token(
        &f,
        &url,
        &[
            ("grant_type", "password"),
            ("client_id", &cid),
            ("client_secret", &secret),
            ("username", &user),
            ("password", "nope"),
        ],
    );
    assert_eq!(
        (st, v.clone()),
        (
            400,
            json!({"error": "invalid_grant", "error_description": "authentication failure"})
        )
    );
    let (st, v) = token(
        &f,
        &url,
        &[
            ("grant_type", "password"),
            ("client_id", "other"),
            ("client_secret", &secret),
            ("username", &user),
            ("password", &pw),
        ],
    );
    assert_eq!(
        (st, v["error"].as_str().unwrap()),
        (400, "invalid_client_id")
    );
    let (st, v) = token(
        &f,
        &url,
        &[
            ("grant_type", "password"),
            ("client_id", &cid),
            ("client_secret", "x"),
            ("username", &user),
            ("password", &pw),
        ],
    );
    assert_eq!((st, v["error"].as_str().unwrap()), (400, "invalid_client"));
    let (st, v) = token(&f, &url, &[("grant_type", "magic")]);
    assert_eq!(
        (st, v["error"].as_str().unwrap()),
        (400, "unsupported_grant_type")
    );

    let (st, v) = token(
        &f,
        &url,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &cid),
            ("refresh_token", &f.s("refresh_token")),
        ],
    );
    assert_eq!(st, 200, "{v}");
    let (st, v) = token(
        &f,
        &url,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &cid),
            ("refresh_token", "old"),
        ],
    );
    assert_eq!(
        (st, v["error_description"].as_str().unwrap()),
        (400, "expired access/refresh token")
    );

    let jb = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    let good =
        json!({"iss": cid, "sub": user, "aud": "https://login.salesforce.com", "exp": now() + 180});
    let (st, v) = token(
        &f,
        &url,
        &[("grant_type", jb), ("assertion", &jwt(&f, good.clone()))],
    );
    assert_eq!(st, 200, "{v}");
    let at = v["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        f.soap(
            &format!("{}/services/Soap/u/64.0", f.s("instance_url")),
            &call(&at, None, "<urn:getUserInfo/>")
        )
        .0,
        200
    );
    let mut bad = good.clone();
    bad["aud"] = json!("https://example.com");
    assert_eq!(
        token(
            &f,
            &url,
            &[("grant_type", jb), ("assertion", &jwt(&f, bad))]
        )
        .1["error_description"],
        "audience is invalid"
    );
    let mut bad = good.clone();
    bad["exp"] = json!(now() - 10);
    assert_eq!(
        token(
            &f,
            &url,
            &[("grant_type", jb), ("assertion", &jwt(&f, bad))]
        )
        .1["error_description"],
        "expired authorization code"
    );
    let mut bad = good.clone();
    bad["iss"] = json!("someone-else");
    assert_eq!(
        token(
            &f,
            &url,
            &[("grant_type", jb), ("assertion", &jwt(&f, bad))]
        )
        .1["error"],
        "invalid_client_id"
    );
    let mut bad = good.clone();
    bad["sub"] = json!("other@example.com");
    assert_eq!(
        token(
            &f,
            &url,
            &[("grant_type", jb), ("assertion", &jwt(&f, bad))]
        )
        .1["error"],
        "invalid_grant"
    );
    // a tampered payload fails the signature check
    let t = jwt(&f, good);
    let parts: Vec<&str> = t.split('.').collect();
    let forged_claims = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json!({"iss": cid, "sub": user, "aud": "https://login.salesforce.com", "exp": now() + 9999}).to_string());
    let forged = format!("{}.{}.{}", parts[0], forged_claims, parts[2]);
    let (st, v) = token(&f, &url, &[("grant_type", jb), ("assertion", &forged)]);
    assert_eq!(st, 400);
    assert!(
        v["error_description"]
            .as_str()
            .unwrap()
            .contains("signature"),
        "{v}"
    );
}

#[test]
fn client_credentials_only_on_my_domain_host() {
    let f = start(&["--tls", "--generate", "accounts=1,owners=1"]);
    let (cid, secret) = (f.s("client_id"), f.s("client_secret"));
    // 127.0.0.1 plays the My Domain host: accepted, credentials as HTTP Basic
    let r = f
        .http
        .post(f.s("token_url"))
        .basic_auth(&cid, Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // localhost plays login.salesforce.com: refused
    let port = f.port();
    let pem = std::fs::read(f.s("ca_file")).unwrap();
    let client = reqwest::blocking::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .resolve(
            "localhost",
            std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        )
        .build()
        .unwrap();
    let r = client
        .post(format!("https://localhost:{port}/services/oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &cid),
            ("client_secret", &secret),
        ])
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let v: Value = r.json().unwrap();
    assert_eq!(
        v,
        json!({"error": "invalid_grant", "error_description": "request not supported on this domain"})
    );
}
