//! Evaluates a `C:filter` against one calendar object (RFC 4791 §9.7):
//! component conditions scope the property and sub-component conditions
//! below them; time ranges consider every instance (§9.9).

mod props;

use std::cell::RefCell;
use std::rc::Rc;

use calcard::common::timezone::Tz;
use calcard::icalendar::ICalendarComponentType;

use crate::component::ComponentKind;
use crate::extent::{Extent, alarm_reach, extents, instance_times, trigger_times};
use crate::ical::ParsedObject;
use crate::ical::parsed::is_recurrable;
use crate::ical::values::same_name;
use crate::recur::{Instance, Instances, instances};
use crate::report::CompFilter;
use crate::time::{FloatingZone, TimeRange};

/// Whether a stored object matches a calendar-query filter; dates and
/// floating times are read in `zone` (RFC 4791 §7.3). Unparseable bytes
/// never match.
pub fn matches(filter: &CompFilter, object: &[u8], zone: &FloatingZone) -> bool {
    ParsedObject::parse(object).is_ok_and(|obj| matches_parsed(filter, &obj, zone))
}

/// [`matches`] for an object parsed once (e.g. to also render it).
pub fn matches_parsed(filter: &CompFilter, object: &ParsedObject, zone: &FloatingZone) -> bool {
    Eval {
        obj: object,
        floating: zone.tz(),
        cache: RefCell::new(None),
    }
    .calendar(filter)
}

pub(crate) struct Eval<'a> {
    pub(crate) obj: &'a ParsedObject,
    pub(crate) floating: Tz,
    /// The largest expansion so far, by the date it reaches: one filter
    /// may test several time ranges.
    cache: RefCell<Option<(i64, Rc<Instances>)>>,
}

impl Eval<'_> {
    fn calendar(&self, f: &CompFilter) -> bool {
        if f.is_not_defined || !same_name(&f.name, "VCALENDAR") {
            return false;
        }
        let in_range = |r: &TimeRange| {
            self.obj
                .children(0)
                .filter(|(_, c)| ComponentKind::of(&c.component_type).is_some())
                .any(|(id, _)| self.overlaps(0, id, r))
        };
        f.time_range.as_ref().is_none_or(in_range) && self.scope(0, f)
    }

    /// Property and sub-component conditions on component `id`.
    fn scope(&self, id: u32, f: &CompFilter) -> bool {
        f.prop_filters.iter().all(|p| self.prop(id, p)) && f.comp_filters.iter().all(|c| self.comp(id, c))
    }

    /// A `comp-filter` in the scope of component `parent`.
    fn comp(&self, parent: u32, f: &CompFilter) -> bool {
        let mut candidates = self
            .obj
            .children(parent)
            .filter(|(_, c)| same_name(c.component_type.as_str(), &f.name))
            .map(|(id, _)| id)
            .peekable();
        if f.is_not_defined {
            return candidates.peek().is_none();
        }
        candidates.any(|id| f.time_range.as_ref().is_none_or(|r| self.overlaps(parent, id, r)) && self.scope(id, f))
    }

    /// The instances of the whole object that may reach into `range`
    /// (alarms may fire before their instance starts).
    pub(crate) fn instances_for(&self, range: &TimeRange) -> Rc<Instances> {
        let reach = self
            .obj
            .cal
            .components
            .iter()
            .filter(|c| c.component_type == ICalendarComponentType::VAlarm)
            .map(alarm_reach)
            .max()
            .unwrap_or(0);
        let until = range.end.saturating_add(reach);
        let mut cache = self.cache.borrow_mut();
        if let Some((reached, set)) = cache.as_ref()
            && *reached >= until
        {
            return Rc::clone(set);
        }
        let set = Rc::new(instances(self.obj, self.floating, until));
        *cache = Some((until, Rc::clone(&set)));
        set
    }

    /// RFC 4791 §9.9 for component `id` (under `parent`).
    fn overlaps(&self, parent: u32, id: u32, range: &TimeRange) -> bool {
        let Some(comp) = self.obj.component(id) else {
            return false;
        };
        let hit = |extents: Vec<Extent>| extents.iter().any(|e| e.overlaps(range));
        match &comp.component_type {
            ICalendarComponentType::VFreebusy => hit(extents(
                self.obj,
                comp,
                &Instance {
                    comp: id,
                    start: None,
                    rid: None,
                    period_end: None,
                },
                self.floating,
            )),
            ICalendarComponentType::VAlarm => {
                let Some(owner) = self.obj.component(parent) else {
                    return false;
                };
                let set = self.instances_for(range);
                set.truncated
                    || set.list.iter().filter(|i| i.comp == parent).any(|i| {
                        let times = instance_times(self.obj, owner, i, self.floating);
                        trigger_times(self.obj, comp, &times, self.floating)
                            .into_iter()
                            .any(|t| Extent::point(t).overlaps(range))
                    })
            }
            kind if is_recurrable(kind) => {
                let set = self.instances_for(range);
                set.truncated
                    || set
                        .list
                        .iter()
                        .filter(|i| i.comp == id)
                        .any(|i| hit(extents(self.obj, comp, i, self.floating)))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests;
