//! Query paging: [`QueryPager`] follows the SOAP `queryLocator` or the REST
//! `nextRecordsUrl` to the end, one page at a time, so a caller that
//! handles each page before asking for the next keeps memory bounded.
//!
//! A failing page is an error, never a short result: a broken locator
//! (`INVALID_QUERY_LOCATOR`) says to restart the query, a page that claims
//! more but gives no locator is a protocol error, and the number of records
//! seen must match the size Salesforce announced.
//!
//! Pages are pipelined: while one page is decoded, a short-lived helper
//! thread already fetches the next one, using the `done` flag and cursor
//! read from the start of the page. Only one page is fetched ahead,
//! so memory stays bounded. The full decode stays the authority: a page
//! fetched ahead with a cursor the decoded page does not confirm is dropped
//! and fetched again. No thread outlives a call, so a pager also works in a
//! forked child.

use crate::client::Client;
use crate::config::clamp_batch_size;
use crate::error::{Error, ErrorKind, Result};
use crate::records::hand_over;
use crate::transport::form_urlencode;
use crate::usage::LimitInfo;
use crate::{rest, soap};
use serde_json::{json, Value};

/// A query page as fetched, before the pager decodes it.
enum PageBody {
    /// A page that opens like a plain one: its body, not decoded yet, and
    /// what its start says (`done`, the cursor of the next page), so the
    /// next page can be fetched while this one is decoded.
    Raw {
        body: Vec<u8>,
        done: bool,
        next: Option<String>,
    },
    /// Anything else, decoded (or refused) right away, with the usage
    /// figures its response carried (noted when its turn comes).
    Decoded {
        page: Value,
        limit_info: Option<LimitInfo>,
    },
}

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
    /// The page after the last one returned, fetched ahead.
    ahead: Option<Ahead>,
}

/// A page fetched ahead: the cursor it was fetched with and what came back
/// (an error is reported when the caller asks for that page).
struct Ahead {
    cursor: String,
    fetched: Result<PageBody>,
}

