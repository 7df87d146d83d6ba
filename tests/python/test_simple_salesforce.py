"""simple-salesforce (a real, independent client) against the fake org over HTTPS.

Run from the repo root:
    python3 -m venv .venv && .venv/bin/pip install simple-salesforce pytest
    cargo build -p fake-salesforce
    .venv/bin/pytest tests/python

The fake binary is $FAKE_SALESFORCE_BIN (default target/debug/fake-salesforce).
simple-salesforce builds its login and token URLs as https://{domain}.salesforce.com/...;
the requests session below sends every *.salesforce.com URL to the fake instead
(login.salesforce.com -> https://localhost:PORT, which the fake treats as the
login host; anything else -> https://127.0.0.1:PORT, the "My Domain" host).
"""

import json
import os
import subprocess
from urllib.parse import urlsplit

import pytest
import requests
from simple_salesforce import Salesforce, SalesforceAuthenticationFailed, SalesforceMalformedRequest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("FAKE_SALESFORCE_BIN", os.path.join(ROOT, "target", "debug", "fake-salesforce"))
ACCOUNTS = 5001  # generated, of which DELETED sit in the recycle bin
DELETED = 3
LIVE = ACCOUNTS - DELETED


class FakeHostSession(requests.Session):
    """Routes https://*.salesforce.com to the fake, trusting its CA."""

    def __init__(self, info):
        super().__init__()
        self.verify = info["ca_file"]
        self.base = info["instance_url"]
        self.port = urlsplit(self.base).port

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.endswith(".salesforce.com"):
            host = "localhost" if parts.hostname in ("login.salesforce.com", "test.salesforce.com") else "127.0.0.1"
            url = f"https://{host}:{self.port}{parts.path}" + (f"?{parts.query}" if parts.query else "")
        # per request: a session-level verify loses against $REQUESTS_CA_BUNDLE
        kwargs.setdefault("verify", self.verify)
        return super().request(method, url, *args, **kwargs)


