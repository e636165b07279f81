// Lighthouse on every page type, mobile and desktop, in one Node process and one chromium
// (a run each costs a Node start and a browser start otherwise). Usage:
//   node benchmarks/lighthouse.mjs CHROMIUM "FLAGS" URL... > scores.json
// Prints {url: {mobile: report, desktop: report}}, each report's categories and audits only.
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';

const [chromePath, flags, ...urls] = process.argv.slice(2);
const categories = ['performance', 'accessibility', 'best-practices', 'seo'];
// A static site on 127.0.0.1 is quiet within milliseconds: Lighthouse's default waits for the
// network and the CPU to settle (a second or more each, every run) are shortened. The metrics are
// still simulated on a slow phone or a desktop, from the trace.
const quiet = { pauseAfterFcpMs: 100, pauseAfterLoadMs: 100, networkQuietThresholdMs: 100, cpuQuietThresholdMs: 100, disableFullPageScreenshot: true,
  skipAudits: ['bf-cache', 'screenshot-thumbnails', 'final-screenshot'] };  // unscored, and the slowest: bf-cache navigates away and back
const configs = [
  ['mobile', { extends: 'lighthouse:default', settings: { ...quiet, onlyCategories: categories } }],
  ['desktop', { ...desktopConfig, settings: { ...desktopConfig.settings, ...quiet, onlyCategories: categories } }],
];
const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: flags.split(' ') });
const results = {};
try {
  for (const url of urls) {
    results[url] = {};
    for (const [form, config] of configs) {
      const { lhr } = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error' }, config);
      results[url][form] = { categories: lhr.categories, audits: Object.fromEntries(Object.entries(lhr.audits).map(([id, a]) => [id, { title: a.title, score: a.score }])) };
    }
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(results));
