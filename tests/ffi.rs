//! Tests of the C ABI (`src/ffi`), calling the `extern "C"` functions the way
//! a C caller does: raw pointers, (pointer, length) strings, out-pointers.
//!
//! The first half needs nothing but the library (NULL, UTF-8, JSON and
//! panic paths). The second half runs against the fake Salesforce org
//! (`target/debug/fake-salesforce --tls`), which it starts and stops itself.

use std::ffi::CStr;
use std::os::raw::c_char;
use std::process::Stdio;
use std::ptr;

use fake_salesforce::launcher;
use serde_json::{json, Value};
use sfclient::ffi::*;

/// What an `sf_error` said, copied out before it is freed.
#[derive(Debug)]
struct ErrInfo {
    code: sf_result,
    name: String,
    message: String,
    sf_code: Option<String>,
    http_status: u16,
    context: String,
}

unsafe fn text(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

/// Copies and frees an error.
fn take_err(err: *mut sf_error) -> ErrInfo {
    assert!(!err.is_null(), "a failing call must fill *err");
    unsafe {
        let info = ErrInfo {
            code: sf_error_code(err),
            name: text(sf_error_name(err)).expect("name"),
            message: text(sf_error_message(err)).expect("message"),
            sf_code: text(sf_error_sf_code(err)),
            http_status: sf_error_http_status(err),
            context: text(sf_error_context(err)).expect("context"),
        };
        sf_error_free(err);
        info
    }
}

/// Copies and frees a buffer, parsing its JSON.
fn take_buf(buf: *mut sf_buf) -> Value {
    assert!(!buf.is_null());
    unsafe {
        let len = sf_buf_len(buf);
        let data = sf_buf_data(buf);
        let bytes = std::slice::from_raw_parts(data.cast::<u8>(), len);
        assert_eq!(*data.add(len), 0, "sf_buf data is NUL-terminated");
        let value = serde_json::from_slice(bytes).expect("sf_buf holds JSON");
        sf_buf_free(buf);
        value
    }
}

fn plan(input: &[u8]) -> Result<Value, ErrInfo> {
    let sentinel = 0x1 as *mut sf_buf;
    let mut out = sentinel;
    let mut err: *mut sf_error = ptr::null_mut();
    let rc = unsafe { sf_plan(input.as_ptr().cast(), input.len(), &mut out, &mut err) };
    if rc == sf_result::Ok {
        assert!(err.is_null(), "*err untouched on success");
        Ok(take_buf(out))
    } else {
        assert_eq!(out, sentinel, "*out untouched on error");
        let info = take_err(err);
        assert_eq!(info.code, rc);
        Err(info)
    }
}

fn new_client(config: &[u8]) -> Result<*mut sf_client, ErrInfo> {
    let sentinel = 0x1 as *mut sf_client;
    let mut out = sentinel;
    let mut err: *mut sf_error = ptr::null_mut();
    let rc = unsafe { sf_client_new(config.as_ptr().cast(), config.len(), &mut out, &mut err) };
    if rc == sf_result::Ok {
        assert!(err.is_null());
        assert!(!out.is_null() && out != sentinel);
        Ok(out)
    } else {
        assert_eq!(out, sentinel, "*out untouched on error");
        let info = take_err(err);
        assert_eq!(info.code, rc);
        Err(info)
    }
}

fn call(client: *mut sf_client, method: &[u8], args: &[u8]) -> Result<Value, ErrInfo> {
    let sentinel = 0x1 as *mut sf_buf;
    let mut out = sentinel;
    let mut err: *mut sf_error = ptr::null_mut();
    let rc = unsafe {
        sf_client_call(
            client,
            method.as_ptr().cast(),
            method.len(),
            args.as_ptr().cast(),
            args.len(),
            &mut out,
            &mut err,
        )
    };
    if rc == sf_result::Ok {
        assert!(err.is_null());
        Ok(take_buf(out))
    } else {
        assert_eq!(out, sentinel, "*out untouched on error");
        let info = take_err(err);
        assert_eq!(info.code, rc);
        Err(info)
    }
}

// ---------------------------------------------------------------------------
// Without a server

#[test]
fn version_is_the_crate_version_and_static() {
    let v = unsafe { CStr::from_ptr(sf_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert_eq!(sf_version(), sf_version(), "same static string every time");
}

#[test]
fn result_numbers_are_the_error_kind_numbers() {
    use sfclient::ErrorKind;
    assert_eq!(sf_result::Ok as u32, 0);
    for (kind, result) in [
        (ErrorKind::NullParameter, sf_result::NullParameter),
        (ErrorKind::InvalidUtf8, sf_result::InvalidUtf8),
        (ErrorKind::InvalidArgument, sf_result::InvalidArgument),
        (ErrorKind::Config, sf_result::Config),
        (ErrorKind::Auth, sf_result::Auth),
        (ErrorKind::Salesforce, sf_result::Salesforce),
        (ErrorKind::Http, sf_result::Http),
        (ErrorKind::Transport, sf_result::Transport),
        (ErrorKind::Timeout, sf_result::Timeout),
        (ErrorKind::Protocol, sf_result::Protocol),
        (ErrorKind::LimitExceeded, sf_result::LimitExceeded),
        (ErrorKind::UnknownMethod, sf_result::UnknownMethod),
        (ErrorKind::NotSupported, sf_result::NotSupported),
        (ErrorKind::ResponseTooLarge, sf_result::ResponseTooLarge),
        (ErrorKind::Plan, sf_result::Plan),
        (ErrorKind::Panic, sf_result::Panic),
    ] {
        assert_eq!(kind as u32, result as u32, "{kind:?}");
        assert_eq!(sf_result::from(kind), result);
    }
}

#[test]
fn null_pointers_give_null_parameter_not_a_crash() {
    let mut err: *mut sf_error = ptr::null_mut();
    let mut client: *mut sf_client = ptr::null_mut();
    // NULL config.
    let rc = unsafe { sf_client_new(ptr::null(), 3, &mut client, &mut err) };
    assert_eq!(rc, sf_result::NullParameter);
    assert!(client.is_null());
    let info = take_err(err);
    assert_eq!(info.name, "NULL_PARAMETER");
    assert!(
        info.message.contains("`config` is NULL"),
        "{}",
        info.message
    );
    assert_eq!(info.context, "sf_client_new");
    assert_eq!(info.http_status, 0);
    assert_eq!(info.sf_code, None);

    // NULL out, and NULL err is allowed (the status still says it).
    let cfg = b"{}";
    let rc = unsafe { sf_client_new(cfg.as_ptr().cast(), 2, ptr::null_mut(), ptr::null_mut()) };
    assert_eq!(rc, sf_result::NullParameter);

    // NULL client handle.
    let m = b"login";
    let a = b"{}";
    let mut buf: *mut sf_buf = ptr::null_mut();
    let mut err: *mut sf_error = ptr::null_mut();
    let rc = unsafe {
        sf_client_call(
            ptr::null_mut(),
            m.as_ptr().cast(),
            5,
            a.as_ptr().cast(),
            2,
            &mut buf,
            &mut err,
        )
    };
    assert_eq!(rc, sf_result::NullParameter);
    assert!(buf.is_null());
    assert!(take_err(err).message.contains("`client` is NULL"));

    // NULL input / out for the planner.
    let mut err: *mut sf_error = ptr::null_mut();
    let rc = unsafe { sf_plan(ptr::null(), 0, &mut buf, &mut err) };
    assert_eq!(rc, sf_result::NullParameter);
    assert!(take_err(err).message.contains("`input` is NULL"));
    let rc = unsafe { sf_plan(a.as_ptr().cast(), 2, ptr::null_mut(), ptr::null_mut()) };
    assert_eq!(rc, sf_result::NullParameter);

    // Accessors and free functions accept NULL.
    unsafe {
        assert_eq!(sf_error_code(ptr::null()), sf_result::NullParameter);
        assert!(sf_error_name(ptr::null()).is_null());
        assert!(sf_error_message(ptr::null()).is_null());
        assert!(sf_error_sf_code(ptr::null()).is_null());
        assert!(sf_error_context(ptr::null()).is_null());
        assert_eq!(sf_error_http_status(ptr::null()), 0);
        assert!(sf_buf_data(ptr::null()).is_null());
        assert_eq!(sf_buf_len(ptr::null()), 0);
        sf_buf_free(ptr::null_mut());
        sf_error_free(ptr::null_mut());
        sf_client_free(ptr::null_mut());
        sf_query_free(ptr::null_mut());
    }

    // NULL client, query and out for the query handle.
    let mut query: *mut sf_query = ptr::null_mut();
    let mut err: *mut sf_error = ptr::null_mut();
    let rc = unsafe { sf_query_open(ptr::null(), a.as_ptr().cast(), 2, &mut query, &mut err) };
    assert_eq!(rc, sf_result::NullParameter);
    assert!(query.is_null());
    assert!(take_err(err).message.contains("`client` is NULL"));
    let mut err: *mut sf_error = ptr::null_mut();
    let rc = unsafe { sf_query_next(ptr::null_mut(), ptr::null_mut(), &mut buf, &mut err) };
    assert_eq!(rc, sf_result::NullParameter);
    assert!(take_err(err).message.contains("`query` is NULL"));
}

#[test]
fn bad_utf8_gives_invalid_utf8() {
    let info = plan(b"{\"kind\": \"compan\xffies\"}").unwrap_err();
    assert_eq!(info.code, sf_result::InvalidUtf8);
    assert_eq!(info.name, "INVALID_UTF8");
    assert!(info.message.contains("offset 16"), "{}", info.message);

    let info = new_client(b"{\"username\": \"\xc3\x28\"}").unwrap_err();
    assert_eq!(info.code, sf_result::InvalidUtf8);
    assert!(info.message.contains("`config`"), "{}", info.message);
}

#[test]
fn bad_json_gives_invalid_argument_naming_the_position() {
    let info = plan(b"{\"kind\": ").unwrap_err();
    assert_eq!(info.code, sf_result::InvalidArgument);
    assert!(
        info.message.contains("`input` is not valid JSON"),
        "{}",
        info.message
    );
    assert!(info.message.contains("line 1"), "{}", info.message);
}

#[test]
fn config_errors_come_back_as_objects() {
    // An unknown key is a CONFIG error naming the key (ARCHITECTURE.md).
    let info = new_client(br#"{"usernme": "x"}"#).unwrap_err();
    assert_eq!(info.code, sf_result::Config, "{info:?}");
    assert!(info.message.contains("usernme"), "{}", info.message);
    // Secrets from the config never come back in the message.
    let info = new_client(br#"{"password": "hunter2-secret", "bogus": 1}"#).unwrap_err();
    assert!(!info.message.contains("hunter2-secret"), "{}", info.message);
}

#[test]
fn a_panic_becomes_sf_result_panic_with_an_error() {
    let mut err: *mut sf_error = ptr::null_mut();
    let rc = sfclient::ffi::guard_result(&mut err, || panic!("boom in test"));
    assert_eq!(rc, sf_result::Panic);
    let info = take_err(err);
    assert_eq!(info.name, "PANIC");
    assert!(info.message.contains("boom in test"), "{}", info.message);
    assert!(info.message.contains("please report"), "{}", info.message);

    // Also with a formatted payload and no error pointer.
    let rc = sfclient::ffi::guard_result(ptr::null_mut(), || panic!("{} {}", "formatted", 42));
    assert_eq!(rc, sf_result::Panic);

    // Value-returning exports fall back to their default.
    let v: usize = sfclient::ffi::guard_or(7, || panic!("boom"));
    assert_eq!(v, 7);
    let v: usize = sfclient::ffi::guard_or(7, || 3);
    assert_eq!(v, 3);
}

#[test]
fn tiny_planner_input_gives_a_plan() {
    let input = json!({
        "kind": "companies",
        "settings": {"name_format": "{Name} ({Id})"},
        "records": [{"type": "Account", "Id": "001000000000001AAA", "Name": "Müller GmbH"}],
        "otrs": {"companies": [], "users": [], "referenced": [], "sync_invalidated": []}
    });
    let result = plan(input.to_string().as_bytes()).expect("plan");
    assert_eq!(result["kind"], "companies");
    assert_eq!(result["counts"]["create"], 1, "{result}");
    let action = &result["actions"][0];
    assert_eq!(action["action"], "create");
    assert_eq!(
        action["values"]["CustomerCompanyName"],
        "Müller GmbH (001000000000001AAA)"
    );

    // A refused input is an error object naming what to fix.
    let info = plan(br#"{"kind": "nonsense"}"#).unwrap_err();
    assert!(
        matches!(info.code, sf_result::Plan | sf_result::InvalidArgument),
        "{info:?}"
    );
    assert!(info.message.contains("kind"), "{}", info.message);
}

// ---------------------------------------------------------------------------
// Against the fake Salesforce org

/// The fake over HTTPS, from the one launcher (`fake_salesforce::launcher`),
/// with its stderr silenced.
struct Fake(launcher::Fake);

impl std::ops::Deref for Fake {
    type Target = launcher::Fake;
    fn deref(&self) -> &launcher::Fake {
        &self.0
    }
}

impl Fake {
    fn start() -> Fake {
        Fake(launcher::Fake::start_with(
            &launcher::binary(),
            &["--tls"],
            Stdio::null(),
        ))
    }

    fn config(&self, password: &str) -> String {
        let i = &self.info;
        json!({
            "auth_flow": "soap-login",
            "login_url": i["soap_login_url"],
            "api_version": i["api_version"],
            "username": i["username"],
            "password": password,
            "security_token": i["security_token"],
            "ca_file": i["ca_file"],
        })
        .to_string()
    }

    /// The fake's password (for tests that check it never comes back).
    fn password(&self) -> String {
        self.info["password"]
            .as_str()
            .expect("password")
            .to_string()
    }

    /// A client signed in with the right password.
    fn client(&self) -> *mut sf_client {
        new_client(self.config(&self.password()).as_bytes()).expect("client")
    }
}

#[test]
fn client_round_trip_against_the_fake() {
    let fake = Fake::start();
    let password = fake.password();
    let client = fake.client();

    let login = call(client, b"login", b"{}").expect("login");
    assert_eq!(login["user_id"], fake.info["user_id"]);
    assert_eq!(login["org_id"], fake.info["org_id"]);
    assert!(
        !login.to_string().contains(&password),
        "no secret in login result"
    );

    // Create two Accounts, one with a non-ASCII name, then read them back.
    let name = "Zürich Ærøskøbing 東京 GmbH";
    let created = call(
        client,
        b"create",
        json!({"type": "Account", "records": [{"Name": name}, {"Name": "Plain Ltd"}]})
            .to_string()
            .as_bytes(),
    )
    .expect("create");
    let id = created["results"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(created["results"][0]["success"], true);

    let soql = format!("SELECT Id, Name FROM Account WHERE Id = '{id}'");
    let page = call(
        client,
        b"query",
        json!({ "soql": soql }).to_string().as_bytes(),
    )
    .expect("query");
    assert_eq!(page["size"], 1);
    assert_eq!(page["records"][0]["Name"], name);

    // Empty args mean {}.
    let usage = call(client, b"usage", b"").expect("usage");
    assert!(usage["api_calls"].as_u64().unwrap_or(0) >= 2, "{usage}");

    // Error paths on a live handle; the handle stays usable afterwards.
    let info = call(client, b"noSuchMethod", b"{}").unwrap_err();
    assert_eq!(info.code, sf_result::UnknownMethod);
    assert!(info.message.contains("noSuchMethod"), "{}", info.message);
    let info = call(client, b"query", b"{\"soql\": ").unwrap_err();
    assert_eq!(info.code, sf_result::InvalidArgument);
    let info = call(client, b"qu\xe9ry", b"{}").unwrap_err();
    assert_eq!(info.code, sf_result::InvalidUtf8);
    let info = call(
        client,
        b"query",
        b"{\"soql\": \"SELECT Nope FROM Account\"}",
    )
    .unwrap_err();
    assert_eq!(info.code, sf_result::Salesforce, "{info:?}");
    assert_eq!(info.sf_code.as_deref(), Some("INVALID_FIELD"), "{info:?}");
    call(
        client,
        b"query",
        b"{\"soql\": \"SELECT Id FROM Account LIMIT 1\"}",
    )
    .expect("still usable");

    unsafe { sf_client_free(client) };
}

/// Opens a query handle over `client`.
fn open_query(client: *mut sf_client, args: &Value) -> Result<*mut sf_query, ErrInfo> {
    let text = args.to_string();
    let mut query: *mut sf_query = ptr::null_mut();
    let mut err: *mut sf_error = ptr::null_mut();
    let rc = unsafe {
        sf_query_open(
            client,
            text.as_ptr().cast(),
            text.len(),
            &mut query,
            &mut err,
        )
    };
    if rc == sf_result::Ok {
        assert!(err.is_null() && !query.is_null());
        Ok(query)
    } else {
        assert!(query.is_null(), "*out untouched on failure");
        Err(take_err(err))
    }
}

/// The next page of a query handle, `None` after the last.
fn next_page(query: *mut sf_query, client: *mut sf_client) -> Result<Option<Value>, ErrInfo> {
    let mut buf: *mut sf_buf = ptr::null_mut();
    let mut err: *mut sf_error = ptr::null_mut();
    let rc = unsafe { sf_query_next(query, client, &mut buf, &mut err) };
    if rc != sf_result::Ok {
        return Err(take_err(err));
    }
    Ok((!buf.is_null()).then(|| take_buf(buf)))
}

#[test]
fn query_handle_pages_through_the_fake() {
    let fake = Fake::start();
    let client = fake.client();
    for batch in 0..2 {
        let records: Vec<Value> = (0..125)
            .map(|i| json!({"Name": format!("FfiPaging {batch}-{i:03}")}))
            .collect();
        let created = call(
            client,
            b"create",
            json!({"type": "Account", "records": records})
                .to_string()
                .as_bytes(),
        )
        .expect("create");
        assert_eq!(created["results"].as_array().map(Vec::len), Some(125));
    }

    let soql = "SELECT Id FROM Account WHERE Name LIKE 'FfiPaging%'";
    let query = open_query(client, &json!({"soql": soql, "batch_size": 200})).expect("open");
    let mut sizes = Vec::new();
    while let Some(page) = next_page(query, client).expect("page") {
        assert_eq!(page["size"], 250);
        sizes.push(page["records"].as_array().map(Vec::len).unwrap_or(0));
    }
    assert_eq!(sizes, [200, 50]);
    assert_eq!(next_page(query, client).expect("after the end"), None);
    unsafe { sf_query_free(query) };

    // Arguments are checked on open, a fault comes with the first page.
    let info = open_query(client, &json!({"soql": soql, "all": "yes"})).unwrap_err();
    assert_eq!(info.code, sf_result::InvalidArgument, "{info:?}");
    let query = open_query(client, &json!({"soql": "SELECT Nope FROM Account"})).expect("open");
    let info = next_page(query, client).unwrap_err();
    assert_eq!(info.sf_code.as_deref(), Some("INVALID_FIELD"), "{info:?}");
    unsafe {
        sf_query_free(query);
        sf_client_free(client);
    }
}

#[test]
fn bad_password_is_auth_invalid_login() {
    let fake = Fake::start();
    let client = new_client(fake.config("wrong-password-xyz").as_bytes()).expect("client");
    let info = call(client, b"login", b"{}").unwrap_err();
    assert_eq!(info.code, sf_result::Auth, "{info:?}");
    assert_eq!(info.name, "AUTH");
    assert_eq!(info.sf_code.as_deref(), Some("INVALID_LOGIN"), "{info:?}");
    assert!(
        !info.message.contains("wrong-password-xyz"),
        "{}",
        info.message
    );
    unsafe { sf_client_free(client) };
}

#[test]
fn handles_may_move_between_threads() {
    // sf_client's docs promise a handle may move to another thread (used by
    // one at a time): that needs the Client inside to be Send.
    fn is_send<T: Send>() {}
    is_send::<sfclient::Client>();

    let fake = Fake::start();
    let password = fake.password();
    let mut handles = Vec::new();
    for _ in 0..2 {
        let client = new_client(fake.config(&password).as_bytes()).expect("client") as usize;
        handles.push(std::thread::spawn(move || {
            let client = client as *mut sf_client;
            let result =
                call(client, b"getServerTimestamp", b"{}").map(|v| v["timestamp"].is_string());
            unsafe { sf_client_free(client) };
            result.map_err(|e| format!("{e:?}"))
        }));
    }
    for handle in handles {
        assert_eq!(handle.join().expect("thread"), Ok(true));
    }
}
