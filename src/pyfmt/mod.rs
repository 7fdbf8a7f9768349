//! Python compatibility layer: everything that must print or behave exactly
//! as CPython 3.11 does (`json.dumps`, `repr`, `float.__repr__`, `str.split`,
//! `int()` parsing).  Nothing in here knows about claw's commands.

pub(crate) mod float;
pub(crate) mod int;
pub(crate) mod json;
pub(crate) mod pystr;
pub(crate) mod repr;
pub(crate) mod text;
pub(crate) mod ucd;
