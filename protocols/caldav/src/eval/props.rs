//! `C:prop-filter` and `C:param-filter` (RFC 4791 §9.7.2–9.7.3), including
//! time ranges on date properties (§9.9: DTEND and DUE use their effective
//! values, and recurring components are tested per instance).

use calcard::icalendar::{ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarProperty};

use crate::eval::Eval;
use crate::extent::{Extent, instance_times};
use crate::ical::parsed::is_recurrable;
use crate::ical::values::{entry_text, param_text, same_name, when_of};
use crate::report::{ParamFilter, PropFilter};
use crate::time::TimeRange;

impl Eval<'_> {
    /// A `prop-filter` on component `id`.
    pub(crate) fn prop(&self, id: u32, f: &PropFilter) -> bool {
        let Some(comp) = self.obj.component(id) else {
            return false;
        };
        let entries: Vec<&ICalendarEntry> = comp
            .entries
            .iter()
            .filter(|e| same_name(e.name.as_str(), &f.name))
            .collect();
        if f.is_not_defined {
            return entries.is_empty();
        }
        let params_ok = |e: &ICalendarEntry| f.param_filters.iter().all(|p| param(e, p));
        if let Some(range) = &f.time_range {
            return self.date_in_range(id, comp, f, range)
                && (f.param_filters.is_empty() || entries.iter().any(|e| params_ok(e)));
        }
        entries
            .iter()
            .any(|e| params_ok(e) && f.text_match.as_ref().is_none_or(|t| t.matches(&entry_text(e))))
    }

    /// `(start <= value) AND (end > value)` for some value of the property.
    fn date_in_range(&self, id: u32, comp: &ICalendarComponent, f: &PropFilter, range: &TimeRange) -> bool {
        let in_range = |t: i64| Extent::point(t).overlaps(range);
        let effective_end = match comp.component_type {
            ICalendarComponentType::VEvent => same_name(&f.name, "DTEND"),
            ICalendarComponentType::VTodo => same_name(&f.name, "DUE"),
            _ => false,
        };
        let recurring_date = same_name(&f.name, "DTSTART") || effective_end;
        if recurring_date && is_recurrable(&comp.component_type) {
            // DTEND may be implied by DURATION (and DUE by DTSTART +
            // DURATION), but must exist in one of these forms.
            let defined = if effective_end {
                comp.has_property(&ICalendarProperty::Duration)
                    || comp.entries.iter().any(|e| same_name(e.name.as_str(), &f.name))
            } else {
                comp.has_property(&ICalendarProperty::Dtstart)
            };
            if !defined {
                return false;
            }
            let set = self.instances_for(range);
            return set.truncated
                || set.list.iter().filter(|i| i.comp == id).any(|i| {
                    let times = instance_times(self.obj, comp, i, self.floating);
                    let value = if effective_end { times.end } else { times.start };
                    value.is_some_and(in_range)
                });
        }
        comp.entries
            .iter()
            .filter(|e| same_name(e.name.as_str(), &f.name))
            .filter_map(|e| when_of(e, &self.obj.zones))
            .any(|w| in_range(w.utc(self.floating)))
    }
}

/// A `param-filter` on one property.
fn param(entry: &ICalendarEntry, f: &ParamFilter) -> bool {
    let mut values = entry
        .params
        .iter()
        .filter(|p| same_name(p.name.as_str(), &f.name))
        .map(|p| param_text(&p.value))
        .peekable();
    if f.is_not_defined {
        return values.peek().is_none();
    }
    match &f.text_match {
        None => values.peek().is_some(),
        Some(t) => values.any(|v| t.matches(&v)),
    }
}
