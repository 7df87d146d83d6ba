//! The SOAP response decoder on arbitrary bytes: login responses, every
//! call's response and faults. Nothing may panic; an error always says
//! something; a decoded result always serializes back to JSON; a query
//! page whose records are handed over one by one gives the same records.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfclient::soap::{
    parse_call_response, parse_fault, parse_login_response, parse_query_response_each,
    SOAP_METHODS,
};

const STATUSES: [u16; 4] = [200, 500, 400, 503];

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let method = SOAP_METHODS[data[0] as usize % SOAP_METHODS.len()];
    let status = STATUSES[data[1] as usize % STATUSES.len()];
    let body = &data[2..];

    let whole = parse_call_response(method, status, body);
    match &whole {
        Ok(resp) => {
            serde_json::to_vec(&resp.result).expect("a decoded result serializes");
        }
        Err(e) => assert!(!e.message.is_empty(), "empty error message for {method}"),
    }
    if status == 200 && matches!(method, "query" | "queryAll" | "queryMore") {
        let mut streamed = Vec::new();
        let one_by_one = parse_query_response_each(method, body, &mut |r| {
            streamed.push(r);
            Ok(())
        });
        match (whole, one_by_one) {
            (Ok(mut resp), Ok((rest, n))) => {
                let records = resp.result["records"].take();
                assert_eq!(records, serde_json::Value::Array(streamed), "records one by one");
                assert_eq!(n, records.as_array().map_or(0, Vec::len) as u64);
                resp.result["records"] = serde_json::json!([]);
                assert_eq!(resp, rest, "page without its records");
            }
            (Err(_), Err(_)) => {}
            (whole, one_by_one) => panic!("whole {whole:?} vs one by one {one_by_one:?}"),
        }
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
