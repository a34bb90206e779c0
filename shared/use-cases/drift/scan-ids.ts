import { randomBytes } from 'node:crypto';

/**
 * A new scan id that sorts by time: `s` + the time in base 36 (fixed width)
 * + 8 random hex characters (`s0lz4k3m2x9f3a1b2c3`).
 */
export function newScanId(now: Date): string {
  return `s${now.getTime().toString(36).padStart(9, '0')}${randomBytes(4).toString('hex')}`;
}
