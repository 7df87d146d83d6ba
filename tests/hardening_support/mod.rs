//! Helpers of the hardening tests (tests/hostile.rs, tests/tls.rs): servers
//! that misbehave in ways the shared `common::ScriptServer` cannot (send
//! slowly forever, stream without end) and a TLS server with a certificate
//! chosen by the test. All listen on 127.0.0.1 only and stop by themselves
//! (bounded loops, and when dropped).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a [`Misbehaving`] server answers every request.
#[derive(Clone, Copy, Debug)]
pub enum Misbehaviour {
    /// A 200 head announcing a large body, then one byte every 200 ms
    /// (at most for `limit`): never finishes in time.
    DripForever,
    /// A 200 chunked response streaming `<a>` elements as fast as the
    /// client reads, without end (at most `limit` seconds or 1 GiB).
    EndlessStream,
    /// Accepts the connection, reads the request, never answers (at most
    /// `limit`).
    Silent,
}

/// A plain-HTTP server on 127.0.0.1 that misbehaves on every request.
pub struct Misbehaving {
    pub port: u16,
    pub connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

/// Upper bound of one misbehaving connection, so a test that fails never
/// leaves a thread streaming for long.
const LIMIT: Duration = Duration::from_secs(30);

impl Misbehaving {
    pub fn start(how: Misbehaviour) -> Misbehaving {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (n, s) = (connections.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                n.fetch_add(1, Ordering::SeqCst);
                let s = s.clone();
                std::thread::spawn(move || serve_badly(conn, how, s));
            }
        });
        Misbehaving {
            port,
            connections,
            stop,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Misbehaving {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Reads one request head (and ignores any body).
fn read_head(conn: &mut TcpStream) -> bool {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return false,
            Ok(k) => buf.extend_from_slice(&chunk[..k]),
        }
        if buf.len() > 1 << 20 {
            return false;
        }
    }
    true
}

fn serve_badly(mut conn: TcpStream, how: Misbehaviour, stop: Arc<AtomicBool>) {
    if !read_head(&mut conn) {
        return;
    }
    let start = Instant::now();
    let alive = || !stop.load(Ordering::SeqCst) && start.elapsed() < LIMIT;
    match how {
        Misbehaviour::DripForever => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Length: 1000000\r\n\r\n";
            if conn.write_all(head.as_bytes()).is_err() {
                return;
            }
            while alive() {
                if conn.write_all(b" ").and_then(|_| conn.flush()).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        Misbehaviour::EndlessStream => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n";
            if conn.write_all(head.as_bytes()).is_err() {
                return;
            }
            let piece = "<a>".repeat(8192);
            let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
            let mut sent = 0usize;
            while alive() && sent < 1 << 30 {
                if conn.write_all(chunk.as_bytes()).is_err() {
                    return;
                }
                sent += piece.len();
            }
        }
        Misbehaviour::Silent => {
            while alive() {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// Which certificate a [`TlsServer`] presents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertProblem {
    /// Valid, for 127.0.0.1 and localhost, signed by the test CA.
    None,
    /// Signed by a CA the client does not trust.
    UnknownCa,
    /// Signed by the test CA, but for other host names only.
    WrongHost,
    /// Signed by the test CA, for 127.0.0.1, but expired in 2020.
    Expired,
    /// Self-signed server certificate (no CA at all).
    SelfSigned,
}

/// A one-purpose HTTPS server on 127.0.0.1: presents the chosen certificate
/// and answers every request that gets through the handshake with the body
/// made by `body(port)` (status 200, text/xml). Counts handshakes that
/// completed and requests served.
pub struct TlsServer {
    pub port: u16,
    /// PEM of the CA a client should trust (the "test CA").
    pub ca_pem: String,
    pub handshakes: Arc<AtomicUsize>,
    pub requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

fn make_ca(name: &str) -> (rcgen::Certificate, rcgen::KeyPair) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
    let key = KeyPair::generate().expect("CA key");
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    p.distinguished_name.push(DnType::CommonName, name);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let cert = p.self_signed(&key).expect("CA cert");
    (cert, key)
}

fn server_params(names: &[&str]) -> rcgen::CertificateParams {
    use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyUsagePurpose};
    let mut p = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .expect("server params");
    p.distinguished_name.push(DnType::CommonName, names[0]);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    p
}

impl TlsServer {
    pub fn start(problem: CertProblem, body: impl FnOnce(u16) -> String) -> TlsServer {
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        let (ca, ca_key) = make_ca("hardening test CA");
        let (other_ca, other_key) = make_ca("some other CA");
        let key = rcgen::KeyPair::generate().expect("server key");
        let loopback = ["127.0.0.1", "localhost"];
        let cert = match problem {
            CertProblem::None => server_params(&loopback).signed_by(&key, &ca, &ca_key),
            CertProblem::UnknownCa => {
                server_params(&loopback).signed_by(&key, &other_ca, &other_key)
            }
            CertProblem::WrongHost => {
                server_params(&["login.example.com", "192.0.2.7"]).signed_by(&key, &ca, &ca_key)
            }
            CertProblem::Expired => {
                let mut p = server_params(&loopback);
                p.not_before = rcgen::date_time_ymd(2019, 1, 1);
                p.not_after = rcgen::date_time_ymd(2020, 1, 1);
                p.signed_by(&key, &ca, &ca_key)
            }
            CertProblem::SelfSigned => server_params(&loopback).self_signed(&key),
        }
        .expect("server cert");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(cert.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .expect("TLS server config");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let config = Arc::new(config);

        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let body = body(port);
        let handshakes = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, r, s) = (handshakes.clone(), requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (config, h, r, body) = (config.clone(), h.clone(), r.clone(), body.clone());
                std::thread::spawn(move || serve_tls(conn, config, h, r, &body));
            }
        });
        TlsServer {
            port,
            ca_pem: ca.pem(),
            handshakes,
            requests,
            stop,
        }
    }

    pub fn url(&self, host: &str, path: &str) -> String {
        format!("https://{host}:{}{path}", self.port)
    }

    /// Writes the test CA to a file in `dir` and returns its path.
    pub fn ca_file(&self, dir: &std::path::Path) -> String {
        let path = dir.join(format!("ca-{}.pem", self.port));
        std::fs::write(&path, &self.ca_pem).expect("write CA file");
        path.to_string_lossy().into_owned()
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve_tls(
    mut sock: TcpStream,
    config: Arc<rustls::ServerConfig>,
    handshakes: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
    body: &str,
) {
    let _ = sock.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(mut tls) = rustls::ServerConnection::new(config) else {
        return;
    };
    while tls.is_handshaking() {
        if tls.complete_io(&mut sock).is_err() {
            return; // the client refused our certificate (the point of most tests)
        }
    }
    handshakes.fetch_add(1, Ordering::SeqCst);
    let mut stream = rustls::Stream::new(&mut tls, &mut sock);
    if crate::common::read_request(&mut stream).is_none() {
        return;
    }
    requests.fetch_add(1, Ordering::SeqCst);
    let out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.flush();
    tls.send_close_notify();
    let _ = tls.complete_io(&mut sock);
}
