//! `fake-salesforce`: starts the fake org and prints one JSON line telling
//! tests where to find it. Flags are documented in README.md and `--help`.

use fake_salesforce::state::{lock, Config, State};
use fake_salesforce::store::{Org, ORG_ID15};
use fake_salesforce::{app, control, gen, http, oauth, schema, tls};
use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

const HELP: &str = "fake-salesforce: a fake Salesforce org for tests (SOAP Partner, REST, OAuth)

USAGE: fake-salesforce [--listen 127.0.0.1:0] [--tls] [--data FILE | --generate SPEC [--seed N]] [options]

  --listen ADDR              address to bind (default 127.0.0.1:0 = a free port; loopback only)
  --tls                      HTTPS with a CA + server cert made at start (CA PEM reported as ca_file)
  --state-dir DIR            where ca.pem and jwt-key.pem are written (default: a new temp dir)
  --data FILE                load the org from a JSON data file (see data/sample.json)
  --generate SPEC            generate data: accounts=N,owners=M,contacts=K,leads=L,deleted=D
  --seed N                   seed for --generate (default 42)
  --username U  --password P  --security-token T
  --client-id ID  --client-secret S  --refresh-token R
  --api-version V            version reported in the URLs (default 64.0)
  --org-name NAME            organisation name
  --default-batch-size N     query batch size when the client sends none (default 2000; 200..2000)
  --api-limit N              daily API request limit (default 5000000); over it: REQUEST_LIMIT_EXCEEDED
  --session-ttl SECS         idle session lifetime (default 7200)
  --locator-ttl SECS         idle query-locator lifetime (default 172800)
  --session-expire-after-calls N   every session dies after N calls (INVALID_SESSION_ID)
  --latency-ms N             delay before every answer
  --trusted-ip               accept the password without the security token
  --password-expired         login succeeds with passwordExpired=true (restricted session)
  --login-refused            every login fails (INVALID_LOGIN / invalid_grant)
  --soap-login-max-version N highest version whose SOAP login works (default 64; 65+ gives INVALID_OPERATION)
  --login-fault-prefixed     login faults as sf:INVALID_LOGIN instead of the bare code
  --login-host-name NAME     host name treated as login.salesforce.com (repeatable; default localhost)
  --jwt-audience URL         extra accepted JWT aud (login/test.salesforce.com and the base URL always are)
  --chunk-threshold BYTES    bodies larger than this are sent chunked (default 65536)
  --fault JSON               a fault rule, e.g. '{\"fault\":\"http503\",\"on\":\"queryMore\",\"count\":1}' (repeatable)
  --log-requests             one stderr line per request (method, path, status)
  --help
";

fn die(msg: &str) -> ! {
    eprintln!("fake-salesforce: {msg}");
    std::process::exit(2);
}

