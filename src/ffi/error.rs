//! `sf_result` (status codes) and `sf_error` (the error object).

#![allow(non_camel_case_types)]

use std::ffi::CString;
use std::os::raw::c_char;
use std::ptr;

use crate::error::{Error, ErrorKind};
use sfclient_ffi_export::ffi_export;

// The numbers are ErrorKind's (src/error.rs), written out so that the
// header holds this one enum; the check after `sf_result::of` stops the
// build when one differs.

/// Status of every `sf_*` call that can fail: 0 is success. The numbers
/// are fixed forever; retired ones are not reused.
///
/// cbindgen:rename-all=ScreamingSnakeCase
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum sf_result {
    /// Success.
    Ok = 0,
    /// A required pointer or handle was NULL.
    NullParameter = 1,
    /// Input bytes were not valid UTF-8.
    InvalidUtf8 = 2,
    /// Arguments were not valid JSON or missed a required field.
    InvalidArgument = 3,
    /// The client configuration is unusable (the message names the setting).
    Config = 4,
    /// Salesforce refused the login.
    Auth = 5,
    /// Salesforce answered with an API fault or error (see sf_error_sf_code).
    Salesforce = 6,
    /// An unexpected HTTP status without a Salesforce error body.
    Http = 7,
    /// Connecting, TLS or I/O failed.
    Transport = 8,
    /// A connect or overall timeout expired.
    Timeout = 9,
    /// The response could not be understood.
    Protocol = 10,
    /// The API request limit is exhausted.
    LimitExceeded = 11,
    /// The method name is not known.
    UnknownMethod = 12,
    /// The call is not supported by this library.
    NotSupported = 13,
    /// A response body exceeded the configured size cap.
    ResponseTooLarge = 14,
    /// The sync planner refused its input.
    Plan = 15,
    /// A panic was caught at the C boundary (a bug: please report it).
    Panic = 16,
}

impl sf_result {
    /// The status of an error kind.
    pub const fn of(kind: ErrorKind) -> sf_result {
        // Exhaustive on purpose: a new ErrorKind must get its sf_result.
        match kind {
            ErrorKind::NullParameter => sf_result::NullParameter,
            ErrorKind::InvalidUtf8 => sf_result::InvalidUtf8,
            ErrorKind::InvalidArgument => sf_result::InvalidArgument,
            ErrorKind::Config => sf_result::Config,
            ErrorKind::Auth => sf_result::Auth,
            ErrorKind::Salesforce => sf_result::Salesforce,
            ErrorKind::Http => sf_result::Http,
            ErrorKind::Transport => sf_result::Transport,
            ErrorKind::Timeout => sf_result::Timeout,
            ErrorKind::Protocol => sf_result::Protocol,
            ErrorKind::LimitExceeded => sf_result::LimitExceeded,
            ErrorKind::UnknownMethod => sf_result::UnknownMethod,
            ErrorKind::NotSupported => sf_result::NotSupported,
            ErrorKind::ResponseTooLarge => sf_result::ResponseTooLarge,
            ErrorKind::Plan => sf_result::Plan,
            ErrorKind::Panic => sf_result::Panic,
        }
    }
}

// Every status has its ErrorKind's number.
const _: () = {
    use ErrorKind as K;
    let kinds = [
        K::NullParameter,
        K::InvalidUtf8,
        K::InvalidArgument,
        K::Config,
        K::Auth,
        K::Salesforce,
        K::Http,
        K::Transport,
        K::Timeout,
        K::Protocol,
        K::LimitExceeded,
        K::UnknownMethod,
        K::NotSupported,
        K::ResponseTooLarge,
        K::Plan,
        K::Panic,
    ];
    let mut i = 0;
    while i < kinds.len() {
        assert!(
            sf_result::of(kinds[i]) as u32 == kinds[i] as u32,
            "an sf_result number differs from its ErrorKind"
        );
        i += 1;
    }
};

impl From<ErrorKind> for sf_result {
    fn from(kind: ErrorKind) -> Self {
        sf_result::of(kind)
    }
}

/// An error object: status code, message, and what Salesforce and HTTP said.
/// Opaque; read it with the `sf_error_*` accessors and free it with
/// `sf_error_free`.
pub struct sf_error {
    kind: ErrorKind,
    name: CString,
    message: CString,
    sf_code: Option<CString>,
    http_status: u16,
    context: CString,
}

/// Text without interior NUL bytes, so that C sees all of it.
fn c_text(text: &str) -> CString {
    let cleaned: Vec<u8> = text.bytes().filter(|b| *b != 0).collect();
    // Cannot fail: every NUL byte was just removed.
    CString::new(cleaned).unwrap_or_default()
}

