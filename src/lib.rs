//! claw: a Rust port of the claw-code Python parity harness.
//!
//! `app::run` is the whole CLI; `main.rs` only hands it argv and stdio.

pub mod app;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod error;
pub mod generate;
pub mod inventory_io;
pub mod inventory_scan;
pub mod manifest;
pub mod output;
pub mod parity;
pub mod path_scope;
pub mod permissions;
pub mod pyfmt;
pub mod query_engine;
pub mod route_stream;
pub mod router;
pub mod runtime;
pub mod schema;
pub mod session_store;
pub mod setup;
pub mod snapshot;
pub mod workspace;
