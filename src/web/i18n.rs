//! The web UI's languages. [`Lang`] and the Fluent catalogues live in `core::i18n`, since the
//! mail the services compose speaks them too; the pages take them from here.

pub use crate::core::i18n::Lang;
