//! A small HTTP/1.1 server on std::net: one thread per connection,
//! keep-alive, chunked and gzip in both directions, optional TLS (rustls),
//! and the hooks fault injection needs (drop mid-body, truncate, send slowly).

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

pub struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    /// header names lower-cased
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Host name without port.
    pub fn host_name(&self) -> String {
        let h = self.header("host").unwrap_or("");
        if let Some(rest) = h.strip_prefix('[') {
            return rest.split(']').next().unwrap_or("").to_string();
        }
        h.rsplit_once(':')
            .map(|(a, _)| a)
            .unwrap_or(h)
            .to_ascii_lowercase()
    }

    /// Query parameter, percent-decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        form_pairs(&self.query)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// How to damage a response on purpose.
#[derive(Clone, Debug, PartialEq)]
pub enum Mangle {
    /// close without answering
    DropNoResponse,
    /// headers announce the full length, half the body arrives, then the connection closes
    DropMidBody,
    /// a complete HTTP message whose body is cut short
    Truncate,
    /// body in small chunks with a pause of this many ms between them
    Slow(u64),
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub mangle: Option<Mangle>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            mangle: None,
        }
    }

    pub fn header(mut self, k: &str, v: impl Into<String>) -> Response {
        self.headers.push((k.to_string(), v.into()));
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        300 => "Multiple Choices",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a=1&b=x%20y` into pairs.
pub fn form_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

pub type Handler = Arc<dyn Fn(&Request) -> Response + Send + Sync>;

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 256 * 1024 * 1024;

enum ReadErr {
    Closed,
    Bad(u16, String),
}

fn read_request<S: Read + Write>(r: &mut BufReader<S>) -> Result<Request, ReadErr> {
    let mut line = String::new();
    // skip stray empty lines between requests
    loop {
        line.clear();
        let n = r.read_line(&mut line).map_err(|_| ReadErr::Closed)?;
        if n == 0 {
            return Err(ReadErr::Closed);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let version = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") || method.is_empty() {
        return Err(ReadErr::Bad(400, "malformed request line".into()));
    }
    let mut headers = Vec::new();
    let mut total = line.len();
    loop {
        let mut h = String::new();
        let n = r.read_line(&mut h).map_err(|_| ReadErr::Closed)?;
        if n == 0 {
            return Err(ReadErr::Closed);
        }
        total += n;
        if total > MAX_HEAD {
            return Err(ReadErr::Bad(431, "request headers too large".into()));
        }
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    if version == "HTTP/1.0" {
        headers.push(("x-http10".into(), "1".into()));
    }
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if get("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        let w = r.get_mut();
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .and_then(|_| w.flush())
            .map_err(|_| ReadErr::Closed)?;
    }
    if get("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        loop {
            let mut size_line = String::new();
            r.read_line(&mut size_line).map_err(|_| ReadErr::Closed)?;
            let size_text = size_line.trim().split(';').next().unwrap_or("");
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| ReadErr::Bad(400, "bad chunk size".into()))?;
            if size == 0 {
                // trailers
                loop {
                    let mut t = String::new();
                    let n = r.read_line(&mut t).map_err(|_| ReadErr::Closed)?;
                    if n == 0 || t.trim().is_empty() {
                        break;
                    }
                }
                break;
            }
            if body.len() + size > MAX_BODY {
                return Err(ReadErr::Bad(413, "request body too large".into()));
            }
            let start = body.len();
            body.resize(start + size, 0);
            r.read_exact(&mut body[start..])
                .map_err(|_| ReadErr::Closed)?;
            let mut crlf = [0u8; 2];
            r.read_exact(&mut crlf).map_err(|_| ReadErr::Closed)?;
        }
    } else if let Some(cl) = get("content-length") {
        let n: usize = cl
            .parse()
            .map_err(|_| ReadErr::Bad(400, "bad Content-Length".into()))?;
        if n > MAX_BODY {
            return Err(ReadErr::Bad(413, "request body too large".into()));
        }
        body.resize(n, 0);
        r.read_exact(&mut body).map_err(|_| ReadErr::Closed)?;
    }
    if let Some(enc) = get("content-encoding") {
        let enc = enc.to_ascii_lowercase();
        if enc == "gzip" || enc == "x-gzip" {
            let mut out = Vec::new();
            GzDecoder::new(&body[..])
                .take(MAX_BODY as u64)
                .read_to_end(&mut out)
                .map_err(|_| ReadErr::Bad(400, "request body is not valid gzip".into()))?;
            body = out;
        } else if enc != "identity" {
            return Err(ReadErr::Bad(
                415,
                format!("unsupported Content-Encoding {enc}"),
            ));
        }
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target, String::new()),
    };
    Ok(Request {
        method,
        path,
        query,
        headers,
        body,
    })
}

fn write_response<W: Write>(
    w: &mut W,
    req: Option<&Request>,
    mut resp: Response,
    chunk_threshold: usize,
) -> std::io::Result<bool> {
    let accepts_gzip = req
        .and_then(|r| r.header("accept-encoding"))
        .is_some_and(|v| {
            v.split(',').any(|e| {
                e.trim()
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .eq_ignore_ascii_case("gzip")
            })
        });
    let close = match req {
        None => true,
        Some(r) => {
            r.header("connection")
                .is_some_and(|c| c.to_ascii_lowercase().contains("close"))
                || r.header("x-http10").is_some()
                    && !r
                        .header("connection")
                        .is_some_and(|c| c.eq_ignore_ascii_case("keep-alive"))
        }
    };
    if resp.mangle == Some(Mangle::DropNoResponse) {
        return Ok(false);
    }
    if resp.mangle == Some(Mangle::Truncate) {
        let keep = resp.body.len() * 3 / 5;
        resp.body.truncate(keep);
    }
    if accepts_gzip && !resp.body.is_empty() {
        let mut enc = GzEncoder::new(
            Vec::with_capacity(resp.body.len() / 4 + 64),
            Compression::fast(),
        );
        enc.write_all(&resp.body)?;
        resp.body = enc.finish()?;
        resp.headers
            .push(("Content-Encoding".into(), "gzip".into()));
        resp.headers.push(("Vary".into(), "Accept-Encoding".into()));
    }
    let chunked = resp.body.len() > chunk_threshold || matches!(resp.mangle, Some(Mangle::Slow(_)));
    let mut head = String::with_capacity(256);
    head.push_str(&format!(
        "HTTP/1.1 {} {}\r\n",
        resp.status,
        reason(resp.status)
    ));
    head.push_str(&format!("Date: {}\r\n", http_date()));
    for (k, v) in &resp.headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    if chunked {
        head.push_str("Transfer-Encoding: chunked\r\n");
    } else {
        head.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes())?;
    match resp.mangle {
        Some(Mangle::DropMidBody) => {
            let half = resp.body.len() / 2;
            if chunked {
                write!(w, "{:x}\r\n", half)?;
                w.write_all(&resp.body[..half])?;
                w.write_all(b"\r\n")?;
            } else {
                w.write_all(&resp.body[..half])?;
            }
            w.flush()?;
            return Ok(false);
        }
        Some(Mangle::Slow(ms)) => {
            for piece in resp.body.chunks(1024) {
                write!(w, "{:x}\r\n", piece.len())?;
                w.write_all(piece)?;
                w.write_all(b"\r\n")?;
                w.flush()?;
                std::thread::sleep(Duration::from_millis(ms));
            }
            w.write_all(b"0\r\n\r\n")?;
        }
        _ => {
            if chunked {
                for piece in resp.body.chunks(32 * 1024) {
                    write!(w, "{:x}\r\n", piece.len())?;
                    w.write_all(piece)?;
                    w.write_all(b"\r\n")?;
                }
                w.write_all(b"0\r\n\r\n")?;
            } else {
                w.write_all(&resp.body)?;
            }
        }
    }
    w.flush()?;
    Ok(!close)
}

/// RFC 7231 date for the Date header.
fn http_date() -> String {
    let ms = crate::timeutil::now_millis();
    let days = ms.div_euclid(86_400_000);
    let (y, m, d) = crate::timeutil::civil_from_days(days);
    let secs = ms.rem_euclid(86_400_000) / 1000;
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(m - 1) as usize];
    format!(
        "{wd}, {d:02} {mon} {y} {:02}:{:02}:{:02} GMT",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Serves one connection until it closes.
pub fn serve_stream<S: Read + Write>(
    stream: S,
    handler: &Handler,
    chunk_threshold: &dyn Fn() -> usize,
) {
    let mut reader = BufReader::with_capacity(64 * 1024, stream);
    loop {
        let req = match read_request(&mut reader) {
            Ok(r) => r,
            Err(ReadErr::Closed) => return,
            Err(ReadErr::Bad(status, msg)) => {
                let resp = Response::new(status, "text/plain; charset=UTF-8", msg);
                let _ = write_response(reader.get_mut(), None, resp, usize::MAX);
                return;
            }
        };
        let resp = handler(&req);
        match write_response(reader.get_mut(), Some(&req), resp, chunk_threshold()) {
            Ok(true) => continue,
            _ => return,
        }
    }
}

/// Accept loop; runs until the process ends.
pub fn run(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    handler: Handler,
    chunk_threshold: Arc<dyn Fn() -> usize + Send + Sync>,
    on_connection: Arc<dyn Fn() + Send + Sync>,
) {
    for conn in listener.incoming() {
        let Ok(tcp) = conn else { continue };
        let handler = Arc::clone(&handler);
        let tls = tls.clone();
        let ct = Arc::clone(&chunk_threshold);
        let on_conn = Arc::clone(&on_connection);
        let spawned = std::thread::Builder::new()
            .name("conn".into())
            .spawn(move || {
                on_conn();
                serve_tcp(tcp, tls, &handler, &*ct);
            });
        if let Err(e) = spawned {
            eprintln!("fake-salesforce: cannot start a connection thread: {e}");
        }
    }
}

fn serve_tcp(
    tcp: TcpStream,
    tls: Option<Arc<rustls::ServerConfig>>,
    handler: &Handler,
    ct: &(dyn Fn() -> usize + Send + Sync),
) {
    let _ = tcp.set_nodelay(true);
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(300)));
    let _ = tcp.set_write_timeout(Some(Duration::from_secs(300)));
    match tls {
        Some(cfg) => {
            let Ok(conn) = rustls::ServerConnection::new(cfg) else {
                return;
            };
            let stream = rustls::StreamOwned::new(conn, tcp);
            serve_stream(stream, handler, &|| ct());
        }
        None => serve_stream(tcp, handler, &|| ct()),
    }
}
