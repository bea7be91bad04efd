// The preview's viewer: shows what the last build made, and only changes what changed.
"use strict";

const PX_PER_PT = 96 / 72;
const PT_PER_MM = 72 / 25.4;
const state = { generation: 0, digests: [], boxes: [], texts: [], safe: 0, zoom: 60, source: null, spine: [] };
const $ = (id) => document.getElementById(id);

// ---- tabs (the ARIA tabs pattern: arrows move between them) ----------------------------
const tabs = ["print", "ebook", "problems"].map((name) => $(`tab-${name}`));
function choose(tab) {
  for (const other of tabs) {
    const chosen = other === tab;
    other.setAttribute("aria-selected", String(chosen));
    other.tabIndex = chosen ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !chosen;
  }
  tab.focus();
  if (tab.id === "tab-ebook") showSection();
}
for (const tab of tabs) {
  tab.addEventListener("click", () => choose(tab));
  tab.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step) choose(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]);
  });
}

// ---- print pages, in spreads -----------------------------------------------------------
function pageWidth(number) {
  const media = state.boxes[number - 1] ? state.boxes[number - 1].media[0] : 420;
  return Math.round(media * PX_PER_PT * state.zoom / 100);
}

function pictureWidth(number) {  // in steps, so that zooming a little reuses pictures
  const wanted = pageWidth(number) * (window.devicePixelRatio || 1);
  return Math.min(3000, Math.max(100, Math.ceil(wanted / 100) * 100));
}

function pageSource(number) {
  return `/page/${number}.png?w=${pictureWidth(number)}&v=${state.digests[number - 1]}`;
}

function overlay(page, number) {
  const boxes = state.boxes[number - 1];
  if (!boxes) return;
  const [width, height] = boxes.media;
  const place = (element, [left, top, right, bottom]) => {
    element.style.left = `${100 * left / width}%`;
    element.style.top = `${100 * top / height}%`;
    element.style.width = `${100 * (right - left) / width}%`;
    element.style.height = `${100 * (bottom - top) / height}%`;
  };
  const inset = state.safe * PT_PER_MM;
  const [l, t, r, b] = boxes.trim;
  for (const [kind, box] of [["trim", boxes.trim], ["bleed", boxes.bleed],
                             ["safe", [l + inset, t + inset, r - inset, b - inset]]]) {
    let element = page.querySelector(`.box.${kind}`);
    if (!element) {
      element = document.createElement("div");
      element.className = `box ${kind}`;
      page.append(element);
    }
    place(element, box);
  }
}

function makePage(number) {
  const page = document.createElement("figure");
  page.className = "page";
  page.dataset.number = String(number);
  const image = document.createElement("img");
  image.alt = "";  // the page's text follows, for screen readers
  image.src = pageSource(number);
  const words = document.createElement("p");
  words.className = "page-text";
  words.textContent = state.texts[number - 1] || "";
  const folio = document.createElement("figcaption");
  folio.className = "folio";
  folio.textContent = `Page ${number}`;
  page.append(image, words, folio);
  page.setAttribute("aria-label", `Page ${number}`);
  return page;
}

function sizePage(page) {
  const number = Number(page.dataset.number);
  page.style.width = `${pageWidth(number)}px`;
  overlay(page, number);
}

function arrange(pages) {
  // Spreads as a printed book opens: the first page alone on the right, then left and
  // right pages side by side; an empty slot keeps a lone page on its own side.
  const anchor = visiblePage();
  const groups = [[null, pages[0]]];
  for (let index = 1; index < pages.length; index += 2) groups.push([pages[index], pages[index + 1] || null]);
  const made = groups.filter((group) => group[0] || group[1]).map((group) => {
    const spread = document.createElement("div");
    spread.className = "spread";
    for (const [side, page] of group.entries()) {
      if (page) { spread.append(page); continue; }
      const slot = document.createElement("div");
      slot.className = "slot";
      slot.dataset.like = (group[1 - side] || pages[0]).dataset.number;
      spread.append(slot);
    }
    return spread;
  });
  $("spreads").replaceChildren(...made);
  sizeSlots();
  if (anchor) window.scrollTo(0, anchor.page.getBoundingClientRect().top + window.scrollY - anchor.offset);
}

function sizeSlots() {
  for (const slot of document.querySelectorAll(".slot")) slot.style.width = `${pageWidth(Number(slot.dataset.like))}px`;
}

function visiblePage() {
  for (const page of document.querySelectorAll(".page")) {
    const box = page.getBoundingClientRect();
    if (box.bottom > 0) return { page, offset: box.top };
  }
  return null;
}

function showPages(data) {
  const before = state.digests;
  state.digests = data.digests;
  state.boxes = data.boxes;
  state.safe = data.safe_zone_mm || 0;
  state.texts = data.texts || [];
  const pages = [...document.querySelectorAll(".page")];
  const kept = pages.slice(0, data.pages);
  for (const [index, page] of kept.entries()) {
    const number = index + 1;
    page.querySelector(".page-text").textContent = state.texts[index] || "";
    if (before[index] !== data.digests[index]) {
      const fresh = new Image();
      fresh.onload = () => {  // swapped once drawn: never a blank page
        page.querySelector("img").src = fresh.src;
        page.classList.remove("fading");
        page.classList.add("changed");
        setTimeout(() => page.classList.add("fading"), 1200);
        setTimeout(() => page.classList.remove("changed", "fading"), 3000);
      };
      fresh.src = pageSource(number);
    }
    sizePage(page);
  }
  for (let number = kept.length + 1; number <= data.pages; number += 1) {
    const page = makePage(number);
    sizePage(page);
    kept.push(page);
  }
  if (kept.length !== pages.length || !document.querySelector(".spread")) arrange(kept);
}

