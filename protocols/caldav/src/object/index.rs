//! The time index stored with each object so storage can skip objects that
//! cannot match a time range: the smallest interval holding every instance
//! and alarm, conservative where the exact answer is expensive.

use calcard::common::PartialDateTime;
use calcard::common::timezone::Tz;
use calcard::icalendar::{ICalendarComponentType, ICalendarPeriod, ICalendarProperty, ICalendarValue};

use crate::extent::{Extent, extents, instance_times, trigger_times};
use crate::ical::ParsedObject;
use crate::ical::parsed::is_recurrable;
use crate::recur::{Instance, instances, is_unbounded};
use crate::time::TimeRange;

/// Widening for floating times and dates: the query's zone may be anywhere
/// from UTC−12 to UTC+14 (RFC 4791 §7.3).
const FLOATING_MARGIN: i64 = 14 * 3600;

/// Unix seconds (UTC). Store both; an object can match a time range only
/// if `start <= range.end AND end >= range.start` (see
/// [`TimeIndex::may_overlap`]). `end` is `i64::MAX` for unbounded
/// recurrences, `(i64::MIN, i64::MAX)` for a VTODO without dates; an
/// object that can never match a time range (a VJOURNAL without DTSTART)
/// gets `(i64::MAX, i64::MIN)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeIndex {
    /// No instance or alarm starts earlier.
    pub start: i64,
    /// No instance or alarm ends later.
    pub end: i64,
}

impl TimeIndex {
    /// The storage pre-filter for a query range (closed on both sides, so
    /// zero-length instances at a boundary are kept for the exact check).
    pub fn may_overlap(&self, range: &TimeRange) -> bool {
        self.start <= self.end && self.start <= range.end && self.end >= range.start
    }

    pub(crate) fn compute(obj: &ParsedObject) -> Self {
        let floating = Tz::UTC;
        let unbounded = obj.top_level().any(|(_, c)| {
            is_recurrable(&c.component_type)
                && !c.has_property(&ICalendarProperty::RecurrenceId)
                && c.properties(&ICalendarProperty::Rrule).any(|e| match e.values.first() {
                    Some(ICalendarValue::RecurrenceRule(r)) => is_unbounded(r),
                    _ => false,
                })
        });
        // An unbounded rule is not expanded: its first instance, the
        // RDATEs and the overrides give the start, the end is open.
        let set = instances(obj, floating, if unbounded { i64::MIN } else { i64::MAX });
        let mut index = Accumulator::default();
        for instance in &set.list {
            index.instance(obj, instance, floating);
        }
        for (id, comp) in obj.top_level() {
            if comp.component_type == ICalendarComponentType::VFreebusy {
                index.instance(
                    obj,
                    &Instance {
                        comp: id,
                        start: None,
                        rid: None,
                        period_end: None,
                    },
                    floating,
                );
            }
        }
        if unbounded || set.truncated {
            index.end = i64::MAX;
        }
        index.finish(has_floating(obj))
    }
}

struct Accumulator {
    start: i64,
    end: i64,
}

impl Default for Accumulator {
    fn default() -> Self {
        Self {
            start: i64::MAX,
            end: i64::MIN,
        }
    }
}

impl Accumulator {
    fn add(&mut self, e: &Extent) {
        self.start = self.start.min(e.lo);
        self.end = self.end.max(e.hi);
    }

    fn instance(&mut self, obj: &ParsedObject, instance: &Instance, floating: Tz) {
        let Some(comp) = obj.component(instance.comp) else {
            return;
        };
        for e in extents(obj, comp, instance, floating) {
            self.add(&e);
        }
        let times = instance_times(obj, comp, instance, floating);
        for (_, alarm) in obj.children(instance.comp) {
            if alarm.component_type == ICalendarComponentType::VAlarm {
                for t in trigger_times(obj, alarm, &times, floating) {
                    self.add(&Extent::point(t));
                }
            }
        }
    }

    fn finish(self, floating: bool) -> TimeIndex {
        let widen = |t: i64, by: i64| {
            if t == i64::MIN || t == i64::MAX {
                t
            } else {
                t.saturating_add(by)
            }
        };
        if floating && self.start <= self.end {
            TimeIndex {
                start: widen(self.start, -FLOATING_MARGIN),
                end: widen(self.end, FLOATING_MARGIN),
            }
        } else {
            TimeIndex {
                start: self.start,
                end: self.end,
            }
        }
    }
}

/// Whether any date value of a calendar component is a DATE or a floating
/// DATE-TIME (read as UTC for the index, so the index is widened).
fn has_floating(obj: &ParsedObject) -> bool {
    obj.cal.components.iter().skip(1).any(|c| {
        c.component_type != ICalendarComponentType::VTimezone
            && c.component_type != ICalendarComponentType::Standard
            && c.component_type != ICalendarComponentType::Daylight
            && c.entries.iter().any(|e| {
                e.tz_id().is_none()
                    && e.values.iter().any(|v| match v {
                        ICalendarValue::PartialDateTime(p) => is_floating(p),
                        ICalendarValue::Period(
                            ICalendarPeriod::Range { start, .. } | ICalendarPeriod::Duration { start, .. },
                        ) => is_floating(start),
                        _ => false,
                    })
            })
    })
}

fn is_floating(p: &PartialDateTime) -> bool {
    p.has_date() && p.tz_hour.is_none()
}
