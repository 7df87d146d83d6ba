//! sfclient: the Salesforce client and sync planner behind the
//! SalesForce-Customer-Sync-CE OTRS package.
//!
//! Layers, each using only the ones before it (doc/dev/ARCHITECTURE.md,
//! "Layers"; `tools/check-layers` enforces the order and that no module
//! imports form a cycle):
//!
//! * base: [`error`], [`soql`];
//! * wire: [`config`], [`usage`], `records`, [`transport`], [`jwt`], the
//!   codecs [`soap`] and [`rest`], [`auth`], and [`client`] (one session;
//!   its fields are private);
//! * query: [`query`], the pager;
//! * api: [`api`], the method table behind [`Client::call`], and
//!   [`api::sync`], which fetches the records of a sync and plans them;
//! * ffi: [`ffi`], the C ABI.
//!
//! [`sync`], the planner, is a pure leaf beside them: no I/O, only base
//! modules; api and ffi use it.

pub mod api;
pub mod auth;
pub mod client;
pub mod config;
pub mod error;
pub mod ffi;
pub mod jwt;
pub mod query;
mod records;
pub mod rest;
pub mod soap;
pub mod soql;
pub mod sync;
pub mod transport;
pub mod usage;

#[cfg(test)]
mod test_support;

pub use client::Client;
pub use error::{Error, ErrorKind};

/// Version of this library, as the package and the C header report it.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
