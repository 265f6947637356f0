// What a chosen file is, and its decoded pixels as the browser displays them.
//
// The server (media/decode.py) hashes the stored 8-bit channels as they are: no colour
// management (ICC profiles ignored), alpha ignored (not composited onto any background), grey
// pictures read as one channel. To land on the same pixels the browser must not convert colour
// spaces, must not premultiply alpha (a premultiplied pixel of alpha 0 has lost its colour,
// and other alphas round), and must hand back exact bytes. createImageBitmap with
// premultiplyAlpha "none" and colorSpaceConversion "none" decodes that way, and a WebGL
// texture keeps those bytes as they are; a 2D canvas would premultiply them, so it is only the
// fallback where WebGL is missing (exact for opaque pictures, close for translucent ones).
//
// EXIF orientation: the browser shows a photograph upright, and so we hash it upright; that is
// the server's `pdq_oriented` (its `pdq`, the stored orientation as hash lists hold it, is one
// of the dihedral variants it matches against anyway).

export const MAX_PIXELS = 100_000_000; // media/limits.py DEFAULT_MAX_PIXELS: the server's cap
export const HEAD_BYTES = 256 * 1024; // enough to reach a JPEG's frame header past its EXIF
const STRIP_BYTES = 4 * 1024 * 1024;

const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/avif", "image/heic", "image/heif"]);

function ascii(head, start, end) {
  return String.fromCharCode(...head.subarray(start, end));
}

const HEIF_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "mif2"]);
const AVIF_BRANDS = new Set(["avif", "avis"]);

// An ISO media file (ftyp box) is a still picture or a video by its brands, as the server's
// media/formats.py tells them apart.
function isoKind(head) {
  const size = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
  const major = ascii(head, 8, 12);
  const brands = new Set([major]);
  const end = size >= 16 ? Math.min(size, head.length) : 16;
  for (let i = 16; i + 4 <= end; i += 4) brands.add(ascii(head, i, i + 4));
  const any = (set) => [...brands].some((brand) => set.has(brand));
  if (any(AVIF_BRANDS)) return "image";
  if (HEIF_BRANDS.has(major) || (any(HEIF_BRANDS) && !brands.has("isom") && !brands.has("mp42"))) return "image";
  return "video";
}

// "image", "video" or "other", from the first bytes (what the file is, as the server sniffs
// it), then from its type (what the operating system says, for formats not sniffed here).
export function sniffKind(head, type = "") {
  const starts = (...bytes) => bytes.every((b, i) => head[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return "image";
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image";
  if (ascii(head, 0, 4) === "GIF8") return "image";
  if (ascii(head, 0, 2) === "BM") return "image";
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return "image"; // TIFF
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return "image";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "AVI ") return "video";
  if (ascii(head, 4, 8) === "ftyp" && head.length >= 12) return isoKind(head);
  if (starts(0x1a, 0x45, 0xdf, 0xa3)) return "video"; // Matroska, WebM
  if (starts(0x00, 0x00, 0x01, 0xba)) return "video"; // MPEG program stream
  if (head[0] === 0x47 && head[188] === 0x47) return "video"; // MPEG transport stream
  if (ascii(head, 0, 3) === "FLV" || ascii(head, 0, 4) === "OggS") return "video";
  if (starts(0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11)) return "video"; // ASF, WMV
  if (IMAGE_TYPES.has(type)) return "image";
  if (type.startsWith("video/")) return "video";
  return "other";
}

function jpegComponents(head) {
  // Walk the JPEG markers to the frame header (SOFn), which gives the component count.
  let p = 2;
  while (p + 9 < head.length) {
    if (head[p] !== 0xff) return 0;
    const marker = head[p + 1];
    if (marker === 0xff) {
      p += 1;
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return head[p + 9];
    if (marker === 0xda || marker === 0xd9) return 0;
    p += 2 + ((head[p + 2] << 8) | head[p + 3]);
  }
  return 0;
}

// How the server reads this file's pixels, so that the browser's RGBA are hashed the same way:
//   "grey": one grey channel (Pillow modes 1, L, LA, I;16: grey PNGs, one-component JPEGs).
//           The browser hands back R = G = B; hashing one of them reproduces the server's
//           arithmetic exactly, where weighting three equal channels would round differently.
//   "luma": a colour JPEG, whose luminance plane (Y) the server decodes directly. The browser
//           only gives the RGB converted from Y, Cb and Cr, but Y is an integer and the
//           conversion keeps Y = 0.299 R + 0.587 G + 0.114 B to within the rounding of R, G
//           and B (less than 0.5), so rounding that sum recovers the server's Y exactly, except
//           where a channel was clipped at 0 or 255.
//   "rgb":  everything else: R, G and B weighted after the filter, as the server does.
export function pixelReading(head) {
  if (head[0] === 0x89 && ascii(head, 12, 16) === "IHDR") {
    const colourType = head[25];
    return colourType === 0 || colourType === 4 ? "grey" : "rgb";
  }
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
    const components = jpegComponents(head);
    if (components === 1) return "grey";
    if (components === 3) return "luma";
  }
  return "rgb";
}

// The rounded luminance of RGBA rows as one byte per pixel (the "luma" reading above).
export function roundedLuma(rgba, rowCount, rowBytes, width, out) {
  for (let r = 0; r < rowCount; r++) {
    for (let x = 0, p = r * rowBytes, o = r * width; x < width; x++, p += 4, o++) {
      out[o] = Math.round(0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2]);
    }
  }
  return out;
}

