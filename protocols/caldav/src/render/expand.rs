//! `C:expand` (RFC 4791 §9.6.5): every instance overlapping the range as a
//! component of its own, with RECURRENCE-ID, in UTC, without recurrence
//! properties and without VTIMEZONE.

use std::collections::HashMap;

use calcard::common::timezone::Tz;
use calcard::icalendar::{ICalendar, ICalendarComponentType, ICalendarEntry, ICalendarProperty};

use crate::extent::extents;
use crate::ical::ParsedObject;
use crate::ical::parsed::is_recurrable;
use crate::ical::values::when_of;
use crate::limits::RenderBudget;
use crate::recur::{Instance, instances};
use crate::render::RenderError;
use crate::render::builder::Builder;
use crate::render::convert::{set_when, zones_to_utc};
use crate::time::{TimeRange, When, utc_naive};

/// Recurrence properties that expanded components must not carry.
const RECURRENCE: [ICalendarProperty; 5] = [
    ICalendarProperty::Rrule,
    ICalendarProperty::Rdate,
    ICalendarProperty::Exdate,
    ICalendarProperty::Exrule,
    ICalendarProperty::RecurrenceId,
];

/// The expanded object, or [`RenderError::OverBudget`] before anything is built when its
/// instances do not fit in `budget` (or could not all be generated).
pub(crate) fn expand(
    obj: &ParsedObject,
    range: &TimeRange,
    floating: Tz,
    budget: &mut RenderBudget,
) -> Result<ICalendar, RenderError> {
    let set = instances(obj, floating, range.end);
    if set.truncated {
        return Err(RenderError::OverBudget);
    }
    let mut picked: Vec<&Instance> = set
        .list
        .iter()
        .filter(|i| {
            obj.component(i.comp)
                .is_some_and(|c| extents(obj, c, i, floating).iter().any(|e| e.overlaps(range)))
        })
        .collect();
    let mut sizes: HashMap<u32, usize> = HashMap::new();
    let bytes = picked.iter().fold(0usize, |sum, i| {
        let size = *sizes.entry(i.comp).or_insert_with(|| serialized_size(obj, i.comp));
        sum.saturating_add(size)
    });
    if !budget.take_instances(picked.len(), bytes) {
        return Err(RenderError::OverBudget);
    }
    picked.sort_by_key(|i| i.start.map(|s| s.utc(floating)));
    let mut out = Builder::new(obj.root().entries.clone());
    for instance in picked {
        add_instance(obj, instance, floating, &mut out);
    }
    // Other components (VFREEBUSY, extensions) are kept; VTIMEZONE goes.
    for (id, comp) in obj.top_level() {
        if !is_recurrable(&comp.component_type) && comp.component_type != ICalendarComponentType::VTimezone {
            out.copy_tree(&obj.cal, id, 0, &mut |c| zones_to_utc(c, &obj.zones));
        }
    }
    Ok(out.finish())
}

/// The bytes component `id` and its sub-components write: what each of its instances costs.
fn serialized_size(obj: &ParsedObject, id: u32) -> usize {
    let mut one = Builder::new(Vec::new());
    one.copy_tree(&obj.cal, id, 0, &mut |_| {});
    one.finish().to_string().len()
}

fn add_instance(obj: &ParsedObject, instance: &Instance, floating: Tz, out: &mut Builder) {
    let Some(comp) = obj.component(instance.comp) else {
        return;
    };
    let mut copy = comp.clone();
    if let Some(rid) = instance.rid {
        copy.entries.retain(|e| !RECURRENCE.contains(&e.name));
        let own_start = copy
            .property(&ICalendarProperty::Dtstart)
            .and_then(|e| when_of(e, &obj.zones));
        if let (Some(own), Some(start)) = (own_start, instance.start)
            && own != start
        {
            // A generated instance (or one moved by THISANDFUTURE): move
            // DTSTART, and DTEND/DUE with it.
            for entry in &mut copy.entries {
                let moved = match entry.name {
                    ICalendarProperty::Dtstart => Some(start),
                    ICalendarProperty::Dtend | ICalendarProperty::Due => {
                        when_of(entry, &obj.zones).map(|v| shift(v, own, start, floating))
                    }
                    _ => None,
                };
                if let Some(w) = moved {
                    set_when(entry, w);
                }
            }
        }
        let mut rid_entry = ICalendarEntry::new(ICalendarProperty::RecurrenceId);
        set_when(&mut rid_entry, rid);
        copy.entries.push(rid_entry);
    }
    zones_to_utc(&mut copy, &obj.zones);
    let id = out.add(0, copy);
    for &child in &comp.component_ids {
        out.copy_tree(&obj.cal, child, id, &mut |c| zones_to_utc(c, &obj.zones));
    }
}

/// `value` moved by the distance from `from` to `to` (on the wall clock
/// for floating values, exactly for the others).
fn shift(value: When, from: When, to: When, floating: Tz) -> When {
    if value.is_floating() {
        value.moved_by(to.naive() - from.naive())
    } else {
        let delta = to.utc(floating).saturating_sub(from.utc(floating));
        When::Utc(utc_naive(value.utc(floating).saturating_add(delta)))
    }
}
