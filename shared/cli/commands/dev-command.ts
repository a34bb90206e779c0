import { Command } from 'commander';
import { parseRoleBinding, ROLES } from '../../domain/rbac.ts';
import { MAX_DEV_TOKEN_TTL_SECONDS } from '../../http/local-dev-token-route.ts';
import { ApiError } from '../api-client.ts';
import { apiClient, type CliContext } from '../context.ts';
import { UsageError } from '../exit-codes.ts';

const TTL_UNITS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** A number of seconds as the largest whole unit `--ttl` takes: 2592000 -> `30d`. */
function ttlText(seconds: number): string {
  const unit = (['d', 'h', 'm', 's'] as const).find((u) => seconds % TTL_UNITS[u] === 0) ?? 's';
  return `${seconds / TTL_UNITS[unit]}${unit}`;
}

/**
 * Parses `90s`, `15m`, `1h`, `7d` into seconds; refuses (usage error) a
 * lifetime over the longest the local runtime signs (30d).
 */
export function parseTtl(text: string): number {
  const match = /^([1-9][0-9]*)([smhd])$/.exec(text);
  if (!match) throw new UsageError('--ttl is a number with s, m, h or d (e.g. 1h)');
  const seconds = Number(match[1]) * TTL_UNITS[match[2] as keyof typeof TTL_UNITS];
  if (seconds > MAX_DEV_TOKEN_TTL_SECONDS)
    throw new UsageError(
      `--ttl ${text} is too long: a dev token lives at most ${ttlText(MAX_DEV_TOKEN_TTL_SECONDS)}`,
    );
  return seconds;
}

/**
 * Splits `--roles` and refuses (usage error) every entry that is not a
 * role, optionally `role:env`, naming the roles the server accepts.
 */
export function parseRoles(text: string): string[] {
  const roles = text
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  const bad = roles.filter((r) => parseRoleBinding(r) === undefined);
  if (bad.length > 0)
    throw new UsageError(
      `--roles: ${bad.map((r) => `'${r}'`).join(', ')} ${bad.length > 1 ? 'are not roles' : 'is not a role'}; each is one of ${ROLES.join(', ')}, optionally limited to an environment as role:env (editor:dev)`,
    );
  return roles;
}

/** The route of the local runtime that signs dev tokens (loopback clients only). */
const DEV_TOKEN_PATH = '/local/dev/token';

interface DevTokenOptions {
  tenant: string;
  user: string;
  roles: string;
  ttl: string;
  url?: string;
  email?: string;
}

/**
 * `plumb dev token`: asks the running local runtime (`--url`, env
 * PLUMBLINE_URL) for a token signed with its own key, so the token always
 * matches the server it will be used with. Fails with a clear message when
 * no local runtime answers there.
 */
export function devCommand(ctx: CliContext): Command {
  const dev = new Command('dev').description('local development helpers (embedded runtime only)');
  dev
    .command('token')
    .description('print a bearer token signed by the running local runtime (npm start)')
    .requiredOption('--tenant <tenant>', 'tenant id (the tenant_id claim)')
    .requiredOption('--user <user>', 'user id (the sub claim)')
    .option(
      '--roles <roles>',
      `comma-separated roles, each optionally role:env (${ROLES.join(', ')})`,
      'viewer',
    )
    .option('--ttl <ttl>', `lifetime, e.g. 15m, 1h, 7d (at most ${ttlText(MAX_DEV_TOKEN_TTL_SECONDS)})`, '1h')
    .option('--email <email>', 'the email claim: where the outcome of your change requests is sent')
    .option('--url <url>', 'the local runtime (env PLUMBLINE_URL, default http://127.0.0.1:8787)')
    .action(async (options: DevTokenOptions) => {
      const ttlSeconds = parseTtl(options.ttl);
      const roles = parseRoles(options.roles);
      // No bearer token: the route signs tokens, it does not need one (and PLUMBLINE_TOKEN may be stale).
      const client = apiClient(ctx, {
        ...(options.url === undefined ? {} : { url: options.url }),
        token: '',
      });
      const where = new URL(DEV_TOKEN_PATH, options.url ?? ctx.env.PLUMBLINE_URL ?? 'http://127.0.0.1:8787');
      const response = await client
        .request('POST', DEV_TOKEN_PATH, {
          body: {
            tenantId: options.tenant,
            userId: options.user,
            roles,
            ttlSeconds,
            ...(options.email === undefined ? {} : { email: options.email }),
          },
        })
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.status !== 404 && error.status !== 405) throw error;
          throw new Error(
            error instanceof ApiError
              ? `${where.origin} is not a Plumbline local runtime (it has no ${DEV_TOKEN_PATH}): dev tokens come from \`npm start\`; point --url or PLUMBLINE_URL at it.`
              : `No Plumbline local runtime answers at ${where.origin}: start one with \`npm start\` (it signs dev tokens with its own key), or point --url or PLUMBLINE_URL at the one running.`,
          );
        });
      const token = (response.body as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string') throw new Error(`${where.origin} answered without a token`);
      ctx.output.out(token);
    });
  return dev;
}
