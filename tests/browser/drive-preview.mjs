// Use a running `pamphleteer preview` as an author would, in headless Chromium, and report.
//
//   node tests/browser/drive-preview.mjs URL MANUSCRIPT OUTDIR
//
// 1. Open the preview, wait for the first build, scroll to the last page.
// 2. Change the last paragraph's word "lantern" to "weathervane" in MANUSCRIPT (as an editor
//    saves it), wait for the next build: is the new word on the last page, did the scroll
//    position stay, was the page marked as changed?
// 3. Break the picture's path, wait: the problem, its line, the old pages still there and
//    marked stale? Open the Problems tab and click the problem: is its line shown?
// 4. Mend the path, wait: no problems?
// 5. axe-core on the print view, the problems view and the e-book view; at a phone's width,
//    does the page scroll sideways? Screenshots into OUTDIR.
// Prints one JSON object; exits non-zero only when it could not run.

import { readFileSync, writeFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TOOLS = join(REPO, ".tools");
const require = createRequire(join(TOOLS, "package.json"));
const puppeteerModule = require("puppeteer-core");
const puppeteer = puppeteerModule.default ?? puppeteerModule;
const axeSource = readFileSync(join(TOOLS, "node_modules", "axe-core", "axe.min.js"), "utf8");
const AXE_OPTIONS = { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } };
const [url, manuscript, outdir] = process.argv.slice(2);

async function generation(page) {
  return Number(await page.evaluate(() => document.body.dataset.generation || 0));
}

async function waitForGeneration(page, wanted) {
  await page.waitForFunction((n) => Number(document.body.dataset.generation || 0) >= n,
                             { timeout: 120_000, polling: 100 }, wanted);
}

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async (options) => (await window.axe.run(document, options)).violations
    .map((rule) => ({ id: rule.id, impact: rule.impact, nodes: rule.nodes.map((n) => n.html) })), AXE_OPTIONS);
}

async function lastPageText(page) {  // the page of the last paragraph: the one before the colophon
  return page.evaluate(() => [...document.querySelectorAll(".page")].at(-2).querySelector(".page-text").textContent);
}

async function notePopUp(page) {
  // The e-book section with a note reference, shown in the phone's frame: its note opens.
  const hrefs = await page.$$eval("#section option", (options) => options.map((o) => o.value));
  for (const href of hrefs) {
    await page.select("#section", href);
    const frame = await (await page.$("#phone")).contentFrame();
    await frame.waitForFunction((h) => location.pathname === h && document.readyState === "complete",
                                { timeout: 30_000 }, href);
    const reference = await frame.$("a[role='doc-noteref']");
    if (!reference) continue;
    await reference.click();
    await frame.waitForSelector(".preview-note", { timeout: 10_000 });
    return await frame.$eval(".preview-note", (note) => note.textContent);
  }
  return null;
}

async function drive(browser) {
  const report = {};
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(url);
  await waitForGeneration(page, 1);
  await page.waitForFunction(() => [...document.querySelectorAll(".page img")].every((img) => img.complete));
  await page.evaluate(() => [...document.querySelectorAll(".page")].at(-2).scrollIntoView());
  await new Promise((done) => setTimeout(done, 300));
  const scrolled = await page.evaluate(() => window.scrollY);
  report.before = { text: await lastPageText(page), scroll: scrolled, pages: await page.$$eval(".page", (p) => p.length) };

  const original = readFileSync(manuscript, "utf8");
  const first = await generation(page);
  writeFileSync(manuscript, original.replace("lantern", "weathervane"));
  await waitForGeneration(page, first + 1);
  await new Promise((done) => setTimeout(done, 400));  // the new picture swapped in
  report.edited = {
    text: await lastPageText(page),
    scroll: await page.evaluate(() => window.scrollY),
    changed: await page.$$eval(".page.changed", (pages) => pages.map((p) => Number(p.dataset.number))),
    pages: await page.$$eval(".page", (p) => p.length),
  };
  await page.screenshot({ path: join(outdir, "print.png") });
  report.printViolations = await axe(page);

  const broken = readFileSync(manuscript, "utf8").replace("images/purse.png", "images/nowhere.png");
  writeFileSync(manuscript, broken);
  await waitForGeneration(page, first + 2);
  report.failed = {
    status: await page.$eval("#status", (s) => s.textContent),
    stale: await page.$eval("#spreads", (s) => s.classList.contains("stale")),
    pages: await page.$$eval(".page img", (images) => images.filter((i) => i.complete && i.naturalWidth > 0).length),
    count: await page.$eval("#problem-count", (c) => c.textContent),
  };
  await page.click("#tab-problems");
  await page.click("#problem-list button");
  await page.waitForSelector("#place:not([hidden])");
  report.failed.place = await page.$eval("#place-name", (p) => p.textContent);
  report.failed.marked = await page.$eval("#place-lines mark", (m) => m.textContent);
  await page.screenshot({ path: join(outdir, "problems.png") });
  report.problemViolations = await axe(page);

  writeFileSync(manuscript, broken.replace("images/nowhere.png", "images/purse.png"));
  await waitForGeneration(page, first + 3);
  report.mended = { count: await page.$eval("#problem-count", (c) => c.textContent) };

  await page.click("#tab-ebook");
  await page.waitForFunction(() => document.querySelector("#section").options.length > 0);
  await page.waitForFunction(() => {
    const frame = document.querySelector("#phone");
    return frame.contentDocument && frame.contentDocument.readyState === "complete"
      && frame.contentDocument.body && frame.contentDocument.body.textContent.length > 0;
  }, { timeout: 30_000 });
  report.ebook = { sections: await page.$$eval("#section option", (o) => o.map((x) => x.textContent)) };
  await page.screenshot({ path: join(outdir, "ebook.png") });
  report.ebookViolations = await axe(page);
  report.ebook.note = await notePopUp(page);

  // The zoom chosen with the keyboard is kept when the preview is opened again.
  await page.click("#tab-print");
  await page.keyboard.press("+");
  const zoomed = await page.$eval("#zoom", (z) => z.value);
  await page.reload();
  await waitForGeneration(page, first + 3);
  report.zoom = { chosen: zoomed, after: await page.$eval("#zoom", (z) => z.value) };

  const phone = await browser.newPage();
  await phone.setViewport({ width: 375, height: 667, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await phone.goto(url);
  await waitForGeneration(phone, 1);
  report.phoneScrollsSideways = await phone.evaluate(
    () => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  await phone.screenshot({ path: join(outdir, "phone.png") });
  writeFileSync(manuscript, original);
  return report;
}

mkdirSync(outdir, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), "drive-preview-"));
const browser = await puppeteer.launch({
  executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || "/usr/bin/chromium",
  headless: true, userDataDir: profile,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
});
try {
  process.stdout.write(JSON.stringify(await drive(browser)));
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
}
