//! `C:calendar-data` in REPORT responses (RFC 4791 §9.6): the stored bytes,
//! or a rewritten object when the request expands, limits or subsets.

mod builder;
mod convert;
mod expand;
mod limit;
mod subset;

pub(crate) use builder::Builder;

use crate::ical::ParsedObject;
use crate::limits::RenderBudget;
use crate::object::ObjectError;
use crate::report::{CalendarDataRequest, RecurrenceMode};
use crate::time::FloatingZone;

/// Why calendar data could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The stored object does not parse.
    #[error(transparent)]
    Invalid(#[from] ObjectError),
    /// Expanding it would exceed what the request may still produce.
    #[error("the expansion exceeds what one request may produce")]
    OverBudget,
}

/// The calendar data to return for one object. Without subsetting the
/// stored bytes come back unchanged; otherwise expansion or
/// limit-recurrence-set first, then limit-freebusy-set, then `comp`/`prop`
/// selection. `zone` reads dates and floating times (RFC 4791 §7.3).
/// Expansion spends `budget`; the caller takes the bytes of what it sends.
pub fn render_calendar_data(
    object: &[u8],
    request: &CalendarDataRequest,
    zone: &FloatingZone,
    budget: &mut RenderBudget,
) -> Result<String, RenderError> {
    if request.is_whole_object() {
        return String::from_utf8(object.to_vec()).map_err(|_| ObjectError::Malformed("not UTF-8".into()).into());
    }
    let obj = ParsedObject::parse(object)?;
    let floating = zone.tz();
    let mut cal = match request.recurrence {
        Some(RecurrenceMode::Expand(range)) => expand::expand(&obj, &range, floating, budget)?,
        Some(RecurrenceMode::LimitRecurrenceSet(range)) => limit::limit_recurrence_set(&obj, &range, floating),
        None => obj.cal.clone(),
    };
    if let Some(range) = request.limit_freebusy {
        limit::limit_freebusy(&mut cal, &obj.zones, &range, floating);
    }
    if let Some(selector) = &request.comp {
        cal = subset::subset(&cal, selector);
    }
    Ok(cal.to_string())
}

#[cfg(test)]
mod tests;
