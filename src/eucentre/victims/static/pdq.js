// PDQ perceptual hash (256 bits and a quality 0-100) computed in the victim's own browser.
//
// This is a re-implementation of eucentre/media/pdq.py, not of the reference C++: the server
// compares what the browser sends with hashes it computed itself, so what matters is that
// both sides do the same arithmetic on the same pixels. The steps, as in pdq.py:
//   1. the rows pass: each of the 64 output rows is a sparse weighted sum of input rows (the
//      operator "decimate . box . box" of the Jarosz filter, precomputed per axis length),
//      accumulated channel by channel in float32, input row after input row;
//   2. Rec.601 luminance of the 64 partial rows (the filter is linear, so weighting the
//      channels after the reduction is the same picture, with 64 rows of work instead of H);
//   3. the columns pass, the same operator along the other axis, to a 64x64 buffer;
//   4. the 16x16 DCT of the lowest non-DC frequencies, one bit per coefficient above the
//      (lower) median, and the gradient-energy quality of the buffer.
// Every float32 rounding of pdq.py happens here too (Math.fround, Float32Array stores), in the
// same order, so the 64x64 buffer is bit for bit the server's. Two steps of pdq.py go through
// numpy's BLAS (the luminance weighting and the DCT), whose rounding depends on the machine's
// CPU kernel; here they are computed with plain float32 products and float64 sums. The result
// differs from the server's by a unit in the last place at most, which changes no bit unless
// coefficients tie at the median, which only happens for degenerate pictures (see
// unstableMedian below; such hashes are never sent).
//
// Near-flat pictures (the buffer varies by less than one grey level) are hashed, as pdq.py
// does, with the reference's own step-by-step arithmetic (sequentialPdq), because there every
// bit is rounding noise and only the exact same sequence of float32 operations reproduces it.

export const OUTPUT_SIZE = 64;
export const DCT_SIZE = 16;
export const HASH_BITS = 256;
export const QUALITY_INDICATOR_MIN = 50;
// pdq.py's LUMA_WEIGHTS are float32: the weights themselves are rounded before use.
const LUMA = new Float32Array([0.299, 0.587, 0.114]);
const FLAT_RANGE = 1.0;

const fround = Math.fround;

// -- the sparse axis operators -------------------------------------------------------------

export function jaroszWindow(size, target = OUTPUT_SIZE) {
  return Math.floor((size + 2 * target - 1) / (2 * target));
}

export function samplePoints(size, target = OUTPUT_SIZE) {
  const points = new Int32Array(target);
  // float64 ((i + 0.5) * size) / target, truncated: numpy's astype(int64) of the same value.
  for (let i = 0; i < target; i++) points[i] = Math.trunc(((i + 0.5) * size) / target);
  return points;
}

const operators = new Map();

// The 64 rows of decimate . box . box for an axis of `size` samples: output i reads inputs
// starts[i] .. starts[i] + lengths[i] - 1 with weights weights[i * stride + t] (float32).
// The weights are built in float64 exactly as pdq.py builds them (a difference array filled
// in the same order and summed left to right) and rounded to float32 once at the end.
export function axisOperator(size) {
  if (!Number.isInteger(size) || size < 1) throw new RangeError("axis length must be positive");
  const cached = operators.get(size);
  if (cached) return cached;
  const window = jaroszWindow(size);
  // The box window is off-centre for even windows: it reaches one further right.
  const half = Math.floor((window + 2) / 2);
  const left = window - half;
  const right = half - 1;
  const lo = new Int32Array(size);
  const hi = new Int32Array(size);
  const count = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    lo[k] = Math.max(k - left, 0);
    hi[k] = Math.min(k + right, size - 1);
    count[k] = hi[k] - lo[k] + 1;
  }
  const points = samplePoints(size);
  const starts = new Int32Array(OUTPUT_SIZE);
  const lengths = new Int32Array(OUTPUT_SIZE);
  let stride = 0;
  for (let i = 0; i < OUTPUT_SIZE; i++) {
    const p = points[i];
    starts[i] = lo[lo[p]];
    lengths[i] = hi[hi[p]] - starts[i] + 1;
    stride = Math.max(stride, lengths[i]);
  }
  stride += 1;
  const weights = new Float32Array(OUTPUT_SIZE * stride);
  for (let i = 0; i < OUTPUT_SIZE; i++) {
    const p = points[i];
    const length = lengths[i];
    const start = starts[i];
    // The second box at p averages first-box outputs k in [lo[p], hi[p]], each of which
    // averages inputs [lo[k], hi[k]]: +coef where a range starts, -coef after it ends. All the
    // additions come before all the subtractions, as two np.add.at calls do.
    const diff = new Float64Array(length + 1);
    for (let k = lo[p]; k <= hi[p]; k++) diff[lo[k] - start] += 1.0 / (count[p] * count[k]);
    for (let k = lo[p]; k <= hi[p]; k++) diff[hi[k] + 1 - start] -= 1.0 / (count[p] * count[k]);
    let running = 0.0;
    for (let t = 0; t < length; t++) {
      running += diff[t];
      weights[i * stride + t] = running;
    }
  }
  const operator = Object.freeze({ size, starts, lengths, weights, stride });
  operators.set(size, operator);
  return operator;
}

