import { Command } from 'commander';
import { type ApiOptions, apiClient, type CliContext, withApiOptions } from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { describeViolation, table, type ViolationView, visible, warningLines } from '../output.ts';
import { readDocument } from '../read-input.ts';

type Opts = ApiOptions & { file?: string; apply?: boolean; reason?: string; ticket?: string };

interface ImportItem {
  collection: string;
  key: string;
  action: string;
  currentVersion: number | null;
  diff: unknown[];
  validation: {
    valid: boolean;
    errors: ViolationView[];
    warnings?: ViolationView[];
  };
  result?: string;
  version?: number;
  skipped?: { reason: string; detail: string };
}

/**
 * `plumb import -f snapshot [--apply --reason ...]`: plans by default (what
 * would be created, updated or left, with validation); `--apply` writes.
 * Exits 2 when the plan has invalid documents or the apply skipped any for
 * a reason other than "unchanged".
 */
export function importCommand(ctx: CliContext): Command {
  return withApiOptions(new Command('import'))
    .description(
      'import a JSON/YAML snapshot (from plumb export): a dry-run plan by default, --apply to write',
    )
    .requiredOption('-f, --file <file>', 'the snapshot, JSON or YAML (- for stdin)')
    .option('--apply', 'write the changes (each with optimistic concurrency)')
    .option('--reason <reason>', 'why you import (required with --apply)')
    .option('--ticket <ticket>', 'ticket reference')
    .action(async (options: Opts) => {
      if (options.apply && !options.reason) throw new UsageError('--apply needs --reason');
      const snapshot = await readDocument(options.file, ctx.stdin);
      if (
        typeof snapshot !== 'object' ||
        snapshot === null ||
        !Array.isArray((snapshot as { documents?: unknown }).documents)
      ) {
        throw new UsageError('The file is not a snapshot: it needs a documents list (see plumb export)');
      }
      const res = await apiClient(ctx, options).request(
        'POST',
        `/v1/import?mode=${options.apply ? 'apply' : 'plan'}`,
        {
          body: snapshot,
          headers: {
            ...(options.reason ? { 'plumbline-reason': options.reason } : {}),
            ...(options.ticket ? { 'plumbline-ticket': options.ticket } : {}),
          },
        },
      );
      const report = res.body as { mode: string; summary: Record<string, number>; documents: ImportItem[] };
      if (options.json) ctx.output.out(JSON.stringify(report, null, 2));
      else {
        const rows = report.documents.map((d) => [
          d.action,
          d.collection,
          d.key,
          d.currentVersion,
          d.diff.length,
          d.validation.valid ? 'ok' : `${d.validation.errors.length} error(s)`,
          ...(options.apply
            ? [d.result === 'written' ? `written v${d.version}` : `skipped: ${d.skipped?.reason ?? ''}`]
            : []),
        ]);
        const lines = [
          table(
            [
              'ACTION',
              'COLLECTION',
              'KEY',
              'CURRENT',
              'CHANGES',
              'VALIDATION',
              ...(options.apply ? ['RESULT'] : []),
            ],
            rows,
          ),
        ];
        for (const d of report.documents) {
          const which = `${visible(d.collection)} ${visible(d.key)}`;
          for (const e of d.validation.errors) lines.push(`  ${which}: ${describeViolation(e, true)}`);
          for (const w of warningLines(d.validation.warnings)) lines.push(`  ${which}: ${w}`);
          if (d.skipped && d.skipped.reason !== 'unchanged' && d.skipped.reason !== 'invalid')
            lines.push(`  ${which}: skipped (${visible(d.skipped.reason)}): ${visible(d.skipped.detail)}`);
        }
        const s = report.summary;
        lines.push(
          options.apply
            ? `applied: ${s.written} written, ${s.skipped} skipped`
            : `plan: ${s.create} to create, ${s.update} to update, ${s.unchanged} unchanged, ${s.invalid} invalid (nothing written; add --apply)`,
        );
        ctx.output.out(lines.join('\n'));
      }
      const failed = options.apply
        ? report.documents.some((d) => d.result === 'skipped' && d.skipped?.reason !== 'unchanged')
        : report.summary.invalid !== undefined && report.summary.invalid > 0;
      if (failed)
        throw new Error(
          options.apply
            ? 'some documents were not imported (see above)'
            : 'the snapshot has invalid documents (see above)',
        );
    });
}
