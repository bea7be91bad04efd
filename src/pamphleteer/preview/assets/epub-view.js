// Added to each e-book document the preview shows: a note reference opens its note in a
// pop-up, as reading systems do, instead of jumping away. Not part of the EPUB.
"use strict";
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[epub\\:type~='noteref'], a[role='doc-noteref']");
  if (!link) return;
  const [file, id] = link.getAttribute("href").split("#");
  let note = null;
  if (!file) {
    note = document.getElementById(id);
  } else {
    const text = await (await fetch(new URL(file, location.href))).text();
    note = new DOMParser().parseFromString(text, "application/xhtml+xml").getElementById(id);
  }
  if (!note) return;
  event.preventDefault();
  document.querySelector(".preview-note")?.remove();
  const box = document.createElement("aside");
  box.className = "preview-note";
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-label", "Note");
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Close";
  close.addEventListener("click", () => { box.remove(); link.focus(); });
  box.append(close, ...[...note.childNodes].map((node) => document.importNode(node, true)));
  document.body.append(box);
  close.focus();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") document.querySelector(".preview-note button")?.click();
});
