//! Query paging: [`QueryPager`] follows the SOAP `queryLocator` or the REST
//! `nextRecordsUrl` to the end, one page at a time, so a caller that
//! handles each page before asking for the next keeps memory bounded.
//!
//! A failing page is an error, never a short result: a broken locator
//! (`INVALID_QUERY_LOCATOR`) says to restart the query, a page that claims
//! more but gives no locator is a protocol error, and the number of records
//! seen must match the size Salesforce announced.

use crate::client::Client;
use crate::config::clamp_batch_size;
use crate::error::{Error, ErrorKind, Result};
use serde_json::{json, Value};

/// Which API pages are fetched through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    Soap,
    Rest,
}

/// Walks the pages of one query.
#[derive(Debug)]
pub struct QueryPager {
    api: Api,
    soql: String,
    all: bool,
    batch_size: u32,
    /// Locator (SOAP) or nextRecordsUrl (REST) of the next page.
    next: Option<String>,
    started: bool,
    done: bool,
    pages: u32,
    records_seen: u64,
    announced_size: Option<u64>,
}

impl QueryPager {
    /// `all` = include deleted and archived rows (`queryAll`).
    pub fn new(api: Api, soql: impl Into<String>, all: bool, batch_size: u32) -> QueryPager {
        QueryPager {
            api,
            soql: soql.into(),
            all,
            batch_size: clamp_batch_size(batch_size as i64),
            next: None,
            started: false,
            done: false,
            pages: 0,
            records_seen: 0,
            announced_size: None,
        }
    }

    /// Pages fetched so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// Records seen so far.
    pub fn records_seen(&self) -> u64 {
        self.records_seen
    }

    /// The total size Salesforce announced (after the first page).
    pub fn announced_size(&self) -> Option<u64> {
        self.announced_size
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Fetches the next page: `Ok(None)` after the last one. The page has
    /// the one-page shape of the call table (`records` etc.).
    pub fn next_page(&mut self, client: &mut Client) -> Result<Option<Value>> {
        if self.done {
            return Ok(None);
        }
        let page_no = self.pages + 1;
        let context = if page_no == 1 {
            "query page 1".to_string()
        } else {
            format!("query page {page_no} (queryMore)")
        };
        let page = self.fetch(client, &context).map_err(|mut e| {
            // The page number says more than the codec's method name.
            e.context = context.clone();
            if e.sf_code.as_deref() == Some("INVALID_QUERY_LOCATOR") {
                e.message = format!(
                    "{} - the query cursor expired or was already used (at page {page_no}); \
                     restart the query from the beginning",
                    e.message
                );
                e
            } else {
                e
            }
        })?;
        self.started = true;
        self.pages = page_no;
        let records = page
            .get("records")
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0) as u64;
        self.records_seen += records;
        if let Some(size) = page.get("size").and_then(Value::as_u64) {
            self.announced_size.get_or_insert(size);
        }
        let done = page
            .get("done")
            .and_then(Value::as_bool)
            .ok_or_else(|| protocol(&context, "the query page has no \"done\" flag".to_string()))?;
        let key = match self.api {
            Api::Soap => "query_locator",
            Api::Rest => "next_records_url",
        };
        let next = page.get(key).and_then(Value::as_str).map(str::to_string);
        if done {
            self.done = true;
            self.next = None;
            self.check_complete(&context)?;
        } else {
            match next {
                None => {
                    return Err(protocol(
                        &context,
                        format!("the page says more rows follow but has no {key}"),
                    ))
                }
                Some(n) if self.next.as_deref() == Some(n.as_str()) => {
                    return Err(protocol(
                        &context,
                        format!("the server returned the same {key} twice"),
                    ))
                }
                Some(n) => self.next = Some(n),
            }
        }
        Ok(Some(page))
    }

