//! The OAuth 2.0 JWT bearer assertion (RS256), signed with the connected
//! app's private key.
//!
//! Claims as Salesforce wants them: `iss` = consumer key (client_id),
//! `sub` = username, `aud` = login host (`https://login.salesforce.com`,
//! `https://test.salesforce.com` for sandboxes), `exp` = now + 3 minutes.
//! The key is PEM text, PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`).

use crate::config::{Config, Secret};
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
    /// Loads the key the configuration names, the way the `oauth-jwt`
    /// flow uses it: `private_key_file` when set, else `private_key`
    /// (PEM text). Errors name the setting as the admin sees it
    /// (e.g. `SalesForceModule::OAuth::PrivateKeyFile (config key
    /// "private_key_file")`) and never quote the key.
    pub fn from_config(cfg: &Config) -> Result<SigningKey> {
        // The file wins when both are set: it is the recommended setting
        // (a PEM pasted into SysConfig may lose its line breaks).
        match (&cfg.private_key_file, &cfg.private_key) {
            (Some(path), _) if !path.as_os_str().is_empty() => {
                SigningKey::from_pem_file_labelled(path, &cfg.label("private_key_file"))
            }
            (_, Some(pem)) if !pem.is_empty() => {
                SigningKey::from_pem_labelled(pem, &cfg.label("private_key"))
            }
            _ => Err(key_error(&format!(
                "{} and {} are both empty: the oauth-jwt flow needs the PEM private key \
                 of the connected app's certificate",
                cfg.label("private_key"),
                cfg.label("private_key_file")
            ))),
        }
    }

    /// Loads a key from PEM text (the `private_key` setting). Errors never
    /// quote the text.
    pub fn from_pem(pem: &Secret) -> Result<SigningKey> {
        SigningKey::from_pem_labelled(pem, "config key \"private_key\"")
    }

    /// Loads a key from a PEM file (the `private_key_file` setting).
    pub fn from_pem_file(path: &Path) -> Result<SigningKey> {
        SigningKey::from_pem_file_labelled(path, "config key \"private_key_file\"")
    }

    /// `setting` names where the PEM text came from, for the errors.
    fn from_pem_labelled(pem: &Secret, setting: &str) -> Result<SigningKey> {
        let der = PrivateKeyDer::from_pem_slice(pem.expose().as_bytes()).map_err(|_| {
            key_error(&format!(
                "{setting} is not PEM text with an RSA PRIVATE KEY or PRIVATE KEY block (the JWT private key)"
            ))
        })?;
        let pair = match &der {
            PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
            PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
            _ => {
                return Err(key_error(&format!(
                    "{setting} holds a private key that is not RSA (Salesforce needs RS256)"
                )))
            }
        }
        .map_err(|e| {
            key_error(&format!(
                "{setting} holds an RSA private key that was refused: {e}"
            ))
        })?;
        Ok(SigningKey { pair })
    }

    fn from_pem_file_labelled(path: &Path, setting: &str) -> Result<SigningKey> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            key_error(&format!(
                "{setting} names {}, which cannot be read: {e}",
                path.display()
            ))
        })?;
        SigningKey::from_pem_labelled(
            &Secret::new(text),
            &format!("{setting}, file {},", path.display()),
        )
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
    fn jwt_config(extra: serde_json::Value) -> Config {
        let mut v = serde_json::json!({"auth_flow": "oauth-jwt", "client_id": "x", "username": "u",
            // As the Perl side sends them (Kernel/System/SalesForce.pm).
            "setting_names": {"private_key": "SalesForceModule::OAuth::PrivateKey",
                              "private_key_file": "SalesForceModule::OAuth::PrivateKeyFile"}});
        for (k, val) in extra.as_object().unwrap() {
            v[k] = val.clone();
        }
        Config::from_json(&v.to_string()).unwrap()
    }

    #[test]
    fn key_errors_name_the_admin_setting() {
        // PEM text that is not a key: the error names PrivateKey.
        let cfg = jwt_config(serde_json::json!({"private_key": "not a key SECRET-KEY-TEXT"}));
        let e = SigningKey::from_config(&cfg).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(
            e.message
                .starts_with("SalesForceModule::OAuth::PrivateKey (config key \"private_key\") "),
            "{e}"
        );
        assert!(!e.to_string().contains("SECRET-KEY-TEXT"), "{e}");
        // A file that is not a key: the error names PrivateKeyFile and the path.
        let path =
            std::env::temp_dir().join(format!("sfclient-jwt-test-{}.pem", std::process::id()));
        std::fs::write(&path, "garbage SECRET-FILE-TEXT").unwrap();
        let cfg = jwt_config(serde_json::json!({"private_key_file": path.to_str().unwrap()}));
        let e = SigningKey::from_config(&cfg).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert!(
            e.message.starts_with(
                "SalesForceModule::OAuth::PrivateKeyFile (config key \"private_key_file\"), file "
            ),
            "{e}"
        );
        assert!(e.message.contains(path.to_str().unwrap()), "{e}");
        assert!(!e.to_string().contains("SECRET-FILE-TEXT"), "{e}");
        // A file that disappeared after the config check.
        let gone =
            std::env::temp_dir().join(format!("sfclient-jwt-gone-{}.pem", std::process::id()));
        std::fs::write(&gone, PKCS1).unwrap();
        let cfg = jwt_config(serde_json::json!({"private_key_file": gone.to_str().unwrap()}));
        assert!(SigningKey::from_config(&cfg).is_ok());
        std::fs::remove_file(&gone).unwrap();
        let e = SigningKey::from_config(&cfg).unwrap_err();
        assert!(
            e.message.starts_with(
                "SalesForceModule::OAuth::PrivateKeyFile (config key \"private_key_file\") names "
            ),
            "{e}"
        );
        // Without setting names the config key alone is named.
        let e = SigningKey::from_pem(&Secret::new("x")).unwrap_err();
        assert!(
            e.message
                .starts_with("config key \"private_key\" is not PEM text"),
            "{e}"
        );
        // A good key as PEM text loads.
        let cfg = jwt_config(serde_json::json!({"private_key": PKCS8}));
        assert!(SigningKey::from_config(&cfg).is_ok());
    }
}
