//! The fake Salesforce org: a test peer speaking the Partner SOAP, REST and
//! OAuth wire formats (see doc/dev/PROTOCOL.md, "What the fake org must
//! reproduce") over loopback.

pub mod app;
pub mod clock;
pub mod control;
pub mod convert;
pub mod describe;
pub mod gen;
pub mod http;
pub mod ids;
pub mod launcher;
pub mod oauth;
pub mod render;
pub mod replication;
pub mod rest;
pub mod schema;
pub mod soap;
pub mod soql;
pub mod sosl;
pub mod state;
pub mod store;
pub mod timeutil;
pub mod tls;
pub mod xml;
