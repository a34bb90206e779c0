// @ts-check
/**
 * Runs one esbuild build with a plugin, for `buildHouseBundle` (house-bundling.ts), which must be
 * synchronous (CDK's local bundling is) while esbuild takes plugins only in its asynchronous API.
 * The parent runs this file with `spawnSync`, as CDK runs esbuild itself.
 *
 * stdin: JSON `{ options, sideEffectFree }` (plain esbuild options; package names).
 * stdout: the build's metafile, as JSON. On a failed build: esbuild's messages on stderr, exit code 1.
 */
import { build } from 'esbuild';

/**
 * Marks every file of `packages` free of side effects, as `"sideEffects": false` in their
 * package.json would: an import whose names the bundle does not use is then not followed, so
 * an `export *` index no longer pulls every module of the package into the chunk that imports it.
 *
 * @param {string[]} packages
 * @returns {import('esbuild').Plugin}
 */
function sideEffectFree(packages) {
  const resolving = 'side-effect-free: resolving';
  const escaped = packages.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  const inPackage = (/** @type {string} */ path) =>
    packages.some((name) => path.includes(`/node_modules/${name}/`));
  return {
    name: 'side-effect-free',
    setup(esbuild) {
      // Relative imports (inside the packages) and the packages' own names: nothing else crosses into JS.
      esbuild.onResolve({ filter: new RegExp(`^(\\.\\.?/|(${escaped.join('|')})(/|$))`) }, async (args) => {
        if (args.pluginData === resolving || (args.path.startsWith('.') && !inPackage(args.importer))) {
          return undefined;
        }
        const resolved = await esbuild.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: resolving,
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (!inPackage(resolved.path)) return undefined;
        return {
          path: resolved.path,
          namespace: resolved.namespace,
          suffix: resolved.suffix,
          sideEffects: false,
        };
      });
    },
  };
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { options, sideEffectFree: packages } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
try {
  const result = await build({ ...options, plugins: [sideEffectFree(packages)] });
  process.stdout.write(JSON.stringify(result.metafile));
} catch (error) {
  // esbuild has already printed its messages (logLevel permitting); say which build failed.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
