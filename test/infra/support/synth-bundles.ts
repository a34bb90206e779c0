import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { stageConfigFrom } from '../../../lib/config/stage-config.ts';
import { definePlumbline, stackNames } from '../../../lib/plumbline-app.ts';
import { BUNDLE_FILE } from '../../../lib/shared/house-bundling.ts';
import { cdkJsonContext } from '../synth-plumbline.ts';

/** One Lambda function of a synthesized template, with its bundle on disk. */
export interface SynthesizedFunction {
  stack: string;
  logicalId: string;
  description: string;
  /** The template's environment variables (literals, or CloudFormation intrinsics). */
  environment: Record<string, unknown>;
  /** Absolute path of its bundled `index.mjs`. */
  bundle: string;
}

/** A template as JSON. */
export type TemplateJson = {
  Resources: Record<
    string,
    { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }
  >;
};

/**
 * Synthesizes the app as `bin/app.ts` does, in process, with real bundling
 * (the house esbuild settings; CDK's slow CloudFormation rule check off),
 * and lists every Lambda function of both stacks with its bundle.
 */
export function synthWithBundles(context: Record<string, unknown> = {}): {
  functions: SynthesizedFunction[];
  templates: Record<string, TemplateJson>;
} {
  process.env.CDK_VALIDATION = 'false';
  const outdir = mkdtempSync(join(tmpdir(), 'plumbline-bundles-'));
  const app = new App({
    context: { ...cdkJsonContext(), ...context, 'aws:cdk:enable-asset-metadata': true },
    outdir,
  });
  const config = stageConfigFrom(app.node);
  definePlumbline(app, config);
  const assembly = app.synth();
  const templates: Record<string, TemplateJson> = {};
  const functions: SynthesizedFunction[] = [];
  for (const stack of Object.values(stackNames(config.stage))) {
    const template = assembly.getStackByName(stack).template as TemplateJson;
    templates[stack] = template;
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      functions.push({
        stack,
        logicalId,
        description: String(resource.Properties.Description ?? ''),
        environment:
          (resource.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
            ?.Variables ?? {},
        bundle: join(outdir, String(resource.Metadata?.['aws:asset:path'] ?? 'missing'), BUNDLE_FILE),
      });
    }
  }
  return { functions, templates };
}
