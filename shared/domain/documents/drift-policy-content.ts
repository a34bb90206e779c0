import * as v from 'valibot';
import { isDriftPointer } from '../drift/drift-pointers.ts';
import { DRIFT_CATEGORIES, DRIFT_RULE_IDS } from '../drift/drift-rules.ts';

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$/;
/** The characters of a Kubernetes label selector (`app=web,tier in (a,b),!legacy`); the API server parses it. */
const LABEL_SELECTOR = /^[A-Za-z0-9._/=!,() -]{1,1024}$/;

const Namespace = v.pipe(v.string(), v.regex(DNS_LABEL, 'must be a Kubernetes namespace name (DNS label)'));
const SEVERITY_KEYS: ReadonlySet<string> = new Set([...DRIFT_RULE_IDS, ...DRIFT_CATEGORIES]);

/** Where a service's workload is: a Deployment or StatefulSet and, optionally, which container. */
export const WorkloadMappingSchema = v.strictObject({
  namespace: Namespace,
  kind: v.picklist(['Deployment', 'StatefulSet'], 'kind must be Deployment or StatefulSet'),
  name: v.pipe(v.string(), v.regex(DNS_SUBDOMAIN, 'must be a Kubernetes object name (DNS subdomain)')),
  container: v.optional(v.pipe(v.string(), v.regex(DNS_LABEL, 'must be a container name (DNS label)'))),
});

/**
 * The content of a drift policy (collection `drift-policies`, key
 * `envs/<env>`): what to watch, how services map to Kubernetes objects, the
 * tolerances (`default` or a settings pointer → a fraction in [0, 10]) and
 * severity overrides (a rule id or a category → a severity). Unknown keys,
 * bad pointers and out-of-range tolerances are violations.
 */
export const DriftPolicyContentSchema = v.strictObject({
  watch: v.strictObject({
    namespaces: v.pipe(v.array(Namespace), v.minLength(1, 'watch at least one namespace'), v.maxLength(50)),
    labelSelector: v.optional(
      v.pipe(
        v.string(),
        v.regex(LABEL_SELECTOR, 'must be a Kubernetes label selector such as drift-monitoring=enabled'),
      ),
    ),
  }),
  workloads: v.optional(
    v.pipe(
      v.record(v.pipe(v.string(), v.minLength(1), v.maxLength(200)), WorkloadMappingSchema),
      v.check((map) => Object.keys(map).length <= 2000, 'at most 2000 workload mappings'),
    ),
  ),
  tolerances: v.optional(
    v.record(
      v.pipe(
        v.string(),
        v.check(
          (key) => key === 'default' || isDriftPointer(key),
          'must be default or a pointer to a workload key such as /resources/requests/cpu, /image or /hpa/maxReplicas',
        ),
      ),
      v.pipe(
        v.number('a tolerance is a number'),
        v.minValue(0, 'a tolerance is at least 0'),
        v.maxValue(10, 'a tolerance is at most 10'),
      ),
    ),
  ),
  severity: v.optional(
    v.record(
      v.pipe(
        v.string(),
        v.check((key) => SEVERITY_KEYS.has(key), 'must be a drift rule id or a category (see docs/drift.md)'),
      ),
      v.picklist(['low', 'medium', 'high', 'critical'], 'must be low, medium, high or critical'),
    ),
  ),
});

/** A drift policy as stored and as the engine reads it. */
export type DriftPolicy = v.InferOutput<typeof DriftPolicyContentSchema>;