// -- the rows pass, fed strip by strip -----------------------------------------------------

// Accumulates the rows pass over an image delivered as consecutive strips of rows (so a
// large picture never needs to be held whole in JavaScript memory). `channels` is 1 for a
// grey picture (the server reads those as one channel) or 3 for colour (R, G, B of pixels
// that may carry a fourth, ignored, alpha value).
export class RowReducer {
  constructor(width, height, channels) {
    if (channels !== 1 && channels !== 3) throw new RangeError("channels must be 1 or 3");
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.rows = axisOperator(height);
    this.partial = new Float32Array(OUTPUT_SIZE * width * channels);
    this.nextRow = 0;
  }

  // `data` holds `rowCount` rows starting at image row `y0`, each `width` pixels of
  // `pixelStride` bytes (1 grey, 3 RGB, 4 RGBA), `rowBytes` apart. Rows must come in order:
  // each output row then adds its input rows in the order pdq.py adds them.
  addRows(data, y0, rowCount, pixelStride, rowBytes = this.width * pixelStride) {
    if (y0 !== this.nextRow) throw new RangeError("rows must be added in order");
    const { width, channels, partial } = this;
    const { starts, lengths, weights, stride } = this.rows;
    const span = width * channels;
    for (let r = 0; r < rowCount; r++) {
      const y = y0 + r;
      const offset = r * rowBytes;
      for (let i = 0; i < OUTPUT_SIZE; i++) {
        const t = y - starts[i];
        if (t < 0 || t >= lengths[i]) continue;
        const w = weights[i * stride + t];
        const base = i * span;
        if (channels === 1) {
          for (let x = 0, p = offset; x < width; x++, p += pixelStride) {
            partial[base + x] += fround(w * data[p]);
          }
        } else {
          for (let x = 0, p = offset, o = base; x < width; x++, p += pixelStride, o += 3) {
            // Each product is rounded to float32 before the float32 sum, as numpy does.
            partial[o] += fround(w * data[p]);
            partial[o + 1] += fround(w * data[p + 1]);
            partial[o + 2] += fround(w * data[p + 2]);
          }
        }
      }
    }
    this.nextRow = y0 + rowCount;
  }

  // The 64 x width luminance rows once every row has been added.
  luma() {
    if (this.nextRow !== this.height) throw new RangeError("not every row was added");
    if (this.channels === 1) return this.partial;
    const { width, partial } = this;
    const out = new Float32Array(OUTPUT_SIZE * width);
    for (let k = 0, o = 0; k < out.length; k++, o += 3) {
      out[k] = fround(
        fround(fround(partial[o] * LUMA[0]) + fround(partial[o + 1] * LUMA[1])) +
          fround(partial[o + 2] * LUMA[2]),
      );
    }
    return out;
  }
}

// The 64x64 buffer from the 64 luminance rows (row-major, buffer[row * 64 + column]).
export function columnPass(luma, width) {
  const { starts, lengths, weights, stride } = axisOperator(width);
  const buffer = new Float32Array(OUTPUT_SIZE * OUTPUT_SIZE);
  for (let r = 0; r < OUTPUT_SIZE; r++) {
    const row = r * width;
    for (let i = 0; i < OUTPUT_SIZE; i++) {
      let acc = 0;
      const s = row + starts[i];
      const w = i * stride;
      for (let t = 0; t < lengths[i]; t++) acc = fround(acc + fround(weights[w + t] * luma[s + t]));
      buffer[r * OUTPUT_SIZE + i] = acc;
    }
  }
  return buffer;
}

// -- the hash of the 64x64 buffer ------------------------------------------------------------

