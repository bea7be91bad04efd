// Ace by DAISY kept running for a test run (tests/ace_reports.py).
//
// `ace-puppeteer EPUB` starts Node, loads Ace, launches Chromium, checks the EPUB and
// closes it all again: about a second of that is the start, for a small EPUB checked
// in two. This process loads Ace and launches Chromium once, then checks one EPUB at a
// time for whoever connects to its socket, with the same Ace code and the same report
// in the same folder as the command would write.
//
// Usage: node ace_server.js NODE_MODULES SOCKET
// Protocol: one line of JSON per connection, {"epub": path, "outdir": path}; the answer
// is one line, {"ok": true} or {"ok": false, "error": message}.

'use strict';

const fs = require('fs');
const net = require('net');
const path = require('path');

const [modules, socketPath] = process.argv.slice(2);
const ace = require(path.join(modules, '@daisy/ace-core'));
const runnerPath = path.join(modules, '@daisy/ace-axe-runner-puppeteer');
const runner = require(runnerPath);

// Ace opens each content document in a new tab, and Chromium gives each tab a renderer
// process of its own: started, then fed the fonts and scripts again, for every document.
// One renderer for the run checks the same documents with the same axe and writes the
// same report (compared field by field on the sample and two test books), in about
// 30 % less processor time.
const puppeteer = require(require.resolve('puppeteer', { paths: [runnerPath] }));
const launch = puppeteer.launch.bind(puppeteer);
puppeteer.launch = (options) => launch({
  ...options,
  args: [...(options.args || []), '--renderer-process-limit=1', '--disable-site-isolation-trials'],
});

// Ace launches and closes its browser around each check: here the first launch stays,
// and closing waits for the end of the run.
let launched = null;
const keptRunner = Object.assign({}, runner, {
  launch: () => (launched = launched || runner.launch()),
  close: async () => {},
});

let queue = Promise.resolve();  // one check at a time, in the order they were asked

function check(request) {
  return ace(request.epub, {
    cwd: path.dirname(request.epub),
    outdir: request.outdir,
    silent: true,
    jobId: '',
  }, keptRunner);
}

const server = net.createServer((connection) => {
  let received = '';
  connection.on('data', (chunk) => {
    received += chunk;
    if (!received.includes('\n')) return;
    const request = JSON.parse(received.split('\n')[0]);
    queue = queue.then(() => check(request)).then(
      () => connection.end(JSON.stringify({ ok: true }) + '\n'),
      (error) => connection.end(JSON.stringify({ ok: false, error: String(error && error.message || error) }) + '\n'),
    );
  });
});

async function stop() {
  server.close();
  if (launched) {
    await launched;
    await runner.close();
  }
  process.exit(0);
}

process.on('SIGTERM', stop);
process.stdin.on('end', stop);  // the test run that started it has ended
process.stdin.resume();
if (fs.existsSync(socketPath)) fs.unlinkSync(socketPath);
server.listen(socketPath, () => process.stdout.write('listening\n'));
