//! Benchmark peer (tools/bench): fetches every record of a SOQL query page by
//! page through the library, as the sync does, and prints how many it got.
//!
//! Usage: `fetch_records [--rest] <fake-info.json> <soql>`
//!
//! Logs in with the SOAP `login()` (user, password + security token from the
//! fake's info line). Default path: SOAP `query` + `queryMore` through every
//! locator; `--rest`: REST `rest_query` + `rest_query_more` through every
//! `nextRecordsUrl`, through `QueryPager::for_each_record` (records handed
//! over one by one as they are decoded, the next page fetched meanwhile).
//! Memory stays bounded: at most two page bodies and one record, so peak
//! RSS does not grow with the record count. Prints the number of records
//! that had an `Id`.

use serde_json::{json, Value};
use sfclient::query::{Api, QueryPager};
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
    let api = match path {
        Path::Soap => Api::Soap,
        Path::Rest => Api::Rest,
    };
    // The library's pager, as the sync reads: each record handed over as
    // soon as it is decoded, the next page fetched meanwhile.
    let mut pager = QueryPager::new(api, soql, false, 2000);
    let mut count = 0u64;
    pager
        .for_each_record(&mut client, |record| {
            // Look at the record, as a consumer would.
            if record["Id"].is_string() {
                count += 1;
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    Ok(count)
}
