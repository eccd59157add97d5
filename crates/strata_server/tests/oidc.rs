//! Single sign-on: identity tokens signed RS256 and ES256 with keys made in the test, each
//! claim checked, `alg: none` and foreign signatures refused, keys rotated through the JWKS.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use strata_server::{Identity, Oidc};
use strata_store::Role;
use strata_test::jwt::Signer;
use strata_workspace::OidcConfig;

fn enc(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn config(jwks: &std::path::Path) -> OidcConfig {
    OidcConfig {
        issuer: "https://id.example.com".into(),
        audience: "strata".into(),
        jwks: jwks.display().to_string(),
        tenant_claim: "org".into(),
        role_claim: "strata_role".into(),
    }
}

fn claims(now: i64) -> Value {
    json!({"iss": "https://id.example.com", "aud": ["other", "strata"], "sub": "ada",
           "org": "acme", "strata_role": "editor", "exp": now + 600, "nbf": now - 5})
}

#[test]
fn tokens_are_checked_claim_by_claim_and_keys_rotate() {
    let dir = tempfile::tempdir().unwrap();
    let jwks = dir.path().join("jwks.json");
    let es = Signer::es256();
    let rs = Signer::rs256().expect("openssl makes the RSA test key");
    let keys = [es.jwk("es-1"), rs.jwk("rs-1")];
    std::fs::write(&jwks, json!({"keys": keys}).to_string()).unwrap();
    let oidc = Oidc::with_refetch_every(config(&jwks), Duration::ZERO).unwrap();
    let now = 1_800_000_000;
    let want = Identity {
        subject: "ada".into(),
        tenant: "acme".into(),
        role: Role::Editor,
    };
    assert_eq!(
        oidc.verify(&es.sign("es-1", &claims(now)), now),
        Ok(want.clone())
    );
    assert_eq!(oidc.verify(&rs.sign("rs-1", &claims(now)), now), Ok(want));
    // A key of one kind does not verify the other's algorithm.
    assert!(oidc.verify(&rs.sign("es-1", &claims(now)), now).is_err());
    let refused = |claims: Value| oidc.verify(&es.sign("es-1", &claims), now).unwrap_err();
    let with = |key: &str, value: Value| {
        let mut c = claims(now);
        c[key] = value;
        c
    };
    assert!(refused(with("exp", json!(now - 60))).contains("expired"));
    assert!(refused(with("nbf", json!(now + 600))).contains("not valid yet"));
    assert!(refused(with("iss", json!("https://evil.example.com"))).contains("issuer"));
    assert!(refused(with("aud", json!("other"))).contains("audience"));
    assert!(refused(with("strata_role", json!("root"))).contains("role"));
    assert!(refused(with("org", json!(null))).contains("`org`"));
    // A signature by another key, and a token with its signature cut.
    let other = Signer::es256();
    assert!(
        oidc.verify(&other.sign("es-1", &claims(now)), now)
            .unwrap_err()
            .contains("signature")
    );
    let token = es.sign("es-1", &claims(now));
    let cut = &token[..token.rfind('.').unwrap()];
    assert!(oidc.verify(cut, now).is_err());
    // `alg: none` is never accepted.
    let none = format!(
        "{}.{}.",
        enc(br#"{"alg":"none","kid":"es-1"}"#),
        enc(claims(now).to_string().as_bytes())
    );
    assert!(oidc.verify(&none, now).is_err());
    // A rotated key: unknown at first, found by fetching the JWKS again.
    let next = Signer::es256();
    std::fs::write(
        &jwks,
        json!({"keys": [es.jwk("es-1"), next.jwk("es-2")]}).to_string(),
    )
    .unwrap();
    assert!(oidc.verify(&next.sign("es-2", &claims(now)), now).is_ok());
    // Within the refetch interval an unknown key does not fetch again; without, it does.
    let slow = Oidc::with_refetch_every(config(&jwks), Duration::from_secs(3600)).unwrap();
    let third = Signer::es256();
    std::fs::write(&jwks, json!({"keys": [third.jwk("es-3")]}).to_string()).unwrap();
    let token = third.sign("es-3", &claims(now));
    assert!(slow.verify(&token, now).unwrap_err().contains("no key"));
    assert!(oidc.verify(&token, now).is_ok());
}
