//! POST /services/oauth2/token: password, client_credentials, JWT bearer
//! (RS256 against the committed test key), refresh_token.

use crate::http::{form_pairs, Request, Response};
use crate::render::json_str;
use crate::soap::fault_response;
use crate::state::{lock, read, State};
use crate::timeutil;
use base64::Engine;

const JWT_PUBLIC_PEM: &str = include_str!("../testdata/jwt-public.pem");
/// The private half, written out for tests (it is public test data).
pub const JWT_PRIVATE_PEM: &str = include_str!("../testdata/jwt-key.pem");

fn error(error: &str, description: &str) -> Response {
    let mut body = String::from("{\"error\":");
    json_str(&mut body, error);
    body.push_str(",\"error_description\":");
    json_str(&mut body, description);
    body.push('}');
    Response::new(400, "application/json;charset=UTF-8", body)
}

fn public_key_der() -> Vec<u8> {
    let b64: String = JWT_PUBLIC_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .unwrap_or_default()
}

fn b64url(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .ok()
}

/// Whether the request came to a host that plays login.salesforce.com.
fn is_login_host(state: &State, req: &Request) -> bool {
    let host = req.host_name();
    let cfg = read(&state.cfg);
    host.ends_with("login.salesforce.com")
        || host.ends_with("test.salesforce.com")
        || cfg
            .login_host_names
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&host))
}

pub fn handle(state: &State, req: &Request) -> Response {
    state.count_call("token");
    if let Some(rule) = state.take_fault("token", None) {
        if let Some(r) = fault_response(&rule, false) {
            return r;
        }
        if rule.kind == crate::state::FaultKind::Latency {
            std::thread::sleep(std::time::Duration::from_millis(rule.ms));
        }
    }
    if req.method != "POST" {
        return error("invalid_request", "must use HTTP POST");
    }
    let mut form = form_pairs(&String::from_utf8_lossy(&req.body));
    // client_id/secret may come as HTTP Basic
    if let Some(basic) = req
        .header("authorization")
        .and_then(|h| h.strip_prefix("Basic ").map(str::to_string))
    {
        if let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(basic.trim()) {
            let raw = String::from_utf8_lossy(&raw).to_string();
            if let Some((id, secret)) = raw.split_once(':') {
                form.push(("client_id".into(), crate::http::percent_decode(id)));
                form.push(("client_secret".into(), crate::http::percent_decode(secret)));
            }
        }
    }
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let cfg = state.cfg();
    let grant = get("grant_type").unwrap_or_default();
    let check_client = |need_secret: bool| -> Result<(), Response> {
        match get("client_id") {
            Some(id) if id == cfg.client_id => {}
            _ => return Err(error("invalid_client_id", "client identifier invalid")),
        }
        if need_secret && get("client_secret").as_deref() != Some(cfg.client_secret.as_str()) {
            return Err(error("invalid_client", "invalid client credentials"));
        }
        Ok(())
    };
    let user_id = read(&state.org).user_id.clone();
    match grant.as_str() {
        "password" => {
            if let Err(r) = check_client(true) {
                return r;
            }
            let user = get("username").unwrap_or_default();
            let pw = get("password").unwrap_or_default();
            let current = lock(&state.passwords)
                .get(&user_id)
                .cloned()
                .unwrap_or(cfg.password.clone());
            let ok = user.eq_ignore_ascii_case(&cfg.username)
                && (pw == format!("{current}{}", cfg.security_token)
                    || (cfg.trusted_ip && pw == current));
            if !ok || cfg.login_refused {
                return error("invalid_grant", "authentication failure");
            }
            success(state, &user_id, None, false)
        }
        "client_credentials" => {
            if is_login_host(state, req) {
                return error("invalid_grant", "request not supported on this domain");
            }
            if let Err(r) = check_client(true) {
                return r;
            }
            if cfg.login_refused {
                return error("invalid_grant", "no client credentials user enabled");
            }
            success(state, &user_id, None, true)
        }
        "urn:ietf:params:oauth:grant-type:jwt-bearer" => {
            let assertion = get("assertion").unwrap_or_default();
            match verify_jwt(&assertion, &cfg) {
                Ok(()) if !cfg.login_refused => success(state, &user_id, None, false),
                Ok(()) => error("invalid_grant", "user hasn't approved this consumer"),
                Err((e, d)) => error(e, d),
            }
        }
        "refresh_token" => {
            if let Err(r) = check_client(false) {
                return r;
            }
            if let Some(secret) = get("client_secret") {
                if secret != cfg.client_secret {
                    return error("invalid_client", "invalid client credentials");
                }
            }
            let rt = get("refresh_token").unwrap_or_default();
            if !lock(&state.refresh_tokens).contains(&rt) || cfg.login_refused {
                return error("invalid_grant", "expired access/refresh token");
            }
            success(state, &user_id, None, false)
        }
        "" => error("unsupported_grant_type", "grant type not supported"),
        _ => error("unsupported_grant_type", "grant type not supported"),
    }
}

