import { Command } from 'commander';
import { ApiError } from '../api-client.ts';
import { type ApiOptions, apiClient, type CliContext, positiveInt, withApiOptions } from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { table, visible, yaml } from '../output.ts';

/** A change request as the API returns it (the fields the CLI shows). */
interface ChangeRequestView {
  id: string;
  env: string;
  status: string;
  target: { collection: string; key: string };
  baseVersion: number | null;
  proposed: unknown;
  patch: { op: string; path: string; value?: unknown }[];
  reason: string;
  ticket: string | null;
  requester: string;
  createdAt: string;
  expiresAt: string;
  requiredApprovals: number;
  receivedApprovals: number;
  approvers: { user: string }[];
  appliedVersion: number | null;
  history: { at: string; actor: string; action: string; comment?: string; detail?: string }[];
}

type Opts = ApiOptions & Record<string, string | boolean | undefined>;

const PROTECTED_BY_DEFAULT = ['prod', 'production'];

/**
 * `--confirm <env>` for writes to a protected environment: asks the API
 * whether `env` is protected and refuses (usage error, exit 1) unless the
 * flag names it. When the API cannot tell (no permission to read
 * environments), `prod` and `production` count as protected.
 *
 * @example await ensureConfirmed(ctx, options, 'prod');
 */
export async function ensureConfirmed(
  ctx: CliContext,
  options: Opts,
  env: string | undefined,
): Promise<void> {
  if (env === undefined) return;
  let isProtected: boolean;
  try {
    const res = await apiClient(ctx, options).request('GET', `/v1/environments/${encodeURIComponent(env)}`);
    isProtected = (res.body as { protected?: boolean }).protected === true;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500 || error.status === 401) throw error;
    isProtected = PROTECTED_BY_DEFAULT.includes(env);
  }
  if (isProtected && options.confirm !== env) {
    throw new UsageError(
      `Environment '${env}' is protected: a write there becomes a change request that approvers must decide. Add --confirm ${env} to go ahead.`,
    );
  }
}

/** Prints a 202 answer: the change request created instead of a write, and how to follow it. */
export function printAccepted(ctx: CliContext, options: Opts, body: unknown): void {
  const request = body as ChangeRequestView;
  if (options.json) {
    ctx.output.out(JSON.stringify(request, null, 2));
    return;
  }
  const approvers = request.approvers
    .map((a) => a.user)
    .filter((u) => u !== request.requester)
    .map(visible);
  ctx.output.out(
    [
      `Environment ${request.env} is protected: nothing was written yet.`,
      `Change request ${request.id} is ${request.status}: it needs ${request.requiredApprovals} approval(s) from ${approvers.join(', ')} (expires ${request.expiresAt}).`,
      `  ${request.patch.length} change(s) to ${request.target.collection} ${visible(request.target.key)} from version ${request.baseVersion ?? 'none'}`,
      '',
      `Follow it:   plumb requests show ${request.id}`,
      `Withdraw it: plumb requests withdraw ${request.id}`,
    ].join('\n'),
  );
}

function printRequest(ctx: CliContext, options: Opts, request: ChangeRequestView, verb?: string): void {
  if (options.json) {
    ctx.output.out(JSON.stringify(request, null, 2));
    return;
  }
  ctx.output.out(
    [
      `${verb ? `${verb}: ` : ''}change request ${request.id}`,
      `status:     ${request.status}${request.appliedVersion ? ` (version ${request.appliedVersion})` : ''}`,
      `target:     ${request.target.collection} ${visible(request.target.key)} in ${request.env} (base version ${request.baseVersion ?? 'none'})`,
      `requester:  ${visible(request.requester)}`,
      `reason:     ${visible(request.reason)}`,
      ...(request.ticket ? [`ticket:     ${visible(request.ticket)}`] : []),
      `approvals:  ${request.receivedApprovals} of ${request.requiredApprovals} (approvers: ${request.approvers.map((a) => visible(a.user)).join(', ')})`,
      `expires:    ${request.expiresAt}`,
      '',
      'diff:',
      table(
        ['OP', 'PATH', 'VALUE'],
        request.patch.map((op) => [op.op, op.path, op.value === undefined ? '' : JSON.stringify(op.value)]),
      ),
      '',
      'history:',
      table(
        ['AT', 'ACTOR', 'ACTION', 'COMMENT'],
        request.history.map((h) => [h.at, h.actor, h.action, h.comment ?? h.detail ?? '']),
      ),
      ...(verb ? [] : ['', 'proposed content:', yaml(request.proposed)]),
    ].join('\n'),
  );
}

