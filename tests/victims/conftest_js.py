"""What the victims' browser tests share: Chromium with JavaScript on, a loopback site serving
the victims' static modules under the platform's security headers, and generated pictures.

The site is a small ``http.server`` of our own, so these tests do not depend on the platform's
static mount or on the victims' pages: it serves ``src/eucentre/victims/static`` at
``/static/victims/``, a page with the victims' form (the DOM ``victims-page.js`` expects) at
``/form.html``, and records what reaches ``/api/v1/victims/...`` (a stand-in API answering as
the real one does). Every response carries the platform's Content-Security-Policy, so a
module or worker the platform would refuse fails here too.
"""

from __future__ import annotations

import base64
import http.server
import io
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from eucentre.app import SECURITY_HEADERS
from tests.browser.chromium import CHROMIUM, available, shared_browser

STATIC_DIR = Path(__file__).resolve().parents[2] / "src" / "eucentre" / "victims" / "static"

FORM_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>victims form</title></head><body><main>
<form id="victims-hash-form" method="post" action="/victims" hidden>
<label for="victims-files">Bilder</label>
<input type="file" id="victims-files" name="files" multiple>
<button type="submit">Hashen</button>
</form>
<div>
<p data-message="working" hidden>working</p>
<p data-message="low-quality" hidden>low-quality</p>
<p data-message="degenerate" hidden>degenerate</p>
<p data-message="failed" hidden>failed</p>
</div>
<section id="victims-receipt" hidden><h2>receipt</h2>
<p><span data-slot="case_number"></span> <span data-slot="pin"></span></p></section>
</main><script type="module" src="/static/victims/victims-page.js"></script></body></html>
"""
BLANK_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>blank</title></head><body>
<input type="file" id="files" multiple></body></html>
"""


@dataclass
class Site:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    # What the stand-in API answers: (status, JSON body) for a request.
    answer: Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]] | None = None


def _handler(site: Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in SECURITY_HEADERS.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            if path == "/form.html":
                self._send(200, FORM_PAGE.encode(), "text/html; charset=utf-8")
            elif path == "/blank.html":
                self._send(200, BLANK_PAGE.encode(), "text/html; charset=utf-8")
            elif path.startswith("/static/victims/") and "/" not in path[16:]:
                file = STATIC_DIR / path[16:]
                if file.suffix == ".js" and file.is_file():
                    self._send(200, file.read_bytes(), "text/javascript; charset=utf-8")
                    return
                self._send(404, b"", "text/plain")
            else:
                self._send(404, b"", "text/plain")

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            record = {"path": self.path, "headers": dict(self.headers.items()), "body": raw}
            site.requests.append(record)
            try:
                payload = json.loads(raw)
            except ValueError:
                self._send(400, b'{"error": {"code": "bad_json"}}', "application/json")
                return
            status, body = (site.answer or _default_answer)(self.path, payload)
            self._send(status, json.dumps(body).encode(), "application/json")

    return Handler


def _default_answer(path: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    if path == "/api/v1/victims/cases":
        return 201, {"case_number": "VC-7K3M-9QXD-2HFA-Q", "pin": "48213097", "status": "open"}
    return 404, {"error": {"code": "not_found", "message": "no such route"}}


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    holder = Site(url="")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(holder))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    holder.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield holder
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def chromium() -> Any:
    """The process's one Chromium, shared with tests/browser (Playwright allows one a thread)."""
    if not available():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (done by .ci/run)")
    return shared_browser()


@pytest.fixture
def js_page(chromium: Any, site: Site) -> Iterator[Any]:
    """A page with JavaScript on, at the site's blank page (one file input, #files)."""
    context = chromium.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site.url}/blank.html")
    yield page
    context.close()
    assert not errors, errors


# -- running the modules in the page ----------------------------------------------------------