fn verify_jwt(
    assertion: &str,
    cfg: &crate::state::Config,
) -> Result<(), (&'static str, &'static str)> {
    let bad = ("invalid_grant", "invalid assertion");
    let parts: Vec<&str> = assertion.split('.').collect();
    if parts.len() != 3 {
        return Err(bad);
    }
    let header: serde_json::Value = b64url(parts[0])
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(bad)?;
    if header.get("alg").and_then(|a| a.as_str()) != Some("RS256") {
        return Err((
            "invalid_grant",
            "invalid assertion: algorithm must be RS256",
        ));
    }
    let sig = b64url(parts[2]).ok_or(bad)?;
    let signed = format!("{}.{}", parts[0], parts[1]);
    let key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        public_key_der(),
    );
    key.verify(signed.as_bytes(), &sig).map_err(|_| {
        (
            "invalid_grant",
            "invalid assertion: signature verification failed",
        )
    })?;
    let claims: serde_json::Value = b64url(parts[1])
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(bad)?;
    let s = |k: &str| {
        claims
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    if s("iss") != cfg.client_id {
        return Err(("invalid_client_id", "client identifier invalid"));
    }
    let aud_ok = match claims.get("aud") {
        Some(serde_json::Value::String(a)) => aud_matches(a, cfg),
        Some(serde_json::Value::Array(list)) => list
            .iter()
            .any(|a| a.as_str().is_some_and(|a| aud_matches(a, cfg))),
        _ => false,
    };
    if !aud_ok {
        return Err(("invalid_grant", "audience is invalid"));
    }
    if !s("sub").eq_ignore_ascii_case(&cfg.username) {
        return Err(("invalid_grant", "user hasn't approved this consumer"));
    }
    // a number, or a number in a string (simple-salesforce sends "exp": "1700000000")
    let exp = claims
        .get("exp")
        .and_then(|e| {
            e.as_i64().or_else(|| {
                e.as_str()
                    .and_then(|s| s.trim().parse::<f64>().ok())
                    .map(|f| f as i64)
            })
        })
        .ok_or(("invalid_grant", "invalid assertion: exp missing"))?;
    if exp * 1000 < timeutil::now_millis() {
        return Err(("invalid_grant", "expired authorization code"));
    }
    Ok(())
}

fn aud_matches(a: &str, cfg: &crate::state::Config) -> bool {
    let a = a.trim_end_matches('/');
    cfg.jwt_audiences
        .iter()
        .any(|x| x.trim_end_matches('/') == a)
        || a == cfg.base_url.trim_end_matches('/')
}

fn success(
    state: &State,
    user_id: &str,
    refresh: Option<&str>,
    client_credentials: bool,
) -> Response {
    let cfg = state.cfg();
    let token = state.new_session(user_id, false);
    let org_id = read(&state.org).org_id.clone();
    let id_url = format!("{}/id/{org_id}/{user_id}", cfg.base_url);
    let issued = timeutil::now_millis().to_string();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, cfg.client_secret.as_bytes());
    let sig = ring::hmac::sign(&key, format!("{id_url}{issued}").as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(sig.as_ref());
    let mut v = serde_json::json!({
        "access_token": token,
        "instance_url": cfg.base_url,
        "id": id_url,
        "token_type": "Bearer",
        "issued_at": issued,
        "signature": signature,
        "scope": "api web",
    });
    if client_credentials {
        v["api_instance_url"] = serde_json::json!(cfg.base_url);
    }
    if let Some(r) = refresh {
        v["refresh_token"] = serde_json::json!(r);
    }
    Response::new(200, "application/json;charset=UTF-8", v.to_string())
}
