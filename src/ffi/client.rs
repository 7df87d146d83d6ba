//! `sf_client`: the opaque handle around [`crate::Client`].

#![allow(non_camel_case_types)]

use std::os::raw::c_char;

use super::buf::sf_buf;
use super::error::{sf_error, sf_result};
use super::{json_arg, null_parameter, out_arg, str_arg};
use crate::client::Client;
use crate::error::{Error, ErrorKind};
use sfclient_ffi_export::ffi_export;

/// A Salesforce client made from a JSON configuration. Opaque; made by
/// sf_client_new, freed by sf_client_free. Use one handle from one thread
/// at a time (it may move between threads, but calls must not overlap).
/// After fork() parent and child each own their copy of the handle and each
/// frees its own; the child may keep using its copy: the library notices the
/// new process and opens new HTTP connections there (the session is kept).
pub struct sf_client {
    client: Client,
}

impl sf_client {
    pub(super) fn client(&self) -> &Client {
        &self.client
    }

    pub(super) fn client_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// Makes a client from its JSON configuration (`config`, `config_len`
/// bytes of UTF-8; see doc/dev/ARCHITECTURE.md "Client configuration").
/// Does not log in yet.
///
/// On success returns SF_RESULT_OK and writes a new handle to `*out`; the
/// caller owns it and frees it with sf_client_free, exactly once.
/// On failure returns the status, leaves `*out` untouched and, when `err` is
/// not NULL, writes an error to `*err` that the caller frees with
/// sf_error_free. `err` may be NULL.
///
/// # Safety
/// `config` points to `config_len` readable bytes; `out` (and `err` unless
/// NULL) point to writable pointers.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_client_new(
    config: *const c_char,
    config_len: usize,
    out: *mut *mut sf_client,
    err: *mut *mut sf_error,
) -> sf_result {
    const F: &str = "sf_client_new";
    out_arg(F, "out", out)?;
    // SAFETY: per the function contract.
    let text = unsafe { str_arg(F, "config", config, config_len) }?;
    let client = Client::from_json(text)?;
    let handle = Box::into_raw(Box::new(sf_client { client }));
    // SAFETY: out was checked non-NULL; per the contract it is writable.
    unsafe { out.write(handle) };
    Ok(())
}

/// Runs one call method (`method`, e.g. "login" or "query"; see
/// doc/dev/ARCHITECTURE.md "Call methods") with JSON arguments (`args`, a
/// JSON object; an empty string means `{}`), both UTF-8 of the given
/// lengths.
///
/// On success returns SF_RESULT_OK and writes a new buffer with the JSON
/// result to `*out`; the caller owns it and frees it with sf_buf_free.
/// On failure returns the status, leaves `*out` untouched and, when `err` is
/// not NULL, writes an error to `*err` that the caller frees with
/// sf_error_free. The handle stays owned by the caller and usable after
/// any failure except SF_RESULT_PANIC (then free it and make a new one).
///
/// # Safety
/// `client` is a live handle from sf_client_new, not used by another thread
/// during the call; `method` and `args` point to the given number of
/// readable bytes; `out` (and `err` unless NULL) point to writable pointers.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_client_call(
    client: *mut sf_client,
    method: *const c_char,
    method_len: usize,
    args: *const c_char,
    args_len: usize,
    out: *mut *mut sf_buf,
    err: *mut *mut sf_error,
) -> sf_result {
    const F: &str = "sf_client_call";
    out_arg(F, "out", out)?;
    // SAFETY: per the function contract, a live handle used by this
    // thread only.
    let handle = unsafe { client.as_mut() }.ok_or_else(|| null_parameter(F, "client"))?;
    // SAFETY: per the function contract.
    let method = unsafe { str_arg(F, "method", method, method_len) }?;
    // SAFETY: per the function contract.
    let args_text = unsafe { str_arg(F, "args", args, args_len) }?;
    let args = if args_text.trim().is_empty() {
        serde_json::Value::Object(serde_json::Map::new())
    } else {
        json_arg(F, "args", args_text)?
    };
    let result = handle.client.call(method, &args)?;
    let bytes = serde_json::to_vec(&result).map_err(|e| {
        Error::new(
            ErrorKind::Protocol,
            format!("{F}: cannot serialize the result of {method}: {e}"),
        )
    })?;
    // SAFETY: out was checked non-NULL; per the contract it is writable.
    unsafe { out.write(sf_buf::into_raw(bytes)) };
    Ok(())
}

/// Frees a client handle and everything it holds (its session is simply
/// dropped; call the "logout" method first to end it at Salesforce).
/// NULL is accepted and ignored. Call it exactly once per handle: never
/// twice, and never while another thread uses the handle.
///
/// # Safety
/// `client` is NULL or a handle from sf_client_new not yet freed.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_client_free(client: *mut sf_client) {
    if !client.is_null() {
        // SAFETY: client came from Box::into_raw in sf_client_new and,
        // per the contract, has not been freed yet.
        drop(unsafe { Box::from_raw(client) });
    }
}
