import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/composition/env-vars.ts';
import { taskEnvNames } from '../../shared/composition/workflow-task-env.ts';
import {
  APPROVAL_SUBSTITUTION_KEYS,
  type ApprovalTaskName,
  approvalWorkflowDefinition,
  PARTITION_SUBSTITUTION,
} from '../../shared/workflows/approval-workflow.ts';
import { resourcesOf, type SynthesizedPlumbline, synthPlumbline } from './synth-plumbline.ts';

let synth: SynthesizedPlumbline;

/** The six task names (known before synthesis, so `it.each` can list them). */
function synthTaskNames(): ApprovalTaskName[] {
  return ['Validate', 'AwaitDecision', 'ResolveTimeout', 'Apply', 'NotifyRequester', 'MarkFailed'];
}

beforeAll(() => {
  synth = synthPlumbline();
});

interface Statement {
  Action: string | string[];
  Resource?: unknown;
}

const asList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

function roleActions(roleLogicalId: string): string[] {
  return Object.values(resourcesOf(synth.statelessTemplate, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleLogicalId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .flatMap((s) => asList(s.Action));
}

function roleId(role: { node: { defaultChild?: unknown } }): string {
  return synth.stateless.getLogicalId(role.node.defaultChild as never);
}

describe('approval workflow on AWS (lib/approvals)', () => {
  it("builds the state machine from the shared ASL with its task functions and the stack's partition substituted", () => {
    // Prepare
    const [machine] = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::StepFunctions::StateMachine'));
    // Act
    const substitutions = machine?.Properties.DefinitionSubstitutions as Record<string, unknown>;
    const definition = machine?.Properties.DefinitionString;
    // Assess
    expect(Object.keys(substitutions).sort()).toEqual([...APPROVAL_SUBSTITUTION_KEYS].sort());
    expect(substitutions[PARTITION_SUBSTITUTION]).toBe('aws');
    expect(JSON.parse(definition as string)).toEqual(JSON.parse(JSON.stringify(approvalWorkflowDefinition)));
  });

  it('logs the state machine under /aws/vendedlogs/states/', () => {
    // Prepare
    const [machine] = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::StepFunctions::StateMachine'));
    const destination = JSON.stringify(machine?.Properties.LoggingConfiguration);
    const [logGroupId] = /"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/.exec(destination)?.slice(1) ?? [];
    // Act
    const name = resourcesOf(synth.statelessTemplate, 'AWS::Logs::LogGroup')[logGroupId ?? '']?.Properties
      .LogGroupName;
    // Assess
    expect(JSON.stringify(name)).toContain('/aws/vendedlogs/states/plumbline-dev-approval-');
  });

  it.each([...synthTaskNames()])('gives task %s exactly the environment its ports declare', (task) => {
    // Prepare
    const fn = synth.stateless.approvals.tasks.get(task);
    // Act
    const resource = resourcesOf(synth.statelessTemplate, 'AWS::Lambda::Function')[
      synth.stateless.getLogicalId(fn?.function.node.defaultChild as never)
    ];
    const env =
      (resource?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ??
      {};
    // Assess
    expect(Object.keys(env).sort()).toEqual([...taskEnvNames(task), ENV.serviceName, ENV.logLevel].sort());
  });

  it('logs every event without execution data (task tokens) and traces with X-Ray', () => {
    // Prepare / Act
    const [machine] = Object.values(resourcesOf(synth.statelessTemplate, 'AWS::StepFunctions::StateMachine'));
    // Assess
    expect(machine?.Properties.LoggingConfiguration).toMatchObject({
      Level: 'ALL',
      IncludeExecutionData: false,
    });
    expect(machine?.Properties.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('lets the state machine invoke exactly its six task functions', () => {
    // Prepare
    const role = roleId(synth.stateless.approvals.stateMachine.role as never);
    // Act
    const actions = roleActions(role);
    // Assess
    expect(actions.filter((a) => a.startsWith('lambda:'))).toEqual(['lambda:InvokeFunction']);
  });

  it('grants SendTaskSuccess only to the approvals API and the AwaitDecision task, StartExecution only to the APIs', () => {
    // Prepare
    const functions = synth.stateless.functions.functions;
    const holders = (action: string) =>
      [
        ...[...functions.entries()].map(([name, fn]) => [`http:${name}`, fn.role] as const),
        ...[...synth.stateless.approvals.tasks.entries()].map(
          ([name, fn]) => [`task:${name}`, fn.role] as const,
        ),
      ]
        .filter(([, role]) => roleActions(roleId(role)).includes(action))
        .map(([name]) => name)
        .sort();
    // Act / Assess
    expect(holders('states:SendTaskSuccess')).toEqual(['http:approvals', 'task:AwaitDecision']);
    // The secrets API's write gate opens change requests in protected environments (issue 13).
    expect(holders('states:StartExecution')).toEqual(['http:approvals', 'http:secrets', 'http:settings']);
    expect(holders('secretsmanager:GetSecretValue')).toEqual([
      'http:approvals',
      'task:AwaitDecision',
      'task:MarkFailed',
      'task:NotifyRequester',
    ]);
  });

  it('gives the task functions the table only through their tenant-access roles, and the token key', () => {
    // Prepare
    const awaitDecision = synth.stateless.approvals.tasks.get('AwaitDecision');
    // Act
    const resource = resourcesOf(synth.statelessTemplate, 'AWS::Lambda::Function')[
      synth.stateless.getLogicalId(awaitDecision?.function.node.defaultChild as never)
    ];
    const env =
      (resource?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ??
      {};
    // Assess
    for (const name of [
      ENV.tenantRoleArn,
      ENV.taskTokenKeyArn,
      ENV.linkSigningSecretArn,
      ENV.approvalStateMachineArn,
      ENV.publicUrl,
    ]) {
      expect(env[name]).toBeDefined();
    }
    expect(
      roleActions(roleId(awaitDecision?.role as never)).filter((a) => a.startsWith('dynamodb:')),
    ).toEqual([]);
  });
});
