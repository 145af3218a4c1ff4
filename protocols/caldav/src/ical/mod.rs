//! iCalendar access on top of calcard: structure check, parsed objects,
//! typed property values.

pub(crate) mod parsed;
pub(crate) mod structure;
pub(crate) mod values;

pub use parsed::ParsedObject;