export function quality(buffer) {
  // Each difference is scaled in float32 and truncated toward zero, as the published metric.
  let total = 0;
  for (let r = 0; r < OUTPUT_SIZE; r++) {
    for (let c = 0; c < OUTPUT_SIZE; c++) {
      const here = buffer[r * OUTPUT_SIZE + c];
      if (r + 1 < OUTPUT_SIZE) {
        const d = fround(here - buffer[(r + 1) * OUTPUT_SIZE + c]);
        total += Math.abs(Math.trunc(fround(fround(d * 100) / 255)));
      }
      if (c + 1 < OUTPUT_SIZE) {
        const d = fround(here - buffer[r * OUTPUT_SIZE + c + 1]);
        total += Math.abs(Math.trunc(fround(fround(d * 100) / 255)));
      }
    }
  }
  return Math.min(Math.floor(total / 90), 100);
}

let dctMatrixCache = null;
let sequentialMatrixCache = null;

// Rows 1..16 of the DCT-II basis (the DC term carries only brightness), float64 then float32.
export function dctMatrix() {
  if (!dctMatrixCache) {
    dctMatrixCache = buildMatrix(Math.sqrt(2.0 / OUTPUT_SIZE));
  }
  return dctMatrixCache;
}

// The reference multiplies by the float32-rounded scale factor; pdq.py's sequential path too.
function sequentialMatrix() {
  if (!sequentialMatrixCache) {
    sequentialMatrixCache = buildMatrix(fround(Math.sqrt(2.0 / OUTPUT_SIZE)));
  }
  return sequentialMatrixCache;
}

function buildMatrix(factor) {
  const matrix = new Float32Array(DCT_SIZE * OUTPUT_SIZE);
  for (let u = 1; u <= DCT_SIZE; u++) {
    for (let j = 0; j < OUTPUT_SIZE; j++) {
      matrix[(u - 1) * OUTPUT_SIZE + j] = factor * Math.cos((Math.PI / 2 / OUTPUT_SIZE) * u * (2 * j + 1));
    }
  }
  return matrix;
}

// (M @ B) @ M^T with the intermediate and the result rounded to float32 (numpy's float32
// matmul), each dot product summed in float64 (the most accurate order; see the header).
export function dct16(buffer) {
  const m = dctMatrix();
  const partial = new Float32Array(DCT_SIZE * OUTPUT_SIZE);
  for (let i = 0; i < DCT_SIZE; i++) {
    for (let j = 0; j < OUTPUT_SIZE; j++) {
      let total = 0;
      for (let k = 0; k < OUTPUT_SIZE; k++) total += m[i * OUTPUT_SIZE + k] * buffer[k * OUTPUT_SIZE + j];
      partial[i * OUTPUT_SIZE + j] = total;
    }
  }
  const out = new Float32Array(DCT_SIZE * DCT_SIZE);
  for (let i = 0; i < DCT_SIZE; i++) {
    for (let j = 0; j < DCT_SIZE; j++) {
      let total = 0;
      for (let k = 0; k < OUTPUT_SIZE; k++) total += partial[i * OUTPUT_SIZE + k] * m[j * OUTPUT_SIZE + k];
      out[i * DCT_SIZE + j] = total;
    }
  }
  return out;
}

// The lower median of the 256 coefficients, as pdq.py's np.partition at index 127.
export function lowerMedian(coefficients) {
  const sorted = Float32Array.from(coefficients).sort();
  return sorted[HASH_BITS / 2 - 1];
}

// Bit k (row-major coefficient index) is bit k of a 256-bit big-endian number, as pdq.py.
export function bitsToHex(bits) {
  let hex = "";
  for (let nibble = 0; nibble < HASH_BITS / 4; nibble++) {
    const top = HASH_BITS - 1 - 4 * nibble;
    const value = (bits[top] << 3) | (bits[top - 1] << 2) | (bits[top - 2] << 1) | bits[top - 3];
    hex += value.toString(16);
  }
  return hex;
}

export function hexToBits(hex) {
  const bits = new Uint8Array(HASH_BITS);
  for (let nibble = 0; nibble < HASH_BITS / 4; nibble++) {
    const value = parseInt(hex[nibble], 16);
    const top = HASH_BITS - 1 - 4 * nibble;
    for (let m = 0; m < 4; m++) bits[top - m] = (value >> (3 - m)) & 1;
  }
  return bits;
}

