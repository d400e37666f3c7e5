/**
 * pcapng timestamps: a 64-bit count of units since 1970, stored as two 32-bit words (high, low), where the
 * unit is the interface's if_tsresol — 10^-k seconds (high bit clear, k = the byte) or 2^-k seconds (high bit
 * set, k = the low 7 bits); the default is 10^-6. `TsResolution` converts between that count and
 * (seconds, nanoseconds) exactly, with plain doubles and no BigInt: every intermediate value stays below 2^53.
 *
 * decode(high, low) → sec, nsec. Resolutions finer than 1 ns round down. `sec` is exact below 2^53.
 * encode(sec, nsec) → hi, lo. The fraction rounds down to the unit; throws RangeError when the count does not
 * fit 64 bits (e.g. nanoseconds at 10^-19) or the arguments are not integers in range.
 *
 * Results are left in fields of the object (no allocation); read them right after the call.
 */

const P32 = 4294967296;
/** POW2[i] = 2^i, i = 0..128. */
const POW2 = new Float64Array(129);
for (let i = 0; i <= 128; i++) POW2[i] = Math.pow(2, i);
/** POW10[i] = 10^i, exact as doubles for i ≤ 22. */
const POW10: number[] = [];
for (let i = 0, p = 1; i <= 22; i++, p *= 10) POW10.push(p);

/** Scratch outputs of the 64-bit helpers. */
const q = { hi: 0, lo: 0, rem: 0 };

/** q ← (hi·2^32 + lo) ÷ d (quotient in q.hi/q.lo, remainder in q.rem), for an integer 1 ≤ d ≤ 2^37. */
function div64(hi: number, lo: number, d: number): void {
  const qh = Math.floor(hi / d);
  let rem = hi - qh * d;
  const x = rem * 65536 + (lo >>> 16); // < d·2^16 ≤ 2^53
  const q1 = Math.floor(x / d);
  rem = x - q1 * d;
  const y = rem * 65536 + (lo & 0xffff);
  const q2 = Math.floor(y / d);
  q.hi = qh;
  q.lo = q1 * 65536 + q2;
  q.rem = y - q2 * d;
}

/** q ← (hi·2^32 + lo) × m for an integer 0 ≤ m ≤ 2^20; false when the product reaches 2^64. */
function mul64(hi: number, lo: number, m: number): boolean {
  const x = lo * m; // < 2^52
  const c = Math.floor(x / P32);
  const h = hi * m + c;
  if (h >= P32) return false;
  q.hi = h;
  q.lo = x - c * P32;
  return true;
}

/** q ← (h1·2^32 + l1) + (h2·2^32 + l2); false on overflow past 2^64. */
function add64(h1: number, l1: number, h2: number, l2: number): boolean {
  let l = l1 + l2;
  let h = h1 + h2;
  if (l >= P32) {
    l -= P32;
    h += 1;
  }
  if (h >= P32) return false;
  q.hi = h;
  q.lo = l;
  return true;
}

export class TsResolution {
  /** The if_tsresol byte. */
  readonly raw: number;
  /** True for 2^-exp, false for 10^-exp. */
  readonly pow2: boolean;
  readonly exp: number;
  /** decode() output. */
  sec = 0;
  nsec = 0;
  /** encode() output. */
  hi = 0;
  lo = 0;
  /** 10^exp (power-of-10 resolutions up to nanoseconds). */
  private readonly unit: number;
  /** 10^(9-exp) (power-of-10 resolutions up to nanoseconds). */
  private readonly scale: number;

  constructor(raw = 6) {
    if (!Number.isInteger(raw) || raw < 0 || raw > 255) throw new RangeError(`if_tsresol must be a byte, got ${raw}`);
    this.raw = raw;
    this.pow2 = (raw & 0x80) !== 0;
    this.exp = raw & 0x7f;
    this.unit = !this.pow2 && this.exp <= 9 ? POW10[this.exp] : 0;
    this.scale = !this.pow2 && this.exp <= 9 ? POW10[9 - this.exp] : 0;
  }

  /** Units per second as a double (inexact past 2^53); for display. */
  get unitsPerSecond(): number {
    return this.pow2 ? POW2[this.exp] : Math.pow(10, this.exp);
  }

  /** Convert the 64-bit unit count (hi, lo) into `sec`, `nsec`. */
  decode(hi: number, lo: number): void {
    if (this.unit !== 0) {
      const u = this.unit;
      if (hi < 0x200000) {
        // T < 2^53: one exact division
        const t = hi * P32 + lo;
        const s = Math.floor(t / u);
        this.sec = s;
        this.nsec = (t - s * u) * this.scale;
      } else {
        div64(hi, lo, u);
        this.sec = q.hi * P32 + q.lo;
        this.nsec = q.rem * this.scale;
      }
      return;
    }
    if (!this.pow2) this.decodeFinePow10(hi, lo);
    else this.decodePow2(hi, lo);
  }

