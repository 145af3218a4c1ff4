//! Evaluation of a parsed `If` header against resource state
//! (RFC 4918 §10.4.3, §10.4.4).

use super::{Condition, ConditionTest, EntityTag, IfHeader, IfList};

/// What the server knows about one resource when evaluating `If`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceState {
    /// The resource's current entity tag as sent in `ETag` (quoted, possibly
    /// `W/`); `None` if it has none or does not exist.
    pub etag: Option<String>,
    /// Tokens (without angle brackets) of every lock whose scope covers the
    /// resource, including depth-infinity locks on ancestors (§10.4.4: "A
    /// lock state token is considered to match if the resource is anywhere
    /// in the scope of the lock").
    pub lock_tokens: Vec<String>,
}

impl IfHeader {
    /// Whether the header's condition holds (§10.4.3): true if any list of
    /// any group holds, where untagged lists apply to `request_path` and
    /// tagged lists to their resource tag's path.
    ///
    /// `lookup` receives a path exactly as it appears — `request_path` as
    /// given, or the percent-encoded path of a resource tag — and returns
    /// that resource's state. An unmapped URL should get the default
    /// (empty) state, which §10.4.4 requires ("treat as if the URL
    /// identified a resource that exists but does not have the specified
    /// state").
    pub fn evaluate<F>(&self, request_path: &str, mut lookup: F) -> bool
    where
        F: FnMut(&str) -> ResourceState,
    {
        self.groups.iter().any(|group| {
            let path = group.resource.as_ref().map_or(request_path, |r| r.path.as_str());
            let state = lookup(path);
            group.lists.iter().any(|list| list.holds(&state))
        })
    }
}

impl IfList {
    fn holds(&self, state: &ResourceState) -> bool {
        self.conditions.iter().all(|c| c.holds(state))
    }
}

impl Condition {
    fn holds(&self, state: &ResourceState) -> bool {
        let matched = match &self.test {
            // §10.4.4: an exact match with a state token of the resource.
            ConditionTest::StateToken(token) => state.lock_tokens.iter().any(|t| t == token),
            ConditionTest::ETag(tag) => state.etag.as_deref().is_some_and(|e| tag.matches(e)),
        };
        matched != self.negated
    }
}

impl EntityTag {
    /// Weak comparison (RFC 7232 §2.3.2), which §10.4.4 permits: the opaque
    /// tags are equal, whether or not either is weak.
    fn matches(&self, etag_header: &str) -> bool {
        let e = etag_header.trim();
        let e = e.strip_prefix("W/").unwrap_or(e);
        let opaque = e.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(e);
        opaque == self.tag
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = "opaquelocktoken:e71d4fae-5dec-22d6-fea5-00a0c91e6be4";
    const ETAG: &str = "\"6d1c-4a4b3c\"";

    fn locked() -> ResourceState {
        ResourceState {
            etag: Some(ETAG.into()),
            lock_tokens: vec![LOCK.into()],
        }
    }

    fn unlocked() -> ResourceState {
        ResourceState {
            etag: Some(ETAG.into()),
            lock_tokens: vec![],
        }
    }

    fn eval(header: &str, state: ResourceState) -> bool {
        IfHeader::parse(header).unwrap().evaluate("/res", |_| state.clone())
    }

    #[test]
    fn litmus_conditional_puts() {
        // cond_put: lock token and etag both match
        assert!(eval(&format!("(<{LOCK}> [{ETAG}])"), locked()));
        // fail_cond_put: DAV:no-lock never matches
        assert!(!eval(&format!("(<DAV:no-lock> [{ETAG}])"), locked()));
        // cond_put_with_not
        assert!(eval(&format!("(<{LOCK}>) (Not <DAV:no-lock>)"), locked()));
        // cond_put_corrupt_token: the header holds (second list), but the
        // submitted token is not the lock's: the server answers 423.
        let h = IfHeader::parse(&format!("(<{LOCK}x>) (Not <DAV:no-lock>)")).unwrap();
        assert!(h.evaluate("/res", |_| locked()));
        assert!(!h.submitted_tokens().contains(&LOCK));
        // complex_cond_put
        assert!(eval(
            &format!("(<{LOCK}> [{ETAG}]) (Not <DAV:no-lock> [{ETAG}])"),
            locked()
        ));
        // fail_complex_cond_put: wrong etag in both lists
        assert!(!eval(
            &format!("(<{LOCK}> [\"6d1c-4a4b4c\"]) (Not <DAV:no-lock> [\"6d1c-4a4b4c\"])"),
            locked()
        ));
        // fail_cond_put_unlocked
        assert!(!eval("(<DAV:no-lock>)", unlocked()));
    }

    #[test]
    fn any_list_suffices_and_all_conditions_are_needed() {
        assert!(eval(&format!("([\"nope\"]) (<{LOCK}>)"), locked()));
        assert!(!eval(&format!("(<{LOCK}> [\"nope\"])"), locked()));
        assert!(!eval(&format!("(Not <{LOCK}>)"), locked()));
        assert!(eval(&format!("(Not <{LOCK}>)"), unlocked()));
    }

    #[test]
    fn etag_comparison_is_weak() {
        assert!(eval(&format!("([W/{ETAG}])"), locked()));
        let weak_resource = ResourceState {
            etag: Some(format!("W/{ETAG}")),
            lock_tokens: vec![],
        };
        assert!(eval(&format!("([{ETAG}])"), weak_resource));
        assert!(!eval("([\"other\"])", locked()));
        assert!(!eval(&format!("([{ETAG}])"), ResourceState::default()));
        assert!(eval(&format!("(Not [{ETAG}])"), ResourceState::default()));
    }

    #[test]
    fn tagged_lists_apply_to_their_resource() {
        let h = IfHeader::parse(&format!("<http://example.com/locked/> (<{LOCK}>) </other> ([\"x\"])")).unwrap();
        let mut seen = Vec::new();
        let holds = h.evaluate("/request", |path| {
            seen.push(path.to_owned());
            if path == "/locked/" {
                locked()
            } else {
                ResourceState::default()
            }
        });
        assert!(holds);
        assert_eq!(seen, ["/locked/"]);

        // Nothing applies to the request URI itself; only /other is looked up
        // and its state does not match.
        let h = IfHeader::parse(&format!("</other> (<{LOCK}>)")).unwrap();
        assert!(!h.evaluate("/locked/", |path| if path == "/locked/" {
            locked()
        } else {
            ResourceState::default()
        }));
    }

    #[test]
    fn untagged_lists_apply_to_request_path() {
        let h = IfHeader::parse(&format!("(<{LOCK}>)")).unwrap();
        assert!(h.evaluate("/a%20b", |path| if path == "/a%20b" {
            locked()
        } else {
            ResourceState::default()
        }));
    }

    #[test]
    fn submitted_tokens_include_negated_and_tagged() {
        let h = IfHeader::parse(&format!(
            "</a> (<{LOCK}> [\"x\"]) (Not <DAV:no-lock>) </b> (<urn:uuid:1>) (<{LOCK}>)"
        ))
        .unwrap();
        assert_eq!(h.submitted_tokens(), [LOCK, "DAV:no-lock", "urn:uuid:1"]);
        let h = IfHeader::parse("([\"x\"])").unwrap();
        assert!(h.submitted_tokens().is_empty());
    }
}