export function dctToHex(coefficients) {
  const median = lowerMedian(coefficients);
  const bits = new Uint8Array(HASH_BITS);
  for (let k = 0; k < HASH_BITS; k++) bits[k] = coefficients[k] > median ? 1 : 0;
  return bitsToHex(bits);
}

export function hamming(a, b) {
  let distance = 0;
  for (let i = 0; i < a.length; i++) {
    let x = parseInt(a[i], 16) ^ parseInt(b[i], 16);
    while (x) {
      distance += x & 1;
      x >>= 1;
    }
  }
  return distance;
}

export function isNearFlat(buffer) {
  let min = Infinity;
  let max = -Infinity;
  for (const value of buffer) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return fround(max - min) < FLAT_RANGE;
}

// Coefficients this close to the median are ordered by rounding noise, not by the picture.
const MEDIAN_TIE = 0.01;
const MEDIAN_TIES_UNSTABLE = 8;

// True when the hash's bits are decided by rounding: many coefficients (exactly zero in exact
// arithmetic, as in a picture that is perfectly symmetric or varies along one axis only) sit
// at the median, so any two correct implementations (or the same one on two CPUs) disagree.
// A photograph never has 8 of its 256 coefficients within 0.01 of the median.
export function unstableMedian(coefficients) {
  const median = lowerMedian(coefficients);
  let ties = 0;
  for (const value of coefficients) if (Math.abs(value - median) <= MEDIAN_TIE) ties++;
  return ties >= MEDIAN_TIES_UNSTABLE;
}

export function hashFromBuffer(buffer) {
  const coefficients = dct16(buffer);
  return { hash: dctToHex(coefficients), quality: quality(buffer), coefficients };
}

// -- near-flat pictures: the reference's arithmetic, step by step ----------------------------

// Float32 luminance as the reference computes it: a float64 weighted sum of the 8-bit values
// (Python float weights, not the float32 ones), rounded to float32, for `rowCount` rows of
// `data` written to `luma` from row `y0` on.
export function referenceLumaRows(data, rowCount, rowBytes, pixelStride, channels, luma, width, y0) {
  for (let r = 0; r < rowCount; r++) {
    const out = (y0 + r) * width;
    for (let x = 0, p = r * rowBytes; x < width; x++, p += pixelStride) {
      if (channels === 1) {
        const v = data[p];
        luma[out + x] = v * 0.299 + v * 0.587 + v * 0.114;
      } else {
        luma[out + x] = data[p] * 0.299 + data[p + 1] * 0.587 + data[p + 2] * 0.114;
      }
    }
  }
  return luma;
}

// One running-sum box filter along a line of `length` samples `step` apart, as pdq_jit.box1d.
function box1d(src, dst, offset, length, step, window) {
  const half = Math.floor((window + 2) / 2);
  let read = offset;
  let drop = offset;
  let out = offset;
  let total = 0;
  let count = 0;
  for (let n = 0; n < half - 1; n++) {
    total = fround(total + src[read]);
    count++;
    read += step;
  }
  for (let n = 0; n < window - half + 1; n++) {
    total = fround(total + src[read]);
    count++;
    dst[out] = fround(total / count);
    read += step;
    out += step;
  }
  for (let n = 0; n < length - window; n++) {
    total = fround(total + src[read]);
    total = fround(total - src[drop]);
    dst[out] = fround(total / count);
    drop += step;
    read += step;
    out += step;
  }
  for (let n = 0; n < half - 1; n++) {
    total = fround(total - src[drop]);
    count--;
    dst[out] = fround(total / count);
    drop += step;
    out += step;
  }
}

