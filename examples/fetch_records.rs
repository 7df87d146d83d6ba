//! Benchmark peer (tools/bench): fetches every record of a SOQL query page by
//! page through the library, as the sync does, and prints how many it got.
//!
//! Usage: `fetch_records [--rest] <fake-info.json> <soql>`
//!
//! Logs in with the SOAP `login()` (user, password + security token from the
//! fake's info line). Default path: SOAP `query` + `queryMore` through every
//! locator; `--rest`: REST `rest_query` + `rest_query_more` through every
//! `nextRecordsUrl`. Memory stays bounded: each page is dropped before the
//! next one is fetched, so peak RSS does not grow with the record count.

use serde_json::{json, Value};
use sfclient::Client;
use std::process::ExitCode;

/// Which API the pages come from.
#[derive(Clone, Copy)]
enum Path {
    Soap,
    Rest,
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let path = match args.iter().position(|a| a == "--rest") {
        Some(i) => {
            args.remove(i);
            Path::Rest
        }
        None => Path::Soap,
    };
    if args.len() != 2 {
        eprintln!("usage: fetch_records [--rest] <fake-info.json> <soql>");
        return ExitCode::from(2);
    }
    match run(path, &args[0], &args[1]) {
        Ok(count) => {
            println!("{count}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fetch_records: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: Path, info_path: &str, soql: &str) -> Result<u64, String> {
    let text = std::fs::read_to_string(info_path).map_err(|e| format!("{info_path}: {e}"))?;
    let first = text.lines().next().unwrap_or("");
    let info: Value = serde_json::from_str(first)
        .map_err(|e| format!("{info_path}: first line is not the fake's JSON info: {e}"))?;
    let config = json!({
        "auth_flow": "soap-login",
        "login_url": info["soap_login_url"],
        "api_version": info["api_version"],
        "username": info["username"],
        "password": info["password"],
        "security_token": info["security_token"],
        "ca_file": info["ca_file"],
        "batch_size": 2000,
    });
    let mut client = Client::from_json(&config.to_string()).map_err(|e| e.to_string())?;
    let (first_call, more_call, cursor_key) = match path {
        Path::Soap => ("query", "queryMore", "query_locator"),
        Path::Rest => ("rest_query", "rest_query_more", "next_records_url"),
    };
    let mut page = client
        .call(first_call, &json!({ "soql": soql }))
        .map_err(|e| e.to_string())?;
    let mut count = 0u64;
    loop {
        count += page["records"].as_array().map_or(0, |r| r.len() as u64);
        let cursor = match page[cursor_key].as_str() {
            Some(c) if page["done"] != Value::Bool(true) => c.to_string(),
            _ => break,
        };
        // the old page is dropped here, when the new one replaces it
        page = client
            .call(more_call, &json!({ cursor_key: cursor }))
            .map_err(|e| e.to_string())?;
    }
    Ok(count)
}
