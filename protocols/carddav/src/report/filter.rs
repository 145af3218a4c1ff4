//! The `CARD:filter` model (RFC 6352 §10.5): property and parameter
//! conditions combined with `anyof` or `allof`.

use crate::report::TextMatch;

/// How the tests of a filter or prop-filter combine (`test` attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Test {
    /// `anyof`: logical OR (the default).
    #[default]
    AnyOf,
    /// `allof`: logical AND.
    AllOf,
}

impl Test {
    /// Combines results: any (OR) or all (AND) of them.
    pub(crate) fn combine(self, mut results: impl Iterator<Item = bool>) -> bool {
        match self {
            Test::AnyOf => results.any(|r| r),
            Test::AllOf => results.all(|r| r),
        }
    }
}

/// `CARD:filter`: which cards an `addressbook-query` returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    /// How the prop-filters combine.
    pub test: Test,
    /// The conditions; a filter without any matches every card.
    pub prop_filters: Vec<PropFilter>,
}

/// `CARD:prop-filter`: conditions on one vCard property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropFilter {
    /// Property name, upper case, possibly with a group (`ITEM1.EMAIL`):
    /// without a group it matches the property in any group or none; with
    /// one, only in that group (§10.5.1).
    pub name: String,
    /// How the text-matches and param-filters combine.
    pub test: Test,
    /// `CARD:is-not-defined`: matches when the property is absent.
    pub is_not_defined: bool,
    /// Conditions on the value.
    pub text_matches: Vec<TextMatch>,
    /// Conditions on the same property's parameters.
    pub param_filters: Vec<ParamFilter>,
}

/// `CARD:param-filter`: conditions on a parameter of the enclosing
/// property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamFilter {
    /// Parameter name, upper case.
    pub name: String,
    /// `CARD:is-not-defined`: matches when the parameter is absent.
    pub is_not_defined: bool,
    /// A condition on the parameter's value.
    pub text_match: Option<TextMatch>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combining() {
        assert!(Test::AnyOf.combine([false, true].into_iter()));
        assert!(!Test::AnyOf.combine([false, false].into_iter()));
        assert!(!Test::AnyOf.combine(std::iter::empty()));
        assert!(Test::AllOf.combine([true, true].into_iter()));
        assert!(!Test::AllOf.combine([true, false].into_iter()));
        assert!(Test::AllOf.combine(std::iter::empty()));
        assert_eq!(Test::default(), Test::AnyOf);
    }
}