impl std::fmt::Debug for Ahead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ahead")
            .field("ok", &self.fetched.is_ok())
            .finish_non_exhaustive()
    }
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
            ahead: None,
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
        self.advance(|pager, page_no| pager.fetch_and_decode(client, page_no))
    }

    /// As [`QueryPager::next_page`], with the pages coming from
    /// `call(method, args)` (`query`/`queryAll`/`queryMore`), one at a time:
    /// for callers that script Salesforce (tests). SOAP only.
    pub fn next_page_via(
        &mut self,
        call: &mut dyn FnMut(&str, &Value) -> Result<Value>,
    ) -> Result<Option<Value>> {
        self.advance(|pager, _| {
            let method = pager.soap_method(pager.started);
            if pager.started {
                let locator = pager.next.clone().unwrap_or_default();
                call(method, &json!({"query_locator": locator}))
            } else {
                call(method, &json!({"soql": pager.soql}))
            }
        })
    }

    /// Hands every record of the query to `each`, in order, page after
    /// page, until the last one (or the first error). Each record is handed
    /// over as soon as it is decoded, and the next page is fetched on a
    /// helper thread meanwhile: the fastest way through a large result, and
    /// memory holds one record and at most two page bodies. An error of
    /// `each` ends the walk and is returned as it is. Records handed over
    /// before an error are not a complete result: act on them only after
    /// `Ok` (the sync plans only then).
    pub fn for_each_record(
        &mut self,
        client: &mut Client,
        mut each: impl FnMut(Value) -> Result<()>,
    ) -> Result<()> {
        while !self.done {
            let page_no = self.pages + 1;
            let context = page_context(page_no);
            let refused = std::cell::Cell::new(false);
            let mut consumer = |record: Value| each(record).inspect_err(|_| refused.set(true));
            let (page, records) = match self.stream_page(client, page_no, &mut consumer) {
                Ok(streamed) => streamed,
                Err(e) if refused.get() => return Err(e),
                Err(e) => return Err(label(e, &context, page_no)),
            };
            self.account(&context, page_no, &page, records)?;
        }
        Ok(())
    }

    /// One step: `fetch` gives page `page_no`; the checks and counting are
    /// the same whatever fetched it.
    fn advance(
        &mut self,
        fetch: impl FnOnce(&mut Self, u32) -> Result<Value>,
    ) -> Result<Option<Value>> {
        if self.done {
            return Ok(None);
        }
        let page_no = self.pages + 1;
        let context = page_context(page_no);
        let page = fetch(self, page_no).map_err(|e| label(e, &context, page_no))?;
        let records = page
            .get("records")
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0) as u64;
        self.account(&context, page_no, &page, records)?;
        Ok(Some(page))
    }

    /// The checks and counting after page `page_no` (`page` with or without
    /// its `records`, of which there were `records`).
    fn account(&mut self, context: &str, page_no: u32, page: &Value, records: u64) -> Result<()> {
        self.started = true;
        self.pages = page_no;
        self.records_seen += records;
        if let Some(size) = page.get("size").and_then(Value::as_u64) {
            self.announced_size.get_or_insert(size);
        }
        let done = page
            .get("done")
            .and_then(Value::as_bool)
            .ok_or_else(|| protocol(context, "the query page has no \"done\" flag".to_string()))?;
        let key = match self.api {
            Api::Soap => "query_locator",
            Api::Rest => "next_records_url",
        };
        let next = page.get(key).and_then(Value::as_str).map(str::to_string);
        if done {
            self.done = true;
            self.next = None;
            self.check_complete(context)?;
        } else {
            match next {
                None => {
                    return Err(protocol(
                        context,
                        format!("the page says more rows follow but has no {key}"),
                    ))
                }
                Some(n) if self.next.as_deref() == Some(n.as_str()) => {
                    return Err(protocol(
                        context,
                        format!("the server returned the same {key} twice"),
                    ))
                }
                Some(n) => self.next = Some(n),
            }
        }
        Ok(())
    }

    /// The body of page `page_no`: the page fetched ahead when its cursor
    /// is the one the previous page confirmed, else fetched now.
    fn take_or_fetch(&mut self, client: &mut Client, page_no: u32) -> Result<PageBody> {
        match self.ahead.take() {
            Some(ahead) if self.started && self.next.as_ref() == Some(&ahead.cursor) => {
                ahead.fetched
            }
            _ => {
                let cursor = if self.started {
                    self.next.clone()
                } else {
                    None
                };
                self.fetch(client, cursor.as_deref(), page_no)
            }
        }
    }

    /// Page `page_no`, decoded whole (the records of [`Self::stream_page`]
    /// gathered back into the page).
    fn fetch_and_decode(&mut self, client: &mut Client, page_no: u32) -> Result<Value> {
        let mut records = Vec::new();
        let (mut page, _) = self.stream_page(client, page_no, &mut |record| {
            records.push(record);
            Ok(())
        })?;
        page["records"] = Value::Array(records);
        Ok(page)
    }

    /// Page `page_no`, each record handed to `each` as it is decoded, while
    /// the next page is fetched on a helper thread. Returns the page
    /// without its records and how many there were.
    fn stream_page(
        &mut self,
        client: &mut Client,
        page_no: u32,
        each: &mut dyn FnMut(Value) -> Result<()>,
    ) -> Result<(Value, u64)> {
        let (body, done, next) = match self.take_or_fetch(client, page_no)? {
            PageBody::Raw { body, done, next } => (body, done, next),
            PageBody::Decoded {
                mut page,
                limit_info,
            } => {
                client.note_limit_info(limit_info);
                let n = hand_over(&mut page, 0, each)?;
                return Ok((page, n));
            }
        };
        let api = self.api;
        let method = self.soap_method(self.started);
        let pager = &*self;
        let fetching_client = &mut *client;
        let (streamed, ahead) = std::thread::scope(|s| {
            let fetcher = match (done, next) {
                (false, Some(cursor)) => Some(s.spawn(move || {
                    let fetched = pager.fetch(fetching_client, Some(&cursor), page_no + 1);
                    Ahead { cursor, fetched }
                })),
                _ => None,
            };
            let streamed = decode_page_each(api, method, &body, each);
            let ahead = fetcher.map(|f| {
                f.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            });
            (streamed, ahead)
        });
        self.ahead = ahead;
        let (page, records, limit_info) = streamed?;
        client.note_limit_info(limit_info);
        Ok((page, records))
    }

    fn soap_method(&self, more: bool) -> &'static str {
        match (more, self.all) {
            (true, _) => "queryMore",
            (false, true) => "queryAll",
            (false, false) => "query",
        }
    }

    /// Fetches one page: the first (no cursor) or the one at `cursor`.
    fn fetch(&self, client: &mut Client, cursor: Option<&str>, page_no: u32) -> Result<PageBody> {
        let context = page_context(page_no);
        let method = self.soap_method(cursor.is_some());
        match (self.api, cursor) {
            (Api::Soap, None) => fetch_soap_page(
                client,
                method,
                &json!({"soql": self.soql}),
                Some(self.batch_size),
                &context,
            ),
            (Api::Soap, Some(locator)) => fetch_soap_page(
                client,
                method,
                &json!({"query_locator": locator}),
                Some(self.batch_size),
                &context,
            ),
            (Api::Rest, None) => {
                let path = rest_query_path(&client.config().api_version, &self.soql, self.all);
                fetch_rest_page(client, &path, Some(self.batch_size), &context)
            }
            (Api::Rest, Some(url)) => {
                let path = rest_next_path(client, url)?;
                fetch_rest_page(client, &path, Some(self.batch_size), &context)
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

/// A SOAP `query`/`queryAll`/`queryMore` page. A plain page comes back
/// undecoded with its `done` and locator (see [`PageBody`]); anything else
/// is decoded here.
fn fetch_soap_page(
    client: &mut Client,
    method: &str,
    args: &Value,
    batch_size: Option<u32>,
    context: &str,
) -> Result<PageBody> {
    client.soap_request(method, args, batch_size, context, true, |resp| {
        if resp.status == 200 {
            if let Some((done, next)) = soap::query_head(method, &resp.body) {
                let body = resp.body;
                return Ok(PageBody::Raw { body, done, next });
            }
        }
        soap::parse_call_response(method, resp.status, &resp.body).map(|r| PageBody::Decoded {
            page: r.result,
            limit_info: r.limit_info,
        })
    })
}

/// A REST query page, as [`fetch_soap_page`] for SOAP (REST usage figures come
/// in a header, which the transport notes).
fn fetch_rest_page(
    client: &mut Client,
    path: &str,
    batch_size: Option<u32>,
    context: &str,
) -> Result<PageBody> {
    client.rest_get(path, batch_size, context, |resp| {
        if resp.status != 200 {
            return Err(rest::parse_error(resp.status, &resp.body));
        }
        Ok(match rest::page_head(&resp.body) {
            Some((done, next)) => PageBody::Raw {
                body: resp.body,
                done,
                next,
            },
            None => PageBody::Decoded {
                page: rest::parse_query_page(&resp.body)?,
                limit_info: None,
            },
        })
    })
}

/// One REST query page (`path` as [`rest_query_path`] or
/// [`rest_next_path`] give it), decoded: the `rest_query` and
/// `rest_query_more` call methods.
pub fn rest_query_page(
    client: &mut Client,
    path: &str,
    batch_size: Option<u32>,
    context: &str,
) -> Result<Value> {
    client.rest_get(path, batch_size, context, |resp| {
        if resp.status == 200 {
            rest::parse_query_page(&resp.body)
        } else {
            Err(rest::parse_error(resp.status, &resp.body))
        }
    })
}

/// Decodes the body of a plain page (see [`PageBody::Raw`]), handing each
/// record to `each` as it is decoded: the page without its records, how
/// many there were, the usage figures.
fn decode_page_each(
    api: Api,
    method: &str,
    body: &[u8],
    each: &mut dyn FnMut(Value) -> Result<()>,
) -> Result<(Value, u64, Option<LimitInfo>)> {
    match api {
        Api::Soap => soap::parse_query_response_each(method, body, each)
            .map(|(response, n)| (response.result, n, response.limit_info)),
        Api::Rest => rest::parse_query_page_each(body, each).map(|(page, n)| (page, n, None)),
    }
}

/// An error of page `page_no` says which page it was, and what to do
/// when the cursor is gone.
fn label(mut e: Error, context: &str, page_no: u32) -> Error {
    // The page number says more than the codec's method name.
    e.context = context.to_string();
    if e.sf_code.as_deref() == Some("INVALID_QUERY_LOCATOR") {
        e.message = format!(
            "{} - the query cursor expired or was already used (at page {page_no}); \
             restart the query from the beginning",
            e.message
        );
    }
    e
}

/// What a page's errors say it was doing.
fn page_context(page_no: u32) -> String {
    if page_no == 1 {
        "query page 1".to_string()
    } else {
        format!("query page {page_no} (queryMore)")
    }
}

fn protocol(context: &str, msg: String) -> Error {
    Error::new(ErrorKind::Protocol, msg).context(context.to_string())
}

/// `/services/data/vNN.0/query?q=...` (or `queryAll`).
pub fn rest_query_path(api_version: &str, soql: &str, all: bool) -> String {
    let resource = if all { "queryAll" } else { "query" };
    let q = form_urlencode(soql);
    format!("/services/data/v{api_version}/{resource}?q={q}")
}

/// A `nextRecordsUrl` as a path on our instance. Absolute URLs are only
/// accepted on the session's own instance (the Bearer token goes along).
pub fn rest_next_path(client: &mut Client, url: &str) -> Result<String> {
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
