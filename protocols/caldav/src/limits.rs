//! What the server accepts and produces, as numbers: the RFC 4791 §5.2.5–§5.2.9
//! collection properties (`max-resource-size`, `min-date-time`, `max-date-time`,
//! `max-instances`, `max-attendees-per-instance`), enforced on PUT with their
//! preconditions, and the budget one REPORT may spend expanding recurrences.
//!
//! A calendar object is small (a megabyte at most), but one rule firing every second,
//! or thousands of alarms copied into each expanded instance, multiply it into gigabytes.
//! The object limits stop what makes no sense on PUT; the [`RenderBudget`] stops what a
//! valid object could still grow into when a client asks for all of time.

/// Limits on calendar object resources (advertised on each calendar collection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest object in octets (`C:max-resource-size`).
    pub max_resource_size: u64,
    /// Earliest DATE or DATE-TIME a calendar component may use, Unix seconds
    /// (`C:min-date-time`).
    pub min_date_time: i64,
    /// Latest DATE or DATE-TIME a calendar component may use (`C:max-date-time`).
    pub max_date_time: i64,
    /// Most instances a bounded recurrence set may have (`C:max-instances`); also the
    /// most instances of one object an expansion produces.
    pub max_instances: usize,
    /// Most ATTENDEE properties of one instance (`C:max-attendees-per-instance`).
    pub max_attendees_per_instance: usize,
    /// Most components in one object, alarms and overrides included (not a CalDAV
    /// property; refused as `C:valid-calendar-object-resource`).
    pub max_components: usize,
}

impl Limits {
    /// Portico's limits: objects up to 1 MiB dated 1900–2199, recurrence sets of up to
    /// 10,000 instances, 10,000 attendees and 5,000 components.
    pub const DEFAULT: Limits = Limits {
        max_resource_size: 1024 * 1024,
        // 1900-01-01T00:00:00Z and 2199-12-31T23:59:59Z.
        min_date_time: -2_208_988_800,
        max_date_time: 7_258_118_399,
        max_instances: 10_000,
        max_attendees_per_instance: 10_000,
        max_components: 5_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What one REPORT may still produce: calendar data in bytes, and instances written by
/// `C:expand` (each expanded instance copies its component with all its alarms, so a
/// small object can grow a thousandfold). Expansion checks an estimate before it builds
/// anything; the server takes the bytes of each answer it adds. When something does not
/// fit, it is not produced, and the server ends the answer with a 507 and
/// `DAV:number-of-matches-within-limits` (RFC 5323 §2.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderBudget {
    /// Bytes of calendar data left for this request.
    pub bytes: usize,
    /// Expanded instances left for this request.
    pub instances: usize,
    /// Instances one object may expand to (`Limits::max_instances`).
    pub per_object: usize,
}

impl RenderBudget {
    /// The default for one request: 64 MiB of calendar data and 100,000 expanded
    /// instances, at most `limits.max_instances` of them from one object.
    pub fn for_request(limits: &Limits) -> Self {
        RenderBudget {
            bytes: 64 * 1024 * 1024,
            instances: 100_000,
            per_object: limits.max_instances,
        }
    }

    /// Takes `bytes` of output if they fit.
    pub fn take_bytes(&mut self, bytes: usize) -> bool {
        let fits = bytes <= self.bytes;
        if fits {
            self.bytes -= bytes;
        }
        fits
    }

    /// Whether an expansion into `instances` of about `bytes` fits; takes the instances.
    pub(crate) fn take_instances(&mut self, instances: usize, bytes: usize) -> bool {
        let fits = instances <= self.per_object && instances <= self.instances && bytes <= self.bytes;
        if fits {
            self.instances -= instances;
        }
        fits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taking_stops_at_each_bound_and_takes_nothing_then() {
        let mut b = RenderBudget {
            bytes: 100,
            instances: 10,
            per_object: 5,
        };
        assert!(b.take_instances(5, 50));
        assert!(!b.take_instances(6, 1), "more than one object may expand to");
        assert!(!b.take_instances(1, 101), "more bytes than left");
        assert_eq!(b.instances, 5);
        assert!(b.take_bytes(60));
        assert!(!b.take_bytes(41));
        assert_eq!(b.bytes, 40);
        assert!(b.take_instances(5, 40));
        assert!(!b.take_instances(1, 0));
    }

    #[test]
    fn default_dates_are_1900_and_2199() {
        let l = Limits::default();
        assert_eq!(crate::format_utc(l.min_date_time), "19000101T000000Z");
        assert_eq!(crate::format_utc(l.max_date_time), "21991231T235959Z");
    }
}
