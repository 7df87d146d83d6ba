//! The client: one entry point, `call(method, args)`, over the wire modules.
//! (Stub: the Salesforce core fills this in; signatures are the contract.)

use crate::error::{Error, ErrorKind, Result};
use serde_json::Value;

/// A Salesforce client built from a JSON configuration (see
/// doc/dev/ARCHITECTURE.md, "Client configuration").
pub struct Client {
    _private: (),
}

impl Client {
    /// Builds a client from its JSON configuration. Does not log in yet.
    pub fn from_json(config: &str) -> Result<Client> {
        let _ = config;
        Err(Error::new(ErrorKind::NotSupported, "client not built yet"))
    }

    /// Runs one method (see ARCHITECTURE.md, "Call methods") and returns
    /// its JSON result.
    pub fn call(&mut self, method: &str, args: &Value) -> Result<Value> {
        let _ = args;
        Err(Error::new(ErrorKind::UnknownMethod, format!("unknown method {method}")))
    }
}
