import { Command } from 'commander';
import { LocalTokenAuthority } from '../../adapters/local/local-token-authority.ts';
import type { CliContext } from '../context.ts';
import { UsageError } from '../exit-codes.ts';

/** Parses `90s`, `15m`, `1h`, `7d` into seconds. */
export function parseTtl(text: string): number {
  const match = /^([1-9][0-9]*)([smhd])$/.exec(text);
  if (!match) throw new UsageError('--ttl is a number with s, m, h or d (e.g. 1h)');
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** `plumb dev token`: tokens signed with the local runtime's key (local data dir only). */
export function devCommand(ctx: CliContext): Command {
  const dev = new Command('dev').description('local development helpers (embedded runtime only)');
  dev
    .command('token')
    .description('print a bearer token signed with the local runtime key')
    .requiredOption('--tenant <tenant>', 'tenant id (the tenant_id claim)')
    .requiredOption('--user <user>', 'user id (the sub claim)')
    .option(
      '--roles <roles>',
      'comma-separated roles, each optionally role:env (viewer, editor, approver, admin, auditor)',
      'viewer',
    )
    .option('--ttl <ttl>', 'lifetime, e.g. 15m, 1h, 7d', '1h')
    .option('--data-dir <dir>', 'local data directory (env PLUMBLINE_DATA_DIR, default ./.plumbline)')
    .action(
      async (options: { tenant: string; user: string; roles: string; ttl: string; dataDir?: string }) => {
        const authority = await LocalTokenAuthority.open(
          options.dataDir ?? ctx.env.PLUMBLINE_DATA_DIR ?? '.plumbline',
        );
        const roles = options.roles
          .split(',')
          .map((r) => r.trim())
          .filter((r) => r.length > 0);
        const token = await authority.issue({
          tenantId: options.tenant,
          userId: options.user,
          roles,
          ttlSeconds: parseTtl(options.ttl),
        });
        ctx.output.out(token);
      },
    );
  return dev;
}
