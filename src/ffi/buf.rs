//! `sf_buf`: an owned byte buffer (JSON text) handed to the caller.

#![allow(non_camel_case_types)]

use std::os::raw::c_char;
use std::ptr;

use sfclient_ffi_export::ffi_export;

/// A result buffer: UTF-8 JSON text owned by the caller once received.
/// Opaque; read it with sf_buf_data / sf_buf_len, free it with sf_buf_free.
pub struct sf_buf {
    /// The text followed by one NUL byte (not counted in the length).
    bytes: Box<[u8]>,
}

impl sf_buf {
    /// Hands `text` to the caller as a new `sf_buf` raw pointer.
    pub(crate) fn into_raw(text: Vec<u8>) -> *mut sf_buf {
        let mut bytes = text;
        bytes.push(0);
        Box::into_raw(Box::new(sf_buf {
            bytes: bytes.into_boxed_slice(),
        }))
    }

    fn text_len(&self) -> usize {
        self.bytes.len().saturating_sub(1)
    }
}

/// Pointer to the buffer's bytes: UTF-8 JSON text of sf_buf_len(buf) bytes,
/// followed by a NUL byte that is not counted (so it may also be used as a
/// C string). Borrowed from `buf`: valid until sf_buf_free(buf); do not free
/// it. Returns NULL when `buf` is NULL.
///
/// # Safety
/// `buf` is NULL or a buffer from this library not yet freed.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_buf_data(buf: *const sf_buf) -> *const c_char {
    // SAFETY: per the function contract.
    unsafe { buf.as_ref() }.map_or(ptr::null(), |b| b.bytes.as_ptr().cast::<c_char>())
}

/// Length of the buffer's text in bytes (without the trailing NUL).
/// Returns 0 when `buf` is NULL.
///
/// # Safety
/// `buf` is NULL or a buffer from this library not yet freed.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_buf_len(buf: *const sf_buf) -> usize {
    // SAFETY: per the function contract.
    unsafe { buf.as_ref() }.map_or(0, sf_buf::text_len)
}

/// Frees a buffer received from sf_client_call or sf_plan. NULL is accepted
/// and ignored. Call it exactly once per buffer: never twice. Pointers from
/// sf_buf_data die with it.
///
/// # Safety
/// `buf` is NULL or a buffer from this library not yet freed.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_buf_free(buf: *mut sf_buf) {
    if !buf.is_null() {
        // SAFETY: buf came from Box::into_raw in `into_raw` and, per the
        // contract, has not been freed yet.
        drop(unsafe { Box::from_raw(buf) });
    }
}
