//! Signed answer links: the accept, tentative and decline links in an invitation mailed to a
//! guest outside the company, which answer without an account.
//!
//! A link's token is its claims (the organizer, the meeting's UID, the guest's address, the
//! answer, a nonce shared by the links of one mail, and an expiry) as JSON, then an
//! HMAC-SHA256 of them under the server's key (`server_keys`, made on first start), both
//! base64url. Nothing else is stored until a link is used; the use is then recorded by
//! (nonce, answer), so that each answer of each mail counts once.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::invitations::Reply;

/// How long a link outlives the meeting's end (or the mail, for a meeting already over).
const GRACE_SECONDS: i64 = 7 * 86_400;
/// The longest a link lives, whatever the meeting (an open-ended series ends never).
const MAX_LIFE_SECONDS: i64 = 400 * 86_400;
/// Bytes of the HMAC kept in a token (128 bits).
const MAC_BYTES: usize = 16;
/// The longest token read.
const MAX_TOKEN_CHARS: usize = 2048;

/// Where answer links point and the key that signs them.
#[derive(Clone)]
pub struct AnswerLinks {
    /// The server's public address, e.g. `https://portico.example.com` (no trailing slash).
    pub base_url: String,
    key: Vec<u8>,
}

impl std::fmt::Debug for AnswerLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerLinks")
            .field("base_url", &self.base_url)
            .field("key", &"[redacted]")
            .finish()
    }
}

/// What a link says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The organizer's principal id.
    #[serde(rename = "o")]
    pub organizer: i64,
    #[serde(rename = "u")]
    pub uid: String,
    /// The guest's address (lower case, no scheme).
    #[serde(rename = "g")]
    pub guest: String,
    #[serde(rename = "a")]
    pub answer: String,
    /// Shared by the three links of one mail.
    #[serde(rename = "n")]
    pub nonce: String,
    /// Unix seconds after which the link no longer answers.
    #[serde(rename = "e")]
    pub expires: i64,
    /// The SEQUENCE of the meeting the mail was about: a later version makes the link old.
    #[serde(rename = "q")]
    pub sequence: i64,
}

impl Claims {
    pub fn reply(&self) -> Option<Reply> {
        Reply::parse(&self.answer)
    }
}

/// Why a token answers nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this answer link is not valid")]
    Invalid,
    #[error("this answer link has expired")]
    Expired,
}

/// The expiry of the links of a mail sent `now` for a meeting ending at `ends`.
pub fn expiry(now: i64, ends: i64) -> i64 {
    ends.max(now)
        .min(now.saturating_add(MAX_LIFE_SECONDS))
        .saturating_add(GRACE_SECONDS)
}

impl AnswerLinks {
    /// Links to `base_url` signed with `key` (the hex secret from the store).
    pub fn new(base_url: &str, key_hex: &str) -> Option<AnswerLinks> {
        let key = hex::decode(key_hex).ok().filter(|k| k.len() >= 16)?;
        Some(AnswerLinks {
            base_url: base_url.trim_end_matches('/').to_owned(),
            key,
        })
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC keys have no length limit"))
    }

    /// The token of `claims`.
    pub fn token(&self, claims: &Claims) -> String {
        let payload = serde_json::to_vec(claims).unwrap_or_default();
        let mut mac = self.mac();
        mac.update(&payload);
        let tag = mac.finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(&tag[..MAC_BYTES])
        )
    }

    /// The page a link opens.
    pub fn url(&self, claims: &Claims) -> String {
        format!("{}/answer/{}", self.base_url, self.token(claims))
    }

    /// The claims of a token this server signed, unexpired at `now`.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, LinkError> {
        if token.len() > MAX_TOKEN_CHARS {
            return Err(LinkError::Invalid);
        }
        let (payload, tag) = token.split_once('.').ok_or(LinkError::Invalid)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| LinkError::Invalid)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| LinkError::Invalid)?;
        let mut mac = self.mac();
        mac.update(&payload);
        mac.verify_truncated_left(&tag).map_err(|_| LinkError::Invalid)?;
        if tag.len() != MAC_BYTES {
            return Err(LinkError::Invalid);
        }
        let claims: Claims = serde_json::from_slice(&payload).map_err(|_| LinkError::Invalid)?;
        claims.reply().ok_or(LinkError::Invalid)?;
        if now > claims.expires {
            return Err(LinkError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> AnswerLinks {
        AnswerLinks::new("https://portico.example/", &"ab".repeat(32)).unwrap()
    }

    fn claims() -> Claims {
        Claims {
            organizer: 7,
            uid: "m1@example".into(),
            guest: "guest@example.org".into(),
            answer: "accept".into(),
            nonce: "n1".into(),
            expires: 2_000,
            sequence: 0,
        }
    }

    #[test]
    fn a_token_carries_its_claims_until_it_expires() {
        let l = links();
        let token = l.token(&claims());
        assert_eq!(l.verify(&token, 1_000), Ok(claims()));
        assert_eq!(l.verify(&token, 2_001), Err(LinkError::Expired));
        assert!(l.url(&claims()).starts_with("https://portico.example/answer/"));
    }

    #[test]
    fn a_changed_or_foreign_token_is_refused() {
        let l = links();
        let token = l.token(&claims());
        let (payload, tag) = token.split_once('.').unwrap();
        // Another answer under the accept link's signature.
        let forged = Claims {
            answer: "decline".into(),
            ..claims()
        };
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        assert_eq!(l.verify(&format!("{forged_payload}.{tag}"), 0), Err(LinkError::Invalid));
        // A shortened signature, none, garbage.
        assert_eq!(
            l.verify(&format!("{payload}.{}", &tag[..8]), 0),
            Err(LinkError::Invalid)
        );
        assert_eq!(l.verify(payload, 0), Err(LinkError::Invalid));
        assert_eq!(l.verify("%%%.%%%", 0), Err(LinkError::Invalid));
        let long = format!("{payload}{}.{tag}", "A".repeat(MAX_TOKEN_CHARS));
        assert_eq!(l.verify(&long, 0), Err(LinkError::Invalid));
        // The tag, changed in its last character.
        let mut bad_tag = tag.to_owned();
        let last = if bad_tag.ends_with('A') { 'B' } else { 'A' };
        bad_tag.pop();
        bad_tag.push(last);
        assert_eq!(l.verify(&format!("{payload}.{bad_tag}"), 0), Err(LinkError::Invalid));
        // Another server's key.
        let other = AnswerLinks::new("https://portico.example", &"cd".repeat(32)).unwrap();
        assert_eq!(other.verify(&token, 0), Err(LinkError::Invalid));
        // An unknown answer, signed.
        let odd = Claims {
            answer: "delegate".into(),
            ..claims()
        };
        assert_eq!(l.verify(&l.token(&odd), 0), Err(LinkError::Invalid));
    }

    #[test]
    fn links_live_past_the_meeting_but_not_for_ever() {
        assert_eq!(expiry(100, 50), 100 + GRACE_SECONDS);
        assert_eq!(expiry(100, 5_000), 5_000 + GRACE_SECONDS);
        assert_eq!(expiry(100, i64::MAX), 100 + MAX_LIFE_SECONDS + GRACE_SECONDS);
        assert!(
            AnswerLinks::new("x", "abcd").is_none(),
            "a key of two bytes is too short"
        );
        assert!(AnswerLinks::new("x", "not hex").is_none());
    }
}
