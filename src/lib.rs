//! sfclient: the Salesforce client and sync planner behind the
//! SalesForce-Customer-Sync-CE OTRS package.
//!
//! Layers, top to bottom: `ffi` (C ABI) -> `client` (one method-name entry
//! point) -> auth / transport / soap / rest / query (the wire) and `sync`
//! (pure planning, no I/O).

pub mod auth;
pub mod calls;
pub mod client;
pub mod config;
pub mod error;
pub mod ffi;
pub mod jwt;
pub mod query;
mod records;
pub mod rest;
mod rest_page;
pub mod soap;
pub mod soql;
pub mod sync;
pub mod transport;

#[cfg(test)]
mod test_support;

pub use client::Client;
pub use error::{Error, ErrorKind};

/// Version of this library, as the package and the C header report it.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
