//! claw's integration tests, as one test binary: each module is named for
//! what it protects, and `support/` holds what they share.  One binary
//! means one link instead of one per file.
//!
//! ```sh
//! cargo test --test it                   # all of them (cargo test also runs the unit tests)
//! cargo test --test it sessions::        # one module
//! cargo test --test it -- --nocapture    # also shows why the tests needing outside material skipped
//! ```
//!
//! Tests that need material outside this repository (`../shared`, a
//! reference checkout named by `CLAW_REFERENCE_CHECKOUT`, a main-line
//! checkout named by `CLAW_MAINLINE_CHECKOUT`) pass without it and print why
//! they skipped.

mod support;

mod conformance;
mod difftest;
mod generate;
mod help_lines;
mod hostile_argv;
mod hostile_inventory;
mod hostile_io;
mod mainline_suite;
mod parity_gate;
mod path_scope;
mod path_scope_corpus;
mod path_scope_props;
mod reference_checkout;
mod reference_parity;
mod robustness;
mod routing;
mod schema_gen;
mod schemas;
mod sessions;
mod snapshots;
mod workspace_reports;
