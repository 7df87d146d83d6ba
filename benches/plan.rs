//! Benchmark of the sync planner (not a test): plan computation for
//! 100,000 Accounts / 20,000 owners / 300,000 Contacts against an OTRS
//! state of the same size, and the second run (OTRS equal to Salesforce:
//! zero writes). Prints time and peak RSS (VmHWM, reset per case through
//! /proc/self/clear_refs) as a table.
//!
//! Run: `cargo bench -p sfclient --bench plan`
//! (`-- --scale 0.1` for a quick run at a tenth of the size, `-- --only
//! companies|owners|contacts` for one kind).

use sfclient::sync::{
    plan_records, to_id18, FetchStats, Kind, Mode, OtrsRecord, OtrsState, Plan, Relation, Settings,
    SfRecord, Slot, Spec,
};
use std::collections::HashMap;
use std::time::Instant;

const CITIES: &[&str] = &[
    "Berlin", "Paris", "Rome", "Madrid", "Vienna", "Prague", "Oslo", "Lisbon",
];

struct Sizes {
    accounts: u64,
    owners: u64,
    contacts: u64,
}

fn id(prefix: &str, n: u64) -> String {
    // 15-character id -> 18 with the checksum; cannot fail for these digits.
    to_id18(&format!("{prefix}{n:012}")).unwrap_or_default()
}

fn status_kib(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// CPU time of this process in milliseconds (robust against a busy machine).
fn cpu_millis() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 * 1000.0 + ts.tv_nsec as f64 / 1e6
}

