//! Test helpers: start the fake binary (through `fake_salesforce::launcher`),
//! talk to it.
#![allow(dead_code)]

use fake_salesforce::launcher;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Stdio;

/// The fake from the one launcher (`fake_salesforce::launcher`), plain HTTP
/// unless `--tls` is among the arguments, plus an HTTP client trusting its
/// CA. `info`, `s()` and `port()` come from the launcher.
pub struct Fake {
    pub proc: launcher::Fake,
    pub http: reqwest::blocking::Client,
}

impl std::ops::Deref for Fake {
    type Target = launcher::Fake;
    fn deref(&self) -> &launcher::Fake {
        &self.proc
    }
}

pub fn start(args: &[&str]) -> Fake {
    let proc = launcher::Fake::start_with(
        Path::new(env!("CARGO_BIN_EXE_fake-salesforce")),
        args,
        Stdio::null(),
    );
    let mut b = reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(60));
    if let Some(ca) = proc.info.get("ca_file").and_then(|c| c.as_str()) {
        let pem = std::fs::read(ca).expect("ca file");
        b = b.add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("ca pem"));
    }
    Fake {
        proc,
        http: b.build().expect("client"),
    }
}

impl Fake {
    /// POST a SOAP envelope; returns (status, body).
    pub fn soap(&self, url: &str, envelope: &str) -> (u16, String) {
        let r = self
            .http
            .post(url)
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", "\"\"")
            .body(envelope.to_string())
            .send()
            .expect("send");
        let st = r.status().as_u16();
        (st, r.text().expect("body"))
    }

    pub fn login(&self) -> (String, String) {
        let env = login_envelope(
            &self.s("username"),
            &format!("{}{}", self.s("password"), self.s("security_token")),
        );
        let (st, body) = self.soap(&self.s("soap_login_url"), &env);
        assert_eq!(st, 200, "{body}");
        (
            between(&body, "<sessionId>", "</sessionId>"),
            between(&body, "<serverUrl>", "</serverUrl>"),
        )
    }

    pub fn control(&self, v: Value) -> Value {
        let r = self
            .http
            .post(self.s("control_url"))
            .json(&v)
            .send()
            .expect("control");
        let st = r.status().as_u16();
        let v: Value = r.json().expect("control json");
        assert_eq!(st, 200, "{v}");
        v
    }

    pub fn stats(&self) -> Value {
        self.http
            .get(self.s("stats_url"))
            .send()
            .expect("stats")
            .json()
            .expect("stats json")
    }
}

pub fn login_envelope(user: &str, pw: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><login xmlns="urn:partner.soap.sforce.com"><username>{}</username><password>{}</password></login></soapenv:Body></soapenv:Envelope>"#,
        xml_escape(user),
        xml_escape(pw)
    )
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An envelope with a session header, optional batch size and a body call.
pub fn call(sid: &str, batch: Option<u32>, body: &str) -> String {
    let qo = batch
        .map(|b| format!("<urn:QueryOptions><urn:batchSize>{b}</urn:batchSize></urn:QueryOptions>"))
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Header><urn:SessionHeader><urn:sessionId>{sid}</urn:sessionId></urn:SessionHeader>{qo}</soapenv:Header><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"#
    )
}

pub fn query_body(q: &str) -> String {
    format!(
        "<urn:query><urn:queryString>{}</urn:queryString></urn:query>",
        xml_escape(q)
    )
}

pub fn between(s: &str, a: &str, b: &str) -> String {
    let i = s
        .find(a)
        .unwrap_or_else(|| panic!("no {a} in {}", &s[..s.len().min(2000)]))
        + a.len();
    let j = s[i..].find(b).unwrap_or_else(|| panic!("no {b}")) + i;
    s[i..j].to_string()
}

pub fn count(s: &str, needle: &str) -> usize {
    s.matches(needle).count()
}

/// A raw HTTP/1.1 exchange on plain TCP (for header-level checks).
pub struct Raw {
    pub stream: TcpStream,
}

pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, n: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.as_str())
    }
}

impl Raw {
    pub fn connect(port: u16) -> Raw {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        Raw { stream }
    }

    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<RawResponse> {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        self.stream.write_all(req.as_bytes())?;
        self.stream.write_all(body)?;
        self.read_response()
    }

    pub fn read_response(&mut self) -> std::io::Result<RawResponse> {
        let mut r = BufReader::new(&self.stream);
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "closed",
            ));
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .unwrap_or("0")
            .parse()
            .unwrap_or(0);
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            r.read_line(&mut h)?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(':').unwrap();
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
        let get = |n: &str| {
            headers
                .iter()
                .find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.clone())
        };
        let mut body = Vec::new();
        if get("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            loop {
                let mut sz = String::new();
                r.read_line(&mut sz)?;
                let n = usize::from_str_radix(sz.trim(), 16)
                    .map_err(|_| std::io::Error::other("bad chunk"))?;
                if n == 0 {
                    let mut end = String::new();
                    r.read_line(&mut end)?;
                    break;
                }
                let mut buf = vec![0; n];
                r.read_exact(&mut buf)?;
                body.extend_from_slice(&buf);
                let mut crlf = [0; 2];
                r.read_exact(&mut crlf)?;
            }
        } else if let Some(cl) = get("content-length") {
            let mut buf = vec![0; cl.parse().unwrap()];
            r.read_exact(&mut buf)?;
            body = buf;
        }
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }
}
