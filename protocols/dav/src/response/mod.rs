//! Response bodies: `207 Multi-Status`, property values and status lines.
//! (`DAV:error` bodies are in [`crate::error`].)

pub mod multistatus;
pub mod property;
pub mod status;
