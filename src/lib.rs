//! claw: a Rust port of the claw-code Python parity harness.
//!
//! `app::run` is the whole CLI; `main.rs` only hands it argv and stdio.

pub mod app;
pub mod atomic_file;
pub mod baseline;
pub mod cargo_workspace;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod error;
pub mod generate;
pub mod inventory_io;
pub mod inventory_scan;
pub mod manifest;
pub mod oom;
pub mod output;
pub mod parity;
pub mod parity_gate;
pub mod path_scope;
pub mod permissions;
pub mod port_roots;
pub mod pyfmt;
pub mod query_engine;
pub mod route_stream;
pub mod router;
pub mod routing;
pub mod runtime;
pub mod session_io;
pub mod session_store;
pub mod setup;
pub mod snapshot;
pub mod stdout;
pub mod surface;
pub mod threads;
pub mod workspace;
