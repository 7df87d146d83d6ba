//! The OAuth 2.0 JWT bearer assertion (RS256), signed with the connected
//! app's private key.
//!
//! Claims as Salesforce wants them: `iss` = consumer key (client_id),
//! `sub` = username, `aud` = login host (`https://login.salesforce.com`,
//! `https://test.salesforce.com` for sandboxes), `exp` = now + 3 minutes.
//! The key is PEM text, PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`).

use crate::config::Secret;
use crate::error::{Error, ErrorKind, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::PrivateKeyDer;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// Lifetime of an assertion. Salesforce accepts a few minutes.
pub const ASSERTION_LIFETIME_SECS: u64 = 180;

/// A loaded RSA signing key. `Debug` shows nothing of the key.
pub struct SigningKey {
    pair: RsaKeyPair,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey([redacted])")
    }
}

impl SigningKey {
    /// Loads a key from PEM text. Errors never quote the text.
    pub fn from_pem(pem: &Secret) -> Result<SigningKey> {
        let der = PrivateKeyDer::from_pem_slice(pem.expose().as_bytes()).map_err(|_| {
            key_error(
                "the JWT private key is not PEM text with an RSA PRIVATE KEY or PRIVATE KEY block",
            )
        })?;
        let pair = match &der {
            PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
            PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
            _ => {
                return Err(key_error(
                    "the JWT private key is not an RSA key (Salesforce needs RS256)",
                ))
            }
        }
        .map_err(|e| key_error(&format!("the JWT private key was refused: {e}")))?;
        Ok(SigningKey { pair })
    }

    /// Loads a key from a PEM file.
    pub fn from_pem_file(path: &Path) -> Result<SigningKey> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!(
                    "cannot read the JWT private key file {}: {e}",
                    path.display()
                ),
            )
            .context("oauth-jwt")
        })?;
        SigningKey::from_pem(&Secret::new(text))
    }

    /// The public key as DER `RSAPublicKey` (for tests and diagnostics).
    pub fn public_key_der(&self) -> Vec<u8> {
        self.pair.public().as_ref().to_vec()
    }

    /// Signs `header.claims` and returns the compact JWT.
    pub fn assertion(&self, client_id: &str, username: &str, audience: &str) -> Result<Secret> {
        let exp = now_secs() + ASSERTION_LIFETIME_SECS;
        self.assertion_with_exp(client_id, username, audience, exp)
    }

    fn assertion_with_exp(
        &self,
        client_id: &str,
        username: &str,
        audience: &str,
        exp: u64,
    ) -> Result<Secret> {
        let header = serde_json::json!({"alg": "RS256", "typ": "JWT"});
        let claims = serde_json::json!({
            "iss": client_id,
            "sub": username,
            "aud": audience,
            "exp": exp,
        });
        let mut signing_input = String::new();
        signing_input.push_str(&URL_SAFE_NO_PAD.encode(header.to_string()));
        signing_input.push('.');
        signing_input.push_str(&URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut sig = vec![0u8; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut sig,
            )
            .map_err(|_| key_error("signing the JWT assertion failed"))?;
        signing_input.push('.');
        signing_input.push_str(&URL_SAFE_NO_PAD.encode(&sig));
        Ok(Secret::new(signing_input))
    }
}

fn key_error(msg: &str) -> Error {
    Error::new(ErrorKind::Config, msg.to_string()).context("oauth-jwt")
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};

    const PKCS1: &str = include_str!("../tests/common/jwt-test-key.pem");
    const PKCS8: &str = include_str!("../tests/common/jwt-test-key-pkcs8.pem");

    fn decode(part: &str) -> serde_json::Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    #[test]
    fn claims_and_signature_verify_with_the_public_key() {
        for pem in [PKCS1, PKCS8] {
            let key = SigningKey::from_pem(&Secret::new(pem)).unwrap();
            let before = now_secs();
            let jwt = key
                .assertion("CLIENT-ID", "u@example.com", "https://test.salesforce.com")
                .unwrap();
            let parts: Vec<&str> = jwt.expose().split('.').collect();
            assert_eq!(parts.len(), 3);
            assert_eq!(decode(parts[0])["alg"], "RS256");
            let claims = decode(parts[1]);
            assert_eq!(claims["iss"], "CLIENT-ID");
            assert_eq!(claims["sub"], "u@example.com");
            assert_eq!(claims["aud"], "https://test.salesforce.com");
            let exp = claims["exp"].as_u64().unwrap();
            assert!(
                exp >= before + ASSERTION_LIFETIME_SECS
                    && exp <= now_secs() + ASSERTION_LIFETIME_SECS
            );
            let signed = format!("{}.{}", parts[0], parts[1]);
            let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
            let public = UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, key.public_key_der());
            public.verify(signed.as_bytes(), &sig).unwrap();
            // A changed claim no longer verifies.
            let forged = format!(
                "{}.{}",
                parts[0],
                URL_SAFE_NO_PAD.encode(b"{\"sub\":\"x\"}")
            );
            assert!(public.verify(forged.as_bytes(), &sig).is_err());
        }
    }

    #[test]
    fn bad_keys_are_config_errors_without_the_key_text() {
        for text in [
            "not a key SECRET-KEY-TEXT",
            "-----BEGIN RSA PRIVATE KEY-----\nU0VDUkVULUtFWS1URVhU\n-----END RSA PRIVATE KEY-----\n",
        ] {
            let e = SigningKey::from_pem(&Secret::new(text)).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Config);
            assert!(!format!("{e:?}").contains("SECRET-KEY-TEXT"));
            assert!(!e.to_string().contains("U0VDUkVU"));
        }
        let e = SigningKey::from_pem_file(Path::new("/nonexistent/key.pem")).unwrap_err();
        assert!(e.message.contains("/nonexistent/key.pem"), "{e}");
    }
}
