//! The SOAP response decoder on arbitrary bytes: login responses, every
//! call's response and faults. Nothing may panic; an error always says
//! something; a decoded result always serializes back to JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfclient::soap::{parse_call_response, parse_fault, parse_login_response, SOAP_METHODS};

const STATUSES: [u16; 4] = [200, 500, 400, 503];

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let method = SOAP_METHODS[data[0] as usize % SOAP_METHODS.len()];
    let status = STATUSES[data[1] as usize % STATUSES.len()];
    let body = &data[2..];

    match parse_call_response(method, status, body) {
        Ok(resp) => {
            serde_json::to_vec(&resp.result).expect("a decoded result serializes");
        }
        Err(e) => assert!(!e.message.is_empty(), "empty error message for {method}"),
    }
    match parse_login_response(status, body) {
        Ok(login) => {
            // Debug output never shows the session id (checked where the id
            // is long enough not to occur by chance in field names, and
            // does not occur in the other, printed, fields).
            let sid = login.session_id.as_str();
            let others = format!(
                "{} {:?} {} {} {}",
                login.server_url,
                login.metadata_server_url,
                login.user_id,
                login.org_id,
                login.user_name
            );
            if sid.len() >= 24 && !others.contains(sid) {
                assert!(
                    !format!("{login:?}").contains(sid),
                    "session id in Debug output"
                );
            }
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
    if let Some(e) = parse_fault(status, body) {
        assert!(!e.message.is_empty());
        assert_eq!(e.http_status, Some(status));
    }
});
