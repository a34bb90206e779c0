import * as v from 'valibot';

const Quantity = v.union([v.string(), v.number()], 'a Kubernetes quantity such as 100m, 2, 512Mi or 1Gi');
const QuantityBounds = v.strictObject({ min: v.optional(Quantity), max: v.optional(Quantity) });
const NumberBounds = v.strictObject({ min: v.optional(v.number()), max: v.optional(v.number()) });
const Days = v.pipe(v.number(), v.integer('must be a whole number of days'), v.minValue(1), v.maxValue(365));
const Prefixes = v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(300))), v.maxLength(100));

/**
 * The content of an environment policy (collection `policies`, key
 * `envs/<env>`): its shape. Quantities and bound order are checked by
 * `checkPolicyDocument`.
 */
export const PolicyContentSchema = v.strictObject({
  allowedRegistries: v.optional(Prefixes),
  requiredLabels: v.optional(Prefixes),
  resources: v.optional(
    v.strictObject({
      cpu: v.optional(QuantityBounds),
      memory: v.optional(QuantityBounds),
      gpu: v.optional(NumberBounds),
    }),
  ),
  hpa: v.optional(
    v.strictObject({
      targetAverageUtilization: v.optional(NumberBounds),
      tolerance: v.optional(NumberBounds),
    }),
  ),
  // Secrets (issue 13): rotation periods in days by criticality; a policy can only shorten the defaults.
  secrets: v.optional(
    v.strictObject({
      rotationDays: v.optional(
        v.strictObject({ critical: v.optional(Days), standard: v.optional(Days), low: v.optional(Days) }),
      ),
    }),
  ),
});
