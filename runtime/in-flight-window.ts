/**
 * The in-band window of a session. With out-of-band negotiated, QEMU stops reading its
 * socket once 9 or more in-band commands wait, which would also hold back `exec-oob`; so at
 * most `maxInFlight` in-band commands are written before their replies, and the rest wait
 * here in order. It also remembers written commands the caller stopped waiting for: their
 * ids stay reserved, and their window slots taken, until QEMU's reply comes.
 * @module
 */

/** A command as the window sees it. */
export interface WindowEntry {
  readonly id: number | string;
  readonly inBand: boolean;
}

/** @internal */
export class InFlightWindow<T extends WindowEntry> {
  // In-band commands held back while the window is full.
  private readonly held: T[] = [];
  private inBandInFlight = 0;
  // Written commands we stopped waiting for (timeout/abort), with whether they take a slot.
  private readonly abandoned = new Map<number | string, boolean>();

  constructor(
    private readonly maxInFlight: number,
    /** Puts an entry on the wire. */
    private readonly write: (entry: T) => void,
  ) {}

  /** Writes `entry` now, or holds it back when `limited` (oob negotiated) and the window is full. */
  submit(entry: T, limited: boolean): void {
    if (limited && entry.inBand && this.inBandInFlight >= this.maxInFlight) this.held.push(entry);
    else this.write(entry);
  }

  /** Records that `entry` was written (call from `write`). */
  written(entry: T): void {
    if (entry.inBand) this.inBandInFlight++;
  }

  /** The reply to a written entry came (or it was never sent after all): frees its slot. */
  answered(entry: T): void {
    if (entry.inBand) this.release();
  }

  /** Takes a held (never written) entry out; false when it is not held. */
  unhold(entry: T): boolean {
    const at = this.held.indexOf(entry);
    if (at === -1) return false;
    this.held.splice(at, 1);
    return true;
  }

  /** The caller stopped waiting for a written entry; its reply is still owed. */
  abandon(entry: T): void {
    this.abandoned.set(entry.id, entry.inBand);
  }

  /** True while a reply to an abandoned entry with this id is owed. */
  owes(id: number | string): boolean {
    return this.abandoned.has(id);
  }

  /** The owed reply to an abandoned id came (or will never come): frees the id and its slot. False if not abandoned. */
  settleAbandoned(id: number | string): boolean {
    const slot = this.abandoned.get(id);
    if (slot === undefined) return false;
    this.abandoned.delete(id);
    if (slot) this.release();
    return true;
  }

  /** Forgets everything (the session ended). */
  clear(): void {
    this.held.length = 0;
    this.abandoned.clear();
    this.inBandInFlight = 0;
  }

  private release(): void {
    this.inBandInFlight--;
    const next = this.held.shift();
    if (next !== undefined) this.write(next);
  }
}