const ID = /^cr-[0-9a-z]{9}-[0-9a-f]{8,32}$/;

function requestId(id: string): string {
  if (!ID.test(id)) throw new UsageError(`'${id}' is not a change request id (cr-...)`);
  return id;
}

/** `plumb requests list|show|approve|reject|withdraw`. */
export function requestsCommand(ctx: CliContext): Command {
  const requests = new Command('requests').description(
    'change requests: writes to protected environments waiting for approval',
  );

  withApiOptions(requests.command('list'))
    .description('list change requests, newest first')
    .option(
      '--status <status>',
      'pending, approved, applied, rejected, expired, conflicted, withdrawn or failed',
    )
    .option('--env <env>', 'only this environment')
    .option('--limit <n>', 'page size', '20')
    .option('--all', 'follow every page')
    .action(async (options: Opts) => {
      const limit = positiveInt('--limit', options.limit as string) ?? 20;
      const items: ChangeRequestView[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ limit: String(limit) });
        if (typeof options.status === 'string') query.set('status', options.status);
        if (typeof options.env === 'string') query.set('env', options.env);
        if (cursor) query.set('cursor', cursor);
        const res = await apiClient(ctx, options).request('GET', `/v1/change-requests?${query}`);
        const page = res.body as { items: ChangeRequestView[]; nextCursor: string | null };
        items.push(...page.items);
        cursor = options.all ? page.nextCursor : null;
      } while (cursor);
      if (options.json) {
        ctx.output.out(JSON.stringify(items, null, 2));
        return;
      }
      ctx.output.out(
        table(
          ['ID', 'STATUS', 'ENV', 'TARGET', 'REQUESTER', 'APPROVALS', 'CREATED', 'REASON'],
          items.map((r) => [
            r.id,
            r.status,
            r.env,
            `${r.target.collection} ${r.target.key}`,
            r.requester,
            `${r.receivedApprovals}/${r.requiredApprovals}`,
            r.createdAt,
            r.reason,
          ]),
        ),
      );
    });

  withApiOptions(requests.command('show'))
    .description('show a change request: diff, approvals, status and history')
    .argument('<id>', 'change request id')
    .action(async (id: string, options: Opts) => {
      const res = await apiClient(ctx, options).request('GET', `/v1/change-requests/${requestId(id)}`);
      printRequest(ctx, options, res.body as ChangeRequestView);
    });

  for (const [name, verb, description] of [
    [
      'approve',
      'approved',
      'approve a pending change request (you must be a listed approver with the approver role)',
    ],
    ['reject', 'rejected', 'reject a pending change request; it closes at once'],
    ['withdraw', 'withdrawn', 'withdraw your own pending change request'],
  ] as const) {
    withApiOptions(requests.command(name))
      .description(description)
      .argument('<id>', 'change request id')
      .option('--comment <text>', 'a comment recorded in the history')
      .action(async (id: string, options: Opts) => {
        const res = await apiClient(ctx, options).request(
          'POST',
          `/v1/change-requests/${requestId(id)}/${name}`,
          {
            body: typeof options.comment === 'string' ? { comment: options.comment } : {},
          },
        );
        printRequest(ctx, options, res.body as ChangeRequestView, verb);
      });
  }
  return requests;
}
