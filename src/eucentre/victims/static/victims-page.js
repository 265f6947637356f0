// The victims' page: the chosen files are hashed on this device, in a worker, and only their
// hashes are sent to open a case; the receipt (case number and PIN) is then shown.
//
// The page (victims_index.html) holds every word shown: this script only reveals the server's
// translated elements ([data-message=...]) and fills the receipt's slots, so the page reads the
// same in every language and without this script it still explains everything.
// What is sent: {"hashes": [{"signal": "pdq", "value", "quality"}, {"signal": "md5", "value"},
// {"signal": "sha256", "value"}...], "language"}. Never a file's bytes, name or size.

const API = "/api/v1/victims/cases";
const MAX_HASHES = 100; // the API's cap per case (rules/victims.py MAX_HASHES_PER_CASE)
const LANGUAGES = new Set(["en", "de", "fr"]);

const form = document.getElementById("victims-hash-form");
const input = document.getElementById("victims-files");
const receipt = document.getElementById("victims-receipt");

function message(name) {
  return document.querySelector(`[data-message="${name}"]`);
}

function show(element, visible = true) {
  if (element) element.hidden = !visible;
}

// Messages are announced politely: their container is made a live region (if the page has not
// made it one) before any of them is revealed, as screen readers only announce changes inside
// a region that already exists.
function prepareAnnouncements() {
  for (const element of document.querySelectorAll("[data-message]")) {
    const region = element.parentElement;
    if (region && !region.closest("[aria-live]")) region.setAttribute("aria-live", "polite");
  }
}

function focus(element) {
  if (!element) return;
  if (!element.hasAttribute("tabindex")) element.setAttribute("tabindex", "-1");
  element.focus();
}

function language() {
  const chosen = document.getElementById("victims-language")?.value;
  if (LANGUAGES.has(chosen)) return chosen;
  const page = (document.documentElement.lang || "en").toLowerCase().split("-")[0];
  return LANGUAGES.has(page) ? page : "en";
}

// Hash the files one after the other in one worker; resolves with the worker's records, or
// rejects if any file could not be read (then nothing is sent).
function hashAll(files) {
  const worker = new Worker(new URL("./hash-worker.js", import.meta.url), { type: "module" });
  const records = [];
  return new Promise((resolve, reject) => {
    const next = () => {
      if (records.length === files.length) {
        worker.terminate();
        resolve(records);
        return;
      }
      worker.postMessage({ id: records.length, file: files[records.length] });
    };
    worker.onmessage = (event) => {
      const data = event.data;
      if (data.id !== records.length || data.type === "progress") return;
      if (data.type !== "result") {
        worker.terminate();
        reject(new Error("a file could not be read"));
        return;
      }
      records.push(data);
      next();
    };
    worker.onerror = () => {
      worker.terminate();
      reject(new Error("the hashing worker failed"));
    };
    next();
  });
}

// A digest the API would refuse as degenerate (one character repeated) is not sent; an empty
// file is flagged by the worker.
function usableDigest(value) {
  return typeof value === "string" && new Set(value).size > 1;
}

// The hashes to send, each once, and which problems to explain.
export function hashesOf(records) {
  const hashes = [];
  const seen = new Set();
  const problems = new Set();
  const add = (hash) => {
    const key = `${hash.signal}:${hash.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    hashes.push(hash);
  };
  for (const record of records) {
    if (record.problem === "low-quality" || record.problem === "degenerate") problems.add(record.problem);
    if (record.kind === "image" && record.pdq && record.problem === null) {
      add({ signal: "pdq", value: record.pdq, quality: record.quality });
    }
    if (record.size > 0) {
      if (usableDigest(record.md5)) add({ signal: "md5", value: record.md5 });
      if (usableDigest(record.sha256)) add({ signal: "sha256", value: record.sha256 });
    }
  }
  return { hashes, problems };
}

async function openCase(hashes) {
  const body = JSON.stringify({ hashes, language: language() });
  // One key for this submission: a retry after a lost answer gets the same case, not a second.
  const key = crypto.randomUUID();
  const send = () =>
    fetch(API, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": key },
      body,
      credentials: "same-origin",
      cache: "no-store",
    });
  let response;
  try {
    response = await send();
  } catch {
    response = await send(); // the network failed once: try again, safely
  }
  if (response.status !== 201 && response.status !== 200) throw new Error(`status ${response.status}`);
  const created = await response.json();
  if (!created.case_number || !created.pin) throw new Error("no receipt");
  return created;
}

let busy = false;

async function submit(event) {
  event.preventDefault();
  if (busy) return;
  const files = Array.from(input.files ?? []);
  if (files.length === 0) {
    focus(input);
    return;
  }
  busy = true;
  const button = form.querySelector('[type="submit"]');
  if (button) button.disabled = true;
  form.setAttribute("aria-busy", "true");
  for (const element of document.querySelectorAll("[data-message]")) show(element, false);
  show(receipt, false);
  show(message("working"));
  let opened = null;
  let problems = new Set();
  try {
    const records = await hashAll(files);
    const found = hashesOf(records);
    problems = found.problems;
    if (found.hashes.length > MAX_HASHES) problems.add("too-many");
    if (found.hashes.length > 0) opened = await openCase(found.hashes.slice(0, MAX_HASHES));
  } catch {
    opened = null;
  } finally {
    busy = false;
    if (button) button.disabled = false;
    form.removeAttribute("aria-busy");
    show(message("working"), false);
  }
  for (const problem of problems) show(message(problem));
  if (!opened) {
    show(message("failed"));
    focus(message("failed"));
    return;
  }
  receipt.querySelector('[data-slot="case_number"]').textContent = opened.case_number;
  receipt.querySelector('[data-slot="pin"]').textContent = opened.pin;
  // The files are no longer needed here: a second submission should be a deliberate choice.
  input.value = "";
  show(receipt);
  focus(receipt);
}

if (form && input && receipt) {
  prepareAnnouncements();
  form.addEventListener("submit", submit);
  // Without this script the form must not be offered (it would send nothing useful, and the
  // file names in a URL): the page may render it hidden, and only a browser that runs the
  // hashing shows it.
  form.hidden = false;
}
