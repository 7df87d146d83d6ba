//! [`RecordSource`]: where the sync's records come from, for the sync's
//! fetch (`api::sync`) and its incremental reads (`api::incremental`).

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::query::QueryPager;
use serde_json::Value;

/// Where the sync's records come from: a [`Client`] (records streamed
/// and pages pipelined by [`QueryPager::for_each_record`]) or a
/// `call(method, args)` function (tests script one).
pub trait RecordSource {
    /// One call method (see ARCHITECTURE.md, "Call methods").
    fn call(&mut self, method: &str, args: &Value) -> Result<Value>;
    /// Every record of `pager`'s query, handed to `each` in order.
    fn each_record(
        &mut self,
        pager: &mut QueryPager,
        each: &mut dyn FnMut(Value) -> Result<()>,
    ) -> Result<()>;
    /// Records per page to ask for.
    fn batch_size(&self) -> u32 {
        2000
    }
}

impl RecordSource for Client {
    fn call(&mut self, method: &str, args: &Value) -> Result<Value> {
        Client::call(self, method, args)
    }
    fn each_record(
        &mut self,
        pager: &mut QueryPager,
        each: &mut dyn FnMut(Value) -> Result<()>,
    ) -> Result<()> {
        pager.for_each_record(self, each)
    }
    fn batch_size(&self) -> u32 {
        self.config().batch_size
    }
}

impl<F: FnMut(&str, &Value) -> Result<Value>> RecordSource for F {
    fn call(&mut self, method: &str, args: &Value) -> Result<Value> {
        self(method, args)
    }
    fn each_record(
        &mut self,
        pager: &mut QueryPager,
        each: &mut dyn FnMut(Value) -> Result<()>,
    ) -> Result<()> {
        while let Some(mut page) = pager.next_page_via(self)? {
            match page.get_mut("records").map(Value::take) {
                Some(Value::Array(records)) => records.into_iter().try_for_each(&mut *each)?,
                None | Some(Value::Null) => {}
                Some(_) => {
                    return Err(
                        Error::new(ErrorKind::Protocol, "query page records is not a list")
                            .context(format!("query page {}", pager.pages())),
                    )
                }
            }
        }
        Ok(())
    }
}
