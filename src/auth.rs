//! Getting a session: SOAP `login()` or an OAuth 2.0 token (client
//! credentials, JWT bearer, username-password, refresh token), or a ready
//! access token from the configuration.
//!
//! Every flow ends in a [`Session`]: a token used as SOAP `sessionId` and
//! REST Bearer, the SOAP endpoint, and who we are. With OAuth tokens the
//! SOAP endpoint is `{instance_url}/services/Soap/u/{version}/{orgId15}`
//! (the org id suffix only when the identity URL told us the org).

use crate::config::{AuthFlow, Config, Secret};
use crate::error::{Error, ErrorKind, Result};
use crate::jwt::SigningKey;
use crate::soap::{self, Namespaces};
use crate::transport::{Body, Purpose, Request, Transport};
use serde_json::Value;
use std::fmt;

/// A live session. `Debug` hides the token.
#[derive(Clone)]
pub struct Session {
    /// SOAP session id or OAuth access token: a secret.
    pub token: Secret,
    /// Where SOAP data calls go.
    pub server_url: String,
    /// `https://host[:port]`, base of REST calls.
    pub instance_url: String,
    pub user_id: Option<String>,
    pub org_id: Option<String>,
    pub user_name: Option<String>,
    /// `userInfo` of a SOAP login, when we have it.
    pub user_info: Option<Value>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("token", &self.token)
            .field("server_url", &self.server_url)
            .field("instance_url", &self.instance_url)
            .field("user_id", &self.user_id)
            .field("org_id", &self.org_id)
            .field("user_name", &self.user_name)
            .finish_non_exhaustive()
    }
}

/// What the flows keep between logins: the loaded JWT key, and the
/// current refresh token (Salesforce may rotate it).
#[derive(Debug, Default)]
pub struct AuthState {
    jwt_key: Option<SigningKey>,
    refresh_token: Option<Secret>,
}

impl AuthState {
    /// The refresh token in use (the configured one, or its rotation).
    pub fn refresh_token(&self) -> Option<&Secret> {
        self.refresh_token.as_ref()
    }
}

/// Gets a new session with the configured flow.
pub fn login(
    cfg: &Config,
    ns: &Namespaces,
    transport: &mut Transport,
    state: &mut AuthState,
) -> Result<Session> {
    let result = match cfg.auth_flow {
        AuthFlow::SoapLogin => soap_login(cfg, ns, transport),
        AuthFlow::AccessToken => access_token_session(cfg),
        _ => oauth_login(cfg, transport, state),
    };
    result.map_err(|e| e.context("login"))
}

fn password_and_token(cfg: &Config) -> Secret {
    let mut s = cfg
        .password
        .as_ref()
        .map(|p| p.expose().to_string())
        .unwrap_or_default();
    if let Some(t) = &cfg.security_token {
        s.push_str(t.expose());
    }
    Secret::new(s)
}

fn soap_login(cfg: &Config, ns: &Namespaces, transport: &mut Transport) -> Result<Session> {
    let username = cfg.username.clone().unwrap_or_default();
    let envelope = soap::login_request(ns, &username, password_and_token(cfg).expose());
    let req = Request::soap(&cfg.login_url, envelope, Purpose::Login, true);
    let result = transport.send(&req, "login", |resp| {
        soap::parse_login_response(resp.status, &resp.body)
    })?;
    if result.password_expired {
        return Err(Error::new(
            ErrorKind::Auth,
            format!(
                "Salesforce accepted the login of {} but its password has expired: log in to \
                 Salesforce as this user, set a new password, then update {} (and the security token)",
                cfg.label("username"),
                cfg.label("password")
            ),
        )
        .with_sf_code("INVALID_OPERATION_WITH_EXPIRED_PASSWORD"));
    }
    let instance_url = origin_of(&result.server_url)?;
    Ok(Session {
        token: Secret::new(result.session_id),
        server_url: result.server_url,
        instance_url,
        user_id: Some(result.user_id),
        org_id: Some(result.org_id),
        user_name: Some(result.user_name),
        user_info: Some(result.user_info),
    })
}

fn access_token_session(cfg: &Config) -> Result<Session> {
    let token = cfg.access_token.clone().unwrap_or_default();
    let instance_url = cfg.instance_url.clone().unwrap_or_default();
    // Opaque tokens start with the 15-char org id: `00D...!...`.
    let org15 = token
        .expose()
        .split_once('!')
        .map(|(org, _)| org)
        .filter(|org| org.len() == 15 && org.starts_with("00D"))
        .map(str::to_string);
    Ok(Session {
        server_url: soap_endpoint(&instance_url, &cfg.api_version, org15.as_deref()),
        token,
        instance_url,
        user_id: None,
        org_id: org15,
        user_name: cfg.username.clone(),
        user_info: None,
    })
}

