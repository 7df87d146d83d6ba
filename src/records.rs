//! Handing the records of a query page to a consumer one by one: shared by
//! the SOAP and REST page decoders and the pager (`query::QueryPager`).

use crate::error::{Error, Result};
use serde_json::Value;

/// Where a page's records go while it is decoded: into the page's list
/// (no consumer), or one by one to `each`.
pub(crate) struct RecordSink<'a> {
    each: Option<&'a mut dyn FnMut(Value) -> Result<()>>,
    /// Records handed to `each` so far.
    pub delivered: u64,
    /// The consumer's error, when it refused a record.
    pub failed: Option<Error>,
}

impl<'a> RecordSink<'a> {
    /// Records go to `each`, or into the page's list when it is `None`.
    pub fn new(each: Option<&'a mut dyn FnMut(Value) -> Result<()>>) -> RecordSink<'a> {
        RecordSink {
            each,
            delivered: 0,
            failed: None,
        }
    }

    /// True when records go to a consumer, not into the page.
    pub fn streams(&self) -> bool {
        self.each.is_some()
    }

    /// Takes one decoded record. `Err(())` when the consumer refused it
    /// (its error is kept in `failed`): the decoder stops.
    pub fn take(&mut self, record: Value, list: &mut Vec<Value>) -> std::result::Result<(), ()> {
        let Some(each) = self.each.as_mut() else {
            list.push(record);
            return Ok(());
        };
        if let Err(e) = each(record) {
            self.failed = Some(e);
            return Err(());
        }
        self.delivered += 1;
        Ok(())
    }
}

/// Hands the `records` of a page decoded whole to `each`, from the
/// `skip`-th on (the ones before were handed over already), and leaves the
/// page's `records` empty. Returns how many records the page had.
pub(crate) fn hand_over(
    page: &mut Value,
    skip: u64,
    each: &mut dyn FnMut(Value) -> Result<()>,
) -> Result<u64> {
    let records = match page.get_mut("records").map(Value::take) {
        Some(Value::Array(list)) => list,
        _ => Vec::new(),
    };
    page["records"] = Value::Array(Vec::new());
    let total = records.len() as u64;
    for record in records.into_iter().skip(skip as usize) {
        each(record)?;
    }
    Ok(total.max(skip))
}
