"""A static responder for the fetch benchmark (tools/bench): replays the
pages of one query, recorded once from fake-salesforce, from memory over
HTTPS on loopback, so the benchmark measures the clients and not the fake's
page building (the issue's figures were taken against such a responder).

Usage: python3 bench/static_org.py <fake-info.json> <soql> <state-dir>

It logs in to the fake (SOAP), fetches every page of <soql> once over SOAP
(query + queryMore) and once over REST (query + nextRecordsUrl), gzips each
page once, makes its own CA and server certificate for 127.0.0.1 with
openssl in <state-dir>, listens on 127.0.0.1 (a free port) and prints one
JSON line like the fake's: soap_login_url, instance_url, login_host,
api_version, username, password, security_token, ca_file, pid.

Served, HTTP/1.1 keep-alive, gzip when asked: SOAP `login` (the recorded
answer, its URLs pointing here), SOAP `query` (page 1) and `queryMore`
(page by the locator's `-offset`), REST `query?q=` (page 1) and
`query/{locator}-{offset}`. Anything else: 404. It does not check the
session or the query text: it replays. Standard library only (+ openssl).
"""

import gzip
import json
import os
import re
import ssl
import subprocess
import sys
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ENV_OPEN = ('<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope '
            'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">')
LOCATOR_RE = re.compile(rb"queryLocator>([^<]*)<")
SESSION_RE = re.compile(rb"<sessionId>([^<]*)<")
SERVER_URL_RE = re.compile(rb"<serverUrl>([^<]*)<")
SOAP_LOGIN_RE = re.compile(rb"<(?:[\w.-]+:)?login[\s>/]")


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Recorder:
    """Fetches the pages from the fake."""

    def __init__(self, info):
        self.info = info
        self.ctx = ssl.create_default_context(cafile=info["ca_file"])

    def fetch(self, url, body=None, headers=None):
        req = urllib.request.Request(url, data=body, headers=headers or {})
        with urllib.request.urlopen(req, context=self.ctx, timeout=120) as resp:
            return resp.read()

    def soap(self, url, body):
        return self.fetch(url, body.encode(), {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'})

    def record(self, soql):
        info = self.info
        login = self.soap(info["soap_login_url"], ENV_OPEN + "<soapenv:Body><urn:login><urn:username>"
                          + xml_escape(info["username"]) + "</urn:username><urn:password>"
                          + xml_escape(info["password"] + info["security_token"])
                          + "</urn:password></urn:login></soapenv:Body></soapenv:Envelope>")
        sid = SESSION_RE.search(login).group(1).decode()
        server_url = SERVER_URL_RE.search(login).group(1).decode()

        def soap_call(inner):
            return self.soap(server_url, ENV_OPEN + "<soapenv:Header><urn:SessionHeader><urn:sessionId>" + sid
                             + "</urn:sessionId></urn:SessionHeader><urn:QueryOptions><urn:batchSize>2000"
                             "</urn:batchSize></urn:QueryOptions></soapenv:Header><soapenv:Body>" + inner
                             + "</soapenv:Body></soapenv:Envelope>")

        soap_pages = {}
        page = soap_call("<urn:query><urn:queryString>" + xml_escape(soql) + "</urn:queryString></urn:query>")
        soap_pages[0] = page
        while True:
            m = LOCATOR_RE.search(page[:8192])
            if not m:
                break
            loc = m.group(1).decode()
            page = soap_call("<urn:queryMore><urn:queryLocator>" + loc + "</urn:queryLocator></urn:queryMore>")
            soap_pages[int(loc.rsplit("-", 1)[1])] = page

        rest_hdr = {"Authorization": "Bearer " + sid, "Sforce-Query-Options": "batchSize=2000"}
        base = info["instance_url"]
        rest_pages = {}
        page = self.fetch(f"{base}/services/data/v{info['api_version']}/query?"
                          + urllib.parse.urlencode({"q": soql}), headers=rest_hdr)
        rest_pages[0] = page
        while True:
            nxt = json.loads(page).get("nextRecordsUrl")
            if not nxt:
                break
            page = self.fetch(base + nxt, headers=rest_hdr)
            rest_pages[int(nxt.rsplit("-", 1)[1])] = page
        return login, soap_pages, rest_pages


def make_cert(state_dir):
    """A CA and a server certificate for 127.0.0.1/localhost signed by it."""
    ca_key, ca_pem = os.path.join(state_dir, "ca.key"), os.path.join(state_dir, "ca.pem")
    key, csr, crt = (os.path.join(state_dir, n) for n in ("server.key", "server.csr", "server.pem"))
    ext = os.path.join(state_dir, "server.ext")
    with open(ext, "w", encoding="utf-8") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", ca_key, "-out", ca_pem, "-days", "2", "-subj", "/CN=sfclient bench CA",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
                   **quiet)
    subprocess.run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"], **quiet)
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial",
                    "-out", crt, "-days", "2", "-extfile", ext], **quiet)
    return ca_pem, crt, key