HASH_IN_WORKER = """async ([selector, first, count]) => {
  const files = Array.from(document.querySelector(selector).files).slice(first, first + count);
  const worker = new Worker("/static/victims/hash-worker.js", { type: "module" });
  const results = [];
  for (const [index, file] of files.entries()) {
    results.push(await new Promise((resolve) => {
      worker.onmessage = (event) => {
        if (event.data.id === index && event.data.type !== "progress") resolve(event.data);
      };
      worker.onerror = (event) => resolve({ id: index, type: "error", message: event.message });
      worker.postMessage({ id: index, file });
    }));
  }
  worker.terminate();
  return results;
}"""

# The pixels the browser decoded, as the worker hashes them (RGBA, or one grey byte a pixel for
# the "grey" and "luma" readings), base64, and the PDQ of exactly those pixels.
DECODE_IN_PAGE = """async ([selector, index]) => {
  const image = await import("/static/victims/image.js");
  const pdq = await import("/static/victims/pdq.js");
  const file = document.querySelector(selector).files[index];
  const head = new Uint8Array(await file.slice(0, image.HEAD_BYTES).arrayBuffer());
  const reading = image.pixelReading(head);
  const decoded = await image.decodeImage(file);
  const { width, height } = decoded;
  const rgba = new Uint8Array(width * height * 4);
  await decoded.readRows((strip, y0, rows, rowBytes) => {
    rgba.set(strip.subarray(0, rows * rowBytes), y0 * width * 4);
  });
  decoded.close();
  let pixels = rgba;
  let result;
  if (reading === "rgb") {
    result = pdq.pdqOfPixels(rgba, width, height, 4, 3);
  } else {
    pixels = new Uint8Array(width * height);
    if (reading === "luma") image.roundedLuma(rgba, height, width * 4, width, pixels);
    else for (let k = 0; k < pixels.length; k++) pixels[k] = rgba[4 * k];
    result = pdq.pdqOfPixels(pixels, width, height, 1, 1);
  }
  let binary = "";
  for (let i = 0; i < pixels.length; i += 0x8000) {
    binary += String.fromCharCode(...pixels.subarray(i, i + 0x8000));
  }
  return { width, height, reading, exact: decoded.exact, hash: result.hash,
           quality: result.quality, unstable: result.unstable, pixels: btoa(binary) };
}"""


def hash_in_worker(page: Any, paths: list[Path], batch: int = 50) -> list[dict[str, Any]]:
    """The worker's records for the files, in order (a batch of files per round trip)."""
    page.set_input_files("#files", [str(path) for path in paths])
    results: list[dict[str, Any]] = []
    for first in range(0, len(paths), batch):
        results.extend(page.evaluate(HASH_IN_WORKER, ["#files", first, batch]))
    return results


def decoded_in_page(page: Any, index: int) -> dict[str, Any]:
    """What the page's decoder made of file `index` of #files: the pixels it hashes, as an
    (H, W, 4) RGBA or (H, W) grey array, and its PDQ of them."""
    out = page.evaluate(DECODE_IN_PAGE, ["#files", index])
    raw = np.frombuffer(base64.b64decode(out["pixels"]), dtype=np.uint8)
    shape = (
        (out["height"], out["width"], 4)
        if out["reading"] == "rgb"
        else (out["height"], out["width"])
    )
    out["pixels"] = raw.reshape(shape)
    return out


# -- generated pictures (benign patterns only) --------------------------------------------------