// PDQ of a float32 luminance picture with the reference's exact order of float operations
// (pdq.py's sequential_pdq: two passes of box filters each way, then the DCT summed in order).
export function sequentialPdq(luma, width, height) {
  // As pdq_jit.sequential_buffer is called: the row filter's window comes from the width.
  const rowsWindow = jaroszWindow(width);
  const colsWindow = jaroszWindow(height);
  const first = Float32Array.from(luma);
  const second = new Float32Array(first.length);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < height; i++) box1d(first, second, i * width, width, 1, rowsWindow);
    for (let j = 0; j < width; j++) box1d(second, first, j, height, width, colsWindow);
  }
  const rowPoints = samplePoints(height);
  const colPoints = samplePoints(width);
  const buffer = new Float32Array(OUTPUT_SIZE * OUTPUT_SIZE);
  for (let a = 0; a < OUTPUT_SIZE; a++) {
    for (let b = 0; b < OUTPUT_SIZE; b++) buffer[a * OUTPUT_SIZE + b] = first[rowPoints[a] * width + colPoints[b]];
  }
  const m = sequentialMatrix();
  const partial = new Float32Array(DCT_SIZE * OUTPUT_SIZE);
  for (let i = 0; i < DCT_SIZE; i++) {
    for (let j = 0; j < OUTPUT_SIZE; j++) {
      let total = 0;
      for (let k = 0; k < OUTPUT_SIZE; k++) {
        total = fround(total + fround(m[i * OUTPUT_SIZE + k] * buffer[k * OUTPUT_SIZE + j]));
      }
      partial[i * OUTPUT_SIZE + j] = total;
    }
  }
  const coefficients = new Float32Array(DCT_SIZE * DCT_SIZE);
  for (let i = 0; i < DCT_SIZE; i++) {
    for (let j = 0; j < DCT_SIZE; j++) {
      let total = 0;
      for (let k = 0; k < OUTPUT_SIZE; k++) {
        total = fround(total + fround(partial[i * OUTPUT_SIZE + k] * m[j * OUTPUT_SIZE + k]));
      }
      coefficients[i * DCT_SIZE + j] = total;
    }
  }
  return { hash: dctToHex(coefficients), quality: quality(buffer), coefficients, buffer };
}

// -- whole pictures ---------------------------------------------------------------------------

// The reference's step-by-step arithmetic holds the whole picture twice in float32.
export const SEQUENTIAL_MAX_PIXELS = 16_000_000;

// PDQ of a picture delivered as strips: `readRows(visit)` calls visit(data, y0, rowCount,
// rowBytes) for consecutive strips from the top, and may be called a second time (only for a
// near-flat picture, whose exact hash needs the whole luminance image). `channels` is 1 for
// a grey picture, 3 for colour; `pixelStride` the bytes per pixel in `data`.
export async function pdqOfStrips(readRows, width, height, pixelStride, channels) {
  const reducer = new RowReducer(width, height, channels);
  await readRows((data, y0, rowCount, rowBytes) => reducer.addRows(data, y0, rowCount, pixelStride, rowBytes));
  const buffer = columnPass(reducer.luma(), width);
  if (isNearFlat(buffer) && width * height > SEQUENTIAL_MAX_PIXELS) {
    // A near-flat picture's quality is 0 whatever its bits, so its hash is never sent; past
    // this size the exact bits are not worth two whole-picture float32 copies.
    const result = hashFromBuffer(buffer);
    return { ...result, buffer, nearFlat: true, unstable: true };
  }
  if (isNearFlat(buffer)) {
    const luma = new Float32Array(width * height);
    await readRows((data, y0, rowCount, rowBytes) =>
      referenceLumaRows(data, rowCount, rowBytes, pixelStride, channels, luma, width, y0),
    );
    const result = sequentialPdq(luma, width, height);
    return { ...result, nearFlat: true, unstable: true };
  }
  const result = hashFromBuffer(buffer);
  return { ...result, buffer, nearFlat: false, unstable: unstableMedian(result.coefficients) };
}

// PDQ of pixels held in one array (tests, small pictures): `pixelStride` 1, 3 or 4 bytes;
// `channels` defaults to 1 for one byte per pixel and 3 otherwise.
export function pdqOfPixels(data, width, height, pixelStride, channels = pixelStride === 1 ? 1 : 3) {
  const reducer = new RowReducer(width, height, channels);
  reducer.addRows(data, 0, height, pixelStride);
  const buffer = columnPass(reducer.luma(), width);
  if (isNearFlat(buffer) && width * height > SEQUENTIAL_MAX_PIXELS) {
    // A near-flat picture's quality is 0 whatever its bits, so its hash is never sent; past
    // this size the exact bits are not worth two whole-picture float32 copies.
    const result = hashFromBuffer(buffer);
    return { ...result, buffer, nearFlat: true, unstable: true };
  }
  if (isNearFlat(buffer)) {
    const luma = new Float32Array(width * height);
    referenceLumaRows(data, height, width * pixelStride, pixelStride, channels, luma, width, 0);
    return { ...sequentialPdq(luma, width, height), nearFlat: true, unstable: true };
  }
  const result = hashFromBuffer(buffer);
  return { ...result, buffer, nearFlat: false, unstable: unstableMedian(result.coefficients) };
}
