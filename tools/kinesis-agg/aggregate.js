// Aggregates user records with aws-kinesis-agg (AWS's Node.js KPL aggregation library), so the
// validator's tests read KPL records from a writer independent of ours.
// stdin: JSON array of {partitionKey, explicitHashKey?, data (base64)}
// stdout: JSON array of Kinesis records {partitionKey, explicitHashKey, data (base64)}
'use strict';
const agg = require('aws-kinesis-agg');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const records = JSON.parse(input).map((r) => ({
    partitionKey: r.partitionKey,
    explicitHashKey: r.explicitHashKey,
    data: Buffer.from(r.data, 'base64'),
  }));
  const out = [];
  agg.aggregate(
    records,
    (encoded, done) => {
      out.push({
        partitionKey: encoded.partitionKey,
        explicitHashKey: encoded.explicitHashKey,
        data: Buffer.from(encoded.data).toString('base64'),
      });
      done();
    },
    () => { process.stdout.write(JSON.stringify(out)); },
    (err) => { process.stderr.write(String(err) + '\n'); process.exitCode = 1; });
});
