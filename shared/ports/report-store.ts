/**
 * Where scan reports (JSON, HTML, SARIF) and pushed observations are kept:
 * the reports bucket on AWS, an in-process S3 server (s3rver) locally, both
 * through the same S3 adapter. Keys start with the tenant id
 * (`<tenant>/<env>/<cluster>/<scanId>.json`), so a key of one tenant never
 * names another's object.
 */
export interface ReportStore {
  /** Stores (or replaces) one object. */
  put(key: string, body: string, contentType: string): Promise<void>;
  /** The object's text, or `null` when there is none. */
  get(key: string): Promise<string | null>;
  /** Removes an object (absent is fine). */
  delete(key: string): Promise<void>;
}

/** The keys of one scan's report files: `<tenant>/<env>/<cluster>/<scanId>.{json,html,sarif}`. */
export function reportKeys(
  tenantId: string,
  env: string,
  clusterId: string,
  scanId: string,
): { json: string; html: string; sarif: string } {
  const base = `${tenantId}/${env}/${clusterId}/${scanId}`;
  return { json: `${base}.json`, html: `${base}.html`, sarif: `${base}.sarif` };
}

/** The key of a push cluster's latest observation: `<tenant>/observations/<cluster>/latest.json`. */
export function observationKey(tenantId: string, clusterId: string): string {
  return `${tenantId}/observations/${clusterId}/latest.json`;
}
