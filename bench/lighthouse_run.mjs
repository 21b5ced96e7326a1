// One Lighthouse run (mobile, default config) in Debian's Chromium, optionally signed in.
//
//   node bench/lighthouse_run.mjs URL REPORT.json [COOKIE_NAME=VALUE]
//
// The session cookie is set in the browser itself, as after signing in, so that every
// request the page makes carries it, the WebSocket handshake included (the CLI's
// --extra-headers does not reach WebSockets, and the events socket then refuses).
import fs from 'node:fs';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [url, report, cookie] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
  ],
});
try {
  const page = await browser.newPage();
  if (cookie) {
    const [name, ...value] = cookie.split('=');
    await page.setCookie({name, value: value.join('='), url});
  }
  const result = await lighthouse(
    url,
    {output: 'json', onlyCategories: ['accessibility', 'best-practices', 'performance'],
      logLevel: 'error'},
    undefined,
    page,
  );
  fs.writeFileSync(report, result.report);
} finally {
  await browser.close();
}
