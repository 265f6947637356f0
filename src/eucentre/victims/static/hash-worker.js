// The victims' hashing worker (a module Web Worker): the chosen files are hashed here, off the
// page's thread, and only their hashes ever leave the browser.
//
// In:  {id, file}
// Out: {id, type: "progress", done, total}  while the file's bytes are read (done, total: bytes)
//      {id, type: "result", name, size, md5, sha256, pdq, quality, kind, problem}
//      {id, type: "error"}                   the file could not be read at all
// kind is "image" | "video" | "other"; problem is null, "low-quality" (PDQ quality <= 49),
// "degenerate" (a PDQ the server would refuse as not a picture's, or decided by rounding, as
// for perfectly symmetric pictures; or an empty file, whose digests every empty file shares)
// or "undecodable" (an image this browser cannot decode: its digests are still good). pdq and quality are reported whatever
// the problem, for the page to decide; the page never sends a PDQ that has a problem.
// Videos get MD5 and SHA-256 only (vPDQ in the browser is out of scope).

import { decodeImage, HEAD_BYTES, pixelReading, roundedLuma, sniffKind } from "./image.js";
import { Md5 } from "./md5.js";
import { pdqOfStrips, QUALITY_INDICATOR_MIN } from "./pdq.js";
import { Sha256 } from "./sha256.js";

export const CHUNK_BYTES = 4 * 1024 * 1024;
const PROGRESS_EVERY_MS = 200;

// MD5 and SHA-256 of the file read chunk by chunk: one chunk is hashed while the next is read,
// and no more than two chunks are held at once whatever the file's size.
export async function digestFile(file, onProgress = () => {}) {
  const md5 = new Md5();
  const sha256 = new Sha256();
  const total = file.size;
  let next = total > 0 ? file.slice(0, Math.min(CHUNK_BYTES, total)).arrayBuffer() : null;
  let lastReport = 0;
  for (let offset = 0; offset < total; ) {
    const chunk = new Uint8Array(await next);
    offset += chunk.length;
    if (chunk.length === 0) throw new Error("the file shrank while it was read");
    next = offset < total ? file.slice(offset, Math.min(offset + CHUNK_BYTES, total)).arrayBuffer() : null;
    md5.update(chunk);
    sha256.update(chunk);
    const now = Date.now();
    if (now - lastReport >= PROGRESS_EVERY_MS || offset >= total) {
      lastReport = now;
      onProgress(offset, total);
    }
  }
  return { md5: md5.digest(), sha256: sha256.digest() };
}

function ones(hex) {
  let count = 0;
  for (const digit of hex) {
    let value = parseInt(digit, 16);
    while (value) {
      count += value & 1;
      value >>= 1;
    }
  }
  return count;
}

// The server refuses (rules/victims.py) a PDQ with fewer than 64 or more than 192 ones, or made
// of one or two repeated 16-bit words: not a picture's hash.
export function degeneratePdq(hex) {
  const bitsSet = ones(hex);
  const words = new Set();
  for (let i = 0; i < hex.length; i += 4) words.add(hex.slice(i, i + 4));
  return bitsSet < 64 || bitsSet > 192 || words.size <= 2;
}

// PDQ of decoded pixels read the way the server reads the file (see image.js pixelReading).
export async function pdqOfImage(image, reading) {
  const { width, height } = image;
  if (reading === "grey") return pdqOfStrips(image.readRows, width, height, 4, 1);
  if (reading === "rgb") return pdqOfStrips(image.readRows, width, height, 4, 3);
  let grey = null;
  const readGrey = (visit) =>
    image.readRows((rgba, y0, rowCount, rowBytes) => {
      grey ??= new Uint8Array(width * rowCount);
      return visit(roundedLuma(rgba, rowCount, rowBytes, width, grey), y0, rowCount, width);
    });
  return pdqOfStrips(readGrey, width, height, 1, 1);
}

// PDQ of an image file as the browser displays it: {pdq, quality, problem, exact}.
export async function hashImage(file, head) {
  let image;
  try {
    image = await decodeImage(file);
  } catch {
    return { pdq: null, quality: null, problem: "undecodable", exact: false };
  }
  try {
    const result = await pdqOfImage(image, pixelReading(head));
    let problem = null;
    if (result.quality < QUALITY_INDICATOR_MIN) problem = "low-quality";
    else if (result.unstable || degeneratePdq(result.hash)) problem = "degenerate";
    return { pdq: result.hash, quality: result.quality, problem, exact: image.exact };
  } finally {
    image.close();
  }
}

export async function hashFile(file, onProgress) {
  const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  const kind = sniffKind(head, file.type);
  const { md5, sha256 } = await digestFile(file, onProgress);
  // Every empty file has the same digests: they would match countless unrelated files.
  const problem = file.size === 0 ? "degenerate" : null;
  const record = { name: file.name, size: file.size, md5, sha256, pdq: null, quality: null, kind, problem };
  if (kind === "image" && file.size > 0) {
    const image = await hashImage(file, head);
    record.pdq = image.pdq;
    record.quality = image.quality;
    record.problem = image.problem;
  }
  return record;
}

// One file at a time, in the order they come: the page sends the next when this one is done.
if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  self.addEventListener("message", async (event) => {
    const { id, file } = event.data ?? {};
    if (!(file instanceof Blob)) {
      self.postMessage({ id, type: "error" });
      return;
    }
    try {
      const record = await hashFile(file, (done, total) => self.postMessage({ id, type: "progress", done, total }));
      self.postMessage({ id, type: "result", ...record });
    } catch {
      self.postMessage({ id, type: "error" });
    }
  });
}
