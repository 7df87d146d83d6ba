//! `sf_plan`: the sync planner over the C ABI.

use std::os::raw::c_char;

use super::buf::sf_buf;
use super::error::{sf_error, sf_result};
use super::{json_arg, out_arg, str_arg};
use crate::error::{Error, ErrorKind};
use sfclient_ffi_export::ffi_export;

/// Computes a sync plan from a complete planner input (`input`,
/// `input_len` bytes of UTF-8 JSON; see doc/dev/ARCHITECTURE.md "Planner
/// input"). Pure: no network, no handle needed; safe from any thread.
///
/// On success returns SF_RESULT_OK and writes a new buffer with the plan
/// JSON to `*out`; the caller owns it and frees it with sf_buf_free.
/// On failure returns the status, leaves `*out` untouched and, when `err` is
/// not NULL, writes an error to `*err` that the caller frees with
/// sf_error_free.
///
/// # Safety
/// `input` points to `input_len` readable bytes; `out` (and `err` unless
/// NULL) point to writable pointers.
#[ffi_export]
#[no_mangle]
pub unsafe extern "C" fn sf_plan(
    input: *const c_char,
    input_len: usize,
    out: *mut *mut sf_buf,
    err: *mut *mut sf_error,
) -> sf_result {
    const F: &str = "sf_plan";
    out_arg(F, "out", out)?;
    // SAFETY: per the function contract.
    let text = unsafe { str_arg(F, "input", input, input_len) }?;
    let input = json_arg(F, "input", text)?;
    let plan = crate::sync::plan(&input)?;
    let bytes = serde_json::to_vec(&plan).map_err(|e| {
        Error::new(
            ErrorKind::Protocol,
            format!("{F}: cannot serialize the plan: {e}"),
        )
    })?;
    // SAFETY: out was checked non-NULL; per the contract it is writable.
    unsafe { out.write(sf_buf::into_raw(bytes)) };
    Ok(())
}
