/** Shortest approval timeout accepted (Step Functions' TimeoutSecondsPath needs at least 1 s). */
export const MIN_APPROVAL_TIMEOUT_SECONDS = 1;
/** Longest approval timeout accepted: 30 days. */
export const MAX_APPROVAL_TIMEOUT_SECONDS = 30 * 24 * 3600;

const DURATION = /^P(?:(\d{1,4})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$/;

/**
 * Parses the ISO 8601 durations an approval timeout is written in
 * (`PT24H`, `P2D`, `PT30M`, `P1DT12H`, `PT5S`) into seconds; `undefined`
 * for anything else (years, months, weeks, fractions, an empty `P`/`PT`).
 *
 * @example parseIsoDuration('PT24H') // 86400
 */
export function parseIsoDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, d, h, m, s] = match;
  if (d === undefined && h === undefined && m === undefined && s === undefined) return undefined;
  return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}
