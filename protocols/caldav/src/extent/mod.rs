//! When a component instance "overlaps" a time range: the tables of RFC
//! 4791 §9.9, reduced to one shape, [`Extent`], with an inclusive or
//! exclusive bound at each end.

mod alarm;
mod component;
mod times;

pub(crate) use alarm::{alarm_reach, trigger_times};
pub(crate) use component::{extents, freebusy_periods};
pub(crate) use times::{Times, instance_times};

use crate::time::TimeRange;

/// The condition `(start < hi or start <= hi) AND (end > lo or end >= lo)`
/// for a query range `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Extent {
    pub(crate) lo: i64,
    pub(crate) lo_incl: bool,
    pub(crate) hi: i64,
    pub(crate) hi_incl: bool,
}

impl Extent {
    /// `start < b AND end > a` (a positive interval); when `b <= a` the
    /// instant form `start <= a AND end > a`.
    pub(crate) fn interval(a: i64, b: i64) -> Self {
        if b <= a {
            return Self::point(a);
        }
        Self {
            lo: a,
            lo_incl: false,
            hi: b,
            hi_incl: false,
        }
    }

    /// `start <= t AND end > t`.
    pub(crate) fn point(t: i64) -> Self {
        Self {
            lo: t,
            lo_incl: false,
            hi: t,
            hi_incl: true,
        }
    }

    /// Matches every range.
    pub(crate) fn always() -> Self {
        Self {
            lo: i64::MIN,
            lo_incl: true,
            hi: i64::MAX,
            hi_incl: true,
        }
    }

    pub(crate) fn overlaps(&self, range: &TimeRange) -> bool {
        let starts_before = range.start < self.hi || (self.hi_incl && range.start == self.hi);
        let ends_after = range.end > self.lo || (self.lo_incl && range.end == self.lo);
        starts_before && ends_after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: i64, end: i64) -> TimeRange {
        TimeRange::new(Some(start), Some(end)).unwrap()
    }

    #[test]
    fn interval_is_exclusive_at_both_ends() {
        let e = Extent::interval(10, 20);
        assert!(e.overlaps(&r(19, 30)));
        assert!(!e.overlaps(&r(20, 30)));
        assert!(e.overlaps(&r(0, 11)));
        assert!(!e.overlaps(&r(0, 10)));
    }

    #[test]
    fn point_is_inclusive_at_the_range_start() {
        let e = Extent::point(10);
        assert_eq!(Extent::interval(10, 10), e);
        assert!(e.overlaps(&r(10, 11)));
        assert!(!e.overlaps(&r(0, 10)));
        assert!(!e.overlaps(&r(11, 12)));
    }

    #[test]
    fn always_matches_open_ranges() {
        assert!(Extent::always().overlaps(&TimeRange::unbounded()));
        assert!(Extent::always().overlaps(&r(i64::MAX - 1, i64::MAX)));
    }
}
