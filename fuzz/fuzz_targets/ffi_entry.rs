//! The C ABI entry points on arbitrary bytes: `sf_client_new` (config),
//! `sf_plan` (planner input) and `sf_client_call` (method and args) on a
//! client pointed at a closed loopback port. No call may panic (a caught
//! panic would come back as SF_RESULT_PANIC, and libFuzzer's panic hook
//! aborts on it anyway), every failure carries an error, every success a
//! buffer; everything is freed (leaks are reported by the sanitizer).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfclient::ffi::*;
use std::os::raw::c_char;
use std::ptr;
use std::sync::OnceLock;

/// A loopback port nobody listens on: bound once, then released.
fn closed_port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    })
}

/// Checks one result: OK with a buffer and no error, or an error.
unsafe fn check(what: &str, rc: sf_result, out: *mut sf_buf, err: *mut sf_error) {
    assert_ne!(rc, sf_result::Panic, "{what} panicked");
    if rc == sf_result::Ok {
        assert!(err.is_null(), "{what}: OK with an error");
        if !out.is_null() {
            let _ = std::slice::from_raw_parts(sf_buf_data(out) as *const u8, sf_buf_len(out));
            sf_buf_free(out);
        }
    } else {
        assert!(out.is_null(), "{what}: failure with a result");
        assert!(!err.is_null(), "{what}: failure without an error");
        assert_eq!(sf_error_code(err), rc);
        assert!(!sf_error_message(err).is_null());
        sf_error_free(err);
    }
}

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let selector = data[0];
    let rest = &data[1..];
    unsafe {
        match selector % 3 {
            0 => {
                // Arbitrary configuration. Never call out: a config that
                // builds is freed unused.
                let mut client: *mut sf_client = ptr::null_mut();
                let mut err: *mut sf_error = ptr::null_mut();
                let rc = sf_client_new(
                    rest.as_ptr() as *const c_char,
                    rest.len(),
                    &mut client,
                    &mut err,
                );
                assert_ne!(rc, sf_result::Panic, "sf_client_new panicked");
                if rc == sf_result::Ok {
                    assert!(!client.is_null());
                    sf_client_free(client);
                } else {
                    assert!(client.is_null());
                    assert!(!err.is_null());
                    sf_error_free(err);
                }
            }
            1 => {
                let mut out: *mut sf_buf = ptr::null_mut();
                let mut err: *mut sf_error = ptr::null_mut();
                let rc = sf_plan(
                    rest.as_ptr() as *const c_char,
                    rest.len(),
                    &mut out,
                    &mut err,
                );
                check("sf_plan", rc, out, err);
            }
            _ => {
                // method \0 args, against a client whose every request is
                // refused at once.
                let split = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
                let (method, args) = (&rest[..split], rest.get(split + 1..).unwrap_or(&[]));
                let port = closed_port();
                let cfg = format!(
                    r#"{{"auth_flow":"access-token","access_token":"00Dfuzz!token","instance_url":"http://127.0.0.1:{port}","login_url":"http://127.0.0.1:{port}/services/Soap/u/64.0","login_host":"http://127.0.0.1:{port}","max_retries":0,"connect_timeout_secs":1,"timeout_secs":2}}"#
                );
                let mut client: *mut sf_client = ptr::null_mut();
                let mut err: *mut sf_error = ptr::null_mut();
                let rc = sf_client_new(
                    cfg.as_ptr() as *const c_char,
                    cfg.len(),
                    &mut client,
                    &mut err,
                );
                if rc != sf_result::Ok {
                    let msg = std::ffi::CStr::from_ptr(sf_error_message(err)).to_string_lossy();
                    panic!("fuzz client config refused: {msg}");
                }
                let mut out: *mut sf_buf = ptr::null_mut();
                let mut err: *mut sf_error = ptr::null_mut();
                let rc = sf_client_call(
                    client,
                    method.as_ptr() as *const c_char,
                    method.len(),
                    args.as_ptr() as *const c_char,
                    args.len(),
                    &mut out,
                    &mut err,
                );
                check("sf_client_call", rc, out, err);
                sf_client_free(client);
            }
        }
    }
});
