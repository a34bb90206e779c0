import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHouseBundle, lambdaEntry } from '../../lib/shared/house-bundling.ts';

/** Every file under `dir`, by path relative to it, with its content. */
function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('buildHouseBundle', () => {
  it('writes the same files, byte for byte, every time it builds the same code (the asset hash CDK deploys by must not change for unchanged code)', async () => {
    // Prepare: two builds of one entry, each with its own temporary pass-1 folder.
    const [a, b] = await Promise.all([
      mkdtemp(join(tmpdir(), 'plumbline-bundle-a-')),
      mkdtemp(join(tmpdir(), 'plumbline-bundle-b-')),
    ]);
    made.push(a, b);

    // Act
    buildHouseBundle(lambdaEntry('http/settings'), a);
    buildHouseBundle(lambdaEntry('http/settings'), b);

    // Assess: same names (chunk names are content hashes) and same contents.
    const first = filesOf(a);
    const second = filesOf(b);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [name, content] of first) expect(second.get(name), name).toBe(content);
  }, 60_000);
});