@pytest.fixture(scope="module")
def fake():
    proc = subprocess.Popen(
        [BIN, "--listen", "127.0.0.1:0", "--tls", "--generate", f"accounts={ACCOUNTS},owners=6,contacts=200,deleted={DELETED}", "--seed", "7"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        info = json.loads(proc.stdout.readline())
        yield info
    finally:
        proc.kill()
        proc.wait()


def control(info, body):
    r = requests.post(info["control_url"], json=body, verify=info["ca_file"])
    assert r.status_code == 200, r.text
    return r.json()


def stats(info):
    return requests.get(info["stats_url"], verify=info["ca_file"]).json()


def soap_login(info, **extra):
    return Salesforce(
        username=info["username"],
        password=info["password"],
        security_token=info["security_token"],
        version="64.0",
        session=FakeHostSession(info),
        **extra,
    )


def test_soap_login_and_query_all_over_pages(fake):
    control(fake, {"reset_stats": True})
    sf = soap_login(fake)
    assert sf.sf_instance == urlsplit(fake["instance_url"]).netloc
    assert sf.sf_version == "64.0"
    result = sf.query_all("SELECT Id, Name, Owner.Name, BillingCity FROM Account")
    records = result["records"]
    assert result["totalSize"] == LIVE
    assert len(records) == LIVE
    ids = {r["Id"] for r in records}
    assert len(ids) == LIVE and all(len(i) == 18 and i.startswith("001") for i in ids)
    assert any(r["Name"].startswith("*") for r in records)
    assert any(r["BillingCity"] is None for r in records)
    assert all(r["attributes"]["type"] == "Account" and r["Owner"]["attributes"]["type"] == "User" for r in records)
    # a value read on page three matches a direct lookup
    last = records[-1]
    one = sf.query(f"SELECT Name, Owner.Name FROM Account WHERE Id = '{last['Id']}'")
    assert one["totalSize"] == 1 and one["records"][0]["Name"] == last["Name"]
    assert one["records"][0]["Owner"]["Name"] == last["Owner"]["Name"]
    calls = stats(fake)["calls"]
    assert calls["login"] == 1
    assert calls["rest_query_more"] == 2  # 2000 + 2000 + 998
    assert sf.api_usage["api-usage"].used > 0


def test_query_all_iter_with_deleted_and_small_batches(fake):
    sf = soap_login(fake)
    n = sum(1 for _ in sf.query_all_iter("SELECT Id FROM Account", include_deleted=True))
    assert n == ACCOUNTS
    live = sf.query("SELECT COUNT() FROM Account")
    assert live["totalSize"] == LIVE and live["records"] == []
    # Sforce-Query-Options batch size is honoured (clamped to 200..2000)
    page = sf.query("SELECT Id FROM Account", headers={"Sforce-Query-Options": "batchSize=300"})
    assert len(page["records"]) == 300 and not page["done"]


def test_relationships_subqueries_and_errors(fake):
    sf = soap_login(fake)
    res = sf.query_all("SELECT Name, (SELECT LastName, Email FROM Contacts) FROM Account WHERE Id IN (SELECT AccountId FROM Contact)")
    assert res["totalSize"] > 0
    kids = [c for r in res["records"] for c in r["Contacts"]["records"]]
    assert any(c["Email"] is None for c in kids)
    contacts = sf.query_all("SELECT Email, Account.Owner.Email FROM Contact WHERE Email != null")["records"]
    emails = [c["Email"] for c in contacts]
    assert len(emails) != len(set(emails)), "the generator makes a few duplicate emails"
    with pytest.raises(SalesforceMalformedRequest) as e:
        sf.query("SELECT Nmae FROM Account")
    assert e.value.content[0]["errorCode"] == "INVALID_FIELD"
    desc = sf.Account.describe()
    assert desc["keyPrefix"] == "001"
    found = sf.search("FIND {Integration} RETURNING User(Name, Username)")
    assert [r["Username"] for r in found["searchRecords"]] == [fake["username"]]


def test_session_expiry_is_refreshed_by_the_client(fake):
    sf = soap_login(fake)
    control(fake, {"expire_sessions": True})
    # simple-salesforce logs in again on 401 INVALID_SESSION_ID
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == LIVE


def test_bad_credentials(fake):
    with pytest.raises(SalesforceAuthenticationFailed) as e:
        Salesforce(username=fake["username"], password="wrong", security_token=fake["security_token"],
                   version="64.0", session=FakeHostSession(fake))
    assert "INVALID_LOGIN" in str(e.value)


def test_oauth_password_client_credentials_and_jwt(fake):
    s = FakeHostSession(fake)
    sf = Salesforce(username=fake["username"], password=fake["password"] + fake["security_token"],
                    consumer_key=fake["client_id"], consumer_secret=fake["client_secret"], version="64.0", session=s)
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == LIVE
    # client credentials: accepted on a My Domain host ...
    sf = Salesforce(consumer_key=fake["client_id"], consumer_secret=fake["client_secret"], domain="fake-org.my",
                    version="64.0", session=FakeHostSession(fake))
    assert sf.query("SELECT COUNT() FROM User")["totalSize"] == 7
    # ... refused on the login host (localhost plays login.salesforce.com)
    r = requests.post(f"https://localhost:{urlsplit(fake['instance_url']).port}/services/oauth2/token",
                      data={"grant_type": "client_credentials", "client_id": fake["client_id"],
                            "client_secret": fake["client_secret"]}, verify=fake["ca_file"])
    assert r.status_code == 400
    assert r.json() == {"error": "invalid_grant", "error_description": "request not supported on this domain"}
    # JWT bearer signed with the committed test key
    sf = Salesforce(username=fake["username"], consumer_key=fake["client_id"],
                    privatekey_file=fake["jwt_private_key_file"], version="64.0", session=FakeHostSession(fake))
    assert sf.query("SELECT Id FROM Organization")["records"][0]["Id"] == fake["org_id"]