class Page:
    def __init__(self, body, content_type):
        self.raw = body
        self.gz = gzip.compress(body, compresslevel=6, mtime=0)
        self.content_type = content_type


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: static_org.py <fake-info.json> <soql> <state-dir>")
    with open(sys.argv[1], encoding="utf-8") as f:
        info = json.loads(f.readline())
    soql, state_dir = sys.argv[2], sys.argv[3]
    os.makedirs(state_dir, exist_ok=True)
    login, soap_pages, rest_pages = Recorder(info).record(soql)
    ca_pem, crt, key = make_cert(state_dir)

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(crt, key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    base = f"https://127.0.0.1:{httpd.server_address[1]}"
    xml = "text/xml; charset=utf-8"
    httpd.login = Page(login.replace(info["instance_url"].encode(), base.encode()), xml)
    httpd.soap_pages = {k: Page(v, xml) for k, v in soap_pages.items()}
    httpd.rest_pages = {k: Page(v, "application/json;charset=UTF-8") for k, v in rest_pages.items()}
    httpd.api_version = info["api_version"]
    out = {k: info[k] for k in ("api_version", "username", "password", "security_token")}
    out.update(soap_login_url=f"{base}/services/Soap/u/{info['api_version']}", instance_url=base,
               login_host=base, ca_file=ca_pem, pid=os.getpid(), state_dir=state_dir,
               soap_pages=len(soap_pages), rest_pages=len(rest_pages))
    print(json.dumps(out, separators=(",", ":")), flush=True)
    httpd.serve_forever()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out as separate writes: without TCP_NODELAY the
    # body waits for the client's delayed ACK (~40 ms a page)
    disable_nagle_algorithm = True

    def log_message(self, *args):  # quiet: the benchmark prints its own lines
        pass

    def send_page(self, page):
        gz = "gzip" in self.headers.get("Accept-Encoding", "")
        body = page.gz if gz else page.raw
        self.send_response(200)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Sforce-Limit-Info", "api-usage=1/5000000")
        if gz:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        self.wfile.write(body)

    def not_found(self):
        body = b'[{"message":"static_org: not recorded","errorCode":"NOT_FOUND"}]'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():  # jsforce sends its login chunked
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_POST(self):
        body = self.read_body()
        if self.headers.get("Content-Encoding", "") == "gzip":
            body = gzip.decompress(body)
        if not self.path.startswith("/services/Soap/u/"):
            return self.not_found()
        if SOAP_LOGIN_RE.search(body):
            return self.send_page(self.server.login)
        m = LOCATOR_RE.search(body)
        offset = int(m.group(1).rsplit(b"-", 1)[1]) if m else 0
        page = self.server.soap_pages.get(offset)
        return self.send_page(page) if page else self.not_found()

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        prefix = f"/services/data/v{self.server.api_version}/query"
        if path in (prefix, prefix + "/"):  # simple-salesforce asks for query/?q=
            offset = 0
        elif path.startswith(prefix + "/") and "-" in path:
            offset = int(path.rsplit("-", 1)[1])
        else:
            return self.not_found()
        page = self.server.rest_pages.get(offset)
        return self.send_page(page) if page else self.not_found()


if __name__ == "__main__":
    main()
