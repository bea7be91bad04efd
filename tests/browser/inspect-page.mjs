// Render a static HTML page in headless Chromium and report on it as JSON.
//
//   node tests/browser/inspect-page.mjs PAGE.html OUTDIR
//
// The page is opened as a file:// URL; every request for anything that is not a
// local file is aborted, so nothing reaches the network. At a phone viewport
// (375×667, device scale factor 2, mobile) and a desktop one (1280×900) it takes a
// full-page screenshot (OUTDIR/phone.png, OUTDIR/desktop.png) and notes whether the
// page scrolls sideways. At the desktop width it runs axe-core and lists every
// link and resource the page names, and every one that failed to load.
//
// Prints one JSON object on stdout:
//   {"violations": [{"id", "impact", "help", "nodes": [html, ...]}, ...],
//    "incomplete": [rule ids], "links": [absolute urls], "failed": [urls],
//    "requests": [urls the page asked for, blocked ones included],
//    "horizontalScroll": {"phone": bool, "desktop": bool}, "screenshots": [paths]}
// and exits 0 whenever it ran, whatever it found; it exits non-zero with a message
// on stderr when it could not run.
//
// Node modules come from <repo>/.tools/node_modules (puppeteer-core, axe-core), so
// the script works from any working directory. Chromium is PUPPETEER_EXECUTABLE_PATH
// or `chromium` on PATH.

