"""Benchmark peer: simple-salesforce's query_all_iter (REST query API, the
nextRecordsUrl chain) over the fake org; prints the record count.

Usage: .venv/bin/python bench/fetch_simple_salesforce.py <fake-info.json> <soql>

simple-salesforce logs in at https://{domain}.salesforce.com/services/Soap/u/...;
the session below sends that one URL to the fake's SOAP login instead (the
fake answers with its own serverUrl, so every later request already goes to
the fake) and trusts the fake's CA. Login is simple-salesforce's own SOAP login.
"""

import json
import sys
from urllib.parse import urlsplit

import requests
from simple_salesforce import Salesforce


class FakeLoginSession(requests.Session):
    """Routes https://*.salesforce.com (the login host) to the fake."""

    def __init__(self, info):
        super().__init__()
        self.ca_file = info["ca_file"]
        self.base = info["instance_url"]

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.endswith(".salesforce.com"):
            url = self.base + parts.path + (f"?{parts.query}" if parts.query else "")
        # per request: a session-level verify loses against $REQUESTS_CA_BUNDLE
        kwargs.setdefault("verify", self.ca_file)
        return super().request(method, url, *args, **kwargs)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: fetch_simple_salesforce.py <fake-info.json> <soql>")
    with open(sys.argv[1], encoding="utf-8") as f:
        info = json.loads(f.readline())
    sf = Salesforce(
        username=info["username"],
        password=info["password"],
        security_token=info["security_token"],
        version=info["api_version"],
        session=FakeLoginSession(info),
    )
    count = sum(1 for _ in sf.query_all_iter(sys.argv[2]))
    print(count)


if __name__ == "__main__":
    main()
