//! `sf_query`: a query read page by page, one page per call, so the caller
//! holds one page at a time (the pager of [`crate::query`]).

#![allow(non_camel_case_types)]

use std::os::raw::c_char;

use super::buf::sf_buf;
use super::client::sf_client;
use super::error::{sf_error, sf_result};
use super::{json_arg, null_parameter, out_arg, str_arg};
use crate::api;
use crate::error::{Error, ErrorKind};
use crate::query::QueryPager;
use sfclient_ffi_export::ffi_export;

/// A query being read page by page. Opaque; made by sf_query_open, freed
/// by sf_query_free. It holds no connection: each sf_query_next is given
/// the client to fetch with (the one it was opened with).
pub struct sf_query {
    pager: QueryPager,
}

/// Opens a query over `client` with JSON arguments (`args`, UTF-8 of
/// `args_len` bytes): `{"soql", "all"?: bool, "batch_size"?}`, as the
/// `query_all_pages` call method takes them. Sends nothing yet.
///
/// On success returns SF_RESULT_OK and writes a new handle to `*out`; the
/// caller owns it and frees it with sf_query_free, exactly once.
/// On failure returns the status, leaves `*out` untouched and, when `err` is
/// not NULL, writes an error to `*err` that the caller frees with
/// sf_error_free.
///
/// # Safety
/// `client` is a live handle from sf_client_new, not used by another thread
/// during the call; `args` points to `args_len` readable bytes; `out` (and
/// `err` unless NULL) point to writable pointers.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_query_open(
    client: *const sf_client,
    args: *const c_char,
    args_len: usize,
    out: *mut *mut sf_query,
    err: *mut *mut sf_error,
) -> sf_result {
    const F: &str = "sf_query_open";
    out_arg(F, "out", out)?;
    // SAFETY: per the function contract, a live handle.
    let handle = unsafe { client.as_ref() }.ok_or_else(|| null_parameter(F, "client"))?;
    // SAFETY: per the function contract.
    let text = unsafe { str_arg(F, "args", args, args_len) }?;
    let pager = api::open_query(handle.client(), &json_arg(F, "args", text)?)?;
    let query = Box::into_raw(Box::new(sf_query { pager }));
    // SAFETY: out was checked non-NULL; per the contract it is writable.
    unsafe { out.write(query) };
    Ok(())
}

/// Fetches the next page of `query` through `client`: its JSON has the
/// shape of the `query` call method's result (`done`, `size`,
/// `query_locator`, `records`). After the last page it writes NULL to
/// `*out`. Every page is checked as the pager checks it (a page claiming
/// more without a locator, a record count that does not match the size
/// Salesforce announced, ... are errors); after an error, free the query.
///
/// On success returns SF_RESULT_OK and writes a new buffer (or NULL) to
/// `*out`; the caller frees a buffer with sf_buf_free.
/// On failure returns the status, leaves `*out` untouched and, when `err` is
/// not NULL, writes an error to `*err` that the caller frees with
/// sf_error_free.
///
/// # Safety
/// `query` is a live handle from sf_query_open and `client` the live handle
/// it was opened with, neither used by another thread during the call;
/// `out` (and `err` unless NULL) point to writable pointers.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_query_next(
    query: *mut sf_query,
    client: *mut sf_client,
    out: *mut *mut sf_buf,
    err: *mut *mut sf_error,
) -> sf_result {
    const F: &str = "sf_query_next";
    out_arg(F, "out", out)?;
    // SAFETY: per the function contract, live handles used by this thread
    // only.
    let query = unsafe { query.as_mut() }.ok_or_else(|| null_parameter(F, "query"))?;
    // SAFETY: as above.
    let handle = unsafe { client.as_mut() }.ok_or_else(|| null_parameter(F, "client"))?;
    let page = api::next_query_page(handle.client_mut(), &mut query.pager)?;
    let buf = match page {
        None => std::ptr::null_mut(),
        Some(page) => sf_buf::into_raw(serde_json::to_vec(&page).map_err(|e| {
            Error::new(
                ErrorKind::Protocol,
                format!("{F}: cannot serialize the page: {e}"),
            )
        })?),
    };
    // SAFETY: out was checked non-NULL; per the contract it is writable.
    unsafe { out.write(buf) };
    Ok(())
}

/// Frees a query handle (pages fetched ahead are dropped). NULL is
/// accepted and ignored. Call it exactly once per handle.
///
/// # Safety
/// `query` is NULL or a handle from sf_query_open not yet freed.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_query_free(query: *mut sf_query) {
    if !query.is_null() {
        // SAFETY: query came from Box::into_raw in sf_query_open and, per
        // the contract, has not been freed yet.
        drop(unsafe { Box::from_raw(query) });
    }
}
