import { Command } from 'commander';
import { ApiError } from '../api-client.ts';
import { type ApiOptions, apiClient, type CliContext, positiveInt, withApiOptions } from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { table, visible } from '../output.ts';
import { readDocument } from '../read-input.ts';
import { ensureConfirmed, printAccepted } from './requests-command.ts';

type Opts = ApiOptions & Record<string, string | boolean | string[] | undefined>;

interface EnvironmentView {
  env: string;
  protected: boolean;
  requiredApprovals: number;
  approvalTimeout: string;
  approvers: { user: string; email?: string; slack?: string }[];
  notify?: { slackWebhookSecret?: string };
  configured: boolean;
  version: number | null;
  updatedBy: string | null;
  updatedAt: string | null;
  reason: string | null;
}

function printEnvironment(ctx: CliContext, options: Opts, view: EnvironmentView, verb?: string): void {
  if (options.json) {
    ctx.output.out(JSON.stringify(view, null, 2));
    return;
  }
  ctx.output.out(
    [
      `${verb ? `${verb}: ` : ''}environment ${view.env}${view.configured ? ` (version ${view.version}, by ${visible(view.updatedBy ?? '')})` : ' (defaults)'}`,
      `protected:          ${view.protected ? 'yes' : 'no'}`,
      `required approvals: ${view.requiredApprovals}`,
      `approval timeout:   ${view.approvalTimeout}`,
      ...(view.notify?.slackWebhookSecret
        ? [`slack webhook:      secret ${view.notify.slackWebhookSecret}`]
        : []),
      view.approvers.length === 0
        ? `approvers:          none${view.protected ? ' (writes are refused until an admin names some)' : ''}`
        : `approvers:\n${table(
            ['USER', 'EMAIL', 'SLACK'],
            view.approvers.map((a) => [a.user, a.email, a.slack]),
          )
            .split('\n')
            .map((l) => `  ${l}`)
            .join('\n')}`,
    ].join('\n'),
  );
}

/** Parses `user[:email[:slackId]]`. */
export function parseApprover(spec: string): { user: string; email?: string; slack?: string } {
  const [user, email, slack, extra] = spec.split(':');
  if (!user || extra !== undefined)
    throw new UsageError(`--approver is user[:email[:slackId]], not '${spec}'`);
  return { user, ...(email ? { email } : {}), ...(slack ? { slack } : {}) };
}

/** `plumb environments get|put`. */
export function environmentsCommand(ctx: CliContext): Command {
  const environments = new Command('environments').description(
    'protection of environments: approvers, required approvals, approval timeout',
  );

  withApiOptions(environments.command('get'))
    .description('show an environment’s protection (defaults when never configured)')
    .argument('<env>', 'environment name')
    .action(async (env: string, options: Opts) => {
      const res = await apiClient(ctx, options).request('GET', `/v1/environments/${encodeURIComponent(env)}`);
      printEnvironment(ctx, options, res.body as EnvironmentView);
    });

  withApiOptions(environments.command('put'))
    .description(
      'configure an environment (admin). Once a protected environment has approvers, this becomes a change request they decide',
    )
    .argument('<env>', 'environment name')
    .option(
      '-f, --file <file>',
      'the configuration as JSON/YAML (protected, requiredApprovals, approvalTimeout, approvers, notify)',
    )
    .option('--protected <yes|no>', 'whether writes need approval')
    .option(
      '--approver <user[:email[:slackId]]>',
      'an approver (repeat the flag for more)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--required-approvals <n>', 'distinct approvals needed')
    .option('--approval-timeout <duration>', 'ISO 8601 duration, e.g. PT24H')
    .option('--slack-webhook-secret <name>', 'secret holding the Slack incoming-webhook URL')
    .requiredOption('--reason <reason>', 'why you change it')
    .option('--ticket <ticket>', 'ticket reference')
    .option('--confirm <env>', 'required when the environment is protected: its name')
    .action(async (env: string, options: Opts) => {
      const fromFile = typeof options.file === 'string' ? await readDocument(options.file, ctx.stdin) : {};
      if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
        throw new UsageError('The configuration file must be a JSON/YAML object');
      }
      const client = apiClient(ctx, options);
      let current: EnvironmentView | undefined;
      try {
        current = (await client.request('GET', `/v1/environments/${encodeURIComponent(env)}`))
          .body as EnvironmentView;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 403) throw error;
      }
      await ensureConfirmed(ctx, options as ApiOptions & Record<string, string | boolean | undefined>, env);
      const config: Record<string, unknown> = {
        protected: current?.protected ?? false,
        requiredApprovals: current?.requiredApprovals ?? 1,
        approvalTimeout: current?.approvalTimeout ?? 'PT24H',
        approvers: current?.approvers ?? [],
        ...(current?.notify ? { notify: current.notify } : {}),
        ...(fromFile as Record<string, unknown>),
      };
      if (typeof options.protected === 'string') {
        if (!['yes', 'no', 'true', 'false'].includes(options.protected))
          throw new UsageError('--protected is yes or no');
        config.protected = options.protected === 'yes' || options.protected === 'true';
      }
      if (Array.isArray(options.approver)) config.approvers = options.approver.map(parseApprover);
      const required = positiveInt('--required-approvals', options.requiredApprovals as string | undefined);
      if (required !== undefined) config.requiredApprovals = required;
      if (typeof options.approvalTimeout === 'string') config.approvalTimeout = options.approvalTimeout;
      if (typeof options.slackWebhookSecret === 'string')
        config.notify = { slackWebhookSecret: options.slackWebhookSecret };
      const res = await client.request('PUT', `/v1/environments/${encodeURIComponent(env)}`, {
        body: {
          ...config,
          reason: options.reason,
          ...(typeof options.ticket === 'string' ? { ticket: options.ticket } : {}),
        },
        headers: current?.version ? { 'if-match': `"${current.version}"` } : {},
      });
      if (res.status === 202) {
        printAccepted(ctx, options as ApiOptions & Record<string, string | boolean | undefined>, res.body);
        return;
      }
      printEnvironment(ctx, options, res.body as EnvironmentView, 'configured');
    });

  return environments;
}