def pattern(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """An RGB picture with detail in both directions and no exact symmetry.

    Perfectly symmetric or one-directional pictures have DCT coefficients that are exactly
    zero, whose order at the median is rounding noise (the worker calls them degenerate).
    """
    kind = int(rng.integers(0, 4))
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    if kind == 0:  # tilted colour gradients
        angle = rng.uniform(0, np.pi)
        ramp = (xx * np.cos(angle) + yy * np.sin(angle)) / max(width, height)
        base = np.stack([ramp * rng.uniform(80, 255) + rng.uniform(0, 60) for _ in range(3)], -1)
        base += (
            40
            * np.sin(xx / rng.uniform(7, 40))[..., None]
            * np.cos(yy / rng.uniform(9, 50))[..., None]
        )
    elif kind == 1:  # smooth noise
        small = rng.random((int(rng.integers(3, 12)), int(rng.integers(3, 12)), 3)) * 255
        base = np.asarray(
            Image.fromarray(small.astype(np.uint8)).resize((width, height), Image.BICUBIC),
            dtype=np.float64,
        )
    elif kind == 2:  # shapes
        img = Image.new("RGB", (width, height), tuple(int(v) for v in rng.integers(0, 256, 3)))
        draw = ImageDraw.Draw(img)
        for _ in range(int(rng.integers(3, 9))):
            x0, x1 = sorted(rng.integers(0, width, 2).tolist())
            y0, y1 = sorted(rng.integers(0, height, 2).tolist())
            colour = tuple(int(v) for v in rng.integers(0, 256, 3))
            (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(
                (x0, y0, x1 + 2, y1 + 2), fill=colour
            )
        base = np.asarray(img, dtype=np.float64)
    else:  # stripes and rings
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        r = np.hypot(xx - cx, yy - cy)
        base = np.stack(
            [
                127 + 120 * np.sin(r / rng.uniform(4, 30)),
                127 + 100 * np.cos(xx / rng.uniform(5, 40) + yy / rng.uniform(20, 90)),
                127 + 110 * np.sin(yy / rng.uniform(5, 40)),
            ],
            -1,
        )
    # Texture at about the scale PDQ samples (a 64x64 grid), so most pictures have the
    # quality >= 80 of a photograph, and a little pixel noise.
    cells = (int(rng.integers(12, 40)), int(rng.integers(12, 40)), 3)
    texture = Image.fromarray((rng.random(cells) * 255).astype(np.uint8)).resize(
        (width, height), Image.BICUBIC
    )
    amount = rng.uniform(0.05, 0.45)
    base = 0.7 * base + amount * (np.asarray(texture, dtype=np.float64) - 128) + 40
    base += rng.normal(0, 6, base.shape)
    return np.clip(np.round(base), 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class Sample:
    path: Path
    family: str  # what the corpus reports on: "png", "jpeg", "exif-6", "palette"...
    compare: str  # the server's field the browser's hash is held to
    exact: bool  # bit-exact expected against that field


def _exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def _save(img: Image.Image, path: Path, **options: Any) -> Path:
    img.save(path, **options)
    return path


def make_corpus(directory: Path, count: int, seed: int = 20260301) -> list[Sample]:
    """`count` pictures cycling through every format the browser test covers."""
    rng = np.random.default_rng(seed)
    samples: list[Sample] = []
    makers = _makers()
    for index in range(count):
        width, height = (int(v) for v in rng.integers(48, 420, 2))
        rgb = pattern(rng, width, height)
        family, make = makers[index % len(makers)]
        samples.append(make(directory / f"{index:04d}", rgb, rng, family))
    return samples


Maker = Callable[[Path, np.ndarray, np.random.Generator, str], Sample]


def _makers() -> list[tuple[str, Maker]]:
    def png(base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str) -> Sample:
        return Sample(_save(Image.fromarray(rgb), base.with_suffix(".png")), family, "pdq", True)

    def grey_png(base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str) -> Sample:
        img = Image.fromarray(rgb).convert("L")
        return Sample(_save(img, base.with_suffix(".png")), family, "pdq", True)

    def alpha_png(base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str) -> Sample:
        # Alpha from fully transparent (colour still there, as the server reads it) to opaque.
        h, w = rgb.shape[:2]
        alpha = np.clip(np.linspace(-80, 330, w)[None, :] + rng.normal(0, 30, (h, 1)), 0, 255)
        rgba = np.dstack([rgb, alpha.astype(np.uint8)])
        return Sample(
            _save(Image.fromarray(rgba, "RGBA"), base.with_suffix(".png")), family, "pdq", True
        )

    def grey_alpha_png(
        base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str
    ) -> Sample:
        h, w = rgb.shape[:2]
        la = np.dstack(
            [np.asarray(Image.fromarray(rgb).convert("L")), rng.integers(0, 256, (h, w))]
        )
        img = Image.fromarray(la.astype(np.uint8), "LA")
        return Sample(_save(img, base.with_suffix(".png")), family, "pdq", True)

    def jpeg(base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str) -> Sample:
        quality = int(rng.integers(80, 96))
        img = Image.fromarray(rgb)
        return Sample(_save(img, base.with_suffix(".jpg"), quality=quality), family, "pdq", False)

    def grey_jpeg(base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str) -> Sample:
        img = Image.fromarray(rgb).convert("L")
        path = _save(img, base.with_suffix(".jpg"), quality=int(rng.integers(80, 96)))
        return Sample(path, family, "pdq", False)

    def exif_jpeg(orientation: int) -> Maker:
        def make(base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str) -> Sample:
            img = Image.fromarray(rgb)
            path = _save(
                img,
                base.with_suffix(".jpg"),
                quality=int(rng.integers(80, 96)),
                exif=_exif(orientation),
            )
            return Sample(path, family, "pdq_oriented", False)

        return make

    def palette_png(base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str) -> Sample:
        img = Image.fromarray(rgb).quantize(colors=int(rng.integers(16, 257)))
        return Sample(_save(img, base.with_suffix(".png")), family, "pdq_displayed", True)

    def grey16_png(base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str) -> Sample:
        grey = np.asarray(Image.fromarray(rgb).convert("L"), dtype=np.float64)
        wide = np.clip(grey * 257 + rng.normal(0, 90, grey.shape), 0, 65535).astype(np.uint16)
        return Sample(
            _save(Image.fromarray(wide), base.with_suffix(".png")), family, "pdq_displayed", False
        )

    def rgb16_png(base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str) -> Sample:
        # Pillow writes no 16-bit RGB, so the PNG is put together here from its chunks.
        wide = np.clip(rgb.astype(np.float64) * 257 + rng.normal(0, 90, rgb.shape), 0, 65535)
        path = base.with_suffix(".png")
        path.write_bytes(_png16(wide.astype(">u2")))
        return Sample(path, family, "pdq", False)

    def cmyk_jpeg(base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str) -> Sample:
        img = Image.fromarray(rgb).convert("CMYK")
        path = _save(img, base.with_suffix(".jpg"), quality=int(rng.integers(85, 96)))
        return Sample(path, family, "pdq_displayed", False)

    def webp_lossless(base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str) -> Sample:
        img = Image.fromarray(rgb)
        return Sample(_save(img, base.with_suffix(".webp"), lossless=True), family, "pdq", True)

    def avif(base: Path, rgb: np.ndarray, rng: np.random.Generator, family: str) -> Sample:
        img = Image.fromarray(rgb)
        path = _save(img, base.with_suffix(".avif"), quality=int(rng.integers(80, 96)), speed=8)
        return Sample(path, family, "pdq", False)

    makers: list[tuple[str, Maker]] = [
        ("png", png),
        ("png-grey", grey_png),
        ("png-alpha", alpha_png),
        ("png-grey-alpha", grey_alpha_png),
        ("jpeg", jpeg),
        ("jpeg-grey", grey_jpeg),
        ("png-palette", palette_png),
        ("png-16-grey", grey16_png),
        ("png-16-rgb", rgb16_png),
        ("jpeg-cmyk", cmyk_jpeg),
        ("webp-lossless", webp_lossless),
        ("avif", avif),
    ]
    makers += [(f"jpeg-exif-{o}", exif_jpeg(o)) for o in range(1, 9)]
    return makers


def _png16(pixels: np.ndarray) -> bytes:
    import struct
    import zlib

    height, width, _ = pixels.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )


def png_bytes(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()
