//! claw: a Rust port of the claw-code Python parity harness.
//!
//! `app::run` is the whole CLI; `main.rs` only hands it argv and stdio.

pub mod app;
pub(crate) mod atomic_file;
pub(crate) mod baseline;
pub(crate) mod cargo_workspace;
pub(crate) mod catalog;
pub mod cli;
pub(crate) mod commands;
pub mod error;
pub(crate) mod generate;
pub(crate) mod inventory_io;
pub(crate) mod inventory_scan;
pub(crate) mod manifest;
pub mod oom;
pub(crate) mod output;
pub(crate) mod parity;
pub(crate) mod parity_gate;
pub mod path_scope;
pub(crate) mod permissions;
pub(crate) mod port_roots;
pub(crate) mod pyfmt;
pub(crate) mod query_engine;
pub(crate) mod ratio;
pub(crate) mod route_stream;
pub mod router;
pub(crate) mod routing;
pub(crate) mod runtime;
pub(crate) mod scorer;
pub(crate) mod session_io;
pub(crate) mod session_store;
pub(crate) mod setup;
pub mod snapshot;
pub mod start;
pub mod stdout;
pub(crate) mod surface;
pub(crate) mod threads;
pub(crate) mod workspace;

// What the integration tests and benchmarks use besides the modules above.
pub use generate::described;
pub use parity::{METRICS, NOT_GATED};
pub use query_engine::StopReason;
pub use routing::CHOICES as ROUTING_CHOICES;
pub use session_store::Store;
pub use setup::DeferredInit;
