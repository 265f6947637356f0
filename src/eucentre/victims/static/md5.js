// Incremental MD5 (RFC 1321), written for the victims' page.
//
// WebCrypto has no MD5 and no incremental digest at all, and a victim's video can be larger
// than the memory a browser tab may use: the worker feeds the file in chunks to update() and
// reads digest() at the end, holding one chunk at a time. MD5 is not used for security here,
// only because providers' hash lists carry it.

import { BlockHash } from "./block-hash.js";

// K[i] = floor(abs(sin(i + 1)) * 2^32), written out rather than computed so no engine's sine
// can change it.
const K = new Int32Array([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
]);

// One step: the register `a` becomes b + ((a + f + word + k) <<< s), in 32-bit arithmetic.
function step(a, b, f, word, k, s) {
  const sum = (a + f + word + k) | 0;
  return (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
}

export class Md5 extends BlockHash {
  constructor() {
    super();
    this.state = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
    this.words = new Int32Array(16);
  }

  // One 64-byte block: four rounds of 16 steps, words read little-endian. Each round is a
  // loop of four steps (one per rotation amount) so the engine compiles branch-free code.
  compress(bytes, offset) {
    const x = this.words;
    for (let i = 0; i < 16; i++) {
      const p = offset + 4 * i;
      x[i] = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
    }
    const st = this.state;
    let a = st[0];
    let b = st[1];
    let c = st[2];
    let d = st[3];
    for (let i = 0; i < 16; i += 4) {
      a = step(a, b, (b & c) | (~b & d), x[i], K[i], 7);
      d = step(d, a, (a & b) | (~a & c), x[i + 1], K[i + 1], 12);
      c = step(c, d, (d & a) | (~d & b), x[i + 2], K[i + 2], 17);
      b = step(b, c, (c & d) | (~c & a), x[i + 3], K[i + 3], 22);
    }
    for (let i = 16; i < 32; i += 4) {
      a = step(a, b, (d & b) | (~d & c), x[(5 * i + 1) & 15], K[i], 5);
      d = step(d, a, (c & a) | (~c & b), x[(5 * i + 6) & 15], K[i + 1], 9);
      c = step(c, d, (b & d) | (~b & a), x[(5 * i + 11) & 15], K[i + 2], 14);
      b = step(b, c, (a & c) | (~a & d), x[(5 * i + 16) & 15], K[i + 3], 20);
    }
    for (let i = 32; i < 48; i += 4) {
      a = step(a, b, b ^ c ^ d, x[(3 * i + 5) & 15], K[i], 4);
      d = step(d, a, a ^ b ^ c, x[(3 * i + 8) & 15], K[i + 1], 11);
      c = step(c, d, d ^ a ^ b, x[(3 * i + 11) & 15], K[i + 2], 16);
      b = step(b, c, c ^ d ^ a, x[(3 * i + 14) & 15], K[i + 3], 23);
    }
    for (let i = 48; i < 64; i += 4) {
      a = step(a, b, c ^ (b | ~d), x[(7 * i) & 15], K[i], 6);
      d = step(d, a, b ^ (a | ~c), x[(7 * i + 7) & 15], K[i + 1], 10);
      c = step(c, d, a ^ (d | ~b), x[(7 * i + 14) & 15], K[i + 2], 15);
      b = step(b, c, d ^ (c | ~a), x[(7 * i + 21) & 15], K[i + 3], 21);
    }
    st[0] = (st[0] + a) | 0;
    st[1] = (st[1] + b) | 0;
    st[2] = (st[2] + c) | 0;
    st[3] = (st[3] + d) | 0;
  }

  // The hex digest; the object cannot be updated afterwards.
  digest() {
    this.finish(true); // length little-endian
    let hex = "";
    for (const word of this.state) {
      for (let i = 0; i < 4; i++) hex += ((word >>> (8 * i)) & 0xff).toString(16).padStart(2, "0");
    }
    return hex;
  }
}

export function md5Hex(bytes) {
  return new Md5().update(bytes).digest();
}
