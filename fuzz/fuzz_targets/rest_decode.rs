//! The REST and OAuth JSON decoders on arbitrary bytes: query pages, error
//! bodies, token responses, the limit header and identity URLs. Nothing
//! may panic; errors say something; results serialize back to JSON; a page
//! whose records are handed over one by one gives the same records.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfclient::rest::{
    org_and_user_from_id_url, parse_error, parse_oauth_token, parse_query_page,
    parse_query_page_each,
};
use sfclient::usage::parse_limit_header;

const STATUSES: [u16; 5] = [200, 400, 401, 500, 503];

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let status = STATUSES[data[0] as usize % STATUSES.len()];
    let body = &data[1..];

    let mut streamed = Vec::new();
    let one_by_one = parse_query_page_each(body, &mut |r| {
        streamed.push(r);
        Ok(())
    });
    match parse_query_page(body) {
        Ok(mut page) => {
            serde_json::to_vec(&page).expect("a decoded page serializes");
            match one_by_one {
                Ok((rest, n)) => {
                    let records = page["records"].take();
                    assert_eq!(records, serde_json::Value::Array(streamed), "records one by one");
                    assert_eq!(n, records.as_array().map_or(0, Vec::len) as u64);
                    page["records"] = serde_json::json!([]);
                    assert_eq!(page, rest, "page without its records");
                }
                // Records went out from a first list that a later one replaces.
                Err(e) => assert!(e.message.contains("more than one"), "{e}"),
            }
        }
        Err(e) => {
            assert!(!e.message.is_empty());
            assert!(one_by_one.is_err(), "one by one accepted what the page refuses");
        }
    }
    let e = parse_error(status, body);
    assert!(!e.message.is_empty());
    match parse_oauth_token(status, body) {
        Ok(token) => {
            let dbg = format!("{token:?}");
            let t = token.access_token.as_str();
            let shown = format!(
                "{} {:?} {:?} {:?}",
                token.instance_url, token.id_url, token.issued_at, token.scope
            );
            if t.len() >= 24 && !shown.contains(t) {
                assert!(!dbg.contains(t), "access token in Debug output");
            }
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
    if let Ok(text) = std::str::from_utf8(body) {
        if let Some((current, limit)) = parse_limit_header(text) {
            assert!(text.contains(&current.to_string()));
            assert!(text.contains(&limit.to_string()));
        }
        if let Some((org, user)) = org_and_user_from_id_url(text) {
            for id in [&org, &user] {
                assert!(id.len() == 15 || id.len() == 18, "id {id:?}");
                assert!(text.contains(id.as_str()));
            }
        }
    }
});
