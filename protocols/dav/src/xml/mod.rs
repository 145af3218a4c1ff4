//! XML plumbing shared by request parsing and response rendering: a safe,
//! namespace-resolving parser to a small tree, self-contained fragment
//! serialisation for dead property values, and a compact response writer.

pub(crate) mod error;
pub(crate) mod escape;
pub(crate) mod fragment;
pub(crate) mod node;
pub mod tree;
pub(crate) mod writer;
