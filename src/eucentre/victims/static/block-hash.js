// What MD5 and SHA-256 share (both are Merkle–Damgård hashes over 64-byte blocks): input of
// any size, fed in any pieces, gathered into whole blocks for the subclass's
// compress(bytes, offset), and the final padding with the message length.

export class BlockHash {
  constructor() {
    this.block = new Uint8Array(64);
    this.filled = 0; // bytes waiting in `block`
    this.length = 0; // total bytes, as a double: exact up to 2^53
    this.done = false;
  }

  update(bytes) {
    if (this.done) throw new Error("digest() was already called");
    if (!(bytes instanceof Uint8Array)) bytes = new Uint8Array(bytes);
    let offset = 0;
    const n = bytes.length;
    this.length += n;
    if (this.filled > 0) {
      const take = Math.min(64 - this.filled, n);
      this.block.set(bytes.subarray(0, take), this.filled);
      this.filled += take;
      offset = take;
      if (this.filled < 64) return this;
      this.compress(this.block, 0);
      this.filled = 0;
    }
    for (; offset + 64 <= n; offset += 64) this.compress(bytes, offset);
    if (offset < n) {
      this.block.set(bytes.subarray(offset), 0);
      this.filled = n - offset;
    }
    return this;
  }

  // Pads once: 0x80, zeros, then the message length in bits as 64 bits in the hash's byte
  // order (exact: the length is below 2^53). No update() is allowed afterwards.
  finish(littleEndian) {
    if (this.done) return;
    const bits = this.length * 8;
    const padding = new Uint8Array((this.filled < 56 ? 56 : 120) - this.filled + 8);
    padding[0] = 0x80;
    const tail = new DataView(padding.buffer, padding.length - 8);
    const low = bits % 0x100000000;
    const high = Math.floor(bits / 0x100000000);
    tail.setUint32(littleEndian ? 0 : 4, low, littleEndian);
    tail.setUint32(littleEndian ? 4 : 0, high, littleEndian);
    const length = this.length;
    this.update(padding);
    this.length = length;
    this.done = true;
  }
}
