//! Failed-login throttling, in memory, shaped so that an attacker cannot lock anybody out.
//!
//! Three counters, each a growing delay rather than a block: once a key reaches its limit,
//! it must wait [`FIRST_DELAY`], and every further failure doubles the wait, up to
//! [`MAX_DELAY`]. A key's failures are forgotten once it has been quiet for the window plus
//! its delay.
//! - **(login, client address)**: guessing one person's password from one place. The
//!   owner at another address is not affected.
//! - **client address, across logins**: password spraying from one place. It does not apply
//!   to logins that signed in from that address before ([`KNOWN_FOR`]), so colleagues
//!   behind the same NAT keep working while the address is slowed for new names.
//! - **login, across addresses**: a distributed guess at one person, with the same
//!   exemption for the addresses that person signed in from.
//!
//! App passwords (random 160-bit secrets) and sessions are checked without these counters
//! by the caller, so a throttled account password never stops a user's devices.
//! Memory is bounded: quiet keys are swept when a map grows past [`SWEEP_AT`] entries.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const SWEEP_AT: usize = 10_000;
/// The first wait once a counter reaches its limit.
pub const FIRST_DELAY: Duration = Duration::from_secs(4);
/// The longest wait, however many failures.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// How long a successful sign-in makes (login, address) known.
pub const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

struct Failures {
    count: u32,
    last: Instant,
}

struct Counter<K> {
    limit: u32,
    keys: Mutex<HashMap<K, Failures>>,
}

/// The wait after `count` failures with `limit` free ones.
fn delay(count: u32, limit: u32) -> Duration {
    if count < limit {
        return Duration::ZERO;
    }
    let doublings = (count - limit).min(16);
    FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY)
}

