//! Single sign-on: OIDC identity tokens (JWTs signed RS256 or ES256) as bearer tokens. The
//! signing keys come from a JWKS (a URL or a file), fetched again when a token names a key
//! not seen yet (at most once per [`REFETCH_EVERY`]), so that keys rotate without a restart.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use serde::Deserialize;
use serde_json::Value;
use strata_store::Role;
use strata_workspace::OidcConfig;

/// The shortest time between two fetches of the JWKS for an unknown key id.
pub const REFETCH_EVERY: Duration = Duration::from_secs(10);

/// Clock skew allowed on `exp` and `nbf`, in seconds.
const LEEWAY: i64 = 30;

/// A public key of the JWKS.
#[derive(Clone, Debug)]
enum Key {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// A P-256 point, uncompressed (`04 ‖ x ‖ y`).
    Ec(Vec<u8>),
}

/// Who an identity token says the caller is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub tenant: String,
    pub role: Role,
}

/// Verifies identity tokens against one issuer's keys.
pub struct Oidc {
    config: OidcConfig,
    /// The shortest time between two fetches for an unknown key id.
    refetch_every: Duration,
    keys: RwLock<HashMap<String, Key>>,
    /// When the JWKS was last fetched.
    fetched: Mutex<Option<Instant>>,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    n: Option<String>,
    e: Option<String>,
    crv: Option<String>,
    x: Option<String>,
    y: Option<String>,
}

fn b64(text: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|e| format!("not base64url: {e}"))
}

/// The keys of a JWKS document, by key id (keys of other types are skipped).
fn parse_jwks(text: &str) -> Result<HashMap<String, Key>, String> {
    let jwks: Jwks = serde_json::from_str(text).map_err(|e| format!("not a JWKS: {e}"))?;
    let mut keys = HashMap::new();
    for k in jwks.keys {
        let key = match (k.kty.as_str(), &k.n, &k.e, k.crv.as_deref(), &k.x, &k.y) {
            ("RSA", Some(n), Some(e), ..) => Key::Rsa {
                n: b64(n)?,
                e: b64(e)?,
            },
            ("EC", _, _, Some("P-256"), Some(x), Some(y)) => {
                let mut point = vec![4];
                point.extend(b64(x)?);
                point.extend(b64(y)?);
                Key::Ec(point)
            }
            _ => continue,
        };
        keys.insert(k.kid.unwrap_or_default(), key);
    }
    Ok(keys)
}

impl Oidc {
    /// A verifier for `config`, with its keys fetched now.
    pub fn new(config: OidcConfig) -> Result<Oidc, String> {
        Oidc::with_refetch_every(config, REFETCH_EVERY)
    }

    /// A verifier that fetches the JWKS again for an unknown key id at most once per
    /// `refetch_every`.
    pub fn with_refetch_every(config: OidcConfig, refetch_every: Duration) -> Result<Oidc, String> {
        let oidc = Oidc {
            config,
            refetch_every,
            keys: RwLock::new(HashMap::new()),
            fetched: Mutex::new(None),
        };
        oidc.refetch(true)?;
        Ok(oidc)
    }

    /// Fetch the JWKS again (unless it was fetched within [`REFETCH_EVERY`] and not `force`).
    fn refetch(&self, force: bool) -> Result<(), String> {
        {
            let mut fetched = self.fetched.lock().unwrap_or_else(PoisonError::into_inner);
            if !force && fetched.is_some_and(|at| at.elapsed() < self.refetch_every) {
                return Ok(());
            }
            *fetched = Some(Instant::now());
        }
        let source = &self.config.jwks;
        let text = if source.starts_with("https://") || source.starts_with("http://") {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(5)))
                .build()
                .into();
            agent
                .get(source)
                .call()
                .and_then(|mut r| r.body_mut().read_to_string())
                .map_err(|e| format!("failed to fetch the JWKS `{source}`: {e}"))?
        } else {
            std::fs::read_to_string(source)
                .map_err(|e| format!("failed to read the JWKS `{source}`: {e}"))?
        };
        let keys = parse_jwks(&text).map_err(|e| format!("the JWKS `{source}` is {e}"))?;
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = keys;
        Ok(())
    }

    fn key(&self, kid: &str) -> Option<Key> {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(kid)
            .cloned()
    }

    /// Verify an identity token at time `now` (seconds since the epoch): its signature by a key
    /// of the JWKS, `iss`, `aud`, `exp` and `nbf`, and the tenant and role claims. Blocks when
    /// the JWKS must be fetched again.
    pub fn verify(&self, token: &str, now: i64) -> Result<Identity, String> {
        let mut parts = token.split('.');
        let (Some(head), Some(body), Some(sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("not a JWT (three dot-separated parts)".into());
        };
        let header: Value = serde_json::from_slice(&b64(head)?)
            .map_err(|e| format!("the JWT header is not JSON: {e}"))?;
        let alg = header["alg"].as_str().unwrap_or_default();
        let kid = header["kid"].as_str().unwrap_or_default();
        let key = match self.key(kid) {
            Some(key) => key,
            None => {
                // A key not seen yet: the issuer may have rotated its keys.
                self.refetch(false)?;
                self.key(kid)
                    .ok_or_else(|| format!("no key `{kid}` in the issuer's JWKS"))?
            }
        };
        let signed = &token[..head.len() + 1 + body.len()];
        let sig = b64(sig)?;
        let good = match (alg, &key) {
            ("RS256", Key::Rsa { n, e }) => RsaPublicKeyComponents { n, e }
                .verify(
                    &signature::RSA_PKCS1_2048_8192_SHA256,
                    signed.as_bytes(),
                    &sig,
                )
                .is_ok(),
            ("ES256", Key::Ec(point)) => {
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(signed.as_bytes(), &sig)
                    .is_ok()
            }
            _ => {
                return Err(format!(
                    "algorithm `{alg}` with key `{kid}` is not accepted"
                ));
            }
        };
        if !good {
            return Err("the signature does not verify".into());
        }
        let claims: Value = serde_json::from_slice(&b64(body)?)
            .map_err(|e| format!("the JWT claims are not JSON: {e}"))?;
        if claims["iss"].as_str() != Some(self.config.issuer.as_str()) {
            return Err(format!(
                "issuer `{}` is not `{}`",
                claims["iss"], self.config.issuer
            ));
        }
        let audience = self.config.audience.as_str();
        let aud_ok = match &claims["aud"] {
            Value::String(a) => a == audience,
            Value::Array(all) => all.iter().any(|a| a.as_str() == Some(audience)),
            _ => false,
        };
        if !aud_ok {
            return Err(format!(
                "audience `{}` does not hold `{audience}`",
                claims["aud"]
            ));
        }
        let exp = claims["exp"].as_i64().ok_or("no `exp` claim")?;
        if exp + LEEWAY <= now {
            return Err("the token has expired".into());
        }
        if claims["nbf"].as_i64().is_some_and(|nbf| nbf - LEEWAY > now) {
            return Err("the token is not valid yet (`nbf`)".into());
        }
        let text = |claim: &str| {
            claims[claim]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| format!("no `{claim}` claim"))
        };
        let role = text(&self.config.role_claim)?;
        Ok(Identity {
            subject: text("sub")?,
            tenant: text(&self.config.tenant_claim)?,
            role: Role::parse(&role)
                .ok_or_else(|| format!("role `{role}` is not viewer, editor or admin"))?,
        })
    }
}
