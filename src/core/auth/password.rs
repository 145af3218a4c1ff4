//! Argon2id hashing of human-chosen passwords (PHC strings), run off the async threads. Each
//! check takes 19 MiB for its ~20 ms, so checks run on [`CONCURRENT_CHECKS`] threads of their
//! own and the rest wait their turn: 200 simultaneous sign-ins with wrong passwords once took
//! the server to 2.4 GB.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes `password` with argon2id and a random salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    let mut salt_bytes = [0u8; 16];
    rand::fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| HashError(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// True when `password` matches the PHC string `phc`; a malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// How many password checks may hash at the same time.
pub const CONCURRENT_CHECKS: usize = 2;

type Job = Box<dyn FnOnce() + Send>;

/// The threads that hash: a fixed few, fed in turn. (The blocking pool would start a new
/// thread whenever its others were busy, and each thread's allocator keeps the 19 MiB it
/// last used: 200 checks in a burst took 900 MB.)
fn hashers() -> &'static std::sync::Mutex<std::sync::mpsc::Sender<Job>> {
    static QUEUE: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<Job>>> = std::sync::OnceLock::new();
    QUEUE.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..CONCURRENT_CHECKS {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-{i}"))
                .spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(queue) => queue.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password-hashing thread");
            }
        }
        std::sync::Mutex::new(tx)
    })
}

/// [`verify`] on one of the hashing threads, so the ~20 ms of hashing does not stall other
/// requests and a burst of sign-ins waits its turn instead of taking the memory.
pub async fn verify_async(password: String, phc: String) -> bool {
    let (done, answer) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(verify(&password, &phc));
    });
    let sent = match hashers().lock() {
        Ok(queue) => queue.send(job).is_ok(),
        Err(poisoned) => poisoned.into_inner().send(job).is_ok(),
    };
    sent && answer.await.unwrap_or(false)
}

/// A valid hash of a random password, verified against when a login does not exist so that
/// the response time does not tell whether the user exists.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let mut secret = [0u8; 16];
        rand::fill(&mut secret);
        hash(&hex::encode(secret)).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse", &h));
        assert!(!verify("wrong horse", &h));
    }

    #[test]
    fn malformed_hash_never_matches() {
        assert!(!verify("x", "not a phc string"));
        assert!(!verify("", ""));
    }
}