impl<K: Eq + Hash + Clone> Counter<K> {
    fn new(limit: u32) -> Self {
        Counter {
            limit: limit.max(1),
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds `key` must still wait, if it must.
    fn wait(&self, key: &K, now: Instant) -> Option<u64> {
        let map = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let f = map.get(key)?;
        let wait = delay(f.count, self.limit);
        let elapsed = now.saturating_duration_since(f.last);
        (elapsed < wait).then(|| (wait - elapsed).as_secs().max(1))
    }

    fn fail(&self, key: &K, window: Duration, now: Instant) {
        let limit = self.limit;
        let forgotten = |f: &Failures| now.saturating_duration_since(f.last) >= window + delay(f.count, limit);
        let mut map = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= SWEEP_AT {
            map.retain(|_, f| !forgotten(f));
        }
        let f = map.entry(key.clone()).or_insert(Failures { count: 0, last: now });
        if forgotten(f) {
            f.count = 0;
        }
        f.count = f.count.saturating_add(1);
        f.last = now;
    }

    fn clear(&self, key: &K) {
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

pub struct Throttle {
    window: Duration,
    per_pair: Counter<(String, IpAddr)>,
    per_ip: Counter<IpAddr>,
    per_login: Counter<String>,
    known: Mutex<HashMap<(String, IpAddr), Instant>>,
}

/// The limits: free failures per (login, address), per address and per login.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_pair: u32,
    pub per_ip: u32,
    pub per_login: u32,
    /// Failures older than this (plus the wait they caused) are forgotten.
    pub window: Duration,
}

impl Throttle {
    pub fn new(limits: Limits) -> Self {
        Throttle {
            window: limits.window,
            per_pair: Counter::new(limits.per_pair),
            per_ip: Counter::new(limits.per_ip),
            per_login: Counter::new(limits.per_login),
            known: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds to wait before `login` may try a password from `ip`, if it must.
    pub fn retry_after(&self, login: &str, ip: IpAddr) -> Option<u64> {
        self.retry_after_at(login, ip, Instant::now())
    }

    fn retry_after_at(&self, login: &str, ip: IpAddr, now: Instant) -> Option<u64> {
        let login = login.to_lowercase();
        let pair = (login, ip);
        let own = self.per_pair.wait(&pair, now);
        if self.is_known(&pair, now) {
            return own;
        }
        let ip = self.per_ip.wait(&ip, now);
        let login = self.per_login.wait(&pair.0, now);
        own.max(ip).max(login)
    }

    pub fn record_failure(&self, login: &str, ip: IpAddr) {
        self.record_failure_at(login, ip, Instant::now());
    }

    fn record_failure_at(&self, login: &str, ip: IpAddr, now: Instant) {
        let pair = (login.to_lowercase(), ip);
        self.per_pair.fail(&pair, self.window, now);
        if !self.is_known(&pair, now) {
            self.per_ip.fail(&ip, self.window, now);
            self.per_login.fail(&pair.0, self.window, now);
        }
    }

    /// A successful sign-in clears its (login, address) count and makes the pair known.
    /// The address's and the login's counts stay: one valid account must not unlock
    /// guessing at others.
    pub fn record_success(&self, login: &str, ip: IpAddr) {
        self.record_success_at(login, ip, Instant::now());
    }

    fn record_success_at(&self, login: &str, ip: IpAddr, now: Instant) {
        let pair = (login.to_lowercase(), ip);
        self.per_pair.clear(&pair);
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() >= SWEEP_AT {
            known.retain(|_, at| now.saturating_duration_since(*at) < KNOWN_FOR);
            if known.len() >= SWEEP_AT {
                known.clear();
            }
        }
        known.insert(pair, now);
    }

    fn is_known(&self, pair: &(String, IpAddr), now: Instant) -> bool {
        let known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        known
            .get(pair)
            .is_some_and(|at| now.saturating_duration_since(*at) < KNOWN_FOR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    fn throttle(per_pair: u32, per_ip: u32, per_login: u32) -> Throttle {
        Throttle::new(Limits {
            per_pair,
            per_ip,
            per_login,
            window: Duration::from_secs(300),
        })
    }

    #[test]
    fn a_pair_waits_after_its_limit_and_the_wait_doubles() {
        let t = throttle(3, 100, 100);
        let mut now = Instant::now();
        for _ in 0..2 {
            t.record_failure_at("Alice", A, now);
            assert_eq!(t.retry_after_at("alice", A, now), None);
        }
        t.record_failure_at("alice", A, now);
        assert_eq!(t.retry_after_at("alice", A, now), Some(4));
        assert_eq!(t.retry_after_at("alice", B, now), None, "the owner elsewhere");
        assert_eq!(t.retry_after_at("bob", A, now), None);
        // After the wait, one more try; failing it doubles the wait.
        now += FIRST_DELAY;
        assert_eq!(t.retry_after_at("alice", A, now), None);
        t.record_failure_at("alice", A, now);
        assert_eq!(t.retry_after_at("alice", A, now), Some(8));
        now += Duration::from_secs(8);
        t.record_failure_at("alice", A, now);
        assert_eq!(t.retry_after_at("alice", A, now), Some(16));
    }

    #[test]
    fn the_wait_is_capped_and_forgotten_after_a_quiet_window() {
        let t = throttle(1, 100, 100);
        let mut now = Instant::now();
        for _ in 0..40 {
            t.record_failure_at("a", A, now);
        }
        assert_eq!(t.retry_after_at("a", A, now), Some(MAX_DELAY.as_secs()));
        now += MAX_DELAY + Duration::from_secs(300);
        t.record_failure_at("a", A, now);
        assert_eq!(t.retry_after_at("a", A, now), Some(4), "counting starts again");
    }

    #[test]
    fn spraying_slows_the_address_but_not_its_known_users() {
        let t = throttle(10, 3, 100);
        let now = Instant::now();
        t.record_success_at("ryan", A, now);
        for user in ["x", "y", "z"] {
            t.record_failure_at(user, A, now);
        }
        assert!(t.retry_after_at("alice", A, now).is_some(), "new logins from A wait");
        assert_eq!(t.retry_after_at("ryan", A, now), None, "ryan signed in from A before");
        assert_eq!(t.retry_after_at("alice", B, now), None);
    }

    #[test]
    fn a_distributed_guess_slows_the_login_except_from_its_known_addresses() {
        let t = throttle(10, 100, 3);
        let now = Instant::now();
        t.record_success_at("ryan", A, now);
        for i in 0..3u8 {
            t.record_failure_at("ryan", IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, i)), now);
        }
        assert!(t.retry_after_at("ryan", B, now).is_some());
        assert_eq!(t.retry_after_at("ryan", A, now), None);
    }

    #[test]
    fn success_clears_the_pair_only() {
        let t = throttle(2, 3, 100);
        let now = Instant::now();
        t.record_failure_at("a", A, now);
        t.record_failure_at("b", A, now);
        t.record_success_at("a", A, now);
        t.record_failure_at("a", A, now);
        assert_eq!(t.retry_after_at("a", A, now), None, "a's own count restarted");
        t.record_failure_at("c", A, now);
        assert!(t.retry_after_at("d", A, now).is_some(), "the address's count stayed");
    }
}
