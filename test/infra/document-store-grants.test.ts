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

/** The actions the DynamoDB document store sends, read from the commands it constructs. */
function storeActions(): string[] {
  const source = readFileSync(
    new URL('../../shared/adapters/aws/dynamodb-document-store.ts', import.meta.url),
    'utf8',
  );
  const classes = new Set([...source.matchAll(/new (\w+Command)\(/g)].map((m) => m[1] as string));
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
