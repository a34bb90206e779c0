import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoMiddleware } from '../../shared/adapters/aws/dynamodb-clients.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

/**
 * Holds the next DynamoDB call that matches, so a test can close the runtime
 * while that call is on its way, then lets it go and records how it ended.
 */
class DynamoGate {
  #match: ((op: string, input: string) => boolean) | undefined;
  #release: () => void = () => undefined;
  #held: Promise<void> = Promise.resolve();
  /** Resolves when a matching call is being held. */
  entered: Promise<void> = Promise.resolve();
  #enter: () => void = () => undefined;
  /** How the held call ended: `ok`, or the error's message. */
  outcome: Promise<string> = Promise.resolve('none');
  #settle: (outcome: string) => void = () => undefined;

  /** Holds the next call for which `match(operation, JSON of its input)` holds. */
  arm(match: (op: string, input: string) => boolean): void {
    this.#match = match;
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
    this.entered = new Promise((resolve) => {
      this.#enter = resolve;
    });
    this.outcome = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  /** Lets the held call continue. */
  release(): void {
    this.#release();
  }

  readonly middleware: DynamoMiddleware = {
    applyToStack: (stack) => {
      stack.add(
        (next, context) => async (args) => {
          const op = String((context as { commandName?: string }).commandName ?? '');
          if (!this.#match?.(op, JSON.stringify(args.input))) return next(args);
          this.#match = undefined;
          this.#enter();
          await this.#held;
          try {
            const result = await next(args);
            this.#settle('ok');
            return result;
          } catch (error) {
            this.#settle((error as Error).message);
            throw error;
          }
        },
        { step: 'initialize', name: 'closeTestGate' },
      );
    },
  };
}

let rt: TestRuntime;
let gate: DynamoGate;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(async () => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  gate = new DynamoGate();
  rt = await startTestRuntime({ workflowRetryIntervalMs: 5, dynamoMiddleware: [gate.middleware] });
});
afterEach(async () => {
  await rt.close();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

/**
 * Closes the runtime while the gate holds a call. The gate opens when close() has
 * finished (the old behaviour) or after a while (close() waits for the call, as it must).
 */
async function closeWhileHeld(): Promise<{ outcome: string; closedBeforeCallEnded: boolean }> {
  let closed = false;
  const closing = rt.close().then(() => {
    closed = true;
  });
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 300))]);
  gate.release();
  const outcome = await gate.outcome;
  const closedBeforeCallEnded = closed;
  await closing;
  // Late failures (a read of a closed database) surface a few turns of the event loop later.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { outcome, closedBeforeCallEnded };
}

describe('closing the local runtime', () => {
  it('lets a running workflow step finish its read before the database closes, with no unhandled error', async () => {
    // Prepare
    const admin = await rt.token('acme', 'root', ['admin']);
    const alice = await rt.token('acme', 'alice', ['editor']);
    const env = await rt.call('PUT', '/v1/environments/prod', {
      token: admin,
      body: {
        protected: true,
        requiredApprovals: 1,
        approvalTimeout: 'PT1H',
        approvers: [{ user: 'bob', email: 'bob@example.com' }],
        reason: 'name approvers',
      },
    });
    // The workflow's first step reads the change request it was started for (sk cr#<id>).
    gate.arm((op, input) => op === 'GetItemCommand' && input.includes('"cr#'));
    const proposed = await rt.call('PUT', '/v1/settings/envs/prod', {
      token: alice,
      body: { content: { replicas: 3 }, reason: 'scale' },
    });
    await gate.entered;
    // Act
    const { outcome, closedBeforeCallEnded } = await closeWhileHeld();
    // Assess
    expect(env.status).toBe(200);
    expect(proposed.status).toBe(202);
    expect(outcome).toBe('ok');
    expect(closedBeforeCallEnded).toBe(false);
    expect(unhandled).toEqual([]);
  });

  it('lets an HTTP request being handled answer before the server and the database close', async () => {
    // Prepare
    const alice = await rt.token('acme', 'alice', ['editor']);
    gate.arm((op) => op === 'QueryCommand');
    const answer = fetch(`${rt.url}/v1/settings/global`, { headers: { authorization: `Bearer ${alice}` } })
      .then((res) => res.status)
      .catch((error: Error) => error.message);
    await gate.entered;
    // Act
    const { outcome, closedBeforeCallEnded } = await closeWhileHeld();
    // Assess
    expect(outcome).toBe('ok');
    expect(closedBeforeCallEnded).toBe(false);
    expect(await answer).toBe(404);
    expect(unhandled).toEqual([]);
  });
});
