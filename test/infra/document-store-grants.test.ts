import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONTEXT_FUNCTIONS,
  DOCUMENT_READER_ACTIONS,
  DOCUMENT_WRITER_ACTIONS,
} from '../../lib/api/context-function-specs.ts';
import { CONTEXT_PORTS } from '../../shared/http/context-ports.ts';

/** The DynamoDB action each lib-dynamodb command class sends. */
const ACTION_OF: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  QueryCommand: 'dynamodb:Query',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  ScanCommand: 'dynamodb:Scan',
  TransactWriteCommand: 'dynamodb:TransactWriteItems',
  TransactGetCommand: 'dynamodb:TransactGetItems',
};

/**
 * The source of the DynamoDB document store: its module and every module of
 * shared/adapters/aws it imports, statically or on first use (the write side), transitively.
 */
function storeSources(): string[] {
  const sources = new Map<string, string>();
  const visit = (url: URL) => {
    if (sources.has(url.href)) return;
    const source = readFileSync(url, 'utf8');
    sources.set(url.href, source);
    for (const [, path] of source.matchAll(/(?:from |import\()'(\.\/[\w-]+\.ts)'/g))
      visit(new URL(path as string, url));
  };
  visit(new URL('../../shared/adapters/aws/dynamodb-document-store.ts', import.meta.url));
  return [...sources.values()];
}

/** The actions the DynamoDB document store sends, read from the commands its modules construct. */
function storeActions(): string[] {
  const classes = new Set(
    storeSources().flatMap((source) =>
      [...source.matchAll(/new (\w+Command)\(/g)].map((m) => m[1] as string),
    ),
  );
  return [...classes].map((cls) => ACTION_OF[cls] ?? `unknown ${cls}`).sort();
}

describe('grants of the functions that read versioned documents (issue 11 on AWS)', () => {
  it('grants a document writer every action the document store sends', () => {
    // Act
    const sent = storeActions();

    // Assess
    expect(sent).toContain('dynamodb:BatchGetItem');
    expect([...DOCUMENT_WRITER_ACTIONS].sort()).toEqual(sent);
  });

  it.each(
    Object.entries(CONTEXT_PORTS).filter(([, ports]) => (ports as readonly string[]).includes('documents')),
  )(
    'lets the %s context read documents: Query, GetItem and the BatchGetItem that confirms changes',
    (context) => {
      // Act
      const granted = CONTEXT_FUNCTIONS[context as keyof typeof CONTEXT_FUNCTIONS].tenantItemActions;

      // Assess
      expect(granted).toEqual(expect.arrayContaining([...DOCUMENT_READER_ACTIONS]));
    },
  );
});