const BITMAP_OPTIONS = {
  imageOrientation: "from-image",
  premultiplyAlpha: "none",
  colorSpaceConversion: "none",
};

// The file decoded as displayed: {width, height, readRows, close}. readRows(visit) calls
// visit(rgba, y0, rowCount, rowBytes) for consecutive strips of at most ~4 MiB from the top
// (the caller copies nothing it does not need: the strip buffer is reused). Throws when the
// browser cannot decode the file or it is larger than the server would accept.
export async function decodeImage(file) {
  const bitmap = await createImageBitmap(file, BITMAP_OPTIONS);
  const { width, height } = bitmap;
  if (width < 1 || height < 1 || width * height > MAX_PIXELS) {
    bitmap.close();
    throw new RangeError("picture too large or empty");
  }
  const reader = webglReader(bitmap) ?? canvasReader(bitmap);
  bitmap.close();
  return { width, height, readRows: reader.readRows, close: reader.close, exact: reader.exact };
}

function stripRows(width) {
  return Math.max(1, Math.floor(STRIP_BYTES / (width * 4)));
}

// The bitmap as an RGBA8 texture read back with readPixels: the bytes as decoded.
function webglReader(bitmap) {
  const { width, height } = bitmap;
  let gl;
  try {
    gl = new OffscreenCanvas(1, 1).getContext("webgl2", { antialias: false, depth: false, premultipliedAlpha: false });
  } catch {
    return null;
  }
  if (!gl) return null;
  const limit = gl.getParameter(gl.MAX_TEXTURE_SIZE);
  if (width > limit || height > limit) return null;
  const texture = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, texture);
  // Ignored for ImageBitmaps (their own options decide), set anyway for any other source.
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
  gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, bitmap);
  const framebuffer = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
  if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE || gl.getError() !== gl.NO_ERROR) {
    gl.deleteFramebuffer(framebuffer);
    gl.deleteTexture(texture);
    return null;
  }
  gl.pixelStorei(gl.PACK_ALIGNMENT, 1);
  const rows = stripRows(width);
  const strip = new Uint8Array(rows * width * 4);
  return {
    exact: true,
    // Texture row 0 is the picture's top row (no flip on upload), and readPixels returns rows
    // from y upwards, so strips come out top to bottom.
    readRows: async (visit) => {
      for (let y = 0; y < height; y += rows) {
        const count = Math.min(rows, height - y);
        gl.readPixels(0, y, width, count, gl.RGBA, gl.UNSIGNED_BYTE, strip, 0);
        if (gl.getError() !== gl.NO_ERROR) throw new Error("readPixels failed");
        await visit(strip, y, count, width * 4);
      }
    },
    close: () => {
      gl.deleteFramebuffer(framebuffer);
      gl.deleteTexture(texture);
      gl.getExtension("WEBGL_lose_context")?.loseContext();
    },
  };
}

function canvasReader(bitmap) {
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d", { willReadFrequently: true, alpha: true });
  context.drawImage(bitmap, 0, 0);
  const rows = stripRows(width);
  return {
    exact: false,
    readRows: async (visit) => {
      for (let y = 0; y < height; y += rows) {
        const count = Math.min(rows, height - y);
        const strip = context.getImageData(0, y, width, count).data;
        await visit(strip, y, count, width * 4);
      }
    },
    close: () => {
      canvas.width = 0;
      canvas.height = 0;
    },
  };
}
