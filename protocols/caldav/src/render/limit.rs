//! `C:limit-recurrence-set` (RFC 4791 §9.6.6): the master plus only the
//! overrides that affect the range; and `C:limit-freebusy-set` (§9.6.7):
//! only the FREEBUSY periods overlapping the range.

use std::collections::HashSet;

use calcard::common::timezone::Tz;
use calcard::icalendar::{
    ICalendar, ICalendarComponentType, ICalendarParameterName, ICalendarPeriod, ICalendarProperty, ICalendarValue,
};

use crate::extent::extents;
use crate::ical::ParsedObject;
use crate::ical::values::{Span, to_when};
use crate::recur::{Instance, instances};
use crate::render::builder::Builder;
use crate::time::{TimeRange, ZoneTable};

pub(crate) fn limit_recurrence_set(obj: &ParsedObject, range: &TimeRange, floating: Tz) -> ICalendar {
    let set = instances(obj, floating, range.end);
    let hits = |i: &Instance| {
        obj.component(i.comp)
            .is_some_and(|c| extents(obj, c, i, floating).iter().any(|e| e.overlaps(range)))
    };
    let mut keep = HashSet::new();
    for instance in set.list.iter().filter(|i| i.rid.is_some()) {
        let Some(comp) = obj.component(instance.comp) else {
            continue;
        };
        let Some(rid_entry) = comp.property(&ICalendarProperty::RecurrenceId) else {
            continue;
        };
        // Where the instance would have been: the master at the RID.
        let master = obj.top_level().find(|(_, c)| {
            c.component_type == comp.component_type
                && c.uid() == comp.uid()
                && !c.has_property(&ICalendarProperty::RecurrenceId)
        });
        let original = master.is_some_and(|(id, _)| {
            hits(&Instance {
                comp: id,
                start: instance.rid,
                rid: instance.rid,
                period_end: None,
            })
        });
        let this_and_future = rid_entry.has_parameter(&ICalendarParameterName::Range)
            && instance.rid.is_some_and(|r| r.utc(floating) < range.end);
        if hits(instance) || original || this_and_future {
            keep.insert(instance.comp);
        }
    }
    let mut out = Builder::new(obj.root().entries.clone());
    for (id, comp) in obj.top_level() {
        if !comp.has_property(&ICalendarProperty::RecurrenceId) || keep.contains(&id) {
            out.copy_tree(&obj.cal, id, 0, &mut |_| {});
        }
    }
    out.finish()
}

pub(crate) fn limit_freebusy(cal: &mut ICalendar, zones: &ZoneTable, range: &TimeRange, floating: Tz) {
    for comp in &mut cal.components {
        if comp.component_type != ICalendarComponentType::VFreebusy {
            continue;
        }
        for entry in &mut comp.entries {
            if entry.name != ICalendarProperty::Freebusy {
                continue;
            }
            let tzid = entry.tz_id().map(str::to_owned);
            entry.values.retain(|v| {
                let ICalendarValue::Period(period) = v else {
                    return false;
                };
                let bounds = match period {
                    ICalendarPeriod::Range { start, end } => to_when(start, tzid.as_deref(), zones)
                        .zip(to_when(end, tzid.as_deref(), zones))
                        .map(|(s, e)| (s.utc(floating), e.utc(floating))),
                    ICalendarPeriod::Duration { start, duration } => to_when(start, tzid.as_deref(), zones)
                        .map(|s| (s.utc(floating), Span::of(duration).after(&s, floating))),
                };
                bounds.is_some_and(|(s, e)| range.overlaps(s, e))
            });
        }
        comp.entries
            .retain(|e| e.name != ICalendarProperty::Freebusy || !e.values.is_empty());
    }
}
