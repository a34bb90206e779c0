import { Command } from 'commander';
import type { ServiceAccount } from '../../domain/service-accounts/service-account.ts';
import { type ApiOptions, apiClient, type CliContext, positiveInt, withApiOptions } from '../context.ts';
import { printJsonOr, table, visible } from '../output.ts';

type Opts = ApiOptions & Record<string, string | boolean | string[] | undefined>;

/** An account as the API shows it: the tenant is the caller's. */
type AccountView = Omit<ServiceAccount, 'tenantId'>;

interface IssuedView extends AccountView {
  clientSecret: string;
  tokenUrl: string;
}

const path = (id: string) => `/v1/service-accounts/${encodeURIComponent(id)}`;

/** Prints an account with its secret: the secret is shown this once, with a warning on stderr. */
function printIssued(ctx: CliContext, options: Opts, view: IssuedView, verb: string): void {
  ctx.output.err(
    'WARNING: the client secret is shown this once and cannot be read again; store it in your secret manager now.',
  );
  printJsonOr(ctx.output, options.json, view, (view) =>
    [
      `${verb} service account ${visible(view.name)} (${view.id})`,
      `roles:         ${view.roles.join(' ')}`,
      `client id:     ${view.clientId}`,
      `client secret: ${view.clientSecret}`,
      `token url:     ${view.tokenUrl}`,
    ].join('\n'),
  );
}

function printAccount(ctx: CliContext, options: Opts, view: AccountView): void {
  printJsonOr(ctx.output, options.json, view, (view) =>
    [
      `service account ${visible(view.name)} (${view.id})`,
      `roles:      ${view.roles.join(' ')}`,
      `client id:  ${view.clientId}`,
      `created:    ${view.createdAt} by ${visible(view.createdBy)} (${visible(view.reason)})`,
      ...(view.rotatedAt ? [`rotated:    ${view.rotatedAt}`] : []),
    ].join('\n'),
  );
}

/**
 * `plumb service-accounts create|list|show|rotate|delete` (issue 15):
 * machine identities of the tenant (admin). `create` and `rotate` print the
 * client secret once, with a warning.
 */
export function serviceAccountsCommand(ctx: CliContext): Command {
  const accounts = new Command('service-accounts').description(
    'machine identities (OAuth client credentials) that read settings and secrets (admin)',
  );

  withApiOptions(accounts.command('create'))
    .description('create a service account; its client secret is printed once')
    .argument('<name>', 'a name: lowercase letters, digits and dashes')
    .requiredOption(
      '--role <role[:env]>',
      'a role binding, e.g. viewer:prod or secret-reader:prod (repeat the flag; never admin or approver)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .requiredOption('--reason <reason>', 'why the machine needs it')
    .action(async (name: string, options: Opts) => {
      const res = await apiClient(ctx, options).request('POST', '/v1/service-accounts', {
        body: { name, roles: options.role, reason: options.reason },
      });
      printIssued(ctx, options, res.body as IssuedView, 'created');
    });

  withApiOptions(accounts.command('list'))
    .description('list the service accounts (never their secrets)')
    .option('--limit <n>', 'accounts per page (1-100)')
    .option('--cursor <cursor>', 'the nextCursor of the previous page')
    .action(async (options: Opts) => {
      const limit = positiveInt('--limit', options.limit as string | undefined);
      const query = new URLSearchParams({
        ...(limit === undefined ? {} : { limit: String(limit) }),
        ...(typeof options.cursor === 'string' ? { cursor: options.cursor } : {}),
      }).toString();
      const res = await apiClient(ctx, options).request(
        'GET',
        `/v1/service-accounts${query ? `?${query}` : ''}`,
      );
      const page = res.body as { items: AccountView[]; nextCursor: string | null };
      if (options.json) {
        ctx.output.out(JSON.stringify(page, null, 2));
        return;
      }
      ctx.output.out(
        table(
          ['ID', 'NAME', 'CLIENT ID', 'ROLES', 'CREATED'],
          page.items.map((a) => [a.id, a.name, a.clientId, a.roles.join(' '), a.createdAt]),
        ),
      );
      if (page.nextCursor) ctx.output.out(`more: --cursor ${page.nextCursor}`);
    });

  withApiOptions(accounts.command('show'))
    .description('show a service account (never its secret)')
    .argument('<id>', 'the account id')
    .action(async (id: string, options: Opts) => {
      const res = await apiClient(ctx, options).request('GET', path(id));
      printAccount(ctx, options, res.body as AccountView);
    });

  withApiOptions(accounts.command('rotate'))
    .description('replace the client secret (printed once); the old one stops working at once')
    .argument('<id>', 'the account id')
    .action(async (id: string, options: Opts) => {
      const res = await apiClient(ctx, options).request('POST', `${path(id)}/rotate`);
      printIssued(ctx, options, res.body as IssuedView, 'rotated');
    });

  withApiOptions(accounts.command('delete'))
    .description('delete a service account: its secret stops working at once')
    .argument('<id>', 'the account id')
    .requiredOption('--reason <reason>', 'why you delete it')
    .action(async (id: string, options: Opts) => {
      await apiClient(ctx, options).request('DELETE', path(id), {
        headers: { 'plumbline-reason': options.reason as string },
      });
      ctx.output.out(`deleted service account ${id}`);
    });

  return accounts;
}
