import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/composition/env-vars.ts';
import {
  TENANT_SECRET_ACTIONS,
  TENANT_SECRET_KEY_ACTIONS,
} from '../../shared/domain/tenant-session-policy.ts';
import { resourcesOf, type SynthesizedPlumbline, synthPlumbline } from './synth-plumbline.ts';

let synth: SynthesizedPlumbline;

beforeAll(() => {
  synth = synthPlumbline();
});

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const TENANT = ['$', '{aws:PrincipalTag/TenantId}'].join('');
const asList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);
const statelessId = (construct: { node: { defaultChild?: unknown } }) =>
  synth.stateless.getLogicalId(construct.node.defaultChild as never);

function statements(
  template: SynthesizedPlumbline['statelessTemplate'],
): { roles: string[]; s: Statement }[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap((policy) =>
    (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.map((s) => ({
      roles: (policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref),
      s,
    })),
  );
}

const all = () => [...statements(synth.statefulTemplate), ...statements(synth.statelessTemplate)];
const secretsKeyId = () => synth.stateful.getLogicalId(synth.stateful.secretsKey.node.defaultChild as never);

describe('secrets isolation in the synthesized stacks (issue 13)', () => {
  it('has a dedicated secrets key with rotation on, kept on stack deletion', () => {
    const key = resourcesOf(synth.statefulTemplate, 'AWS::KMS::Key')[secretsKeyId()];
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    expect(key?.DeletionPolicy).toBe('Retain');
  });

  it.each(['secrets', 'settings'] as const)(
    "gives the %s context's tenant-access role Secrets Manager actions only on secret:plumbline/<session tenant>/*",
    (context) => {
      const role = statelessId(synth.stateless.functions.tenantRoles.get(context)?.role ?? synth.stateless);
      const own = all()
        .filter((p) => p.roles.includes(role))
        .map((p) => p.s);
      const sm = own.filter((s) => asList(s.Action).some((a) => a.startsWith('secretsmanager:')));
      expect(sm).toHaveLength(1);
      expect(asList(sm[0]?.Action ?? []).sort()).toEqual([...TENANT_SECRET_ACTIONS].sort());
      expect(JSON.stringify(sm[0]?.Resource)).toContain(`:secret:plumbline/${TENANT}/*`);
    },
  );

  it.each(['secrets', 'settings'] as const)(
    "lets the %s context's tenant-access role use the secrets key only with kms:EncryptionContext:tenant = the session tenant",
    (context) => {
      const role = statelessId(synth.stateless.functions.tenantRoles.get(context)?.role ?? synth.stateless);
      const onKey = all()
        .filter((p) => p.roles.includes(role))
        .map((p) => p.s)
        .filter((s) => JSON.stringify(s.Resource).includes(secretsKeyId()));
      expect(onKey).toHaveLength(1);
      expect(asList(onKey[0]?.Action ?? []).sort()).toEqual([...TENANT_SECRET_KEY_ACTIONS].sort());
      expect(onKey[0]?.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:tenant': TENANT } });
    },
  );

  it('grants nothing wider anywhere: no other statement reaches the secrets key or plumbline/ tenant secrets', () => {
    for (const { s } of all()) {
      const resources = JSON.stringify(s.Resource ?? '');
      if (resources.includes(secretsKeyId())) {
        expect(s.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:tenant': TENANT } });
      }
      if (asList(s.Action).some((a) => a.startsWith('secretsmanager:')) && resources.includes('plumbline/')) {
        // The only other prefix is the Slack webhook secrets of approval notifications (read-only).
        const tenantScoped = resources.includes(`plumbline/${TENANT}/*`);
        const slack =
          resources.includes('plumbline-slack/*') &&
          asList(s.Action).join() === 'secretsmanager:GetSecretValue';
        expect(tenantScoped || slack).toBe(true);
      }
    }
  });

  it('tells the functions that handle secrets which key to use, and no other function', () => {
    const env = (context: 'secrets' | 'settings' | 'approvals'): Record<string, unknown> => {
      const fn = resourcesOf(synth.statelessTemplate, 'AWS::Lambda::Function')[
        statelessId(synth.stateless.functions.get(context).function)
      ];
      return (
        (fn?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {}
      );
    };
    expect(env('secrets')[ENV.secretsKeyArn]).toBeDefined();
    expect(env('settings')[ENV.secretsKeyArn]).toBeDefined();
    expect(env('approvals')[ENV.secretsKeyArn]).toBeUndefined();
  });

  it('runs the rotation job daily, with a dead-letter queue, its own role listing secret names only', () => {
    const rotation = synth.stateless.secretRotation;
    const fnId = statelessId(rotation.function.function);
    const rule = resourcesOf(synth.statelessTemplate, 'AWS::Events::Rule')[statelessId(rotation.rule)];
    const fn = resourcesOf(synth.statelessTemplate, 'AWS::Lambda::Function')[fnId];
    const ownActions = all()
      .filter((p) => p.roles.includes(statelessId(rotation.function.role)))
      .flatMap((p) => asList(p.s.Action));
    expect(rule?.Properties.ScheduleExpression).toBe('cron(0 3 * * ? *)');
    expect(JSON.stringify(rule?.Properties.Targets)).toContain(fnId);
    expect(JSON.stringify(rule?.Properties.Targets)).toContain('DeadLetterConfig');
    expect(fn?.Properties.DeadLetterConfig).toBeDefined();
    expect(ownActions).toContain('secretsmanager:ListSecrets');
    expect(ownActions.filter((a) => a.startsWith('secretsmanager:'))).toEqual(['secretsmanager:ListSecrets']);
    expect(ownActions.filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });
});
