/** The time source; tests pass a fixed one. */
export interface Clock {
  /** Now, as a Date. */
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };
