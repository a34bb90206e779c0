import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedPlumbline, synthPlumbline } from './synth-plumbline.ts';

let synth: SynthesizedPlumbline;

beforeAll(() => {
  synth = synthPlumbline();
});

interface Finding {
  rule: string;
  path: string;
}

/** Every finding of a pack, acknowledged or not. */
function rawFindings(pack: NagPack, app: App): Finding[] {
  // Why: NagPack filters acknowledged findings in a private method; switching it off on this one
  // instance lists the raw findings, so the test can tell that no acknowledgement is stale.
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack
    .validateScope(app)
    .violations.flatMap((v) =>
      v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' })),
    );
}

/** Every acknowledgement recorded in the construct tree, with the path it was made on. */
function acknowledgements(root: IConstruct): { id: string; reason: string; path: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          id: id.replace(/^annotation::/i, ''),
          reason,
          path: construct.node.path,
        })),
      ),
  );
}

describe('cdk-nag', () => {
  it.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['Serverless', () => new ServerlessChecks()],
  ])('%s reports zero unacknowledged findings', (_name, pack) => {
    expect(pack().validateScope(synth.app).violations).toEqual([]);
  });

  it('has no stale acknowledgement: each silences a finding the packs really raise there', () => {
    // Prepare
    const findings = [
      ...rawFindings(new AwsSolutionsChecks(), synth.app),
      ...rawFindings(new ServerlessChecks(), synth.app),
    ];

    // Act
    const stale = acknowledgements(synth.app).filter(
      (ack) =>
        !findings.some(
          (f) => f.rule === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)),
        ),
    );

    // Assess
    expect(findings.length).toBeGreaterThan(0);
    expect(stale).toEqual([]);
  });

  it('gives every acknowledgement a specific reason and never acknowledges a rule stack-wide', () => {
    const acks = acknowledgements(synth.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(40);
      expect(ack.path.split('/').length, `${ack.id} acknowledged on a whole stack`).toBeGreaterThan(1);
    }
    const wildcards = acks.filter((ack) => ack.id.startsWith('AwsSolutions-IAM5'));
    for (const ack of wildcards) expect(ack.id).toMatch(/\[(Resource|Action)::.+\]$/);
  });
});

describe('synthesis', () => {
  it('is deterministic: two synths of the same parameters give identical templates', () => {
    const again = synthPlumbline();
    expect(again.statefulTemplate.toJSON()).toEqual(synth.statefulTemplate.toJSON());
    expect(again.statelessTemplate.toJSON()).toEqual(synth.statelessTemplate.toJSON());
  });

  it('takes the stage and the region from context and pins every stack to that region', () => {
    // Act
    const prod = synthPlumbline({ stage: 'prod', region: 'eu-central-1', auditLockMode: 'COMPLIANCE' });

    // Assess
    expect([prod.stateful.stackName, prod.stateless.stackName]).toEqual([
      'Plumbline-prod-Stateful',
      'Plumbline-prod-Stateless',
    ]);
    expect([prod.stateful.region, prod.stateless.region]).toEqual(['eu-central-1', 'eu-central-1']);
    prod.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'plumbline-prod' });
    prod.statefulTemplate.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
      },
    });
  });

  it('rejects a malformed stage or region instead of deploying somewhere unexpected', () => {
    expect(() => synthPlumbline({ stage: 'Prod_1' })).toThrow(/stage/);
    expect(() => synthPlumbline({ region: 'europe' })).toThrow(/region/);
  });
});
