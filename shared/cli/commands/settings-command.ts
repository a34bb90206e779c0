import { Command } from 'commander';
import {
  type ApiOptions,
  apiClient,
  type CliContext,
  exclusiveOptions,
  positiveInt,
  type ScopeOptions,
  scopePath,
  withApiOptions,
  withScopeOptions,
} from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { table, type ViolationView, visible, warningLines, yaml } from '../output.ts';
import { readDocument } from '../read-input.ts';
import { latestVersionOf } from './profiles-command.ts';
import { ensureConfirmed, printAccepted } from './requests-command.ts';

type Opts = ApiOptions & ScopeOptions & Record<string, string | boolean | undefined>;

interface VersionRecord {
  version: number;
  content?: unknown;
  author: string;
  createdAt: string;
  reason: string;
  ticket: string | null;
  contentHash: string;
  keysTouchedPercent: number;
  rollbackOf?: number;
  warnings?: ViolationView[];
}

function printRecord(ctx: CliContext, options: Opts, record: VersionRecord, verb?: string): void {
  if (options.json) {
    ctx.output.out(JSON.stringify(record, null, 2));
    return;
  }
  const lines = [
    verb ? `${verb} version ${record.version}` : `version ${record.version}`,
    `author:   ${visible(record.author)}`,
    `created:  ${record.createdAt}`,
    `reason:   ${visible(record.reason)}`,
    ...(record.ticket ? [`ticket:   ${visible(record.ticket)}`] : []),
    ...(record.rollbackOf ? [`rollback: restores the content of version ${record.rollbackOf}`] : []),
    `touched:  ${record.keysTouchedPercent}% of keys`,
    `hash:     ${record.contentHash.slice(0, 16)}…`,
    ...warningLines(record.warnings),
  ];
  if (record.content !== undefined) lines.push('---', yaml(record.content));
  ctx.output.out(lines.join('\n'));
}

/** Prints a write's answer: a new version (201), or the unchanged current one (200, a no-op write). */
function printWrite(ctx: CliContext, options: Opts, status: number, record: VersionRecord): void {
  if (status === 200 && !options.json)
    ctx.output.err(`no change: the content is already that of version ${record.version}; nothing written`);
  printRecord(ctx, options, record, status === 200 ? 'unchanged at' : 'created');
}

function requireReason(options: Opts): string {
  const reason = options.reason;
  if (typeof reason !== 'string' || reason.trim() === '')
    throw new UsageError('--reason is required for every write');
  return reason;
}

