//! The `C:filter` model (RFC 4791 §9.7): component, property and
//! parameter conditions, all of which must hold.

use crate::report::TextMatch;
use crate::time::TimeRange;

/// `C:comp-filter`: conditions on a component type in its parent's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompFilter {
    /// Component name, upper case (`VCALENDAR`, `VEVENT`, …).
    pub name: String,
    /// `C:is-not-defined`: matches when no such component exists.
    pub is_not_defined: bool,
    /// Some instance must overlap this range (RFC 4791 §9.9).
    pub time_range: Option<TimeRange>,
    /// Conditions on the component's properties.
    pub prop_filters: Vec<PropFilter>,
    /// Conditions on its sub-components.
    pub comp_filters: Vec<CompFilter>,
}

/// `C:prop-filter`: conditions on a property of the enclosing component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropFilter {
    /// Property name, upper case.
    pub name: String,
    /// `C:is-not-defined`: matches when the property is absent.
    pub is_not_defined: bool,
    /// For DATE/DATE-TIME properties: the value must lie in the range.
    pub time_range: Option<TimeRange>,
    /// The value must (or, negated, must not) contain this text.
    pub text_match: Option<TextMatch>,
    /// Conditions on the same property's parameters.
    pub param_filters: Vec<ParamFilter>,
}

/// `C:param-filter`: conditions on a parameter of the enclosing property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamFilter {
    /// Parameter name, upper case.
    pub name: String,
    /// `C:is-not-defined`: matches when the parameter is absent.
    pub is_not_defined: bool,
    /// The value must (or, negated, must not) contain this text.
    pub text_match: Option<TextMatch>,
}

impl CompFilter {
    /// A time range every matching object must overlap, for pre-filtering
    /// with [`crate::TimeIndex`]: one taken from a component condition on
    /// the path from the top (not under `is-not-defined`). Property time
    /// ranges (DTSTAMP, CREATED, …) are not covered by the index and are
    /// ignored here.
    pub fn prefilter_range(&self) -> Option<TimeRange> {
        if self.is_not_defined {
            return None;
        }
        self.time_range
            .or_else(|| self.comp_filters.iter().find_map(CompFilter::prefilter_range))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comp(name: &str, time_range: Option<TimeRange>, children: Vec<CompFilter>) -> CompFilter {
        CompFilter {
            name: name.into(),
            is_not_defined: false,
            time_range,
            prop_filters: Vec::new(),
            comp_filters: children,
        }
    }

    #[test]
    fn prefilter_range_finds_nested_component_ranges() {
        let r = TimeRange::new(Some(0), Some(10)).unwrap();
        let f = comp("VCALENDAR", None, vec![comp("VEVENT", Some(r), vec![])]);
        assert_eq!(f.prefilter_range(), Some(r));
        let alarm = comp(
            "VCALENDAR",
            None,
            vec![comp("VTODO", None, vec![comp("VALARM", Some(r), vec![])])],
        );
        assert_eq!(alarm.prefilter_range(), Some(r));
        let mut negated = comp("VEVENT", Some(r), vec![]);
        negated.is_not_defined = true;
        assert_eq!(comp("VCALENDAR", None, vec![negated]).prefilter_range(), None);
        assert_eq!(
            comp("VCALENDAR", None, vec![comp("VEVENT", None, vec![])]).prefilter_range(),
            None
        );
    }
}
