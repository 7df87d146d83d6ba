//! HTTPS through an HTTP CONNECT proxy (SysConfig WebProxy), with and
//! without Basic proxy credentials.

mod common;

use common::{ConnectProxy, Fake};
use serde_json::json;
use sfclient::ErrorKind;

#[test]
fn calls_go_through_the_proxy() {
    let fake = Fake::start(&["--generate", "accounts=3"]);
    let proxy = ConnectProxy::start(None);
    let mut cfg = fake.config("soap-login");
    cfg["proxy"] = proxy.url(None).into();
    let mut c = common::client_from(&cfg);
    let v = c
        .call(
            "query_all_pages",
            &json!({"soql": "SELECT Id FROM Account"}),
        )
        .unwrap();
    assert_eq!(v["size"], 3);
    assert!(proxy.tunnels() >= 1, "no tunnel through the proxy");
}

#[test]
fn proxy_credentials_are_sent_and_required() {
    let fake = Fake::start(&["--generate", "accounts=3"]);
    let creds = ("proxyuser", "Pr0xy-Secret-1597");
    let proxy = ConnectProxy::start(Some(creds));
    let mut cfg = fake.config("oauth-client-credentials");
    cfg["proxy"] = proxy.url(Some(creds)).into();
    let mut c = common::client_from(&cfg);
    let v = c
        .call("rest_query", &json!({"soql": "SELECT Id FROM Account"}))
        .unwrap();
    assert_eq!(v["size"], 3);
    assert!(proxy.tunnels() >= 1);

    // Without credentials the proxy refuses, and the error says so without
    // echoing the proxy URL.
    let mut cfg = fake.config("soap-login");
    cfg["proxy"] = proxy.url(Some(("proxyuser", "wrong-Secret-2584"))).into();
    let mut c = common::client_from(&cfg);
    let e = c.call("login", &json!({})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    assert!(
        !format!("{e} {e:?} {c:?}").contains("wrong-Secret-2584"),
        "{e}"
    );
    assert!(proxy.refused.load(std::sync::atomic::Ordering::SeqCst) >= 1);
}

#[test]
fn unusable_proxy_is_an_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let fake = Fake::start(&[]);
    let mut cfg = fake.config("soap-login");
    cfg["proxy"] = format!("http://u:Bad-Proxy-Secret-3@127.0.0.1:{port}").into();
    let mut c = common::client_from(&cfg);
    let e = c.call("login", &json!({})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    assert!(e.message.contains("proxy"), "{e}");
    assert!(!format!("{e:?}").contains("Bad-Proxy-Secret-3"));
}