/// Removes `fake-salesforce-{pid}-*` temp dirs of processes that are gone
/// (tests end the fake with SIGKILL, so it cannot clean up after itself).
fn prune_stale_state_dirs() {
    let tmp = std::env::temp_dir();
    let Ok(entries) = std::fs::read_dir(&tmp) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(rest) = name.strip_prefix("fake-salesforce-") else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() || std::path::Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let path = e.path();
        // only our own layout: a directory holding nothing but ca.pem / jwt-key.pem
        let ours = std::fs::read_dir(&path).is_ok_and(|d| {
            d.flatten()
                .all(|f| matches!(f.file_name().to_str(), Some("ca.pem") | Some("jwt-key.pem")))
        });
        if ours {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut cfg = Config::default();
    let mut listen = "127.0.0.1:0".to_string();
    let mut use_tls = false;
    let mut state_dir: Option<PathBuf> = None;
    let mut data: Option<String> = None;
    let mut generate: Option<String> = None;
    let mut seed = 42u64;
    let mut faults = Vec::new();
    let mut custom_login_hosts = Vec::new();
    let mut i = 0;
    let val = |i: &mut usize, name: &str| -> String {
        *i += 1;
        args.get(*i)
            .cloned()
            .unwrap_or_else(|| die(&format!("{name} needs a value")))
    };
    let num = |s: String, name: &str| -> u64 {
        s.parse()
            .unwrap_or_else(|_| die(&format!("{name}: '{s}' is not a number")))
    };
    while i < args.len() {
        let a = args[i].clone();
        match a.as_str() {
            "--help" | "-h" => {
                print!("{HELP}");
                return;
            }
            "--listen" => listen = val(&mut i, &a),
            "--tls" => use_tls = true,
            "--state-dir" => state_dir = Some(PathBuf::from(val(&mut i, &a))),
            "--data" => data = Some(val(&mut i, &a)),
            "--generate" => generate = Some(val(&mut i, &a)),
            "--seed" => seed = num(val(&mut i, &a), &a),
            "--username" => cfg.username = val(&mut i, &a),
            "--password" => cfg.password = val(&mut i, &a),
            "--security-token" => cfg.security_token = val(&mut i, &a),
            "--client-id" => cfg.client_id = val(&mut i, &a),
            "--client-secret" => cfg.client_secret = val(&mut i, &a),
            "--refresh-token" => cfg.refresh_token = val(&mut i, &a),
            "--api-version" => {
                cfg.api_version = val(&mut i, &a);
                if fake_salesforce::soap::major(&cfg.api_version).is_none() {
                    die("--api-version must look like 64.0");
                }
            }
            "--org-name" => cfg.organization_name = val(&mut i, &a),
            "--default-batch-size" => {
                cfg.default_batch_size = (num(val(&mut i, &a), &a) as usize).clamp(200, 2000)
            }
            "--api-limit" => cfg.api_limit = num(val(&mut i, &a), &a),
            "--session-ttl" => cfg.session_ttl_secs = num(val(&mut i, &a), &a),
            "--locator-ttl" => cfg.locator_ttl_secs = num(val(&mut i, &a), &a),
            "--session-expire-after-calls" => {
                cfg.session_expire_after_calls = Some(num(val(&mut i, &a), &a))
            }
            "--latency-ms" => cfg.latency_ms = num(val(&mut i, &a), &a),
            "--trusted-ip" => cfg.trusted_ip = true,
            "--password-expired" => cfg.password_expired = true,
            "--login-refused" => cfg.login_refused = true,
            "--soap-login-max-version" => {
                cfg.soap_login_max_version = num(val(&mut i, &a), &a) as u32
            }
            "--login-fault-prefixed" => cfg.login_fault_prefixed = true,
            "--login-host-name" => custom_login_hosts.push(val(&mut i, &a).to_ascii_lowercase()),
            "--jwt-audience" => cfg.jwt_audiences.push(val(&mut i, &a)),
            "--chunk-threshold" => cfg.chunk_threshold = num(val(&mut i, &a), &a) as usize,
            "--fault" => faults.push(val(&mut i, &a)),
            "--log-requests" => cfg.log_requests = true,
            other => die(&format!("unknown option '{other}' (see --help)")),
        }
        i += 1;
    }
    if !custom_login_hosts.is_empty() {
        cfg.login_host_names = custom_login_hosts;
    }
    if data.is_some() && generate.is_some() {
        die("--data and --generate exclude each other");
    }
    let addr: std::net::SocketAddr = listen.parse().unwrap_or_else(|_| {
        die(&format!(
            "--listen: '{listen}' is not an address like 127.0.0.1:0"
        ))
    });
    if !addr.ip().is_loopback() {
        die("--listen: the fake only listens on loopback addresses");
    }

    // data
    let mut org = Org::new(Arc::new(schema::standard()));
    let api = gen::ApiUser {
        username: &cfg.username,
        organization_name: &cfg.organization_name,
    };
    let loaded = match (&data, &generate) {
        (Some(file), _) => {
            let text = std::fs::read_to_string(file)
                .unwrap_or_else(|e| die(&format!("--data {file}: {e}")));
            gen::load(&mut org, &text, &api)
        }
        (None, Some(spec)) => match gen::GenSpec::parse(spec, seed) {
            Ok(s) => gen::generate(&mut org, &s, &api),
            Err(e) => Err(e),
        },
        (None, None) => {
            gen::GenSpec::parse("", seed).and_then(|s| gen::generate(&mut org, &s, &api))
        }
    };
    if let Err(e) = loaded {
        die(&e);
    }

    // files
    let prune = state_dir.is_none();
    let dir = state_dir.unwrap_or_else(|| {
        std::env::temp_dir().join(format!(
            "fake-salesforce-{}-{}",
            std::process::id(),
            fake_salesforce::state::random_token(6).replace(['.', '_'], "x")
        ))
    });
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| die(&format!("cannot create {}: {e}", dir.display())));
    let key_file = dir.join("jwt-key.pem");
    std::fs::write(&key_file, oauth::JWT_PRIVATE_PEM)
        .unwrap_or_else(|e| die(&format!("cannot write {}: {e}", key_file.display())));
    let (tls_cfg, ca_file) = if use_tls {
        let pki = tls::make().unwrap_or_else(|e| die(&e));
        let ca = dir.join("ca.pem");
        std::fs::write(&ca, &pki.ca_pem)
            .unwrap_or_else(|e| die(&format!("cannot write {}: {e}", ca.display())));
        (Some(pki.server), Some(ca))
    } else {
        (None, None)
    };

    let listener =
        TcpListener::bind(addr).unwrap_or_else(|e| die(&format!("cannot listen on {listen}: {e}")));
    let local = listener
        .local_addr()
        .unwrap_or_else(|e| die(&format!("no local address: {e}")));
    let scheme = if use_tls { "https" } else { "http" };
    let base = format!("{scheme}://{local}");
    cfg.base_url = base.clone();
    let api_version = cfg.api_version.clone();
    let user_id = org.user_id.clone();
    let org_id = org.org_id.clone();
    let mut first = serde_json::json!({
        "soap_login_url": format!("{base}/services/Soap/u/{api_version}"),
        "instance_url": base,
        "token_url": format!("{base}/services/oauth2/token"),
        "login_host": base,
        "control_url": format!("{base}/_fake/control"),
        "stats_url": format!("{base}/_fake/stats"),
        "data_url": format!("{base}/_fake/data"),
        "api_version": api_version,
        "username": cfg.username,
        "password": cfg.password,
        "security_token": cfg.security_token,
        "client_id": cfg.client_id,
        "client_secret": cfg.client_secret,
        "refresh_token": cfg.refresh_token,
        "jwt_private_key_file": key_file.display().to_string(),
        "org_id": org_id,
        "org_id15": ORG_ID15,
        "user_id": user_id,
        "state_dir": dir.display().to_string(),
        "pid": std::process::id(),
    });
    if let Some(ca) = &ca_file {
        first["ca_file"] = serde_json::json!(ca.display().to_string());
    }
    let state = Arc::new(State::new(cfg, org));
    for f in &faults {
        let v: serde_json::Value =
            serde_json::from_str(f).unwrap_or_else(|e| die(&format!("--fault: not JSON: {e}")));
        control::apply_control(&state, &v).unwrap_or_else(|e| die(&format!("--fault: {e}")));
    }
    {
        let org = fake_salesforce::state::read(&state.org);
        let counts: Vec<String> = org
            .schema
            .objects
            .iter()
            .enumerate()
            .map(|(i, o)| format!("{}={}", o.name, org.count(i)))
            .collect();
        eprintln!(
            "fake-salesforce: listening on {base} ({})",
            counts.join(", ")
        );
    }
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{first}").and_then(|_| out.flush()).is_err() {
        die("cannot write the start line to stdout");
    }
    drop(out);
    if prune {
        // in the background: never delays the start line
        let _ = std::thread::Builder::new()
            .name("prune".into())
            .spawn(prune_stale_state_dirs);
    }
    let st = Arc::clone(&state);
    let handler: http::Handler = Arc::new(move |req| app::route(&st, req));
    let st2 = Arc::clone(&state);
    let ct: Arc<dyn Fn() -> usize + Send + Sync> =
        Arc::new(move || fake_salesforce::state::read(&st2.cfg).chunk_threshold);
    let st3 = Arc::clone(&state);
    let on_conn: Arc<dyn Fn() + Send + Sync> = Arc::new(move || lock(&st3.stats).connections += 1);
    http::run(listener, tls_cfg, handler, ct, on_conn);
}