  /** 10^-k with k > 9: nanoseconds = floor(T / 10^(k-9)) by chained exact divisions, then split by 1e9. */
  private decodeFinePow10(hi: number, lo: number): void {
    let h = hi;
    let l = lo;
    let e = this.exp - 9;
    while (e > 0 && (h !== 0 || l !== 0)) {
      const s = e > 9 ? 9 : e;
      div64(h, l, POW10[s]);
      h = q.hi;
      l = q.lo;
      e -= s;
    }
    div64(h, l, 1e9);
    this.sec = q.hi * P32 + q.lo;
    this.nsec = q.rem;
  }

  /** 2^-k: seconds are a shift; nanoseconds = floor(frac · 1e9 / 2^k) with 1e9 = 1953125 · 2^9. */
  private decodePow2(hi: number, lo: number): void {
    const k = this.exp;
    let fh = 0;
    let fl = lo;
    if (k === 0) {
      this.sec = hi * P32 + lo;
      this.nsec = 0;
      return;
    }
    if (k < 32) {
      const sl = lo >>> k;
      this.sec = hi * POW2[32 - k] + sl;
      fl = lo - sl * POW2[k];
    } else if (k === 32) {
      this.sec = hi;
    } else if (k < 64) {
      const s = Math.floor(hi / POW2[k - 32]);
      this.sec = s;
      fh = hi - s * POW2[k - 32];
    } else {
      this.sec = 0;
      fh = hi;
    }
    if (k <= 9) {
      this.nsec = Math.floor((fl * 1e9) / POW2[k]);
      return;
    }
    // V = (fh·2^32 + fl) · 1953125 = M·2^32 + bl; nsec = floor(V / 2^(k-9))
    const s = k - 9;
    const a = fh * 1953125; // < 2^53
    const b = fl * 1953125; // < 2^53
    const bh = Math.floor(b / P32);
    const bl = b - bh * P32;
    const m = a + bh;
    this.nsec = s >= 32 ? Math.floor(m / POW2[s - 32]) : m * POW2[32 - s] + Math.floor(bl / POW2[s]);
  }

  /** Convert (sec, nsec) into the 64-bit unit count `hi`, `lo` (fraction rounded down to the unit). */
  encode(sec: number, nsec: number): void {
    if (!Number.isInteger(sec) || sec < 0 || sec > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`timestamp seconds must be an integer in 0..2^53-1, got ${sec}`);
    }
    if (!Number.isInteger(nsec) || nsec < 0 || nsec >= 1e9) {
      throw new RangeError(`timestamp nanoseconds must be an integer in 0..999999999, got ${nsec}`);
    }
    const k = this.exp;
    let h = Math.floor(sec / P32);
    let l = sec - h * P32;
    let fh = 0;
    let fl = 0;
    let ok = true;
    if (!this.pow2) {
      for (let e = k; e > 0 && ok; ) {
        const s = e > 6 ? 6 : e;
        ok = mul64(h, l, POW10[s]);
        h = q.hi;
        l = q.lo;
        e -= s;
      }
      if (k <= 9) {
        fl = Math.floor(nsec / POW10[9 - k]);
      } else {
        fl = nsec;
        for (let e = k - 9; e > 0 && ok; ) {
          const s = e > 6 ? 6 : e;
          ok = mul64(fh, fl, POW10[s]);
          fh = q.hi;
          fl = q.lo;
          e -= s;
        }
      }
    } else {
      for (let e = k; e > 0 && ok; ) {
        const s = e > 20 ? 20 : e;
        ok = mul64(h, l, POW2[s]);
        h = q.hi;
        l = q.lo;
        e -= s;
      }
      if (k <= 23) {
        fl = Math.floor((nsec * POW2[k]) / 1e9); // nsec·2^k < 2^53
      } else {
        // floor(nsec · 2^(k-9) / 1953125), shifting at most 20 bits at a time so nothing overflows early
        const d = 1953125;
        fl = Math.floor(nsec / d);
        let rem = nsec - fl * d;
        for (let e = k - 9; e > 0 && ok; ) {
          const s = e > 20 ? 20 : e;
          ok = mul64(fh, fl, POW2[s]);
          const x = rem * POW2[s]; // < 2^41
          const qd = Math.floor(x / d);
          rem = x - qd * d;
          ok = ok && add64(q.hi, q.lo, 0, qd);
          fh = q.hi;
          fl = q.lo;
          e -= s;
        }
      }
    }
    if (!ok || !add64(h, l, fh, fl)) {
      throw new RangeError(`timestamp ${sec}.${String(nsec).padStart(9, '0')} does not fit 64 bits at if_tsresol ${this.raw}`);
    }
    this.hi = q.hi;
    this.lo = q.lo;
  }
}

const CACHE: (TsResolution | undefined)[] = [];

/** A shared converter for an if_tsresol byte (one instance per value; outputs are scratch fields). */
export function tsResolution(raw: number): TsResolution {
  let r = CACHE[raw];
  if (r === undefined) {
    r = new TsResolution(raw);
    CACHE[raw] = r;
  }
  return r;
}
