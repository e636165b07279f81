// What caniemail.com's data (the npm package caniemail) says of one e-mail, for the clients
// Tribune's readers use. Usage: node benchmarks/caniemail.mjs email.html > issues.json
// Prints a JSON list of {client, feature, support: "none" | "partial", notes}; a feature the
// data has no test for on a client is left out (caniemail's own checker stops at the first).
import { readFileSync } from 'node:fs';
import { caniemail, rawData } from 'caniemail';

export const CLIENTS = [
  'gmail.desktop-webmail', 'gmail.ios', 'gmail.android', 'gmail.mobile-webmail',
  'outlook.windows', 'outlook.outlook-com', 'apple-mail.macos', 'apple-mail.ios',
  'yahoo.desktop-webmail', 'yahoo.ios', 'yahoo.android',
  'orange.desktop-webmail', 'orange.ios', 'orange.android', 'sfr.desktop-webmail', 'sfr.ios', 'sfr.android',
  'laposte.desktop-webmail', 'laposte.ios', 'laposte.android',
];

const untested = new Set();
for (const feature of rawData.data) {
  for (const client of CLIENTS) {
    const [family, platform] = client.split('.');
    feature.stats[family] ??= {};
    if (feature.stats[family][platform] === undefined) {
      feature.stats[family][platform] = { untested: 'u' };
      untested.add(`${feature.title}\u0000${client}`);
    }
  }
}

const html = readFileSync(process.argv[2], 'utf8');
const { issues } = caniemail({ clients: CLIENTS, html });
const seen = new Set();
const found = [];
for (const [kind, support] of [['errors', 'none'], ['warnings', 'partial']]) {
  for (const [client, list] of issues[kind]) {
    for (const issue of list) {
      const key = `${issue.title}\u0000${client}`;
      if (untested.has(key) || seen.has(key)) continue;
      seen.add(key);
      found.push({ client, feature: issue.title, support, notes: issue.notes });
    }
  }
}
process.stdout.write(JSON.stringify(found, null, 1));