fn reset_peak() {
    // Give memory freed by the previous case back to the system, so each
    // case's numbers are its own.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages.
    unsafe {
        libc::malloc_trim(0);
    }
    // "5" resets VmHWM to the current RSS (Linux >= 4.0).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Builds a Salesforce record from a path -> value function, aligned with
/// the spec's paths.
fn record(spec: &Spec, value: impl Fn(&str) -> Option<String>) -> SfRecord {
    let values: Vec<Option<String>> = spec.paths.iter().map(|p| value(p)).collect();
    SfRecord::from_values(values.iter().map(|v| v.as_deref()))
}

/// Builds an OTRS record from a param -> value function.
fn otrs_record(
    spec: &Spec,
    id: &str,
    customer_ids: Vec<String>,
    value: impl Fn(&str) -> Option<String>,
) -> OtrsRecord {
    let values: Vec<Slot> = spec
        .params
        .iter()
        .map(|p| Some(value(p).map(String::into_boxed_str)))
        .collect();
    OtrsRecord::new(id, 1, values, customer_ids)
}

fn city(n: u64) -> String {
    CITIES[(n % CITIES.len() as u64) as usize].to_string()
}

/// `drift` = true: 5% missing in OTRS (create), 5% with another city
/// (update), 4% extra OTRS records (cleanup); false: OTRS = Salesforce.
fn companies(sizes: &Sizes, drift: bool) -> (Spec, Vec<SfRecord>, OtrsState) {
    let settings = Settings {
        attributes: vec![("CustomerCompanyCity".into(), "BillingCity".into())],
        delete_old: "001*".into(),
        ..Settings::default()
    };
    let spec = Spec::new(Kind::Companies, settings).unwrap_or_else(|e| panic!("{e}"));
    let mut records = Vec::with_capacity(sizes.accounts as usize);
    let mut otrs = OtrsState::default();
    for n in 0..sizes.accounts {
        let aid = id("001", n);
        let name = format!("Account {n}");
        records.push(record(&spec, |p| match p {
            "Id" => Some(aid.clone()),
            "Name" => Some(name.clone()),
            "BillingCity" => Some(city(n)),
            _ => None,
        }));
        if drift && n % 20 == 0 {
            continue;
        }
        let otrs_city = if drift && n % 20 == 1 {
            "Elsewhere".to_string()
        } else {
            city(n)
        };
        otrs.records
            .push(otrs_record(&spec, &aid, Vec::new(), |p| match p {
                "CustomerID" => Some(aid.clone()),
                "CustomerCompanyName" => Some(format!("{name} ({aid})")),
                "CustomerCompanyCity" => Some(otrs_city.clone()),
                _ => None,
            }));
    }
    if drift {
        for n in 0..sizes.accounts / 25 {
            let gone = id("001", sizes.accounts + n);
            otrs.records
                .push(otrs_record(&spec, &gone, Vec::new(), |p| match p {
                    "CustomerID" => Some(gone.clone()),
                    "CustomerCompanyName" => Some(format!("Gone {n}")),
                    _ => None,
                }));
        }
    }
    (spec, records, otrs)
}

fn owners(sizes: &Sizes, drift: bool) -> (Spec, Vec<SfRecord>, OtrsState) {
    let settings = Settings {
        attributes: vec![("UserTitle".into(), "Owner.Title".into())],
        delete_old: "005*".into(),
        ..Settings::default()
    };
    let spec = Spec::new(Kind::Customers, settings).unwrap_or_else(|e| panic!("{e}"));
    let mut records = Vec::with_capacity(sizes.accounts as usize);
    let mut owned: HashMap<u64, Vec<String>> = HashMap::new();
    for n in 0..sizes.accounts {
        let aid = id("001", n);
        let o = n % sizes.owners;
        let oid = id("005", o);
        owned.entry(o).or_default().push(aid.clone());
        records.push(record(&spec, |p| match p {
            "Id" => Some(aid.clone()),
            "Name" => Some(format!("Account {n}")),
            "OwnerId" | "Owner.Id" => Some(oid.clone()),
            "Owner.Name" => Some(format!("First{o} Last{o}")),
            "Owner.FirstName" => Some(format!("First{o}")),
            "Owner.LastName" => Some(format!("Last{o}")),
            "Owner.Email" => Some(format!("owner{o}@example.org")),
            "Owner.IsActive" => Some("true".into()),
            "Owner.Title" => Some("Account Manager".into()),
            _ => None,
        }));
    }
    let mut otrs = OtrsState::default();
    for o in 0..sizes.owners {
        if drift && o % 20 == 0 {
            continue;
        }
        let oid = id("005", o);
        let mut memberships = owned.remove(&o).unwrap_or_default();
        if drift && o % 20 == 1 {
            memberships.pop();
            memberships.push(id("001", sizes.accounts + o));
        }
        otrs.records
            .push(otrs_record(&spec, &oid, memberships, |p| match p {
                "UserLogin" => Some(oid.clone()),
                "UserFirstname" => Some(format!("First{o}")),
                "UserLastname" => Some(format!("Last{o}")),
                "UserEmail" => Some(format!("owner{o}@example.org")),
                "UserCustomerID" => Some("1".into()),
                "UserTitle" => Some("Account Manager".into()),
                _ => None,
            }));
    }
    if drift {
        for o in 0..sizes.owners / 25 {
            let gone = id("005", sizes.owners + o);
            otrs.records
                .push(otrs_record(&spec, &gone, Vec::new(), |p| match p {
                    "UserLogin" => Some(gone.clone()),
                    "UserFirstname" => Some("Gone".into()),
                    "UserLastname" => Some("Owner".into()),
                    "UserEmail" => Some(format!("gone{o}@example.org")),
                    "UserCustomerID" => Some("1".into()),
                    _ => None,
                }));
        }
    }
    (spec, records, otrs)
}

fn contacts(sizes: &Sizes, drift: bool) -> (Spec, Vec<SfRecord>, Vec<Relation>, OtrsState) {
    let settings = Settings {
        mode: Mode::Contact,
        attributes: vec![("UserPhone".into(), "Phone".into())],
        delete_old: "003*".into(),
        ..Settings::default()
    };
    let spec = Spec::new(Kind::Customers, settings).unwrap_or_else(|e| panic!("{e}"));
    let mut records = Vec::with_capacity(sizes.contacts as usize);
    let mut relations = Vec::new();
    let mut otrs = OtrsState::default();
    for n in 0..sizes.contacts {
        let cid = id("003", n);
        let primary = id("001", n % sizes.accounts);
        records.push(record(&spec, |p| match p {
            "Id" => Some(cid.clone()),
            "Name" => Some(format!("Given{n} Family{n}")),
            "FirstName" => Some(format!("Given{n}")),
            "LastName" => Some(format!("Family{n}")),
            "Email" => Some(format!("contact{n}@example.org")),
            "AccountId" => Some(primary.clone()),
            "Phone" => Some(format!("+49 30 {n}")),
            _ => None,
        }));
        let mut memberships = Vec::new();
        if n % 3 == 0 {
            let other = id("001", (n * 7 + 1) % sizes.accounts);
            relations.push((cid.clone(), primary.clone()));
            relations.push((cid.clone(), other.clone()));
            if other != primary {
                memberships.push(other);
            }
        }
        if drift && n % 20 == 0 {
            continue;
        }
        let phone = if drift && n % 20 == 1 {
            "+1 555".to_string()
        } else {
            format!("+49 30 {n}")
        };
        otrs.records
            .push(otrs_record(&spec, &cid, memberships, |p| match p {
                "UserLogin" => Some(cid.clone()),
                "UserFirstname" => Some(format!("Given{n}")),
                "UserLastname" => Some(format!("Family{n}")),
                "UserEmail" => Some(format!("contact{n}@example.org")),
                "UserCustomerID" => Some(primary.clone()),
                "UserPhone" => Some(phone.clone()),
                _ => None,
            }));
    }
    if drift {
        for n in 0..sizes.contacts / 25 {
            let gone = id("003", sizes.contacts + n);
            otrs.records
                .push(otrs_record(&spec, &gone, Vec::new(), |p| match p {
                    "UserLogin" => Some(gone.clone()),
                    "UserFirstname" => Some("Gone".into()),
                    "UserLastname" => Some("Contact".into()),
                    "UserEmail" => Some(format!("gone{n}@example.org")),
                    "UserCustomerID" => Some("1".into()),
                    _ => None,
                }));
        }
    }
    (spec, records, relations, otrs)
}

struct Row {
    case: String,
    records: usize,
    otrs: usize,
    millis: f64,
    cpu: f64,
    plan: Plan,
    rss_before: u64,
    peak: u64,
}

fn measure(
    case: &str,
    spec: &Spec,
    records: &[SfRecord],
    relations: &[Relation],
    otrs: &OtrsState,
) -> Row {
    reset_peak();
    let rss_before = status_kib("VmRSS:");
    let fetch = FetchStats {
        records: records.len(),
        pages: None,
        api_calls: None,
        complete: true,
    };
    let start = Instant::now();
    let cpu_start = cpu_millis();
    let plan = std::hint::black_box(plan_records(spec, records, relations, otrs, fetch));
    let cpu = cpu_millis() - cpu_start;
    let millis = start.elapsed().as_secs_f64() * 1000.0;
    Row {
        case: case.to_string(),
        records: records.len(),
        otrs: otrs.records.len(),
        millis,
        cpu,
        plan,
        rss_before,
        peak: status_kib("VmHWM:"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scale = args
        .iter()
        .position(|a| a == "--scale")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(1.0);
    let sizes = Sizes {
        accounts: ((100_000.0 * scale) as u64).max(20),
        owners: ((20_000.0 * scale) as u64).max(4),
        contacts: ((300_000.0 * scale) as u64).max(60),
    };
    println!(
        "sync planner benchmark: {} accounts, {} owners, {} contacts",
        sizes.accounts, sizes.owners, sizes.contacts
    );
    // --only companies|owners|contacts runs one kind.
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_default();
    let wanted = |k: &str| only.is_empty() || only == k;
    let mut rows = Vec::new();
    for drift in [true, false] {
        let run = if drift { "first run" } else { "second run" };
        if wanted("companies") {
            let (spec, records, otrs) = companies(&sizes, drift);
            rows.push(measure(
                &format!("companies, {run}"),
                &spec,
                &records,
                &[],
                &otrs,
            ));
        }
        if wanted("owners") {
            let (spec, records, otrs) = owners(&sizes, drift);
            rows.push(measure(
                &format!("AccountOwner customers, {run}"),
                &spec,
                &records,
                &[],
                &otrs,
            ));
        }
        if wanted("contacts") {
            let (spec, records, relations, otrs) = contacts(&sizes, drift);
            rows.push(measure(
                &format!("Contact customers, {run}"),
                &spec,
                &records,
                &relations,
                &otrs,
            ));
        }
    }
    println!();
    println!(
        "{:<34} {:>8} {:>8} {:>9} {:>9} {:>7} {:>7} {:>7} {:>7} {:>9} {:>9}",
        "case",
        "records",
        "otrs",
        "wall ms",
        "cpu ms",
        "writes",
        "create",
        "update",
        "clean",
        "RSS MiB",
        "peak MiB"
    );
    let mut second_run_writes = 0;
    for r in &rows {
        let p = &r.plan;
        println!(
            "{:<34} {:>8} {:>8} {:>9.1} {:>9.1} {:>7} {:>7} {:>7} {:>7} {:>9.1} {:>9.1}",
            r.case,
            r.records,
            r.otrs,
            r.millis,
            r.cpu,
            p.writes(),
            p.count("create"),
            p.count("update"),
            p.count("invalidate") + p.count("delete"),
            mib(r.rss_before),
            mib(r.peak)
        );
        if r.case.contains("second run") {
            second_run_writes += p.writes();
        }
    }
    println!();
    for r in &rows {
        println!("cleanup, {}: {}", r.case, r.plan.cleanup.reason);
    }
    println!();
    println!("second-run writes (must be 0): {second_run_writes}");
    println!("RSS MiB = resident set with the input built, before planning; peak MiB = VmHWM during planning.");
    if second_run_writes != 0 {
        eprintln!("second run produced writes: the planner is not idempotent");
        std::process::exit(1);
    }
}