/** `plumb settings get|put|patch|history|diff|rollback`. */
export function settingsCommand(ctx: CliContext): Command {
  const settings = new Command('settings').description(
    'read and change versioned settings of a scope (global, env, service, instance)',
  );

  const get = withApiOptions(withScopeOptions(settings.command('get')))
    .description('show the latest (or --version N, or --tag vX.Y.Z) settings of a scope')
    .option('--version <n>', 'a specific version')
    .option('--tag <tag>', 'the version tagged so (see plumb tag), e.g. v1.2.0')
    .action(async (options: Opts) => {
      const path = scopePath(options);
      const version = positiveInt('--version', options.version as string | undefined);
      const query =
        typeof options.tag === 'string'
          ? `?tag=${encodeURIComponent(options.tag)}`
          : version
            ? `?version=${version}`
            : '';
      const res = await apiClient(ctx, options).request('GET', `${path}${query}`);
      printRecord(ctx, options, res.body as VersionRecord);
    });
  exclusiveOptions(get, 'version', 'tag');

  withApiOptions(withScopeOptions(settings.command('put')))
    .description('replace the settings of a scope with a JSON/YAML document (a new version)')
    .option('-f, --file <file>', 'JSON or YAML content (- for stdin)')
    .requiredOption('--reason <reason>', 'why you make this change')
    .option('--ticket <ticket>', 'ticket reference')
    .option('--if-match <version>', 'the version you read (default: the latest, read just before writing)')
    .option('--confirm <env>', 'required for a write to a protected environment: its name')
    .action(async (options: Opts) => {
      const path = scopePath(options);
      await ensureConfirmed(ctx, options, options.env);
      const reason = requireReason(options);
      const content = await readDocument(options.file as string | undefined, ctx.stdin);
      if (typeof content !== 'object' || content === null || Array.isArray(content)) {
        throw new UsageError('The content must be a JSON/YAML object (a mapping of keys to values)');
      }
      const ifMatch =
        positiveInt('--if-match', options.ifMatch as string | undefined) ??
        (await latestVersionOf(ctx, options, path));
      const res = await apiClient(ctx, options).request('PUT', path, {
        body: { content, reason, ...(options.ticket ? { ticket: options.ticket } : {}) },
        headers: ifMatch ? { 'if-match': `"${ifMatch}"` } : {},
      });
      if (res.status === 202) return printAccepted(ctx, options, res.body);
      printWrite(ctx, options, res.status, res.body as VersionRecord);
    });

  const patchCommand = withApiOptions(withScopeOptions(settings.command('patch')))
    .description('partially update a scope: --merge (RFC 7396) or --json-patch (RFC 6902)')
    .option('--merge <json>', 'an RFC 7396 merge patch, inline')
    .option('--json-patch <json>', 'an RFC 6902 patch, inline')
    .option('-f, --file <file>', 'the patch from a file (- for stdin); --type says which kind')
    .option('--type <type>', 'merge or json-patch, for -f', 'merge')
    .requiredOption('--reason <reason>', 'why you make this change')
    .option('--ticket <ticket>', 'ticket reference')
    .option('--if-match <version>', 'the version you read (default: the latest)')
    .option('--confirm <env>', 'required for a write to a protected environment: its name')
    .action(async (options: Opts) => {
      const path = scopePath(options);
      await ensureConfirmed(ctx, options, options.env);
      const reason = requireReason(options);
      let patch: unknown;
      let type: 'merge' | 'json-patch';
      const parseInline = (flag: string, text: string) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new UsageError(`${flag} is not valid JSON`);
        }
      };
      if (typeof options.merge === 'string') [patch, type] = [parseInline('--merge', options.merge), 'merge'];
      else if (typeof options.jsonPatch === 'string')
        [patch, type] = [parseInline('--json-patch', options.jsonPatch), 'json-patch'];
      else if (typeof options.file === 'string') {
        if (options.type !== 'merge' && options.type !== 'json-patch')
          throw new UsageError('--type is merge or json-patch');
        [patch, type] = [await readDocument(options.file, ctx.stdin), options.type];
      } else throw new UsageError('Give the patch with --merge, --json-patch or -f');
      const ifMatch =
        positiveInt('--if-match', options.ifMatch as string | undefined) ??
        (await latestVersionOf(ctx, options, path));
      const res = await apiClient(ctx, options).request('PATCH', path, {
        body: patch,
        contentType: type === 'merge' ? 'application/merge-patch+json' : 'application/json-patch+json',
        headers: {
          'plumbline-reason': reason,
          ...(ifMatch ? { 'if-match': `"${ifMatch}"` } : {}),
          ...(typeof options.ticket === 'string' ? { 'plumbline-ticket': options.ticket } : {}),
        },
      });
      if (res.status === 202) return printAccepted(ctx, options, res.body);
      printWrite(ctx, options, res.status, res.body as VersionRecord);
    });
  // One patch per command: two of them (or --type with an inline patch) are a usage error, never a silent pick.
  exclusiveOptions(patchCommand, 'merge', 'jsonPatch', 'file');
  exclusiveOptions(patchCommand, 'type', 'merge');
  exclusiveOptions(patchCommand, 'type', 'jsonPatch');

  withApiOptions(withScopeOptions(settings.command('history')))
    .description('list versions, newest first (a page of --limit; --all follows every page)')
    .option('--limit <n>', 'page size', '20')
    .option('--all', 'follow every page')
    .option(
      '--cursor <cursor>',
      'continue after an earlier page (its "more versions" hint prints the command)',
    )
    .action(async (options: Opts) => {
      const path = scopePath(options);
      const limit = positiveInt('--limit', options.limit as string) ?? 20;
      const items: VersionRecord[] = [];
      let cursor = typeof options.cursor === 'string' ? options.cursor : null;
      let more: string | null = null;
      do {
        const query = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await apiClient(ctx, options).request('GET', `${path}/versions${query}`);
        const page = res.body as { items: VersionRecord[]; nextCursor: string | null };
        items.push(...page.items);
        cursor = options.all ? page.nextCursor : null;
        more = page.nextCursor;
      } while (cursor);
      // On stderr, so --json output stays a plain array.
      if (more !== null && !options.all)
        ctx.output.err(`more versions exist: add --all, or --cursor ${more} for the next page of ${limit}`);
      if (options.json) return ctx.output.out(JSON.stringify(items, null, 2));
      ctx.output.out(
        table(
          ['VERSION', 'CREATED', 'AUTHOR', 'TOUCHED', 'TICKET', 'REASON', 'NOTE'],
          items.map((i) => [
            i.version,
            i.createdAt,
            i.author,
            `${i.keysTouchedPercent}%`,
            i.ticket,
            i.reason,
            i.rollbackOf ? `rollback to v${i.rollbackOf}` : '',
          ]),
        ),
      );
    });

  withApiOptions(withScopeOptions(settings.command('diff')))
    .description('RFC 6902 diff between two versions')
    .requiredOption('--from <n>', 'older version')
    .requiredOption('--to <n>', 'newer version')
    .action(async (options: Opts) => {
      const path = scopePath(options);
      const from = positiveInt('--from', options.from as string);
      const to = positiveInt('--to', options.to as string);
      const res = await apiClient(ctx, options).request('GET', `${path}/diff?from=${from}&to=${to}`);
      const diff = res.body as {
        patch: { op: string; path: string; value?: unknown }[];
        keysTouchedPercent: number;
      };
      if (options.json) return ctx.output.out(JSON.stringify(diff, null, 2));
      ctx.output.out(
        [
          `v${from} → v${to}: ${diff.patch.length} operation(s), ${diff.keysTouchedPercent}% of keys`,
          table(
            ['OP', 'PATH', 'VALUE'],
            diff.patch.map((op) => [op.op, op.path, op.value === undefined ? '' : JSON.stringify(op.value)]),
          ),
        ].join('\n'),
      );
    });

  withApiOptions(withScopeOptions(settings.command('rollback')))
    .description('write a new version whose content is that of an earlier one')
    .requiredOption('--to <n>', 'the version to restore')
    .requiredOption('--reason <reason>', 'why you roll back')
    .option('--if-match <version>', 'the latest version you read (default: the latest)')
    .option('--confirm <env>', 'required for a write to a protected environment: its name')
    .action(async (options: Opts) => {
      const path = scopePath(options);
      await ensureConfirmed(ctx, options, options.env);
      const reason = requireReason(options);
      const toVersion = positiveInt('--to', options.to as string);
      const ifMatch =
        positiveInt('--if-match', options.ifMatch as string | undefined) ??
        (await latestVersionOf(ctx, options, path));
      const res = await apiClient(ctx, options).request('POST', `${path}/rollback`, {
        body: { toVersion, reason },
        headers: ifMatch ? { 'if-match': `"${ifMatch}"` } : {},
      });
      if (res.status === 202) return printAccepted(ctx, options, res.body);
      printRecord(ctx, options, res.body as VersionRecord, `rolled back to v${toVersion} as`);
    });

  return settings;
}