impl From<Error> for sf_error {
    fn from(e: Error) -> Self {
        sf_error {
            kind: e.kind,
            name: c_text(e.kind.name()),
            message: c_text(&e.message),
            sf_code: e.sf_code.as_deref().map(c_text),
            http_status: e.http_status.unwrap_or(0),
            context: c_text(&e.context),
        }
    }
}

/// Writes `e` to `*err` as a new `sf_error` when `err` is not NULL.
pub(crate) fn store(err: *mut *mut sf_error, e: Error) {
    if err.is_null() {
        return;
    }
    let boxed = Box::into_raw(Box::new(sf_error::from(e)));
    // SAFETY: err is non-NULL and, per the documented contract of every
    // export taking `sf_error **err`, points to writable storage.
    unsafe { err.write(boxed) };
}

/// Borrows the error behind a pointer, or None for NULL.
///
/// # Safety
/// `err` is NULL or a live pointer from this library.
unsafe fn borrow<'a>(err: *const sf_error) -> Option<&'a sf_error> {
    // SAFETY: per the contract above.
    unsafe { err.as_ref() }
}

/// The status code of `err` (never SF_RESULT_OK).
/// Returns SF_RESULT_NULL_PARAMETER when `err` is NULL.
///
/// # Safety
/// `err` is NULL or an error from this library not yet freed.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_error_code(err: *const sf_error) -> sf_result {
    // SAFETY: per the function contract.
    match unsafe { borrow(err) } {
        Some(e) => sf_result::from(e.kind),
        None => sf_result::NullParameter,
    }
}

/// The stable upper-case name of the status code, e.g. "AUTH".
/// The string is borrowed from `err`: valid until sf_error_free(err); do not
/// free it. Returns NULL when `err` is NULL.
///
/// # Safety
/// `err` is NULL or an error from this library not yet freed.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_error_name(err: *const sf_error) -> *const c_char {
    // SAFETY: per the function contract.
    unsafe { borrow(err) }.map_or(ptr::null(), |e| e.name.as_ptr())
}

/// The human-readable message (says what to fix where known; never holds a
/// secret). Borrowed from `err`: valid until sf_error_free(err); do not free
/// it. Returns NULL when `err` is NULL.
///
/// # Safety
/// `err` is NULL or an error from this library not yet freed.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_error_message(err: *const sf_error) -> *const c_char {
    // SAFETY: per the function contract.
    unsafe { borrow(err) }.map_or(ptr::null(), |e| e.message.as_ptr())
}

/// What Salesforce said: its exceptionCode / errorCode / OAuth error, e.g.
/// "INVALID_LOGIN". Borrowed from `err`: valid until sf_error_free(err); do
/// not free it. Returns NULL when there is none or `err` is NULL.
///
/// # Safety
/// `err` is NULL or an error from this library not yet freed.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_error_sf_code(err: *const sf_error) -> *const c_char {
    // SAFETY: per the function contract.
    unsafe { borrow(err) }
        .and_then(|e| e.sf_code.as_ref())
        .map_or(ptr::null(), |code| code.as_ptr())
}

/// The HTTP status of the response that failed, or 0 when no response
/// arrived (or `err` is NULL).
///
/// # Safety
/// `err` is NULL or an error from this library not yet freed.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_error_http_status(err: *const sf_error) -> u16 {
    // SAFETY: per the function contract.
    unsafe { borrow(err) }.map_or(0, |e| e.http_status)
}

/// What the library was doing, e.g. "login" or "query page 3"; "" when not
/// known. Borrowed from `err`: valid until sf_error_free(err); do not free
/// it. Returns NULL when `err` is NULL.
///
/// # Safety
/// `err` is NULL or an error from this library not yet freed.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_error_context(err: *const sf_error) -> *const c_char {
    // SAFETY: per the function contract.
    unsafe { borrow(err) }.map_or(ptr::null(), |e| e.context.as_ptr())
}

/// Frees an error received through an `sf_error **err` argument, with the
/// strings borrowed from it. NULL is accepted and ignored. Call it exactly
/// once per error: never twice, never on a pointer not from this library.
///
/// # Safety
/// `err` is NULL or an error from this library not yet freed.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_error_free(err: *mut sf_error) {
    if !err.is_null() {
        // SAFETY: err came from Box::into_raw in `store` and, per the
        // contract, has not been freed yet.
        drop(unsafe { Box::from_raw(err) });
    }
}
