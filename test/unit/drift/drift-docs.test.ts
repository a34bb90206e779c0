import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRIFT_RULES } from '../../../shared/domain/drift/drift-rules.ts';

describe('docs/drift.md', () => {
  it('lists every rule with its category and default severity as the engine has them', () => {
    // Prepare
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/drift.md'), 'utf8');
    // Act
    const rows = new Map(
      [...doc.matchAll(/^\| `([a-z0-9-]+)` \| (\w+) \| (\w+) \|/gm)].map((m) => [m[1], [m[2], m[3]]]),
    );
    // Assess
    expect(Object.fromEntries(rows)).toEqual(
      Object.fromEntries(Object.entries(DRIFT_RULES).map(([id, r]) => [id, [r.category, r.severity]])),
    );
  });
});
