import { join } from 'node:path';
import type { LeafOrigin, SettingsSource, SourceReading } from '../settings-source.ts';
import { fetchWithRetry } from './fetch-with-retry.ts';
import { type CachedEffective, lastKnownGoodFile } from './last-known-good-file.ts';
import type { PlumblineOptions } from './plumbline-options.ts';
import { stripSecrets } from './strip-secrets.ts';
import { tokenProvider } from './token-provider.ts';

/** Plumbline cannot be reached (network error, timeout, 429 or 5xx after the retries). */
class Unreachable extends Error {}

/**
 * The effective settings of `{env, service, instance?}` from Plumbline
 * (`GET /v1/effective/...?explain=true`), with the layer and version of
 * every leaf. Once loaded, `poll()` sends `If-None-Match` and a 304 costs
 * no content bytes. A good answer is written (by `commit`, only after the
 * settings validated) to the last-known-good file, secrets left out unless
 * `cacheSecrets` (then the file is encrypted). When Plumbline is
 * unreachable the file is used if it is at most `maxStaleSeconds` old, and
 * refused beyond. `isSecret(path)` tells which leaves are secret.
 *
 * @example plumblineSource({ url, env: 'prod', service: 'api', auth: { token } }, isSecret)
 */
export function plumblineSource(
  options: PlumblineOptions,
  isSecret: (path: string) => boolean,
): SettingsSource {
  const fetchFn = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const tokens = tokenProvider(options.auth, fetchFn, now);
  const target = `envs/${options.env}/services/${options.service}${options.instance ? `/instances/${options.instance}` : ''}`;
  const url = `${options.url.replace(/\/+$/, '')}/v1/effective/${target.split('/').map(encodeURIComponent).join('/')}?explain=true`;
  const name = `plumbline ${target}`;
  const cacheFile =
    options.cacheFile ??
    join(
      '.plumbline-cache',
      `${[options.env, options.service, options.instance].filter(Boolean).join('.')}.json`,
    );
  const keyName = options.cacheKeyEnv ?? 'PLUMBLINE_CACHE_KEY';
  const maxStaleMs = (options.maxStaleSeconds ?? 86_400) * 1000;
  const policy = {
    timeoutMs: options.timeoutMs ?? 5000,
    retries: options.retries ?? 2,
    backoffMs: options.backoffMs ?? 200,
  };
  let etag: string | undefined;

  const issue = (message: string): SourceReading => ({
    values: {},
    issues: [{ path: '', message, source: name }],
  });

  const request = async (ifNoneMatch: string | undefined): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${await tokens.get()}`,
        accept: 'application/json',
      };
      if (ifNoneMatch) headers['if-none-match'] = ifNoneMatch;
      let response: Response;
      try {
        response = await fetchWithRetry(fetchFn, url, { headers }, policy);
      } catch (error) {
        throw new Unreachable((error as Error).message);
      }
      if (response.status === 401 && attempt === 0 && !('token' in options.auth)) {
        await response.body?.cancel();
        tokens.invalidate();
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel();
        throw new Unreachable(`Plumbline answered ${response.status}`);
      }
      return response;
    }
  };

  const fromAnswer = (answer: CachedEffective, detail?: string): SourceReading => {
    const origins: Record<string, LeafOrigin> = {};
    for (const [pointer, provenance] of Object.entries(answer.explain)) {
      const path = pointer.split('/').slice(1).map(unescapePointer).join('.');
      const layer = provenance.profile
        ? `${provenance.scope} (profile ${provenance.profile})`
        : provenance.scope;
      origins[path] = { detail: detail ? `${layer} (${detail})` : layer, version: provenance.version };
    }
    markSecretReferences(answer.content, '', origins);
    return { values: structuredClone(answer.content), origins };
  };

  const fetchAnswer = async (ifNoneMatch: string | undefined): Promise<SourceReading | undefined> => {
    const response = await request(ifNoneMatch);
    if (response.status === 304) return undefined;
    if (!response.ok) {
      const problem = (await response.json().catch(() => ({}))) as { detail?: string };
      return issue(`Plumbline answered ${response.status}${problem.detail ? `: ${problem.detail}` : ''}`);
    }
    const body = (await response.json()) as {
      content: Record<string, unknown>;
      explain?: CachedEffective['explain'];
    };
    const answer: CachedEffective = {
      fetchedAt: now(),
      etag: response.headers.get('etag') ?? undefined,
      content: body.content,
      explain: body.explain ?? {},
    };
    etag = answer.etag;
    const reading = fromAnswer(answer);
    return {
      ...reading,
      commit: async () => {
        const key = options.cacheSecrets ? process.env[keyName] : undefined;
        const kept = options.cacheSecrets
          ? answer
          : { ...answer, content: stripSecrets(answer.content, isSecret) };
        await lastKnownGoodFile(cacheFile, key).write(kept);
      },
    };
  };

  return {
    name: 'plumbline',
    pollSeconds: options.pollSeconds ?? 30,
    read: async () => {
      if (options.cacheSecrets && !process.env[keyName]) {
        return issue(`cacheSecrets needs a 32-byte base64 key in the environment variable ${keyName}`);
      }
      try {
        return (await fetchAnswer(undefined)) as SourceReading;
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
        let cached: CachedEffective | undefined;
        try {
          cached = await lastKnownGoodFile(
            cacheFile,
            options.cacheSecrets ? process.env[keyName] : undefined,
          ).read();
        } catch (cacheError) {
          return issue(
            `Plumbline is unreachable (${error.message}) and ${cacheFile} cannot be read: ${(cacheError as Error).message}`,
          );
        }
        if (!cached)
          return issue(
            `Plumbline is unreachable (${error.message}) and there is no last-known-good file ${cacheFile}`,
          );
        const ageSeconds = Math.round((now() - cached.fetchedAt) / 1000);
        if (now() - cached.fetchedAt > maxStaleMs) {
          return issue(
            `Plumbline is unreachable (${error.message}) and the last-known-good file is ${ageSeconds} s old, beyond maxStaleSeconds ${maxStaleMs / 1000}`,
          );
        }
        etag = cached.etag;
        return fromAnswer(cached, `last-known-good, ${ageSeconds} s old`);
      }
    },
    poll: async () => {
      try {
        return await fetchAnswer(etag);
      } catch (error) {
        if (error instanceof Unreachable) throw new Error(`Plumbline is unreachable: ${error.message}`);
        throw error;
      }
    },
  };
}

function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Leaves that are unresolved `{"$secret": name}` references are secret (and say so). */
function markSecretReferences(value: unknown, path: string, origins: Record<string, LeafOrigin>): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const ref = (value as Record<string, unknown>).$secret;
  if (typeof ref === 'string' && Object.keys(value).length === 1) {
    origins[path] = { ...(origins[path] ?? { detail: 'plumbline' }), secret: true };
    for (const known of Object.keys(origins)) {
      if (known.startsWith(`${path}.`)) delete origins[known];
    }
    return;
  }
  for (const [key, child] of Object.entries(value))
    markSecretReferences(child, path ? `${path}.${key}` : key, origins);
}
