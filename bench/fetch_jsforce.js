// Benchmark peer: jsforce 3.x Query with autoFetch (REST query API, the
// nextRecordsUrl chain) over the fake org; prints the record count.
// Usage: NODE_EXTRA_CA_CERTS=<ca_file> node fetch_jsforce.js <fake-info.json> <soql>
// The fake's CA must be in NODE_EXTRA_CA_CERTS before node starts (node reads
// it once at start-up); tools/bench sets it.
'use strict';
const fs = require('fs');
const jsforce = require('jsforce');

const [infoPath, soql] = process.argv.slice(2);
if (!infoPath || !soql) {
  console.error('usage: fetch_jsforce.js <fake-info.json> <soql>');
  process.exit(2);
}
const info = JSON.parse(fs.readFileSync(infoPath, 'utf8').split('\n')[0]);

(async () => {
  const conn = new jsforce.Connection({ loginUrl: info.login_host, version: info.api_version });
  await conn.login(info.username, info.password + info.security_token);
  let count = 0;
  await new Promise((resolve, reject) => {
    conn.query(soql)
      .on('record', () => { count += 1; })
      .on('end', resolve)
      .on('error', reject)
      .run({ autoFetch: true, maxFetch: 1e7 });
  });
  console.log(count);
})().catch((e) => {
  // e.message never holds the password or session id (jsforce errors carry the fault text)
  console.error('fetch_jsforce:', e && e.message);
  process.exit(1);
});