fn oauth_login(cfg: &Config, transport: &mut Transport, state: &mut AuthState) -> Result<Session> {
    let client_id = cfg.client_id.clone().unwrap_or_default();
    let mut form: Vec<(&'static str, String)> = Vec::new();
    let mut basic = false;
    match cfg.auth_flow {
        AuthFlow::OAuthPassword => {
            form.push(("grant_type", "password".into()));
            form.push(("client_id", client_id.clone()));
            if let Some(s) = &cfg.client_secret {
                form.push(("client_secret", s.expose().to_string()));
            }
            form.push(("username", cfg.username.clone().unwrap_or_default()));
            form.push(("password", password_and_token(cfg).expose().to_string()));
        }
        AuthFlow::OAuthClientCredentials => {
            form.push(("grant_type", "client_credentials".into()));
            // Id and secret go as HTTP Basic; the transport form-urlencodes
            // both first (RFC 6749 §2.3.1). The other flows send them in
            // the form body, which `reqwest` form-urlencodes.
            basic = true;
        }
        AuthFlow::OAuthJwt => {
            if state.jwt_key.is_none() {
                let key = SigningKey::from_config(cfg)?;
                state.jwt_key = Some(key);
            }
            let key = state
                .jwt_key
                .as_ref()
                .ok_or_else(|| Error::new(ErrorKind::Config, "JWT key not loaded"))?;
            let username = cfg.username.clone().unwrap_or_default();
            let assertion = key.assertion(&client_id, &username, &cfg.jwt_audience)?;
            form.push((
                "grant_type",
                "urn:ietf:params:oauth:grant-type:jwt-bearer".into(),
            ));
            form.push(("assertion", assertion.expose().to_string()));
        }
        AuthFlow::OAuthRefreshToken => {
            let refresh = state
                .refresh_token
                .clone()
                .or_else(|| cfg.refresh_token.clone())
                .unwrap_or_default();
            form.push(("grant_type", "refresh_token".into()));
            form.push(("refresh_token", refresh.expose().to_string()));
            form.push(("client_id", client_id.clone()));
            if let Some(s) = &cfg.client_secret {
                form.push(("client_secret", s.expose().to_string()));
            }
        }
        AuthFlow::SoapLogin | AuthFlow::AccessToken => {
            return Err(Error::new(ErrorKind::Config, "not an OAuth flow"));
        }
    }
    let token_url = cfg.token_url();
    let empty = Secret::default();
    let secret = cfg.client_secret.as_ref().unwrap_or(&empty);
    let req = Request {
        get: false,
        url: &token_url,
        body: Body::Form(form),
        bearer: None,
        basic: if basic {
            Some((client_id.as_str(), secret))
        } else {
            None
        },
        headers: Vec::new(),
        purpose: Purpose::Login,
        idempotent: true,
    };
    let context = format!("login ({} token request)", cfg.auth_flow.name());
    let token = transport.send(&req, &context, |resp| {
        crate::rest::parse_oauth_token(resp.status, &resp.body)
    })?;
    if let Some(rotated) = &token.refresh_token {
        state.refresh_token = Some(Secret::new(rotated.clone()));
    }
    let instance_url = token.instance_url.trim_end_matches('/').to_string();
    if instance_url.is_empty() {
        return Err(Error::new(
            ErrorKind::Protocol,
            "the token response has no instance_url",
        ));
    }
    let (org_id, user_id) = match token
        .id_url
        .as_deref()
        .and_then(crate::rest::org_and_user_from_id_url)
    {
        Some((o, u)) => (Some(o), Some(u)),
        None => (None, None),
    };
    let org15 = org_id.as_deref().map(|o| &o[..o.len().min(15)]);
    Ok(Session {
        server_url: soap_endpoint(&instance_url, &cfg.api_version, org15),
        token: Secret::new(token.access_token),
        instance_url,
        user_id,
        org_id,
        user_name: cfg.username.clone(),
        user_info: None,
    })
}

/// `{instance}/services/Soap/u/{version}[/{org15}]`.
pub fn soap_endpoint(instance_url: &str, version: &str, org15: Option<&str>) -> String {
    let base = instance_url.trim_end_matches('/');
    match org15 {
        Some(org) if !org.is_empty() => format!("{base}/services/Soap/u/{version}/{org}"),
        _ => format!("{base}/services/Soap/u/{version}"),
    }
}

/// `https://host[:port]` of a URL.
fn origin_of(url: &str) -> Result<String> {
    let parsed = reqwest::Url::parse(url).map_err(|_| {
        Error::new(
            ErrorKind::Protocol,
            format!("the login response's serverUrl is not a URL: {url}"),
        )
    })?;
    Ok(parsed.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(
            soap_endpoint(
                "https://x.my.salesforce.com/",
                "64.0",
                Some("00D000000000001")
            ),
            "https://x.my.salesforce.com/services/Soap/u/64.0/00D000000000001"
        );
        assert_eq!(
            soap_endpoint("https://x", "64.0", None),
            "https://x/services/Soap/u/64.0"
        );
        assert_eq!(
            origin_of("https://127.0.0.1:8443/services/Soap/u/64.0/00D").unwrap(),
            "https://127.0.0.1:8443"
        );
    }

    #[test]
    fn access_token_session_takes_org_from_token() {
        let cfg = Config::from_value(&serde_json::json!({
            "auth_flow": "access-token", "access_token": "00D000000000001!AQ0secretpart",
            "instance_url": "https://acme.my.salesforce.com"}))
        .unwrap();
        let s = access_token_session(&cfg).unwrap();
        assert_eq!(s.org_id.as_deref(), Some("00D000000000001"));
        assert_eq!(
            s.server_url,
            "https://acme.my.salesforce.com/services/Soap/u/64.0/00D000000000001"
        );
        assert!(!format!("{s:?}").contains("AQ0secretpart"));
    }
}
