// Snowflake-style 64-bit ids: 41 bits of milliseconds since 2026-01-01, 10 bits of node id, 12 of sequence.
const EPOCH = 1767225600000n; // 2026-01-01T00:00:00Z
const NODE_BITS = 10n;
const SEQ_BITS = 12n;
const MAX_SEQ = (1n << SEQ_BITS) - 1n;

/** The smallest id any node makes at `ms` (or later): ids are ordered by time first. */
export function snowflakeAt(ms: number): bigint {
  return (BigInt(Math.max(0, ms - Number(EPOCH)))) << (NODE_BITS + SEQ_BITS);
}

export class Snowflake {
  private lastMs = -1n;
  private seq = 0n;
  private readonly node: bigint;

  constructor(nodeId: number, private readonly now: () => number = Date.now) {
    if (!Number.isInteger(nodeId) || nodeId < 0 || nodeId > 1023) throw new RangeError('nodeId must be 0..1023');
    this.node = BigInt(nodeId);
  }

  next(): bigint {
    let ms = BigInt(this.now());
    // A clock that steps back must not produce a smaller (or repeated) id: stay on the last millisecond.
    if (ms < this.lastMs) ms = this.lastMs;
    if (ms === this.lastMs) {
      this.seq = (this.seq + 1n) & MAX_SEQ;
      if (this.seq === 0n) ms = this.lastMs + 1n; // 4096 ids in one ms: borrow the next millisecond
    } else {
      this.seq = 0n;
    }
    this.lastMs = ms;
    return ((ms - EPOCH) << (NODE_BITS + SEQ_BITS)) | (this.node << SEQ_BITS) | this.seq;
  }
}