import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TOOLS = join(REPO, ".tools");
const TIMEOUT_MS = Number(process.env.INSPECT_PAGE_TIMEOUT_MS || 100_000);
const VIEWPORTS = {
  phone: { width: 375, height: 667, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { width: 1280, height: 900, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
};
const AXE_OPTIONS = {
  runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
};
// Schemes that never leave the machine: the page itself, and what it builds in memory.
const LOCAL_SCHEMES = ["file:", "data:", "blob:", "about:"];

// Errors said in one line, without a stack: a wrong command line, a missing tool.
class Usage extends Error {}
class Missing extends Error {}

function fail(message, code = 1) {
  process.stderr.write(`inspect-page: ${message}\n`);
  process.exit(code);
}

function findChromium() {
  const named = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (named) {
    if (!isExecutable(named)) throw new Missing(`PUPPETEER_EXECUTABLE_PATH=${named} is not an executable file`);
    return named;
  }
  for (const dir of (process.env.PATH || "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser"]) {
      const candidate = join(dir || ".", name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  throw new Missing("Chromium was not found: install Debian's chromium or set PUPPETEER_EXECUTABLE_PATH");
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function loadTools() {
  const require = createRequire(join(TOOLS, "package.json"));
  let puppeteer, axeSource;
  try {
    puppeteer = require("puppeteer-core");
  } catch (error) {
    throw new Missing(`puppeteer-core is not installed in ${TOOLS}/node_modules (${error.code || error.message})`);
  }
  const axePath = join(TOOLS, "node_modules", "axe-core", "axe.min.js");
  try {
    axeSource = readFileSync(axePath, "utf8");
  } catch {
    throw new Missing(`axe-core is not installed: ${axePath} is missing`);
  }
  return { puppeteer: puppeteer.default ?? puppeteer, axeSource };
}

function unique(items) {
  return [...new Set(items)];
}

// Open a fresh page at one viewport, load the document with only local requests
// let through, and wait until its pictures and fonts have settled.
async function openPage(browser, url, viewport, requests) {
  const page = await browser.newPage();
  page.setDefaultTimeout(30_000);
  await page.setViewport(viewport);
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const target = request.url();
    if (!request.isNavigationRequest() || target !== url) requests.asked.push(target);
    if (LOCAL_SCHEMES.some((scheme) => target.startsWith(scheme))) {
      request.continue().catch(() => {});
    } else {
      request.abort("blockedbyclient").catch(() => {});
    }
  });
  page.on("requestfailed", (request) => requests.failed.push(request.url()));
  page.on("response", (response) => {
    // A file:// URL that is not there fails the request; a local server's 404 would
    // come back as a response, so count those as failures too.
    if (response.status() >= 400) requests.failed.push(response.url());
  });
  const response = await page.goto(url, { waitUntil: "load" });
  if (response && response.status() >= 400) throw new Error(`${url} answered ${response.status()}`);
  await page.evaluate(async () => {
    // Load lazy pictures now, so that they are screenshot and checked like the rest.
    for (const img of document.querySelectorAll("img[loading=lazy]")) img.loading = "eager";
    await Promise.all([...document.images].map((img) => img.decode().catch(() => {})));
    await document.fonts.ready;
  });
  return page;
}

// Every URL the page names: links, pictures (srcset candidates too), <link>s,
// media sources, scripts, frames and objects, resolved against the document's base.
function collectLinks() {
  const absolute = (value) => {
    try {
      return new URL(value, document.baseURI).href;
    } catch {
      return value;
    }
  };
  // The URLs of a srcset: candidates are "url [descriptor]" separated by commas,
  // where a URL may itself hold commas (data: URLs) but never white space.
  const srcset = (value) => {
    const urls = [];
    let rest = value;
    for (;;) {
      rest = rest.replace(/^[\s,]+/, "");
      if (!rest) break;
      let url = rest.match(/^\S+/)[0];
      rest = rest.slice(url.length);
      if (/,+$/.test(url)) {
        url = url.replace(/,+$/, "");
      } else {
        // Skip the descriptors, up to the comma that ends this candidate.
        const end = rest.search(/,(?![^(]*\))/);
        rest = end < 0 ? "" : rest.slice(end + 1);
      }
      if (url) urls.push(url);
    }
    return urls;
  };
  const links = [];
  const add = (selector, attribute, parse = (value) => [value]) => {
    for (const element of document.querySelectorAll(selector)) {
      for (const value of parse(element.getAttribute(attribute))) links.push(absolute(value.trim()));
    }
  };
  add("a[href]", "href");
  add("area[href]", "href");
  add("link[href]", "href");
  add("img[src]", "src");
  add("img[srcset]", "srcset", srcset);
  add("source[src]", "src");
  add("source[srcset]", "srcset", srcset);
  add("script[src]", "src");
  add("iframe[src]", "src");
  add("video[src]", "src");
  add("video[poster]", "poster");
  add("audio[src]", "src");
  add("track[src]", "src");
  add("object[data]", "data");
  add("embed[src]", "src");
  // Pictures that came to nothing: loaded, but with no width (missing or undecodable).
  const broken = [...document.images]
    .filter((img) => img.complete && img.currentSrc && img.naturalWidth === 0)
    .map((img) => img.currentSrc);
  return { links, broken };
}

async function launch() {
  const { puppeteer } = loadTools();
  const executablePath = findChromium();
  const profile = mkdtempSync(join(tmpdir(), "inspect-page-"));
  process.on("exit", () => rmSync(profile, { recursive: true, force: true, maxRetries: 3 }));
  return puppeteer.launch({
    executablePath,
    headless: true,
    userDataDir: profile,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

async function inspect(pagePath, outdir) {
  const browser = await launch();
  try {
    return await inspectIn(browser, pagePath, outdir);
  } finally {
    await browser.close().catch(() => {});
  }
}

// One page inspected in a browser already running: its own pages, closed after.
async function inspectIn(browser, pagePath, outdir) {
  const { axeSource } = loadTools();
  const url = pathToFileURL(resolve(pagePath)).href;
  mkdirSync(outdir, { recursive: true });
  const opened = [];
  try {
    const requests = { asked: [], failed: [] };
    const horizontalScroll = {};
    const screenshots = [];
    let desktop;
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      const page = await openPage(browser, url, viewport, requests);
      opened.push(page);
      horizontalScroll[name] = await page.evaluate(
        () => document.documentElement.scrollWidth > document.documentElement.clientWidth);
      const shot = resolve(outdir, `${name}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      screenshots.push(shot);
      if (name === "desktop") desktop = page;
      else await page.close();
    }

    await desktop.evaluate(axeSource);
    const axe = await desktop.evaluate(async (options) => {
      const results = await window.axe.run(document, options);
      return {
        violations: results.violations.map((rule) => ({
          id: rule.id,
          impact: rule.impact,
          help: rule.help,
          nodes: rule.nodes.map((node) => node.html),
        })),
        incomplete: results.incomplete.map((rule) => rule.id),
      };
    }, AXE_OPTIONS);
    const { links, broken } = await desktop.evaluate(collectLinks);

    return {
      violations: axe.violations,
      incomplete: axe.incomplete,
      links: unique(links),
      failed: unique([...requests.failed, ...broken]),
      requests: unique(requests.asked),
      horizontalScroll,
      screenshots,
    };
  } finally {
    for (const page of opened) await page.close().catch(() => {});
  }
}

// `--serve`: one browser for many pages (the tests keep one per process, as they keep Ace
// and EPUBCheck). Each line in is a JSON [PAGE, OUTDIR]; each line out its report, or
// {"error": ...}.
async function serve() {
  const browser = await launch();
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    let answer;
    try {
      const [pagePath, outdir] = JSON.parse(line);
      answer = await inspectIn(browser, pagePath, outdir);
    } catch (error) {
      answer = { error: error.stack || String(error) };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  }
  await browser.close().catch(() => {});
}

async function main(argv) {
  if (argv.length === 1 && argv[0] === "--serve") return serve();
  if (argv.length !== 2) throw new Usage("usage: node tests/browser/inspect-page.mjs PAGE.html OUTDIR");
  const [pagePath, outdir] = argv;
  try {
    if (!statSync(pagePath).isFile()) throw new Error();
  } catch {
    throw new Usage(`${pagePath} is not a file`);
  }
  const watchdog = setTimeout(() => fail(`gave up after ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
  const report = await inspect(pagePath, outdir);
  clearTimeout(watchdog);
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error) => {
    if (error instanceof Usage) fail(error.message, 2);
    fail(error instanceof Missing ? error.message : error.stack || String(error));
  },
);