    fn fetch(&mut self, client: &mut Client, context: &str) -> Result<Value> {
        match (self.api, self.started) {
            (Api::Soap, false) => {
                let method = if self.all { "queryAll" } else { "query" };
                client.soap_call(
                    method,
                    &json!({"soql": self.soql}),
                    Some(self.batch_size),
                    context,
                )
            }
            (Api::Soap, true) => {
                let locator = self.next.clone().unwrap_or_default();
                client.soap_call(
                    "queryMore",
                    &json!({"query_locator": locator}),
                    Some(self.batch_size),
                    context,
                )
            }
            (Api::Rest, false) => {
                let path = rest_query_path(&client.cfg.api_version, &self.soql, self.all);
                client.rest_query_get(&path, Some(self.batch_size), context)
            }
            (Api::Rest, true) => {
                let url = self.next.clone().unwrap_or_default();
                let path = rest_next_path(client, &url)?;
                client.rest_query_get(&path, Some(self.batch_size), context)
            }
        }
    }

    fn check_complete(&self, context: &str) -> Result<()> {
        let Some(size) = self.announced_size else {
            return Ok(());
        };
        // `SELECT COUNT()` announces a size and returns no rows.
        if self.records_seen == 0 && self.pages == 1 {
            return Ok(());
        }
        if size != self.records_seen {
            return Err(protocol(
                context,
                format!(
                    "Salesforce announced {size} records but {} arrived over {} pages; \
                     the result is incomplete, run the query again",
                    self.records_seen, self.pages
                ),
            ));
        }
        Ok(())
    }
}

fn protocol(context: &str, msg: String) -> Error {
    Error::new(ErrorKind::Protocol, msg).context(context.to_string())
}

/// `/services/data/vNN.0/query?q=...` (or `queryAll`).
pub fn rest_query_path(api_version: &str, soql: &str, all: bool) -> String {
    let resource = if all { "queryAll" } else { "query" };
    let q: String = form_urlencode(soql);
    format!("/services/data/v{api_version}/{resource}?q={q}")
}

fn form_urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A `nextRecordsUrl` as a path on our instance. Absolute URLs are only
/// accepted on the session's own instance (the Bearer token goes along).
pub(crate) fn rest_next_path(client: &mut Client, url: &str) -> Result<String> {
    let instance = client.session()?.instance_url.clone();
    let path = if let Some(rest) = url.strip_prefix(&instance) {
        rest.to_string()
    } else {
        url.to_string()
    };
    if !path.starts_with("/services/data/") {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "next_records_url must be a /services/data/... path of this session's instance",
        ));
    }
    Ok(path)
}

/// Runs a query to the end and gathers every record:
/// `{"size", "records", "pages"}`.
pub fn all_pages(
    client: &mut Client,
    api: Api,
    soql: &str,
    all: bool,
    batch_size: u32,
) -> Result<Value> {
    let mut pager = QueryPager::new(api, soql, all, batch_size);
    let mut records: Vec<Value> = Vec::new();
    while let Some(mut page) = pager.next_page(client)? {
        if let Some(Value::Array(rs)) = page.get_mut("records").map(Value::take) {
            records.extend(rs);
        }
    }
    let size = if records.is_empty() {
        pager.announced_size().unwrap_or(0)
    } else {
        records.len() as u64
    };
    Ok(json!({"size": size, "records": records, "pages": pager.pages()}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_paths() {
        assert_eq!(
            rest_query_path("64.0", "SELECT Id FROM Account WHERE Name = 'A&B'", false),
            "/services/data/v64.0/query?q=SELECT+Id+FROM+Account+WHERE+Name+%3D+%27A%26B%27"
        );
        assert!(rest_query_path("64.0", "x", true).starts_with("/services/data/v64.0/queryAll?q="));
    }

    #[test]
    fn batch_size_is_clamped() {
        assert_eq!(QueryPager::new(Api::Soap, "x", false, 10).batch_size, 200);
        assert_eq!(
            QueryPager::new(Api::Soap, "x", false, 9999).batch_size,
            2000
        );
    }
}
