//! Failed-login throttling per login name and per client IP, in memory.
//!
//! Each key counts failures in a fixed window; once the count reaches the limit, attempts
//! are refused until the window ends, without checking the password. Memory is bounded:
//! expired windows are swept when a map grows past [`SWEEP_AT`] entries.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const SWEEP_AT: usize = 10_000;

struct Window {
    started: Instant,
    failures: u32,
}

struct Counter {
    limit: u32,
    windows: Mutex<HashMap<String, Window>>,
}

impl Counter {
    fn new(limit: u32) -> Self {
        Counter {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until `key` may try again, if it is blocked now.
    fn blocked_for(&self, key: &str, window: Duration, now: Instant) -> Option<u64> {
        let map = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let w = map.get(key)?;
        let elapsed = now.duration_since(w.started);
        (elapsed < window && w.failures >= self.limit).then(|| (window - elapsed).as_secs().max(1))
    }

    fn fail(&self, key: &str, window: Duration, now: Instant) {
        let mut map = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= SWEEP_AT {
            map.retain(|_, w| now.duration_since(w.started) < window);
        }
        let w = map.entry(key.to_owned()).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.duration_since(w.started) >= window {
            *w = Window {
                started: now,
                failures: 0,
            };
        }
        w.failures += 1;
    }

    fn clear(&self, key: &str) {
        self.windows.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

pub struct Throttle {
    window: Duration,
    per_user: Counter,
    per_ip: Counter,
}

impl Throttle {
    pub fn new(max_per_user: u32, max_per_ip: u32, window: Duration) -> Self {
        Throttle {
            window,
            per_user: Counter::new(max_per_user),
            per_ip: Counter::new(max_per_ip),
        }
    }

    /// Seconds to wait when this login or this IP has failed too often recently.
    pub fn retry_after(&self, login: &str, ip: IpAddr) -> Option<u64> {
        let now = Instant::now();
        let user = self.per_user.blocked_for(&login.to_lowercase(), self.window, now);
        let ip = self.per_ip.blocked_for(&ip.to_string(), self.window, now);
        user.max(ip)
    }

    pub fn record_failure(&self, login: &str, ip: IpAddr) {
        let now = Instant::now();
        self.per_user.fail(&login.to_lowercase(), self.window, now);
        self.per_ip.fail(&ip.to_string(), self.window, now);
    }

    /// A successful login resets its user's count (not the IP's: one valid account must not
    /// unlock guessing at others from the same address).
    pub fn record_success(&self, login: &str) {
        self.per_user.clear(&login.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn blocks_user_after_limit() {
        let t = Throttle::new(3, 100, Duration::from_secs(60));
        for _ in 0..2 {
            t.record_failure("Alice", IP);
            assert!(t.retry_after("alice", IP).is_none());
        }
        t.record_failure("alice", IP);
        assert!(t.retry_after("alice", IP).is_some());
        assert!(t.retry_after("bob", IP).is_none());
    }

    #[test]
    fn blocks_ip_after_limit_across_users() {
        let t = Throttle::new(100, 3, Duration::from_secs(60));
        for user in ["a", "b", "c"] {
            t.record_failure(user, IP);
        }
        assert!(t.retry_after("d", IP).is_some());
        let other: IpAddr = "10.1.2.3".parse().unwrap();
        assert!(t.retry_after("d", other).is_none());
    }

    #[test]
    fn window_expires() {
        let t = Throttle::new(1, 1, Duration::from_millis(0));
        t.record_failure("a", IP);
        assert!(t.retry_after("a", IP).is_none());
    }

    #[test]
    fn success_clears_user_count() {
        let t = Throttle::new(2, 100, Duration::from_secs(60));
        t.record_failure("a", IP);
        t.record_success("a");
        t.record_failure("a", IP);
        assert!(t.retry_after("a", IP).is_none());
    }
}