const zoom = $("zoom");
function setZoom(value) {
  state.zoom = Math.min(200, Math.max(25, value));
  zoom.value = String(state.zoom);
  $("zoom-value").textContent = `${state.zoom}%`;
  const anchor = visiblePage();
  for (const page of document.querySelectorAll(".page")) {
    sizePage(page);
    page.querySelector("img").src = pageSource(Number(page.dataset.number));
  }
  sizeSlots();
  if (anchor) window.scrollTo(0, anchor.page.getBoundingClientRect().top + window.scrollY - anchor.offset);
  localStorage.setItem("pamphleteer-zoom", String(state.zoom));
}
zoom.addEventListener("input", () => setZoom(Number(zoom.value)));
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, select, textarea")) return;
  if (event.key === "+" || event.key === "=") setZoom(state.zoom + 10);
  if (event.key === "-") setZoom(state.zoom - 10);
});
for (const kind of ["trim", "bleed", "safe"]) {
  $(`show-${kind}`).addEventListener("change", (event) => {
    $("spreads").classList.toggle(`show-${kind}`, event.target.checked);
  });
}

// ---- the e-book --------------------------------------------------------------------------
async function loadSpine() {
  const answer = await fetch("/epub.json", { cache: "no-store" });
  state.spine = await answer.json();
  const select = $("section");
  const chosen = select.value;
  select.replaceChildren(...state.spine.map(({ href, title }) => new Option(title, href)));
  if (state.spine.some(({ href }) => href === chosen)) select.value = chosen;
  else if (state.spine.length > 1) select.value = state.spine[1].href;  // the text, after the cover
}

function showSection() {
  const href = $("section").value;
  if (!href) return;
  for (const frame of [$("phone"), $("tablet")]) {
    let scroll = 0;
    try { scroll = frame.contentWindow.scrollY; } catch { scroll = 0; }
    frame.onload = () => { try { frame.contentWindow.scrollTo(0, scroll); } catch { /* not ours */ } };
    frame.src = `${href}?g=${state.generation}`;
  }
}
$("section").addEventListener("change", showSection);

// ---- problems ---------------------------------------------------------------------------
function where(problem) {
  return [problem.file, problem.line, problem.column].filter((part) => part !== null && part !== undefined).join(":");
}

function showProblems(problems) {
  $("problem-count").textContent = String(problems.length);
  $("no-problems").hidden = problems.length > 0;
  $("place").hidden = true;
  $("problem-list").replaceChildren(...problems.map((problem) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    const severity = document.createElement("span");
    severity.className = `severity-${problem.severity}`;
    severity.textContent = problem.severity;
    button.append(`${where(problem)}: `, severity, `: ${problem.message} [${problem.code}]`);
    button.addEventListener("click", () => showPlace(problem));
    item.append(button);
    return item;
  }));
}

async function showPlace(problem) {
  if (!problem.line) return;
  if (!state.source) state.source = await (await fetch("/source.json", { cache: "no-store" })).json();
  const first = Math.max(1, problem.line - 3);
  const last = Math.min(state.source.length, problem.line + 3);
  const lines = [];
  for (let number = first; number <= last; number += 1) {
    const text = `${String(number).padStart(4)}  ${state.source[number - 1]}\n`;
    if (number === problem.line) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      lines.push(mark);
    } else {
      lines.push(document.createTextNode(text));
    }
  }
  $("place-name").textContent = `${problem.file}, line ${problem.line}`;
  $("place-lines").replaceChildren(...lines);
  $("place").hidden = false;
  $("place").scrollIntoView({ block: "nearest" });
}

// ---- builds -----------------------------------------------------------------------------
function apply(data) {
  if (data.generation < state.generation) return;
  const news = data.generation !== state.generation;
  state.generation = data.generation;
  state.source = null;
  const problems = data.problems.length;
  $("status").textContent = data.generation === 0 ? "Waiting for the first build…"
    : data.ok ? `Build ${data.generation}: ${data.pages} pages, ${data.changed_pages.length} changed, `
                + `${problems === 0 ? "no problems" : `${problems} problem${problems > 1 ? "s" : ""}`}.`
    : `Build ${data.generation} failed: ${problems} problem${problems > 1 ? "s" : ""}; the pages of the last good build stay.`;
  $("stale").hidden = data.ok;
  $("spreads").classList.toggle("stale", !data.ok);
  showProblems(data.problems);
  if (data.ok && data.pages > 0) showPages(data);
  if (data.ok && news) loadSpine().then(() => { if (!$("ebook").hidden) showSection(); });
  document.body.dataset.generation = String(data.generation);
}

async function start() {
  const saved = Number(localStorage.getItem("pamphleteer-zoom"));
  if (saved) { state.zoom = saved; zoom.value = String(saved); $("zoom-value").textContent = `${saved}%`; }
  apply(await (await fetch("/build.json", { cache: "no-store" })).json());
  const events = new EventSource("/events");
  events.addEventListener("build", (event) => apply(JSON.parse(event.data)));
  events.addEventListener("open", async () => apply(await (await fetch("/build.json", { cache: "no-store" })).json()));
}
start();
