//! Python compatibility layer: everything that must print or behave exactly
//! as CPython 3.11 does (`json.dumps`, `repr`, `float.__repr__`, `str.split`,
//! `int()` parsing).  Nothing in here knows about claw's commands.

pub mod float;
pub mod int;
pub mod json;
pub mod pystr;
pub mod repr;
pub mod text;
pub mod ucd;
