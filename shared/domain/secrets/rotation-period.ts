import type { Criticality } from './secret-model.ts';

/** Default rotation periods in days, by criticality (PRODUCT.md section 5). */
export const DEFAULT_ROTATION_DAYS: Readonly<Record<Criticality, number>> = {
  critical: 30,
  standard: 90,
  low: 365,
};

/** The `secrets` member of an environment policy: periods it shortens. */
export interface SecretsPolicy {
  rotationDays?: Partial<Record<Criticality, number>>;
}

/**
 * The rotation period of a criticality in an environment: the default, or
 * the policy's value when it is shorter (a policy can only shorten it).
 *
 * @example rotationDays('critical', { rotationDays: { critical: 14 } }) // 14
 */
export function rotationDays(criticality: Criticality, policy: SecretsPolicy | undefined): number {
  const fallback = DEFAULT_ROTATION_DAYS[criticality];
  const fromPolicy = policy?.rotationDays?.[criticality];
  return fromPolicy !== undefined && fromPolicy > 0 ? Math.min(fallback, fromPolicy) : fallback;
}

/** When a version written at `rotatedAt` is due for rotation. */
export function rotationDueAt(rotatedAt: string, days: number): string {
  return new Date(Date.parse(rotatedAt) + days * 86_400_000).toISOString();
}
