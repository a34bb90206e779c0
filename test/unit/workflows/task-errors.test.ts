import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../../shared/domain/errors.ts';
import { toTaskError } from '../../../shared/workflows/task-errors.ts';

describe('toTaskError: the error names the state machine retries or catches', () => {
  it('makes a chunk that failed to load a transient error, whose message names no file of the deployment', () => {
    // Prepare: what Node throws when a dynamically imported chunk is missing.
    const missing = Object.assign(
      new Error(
        "Cannot find module '/var/task/chunks/document-writes-ABC.mjs' imported from /var/task/index.mjs",
      ),
      { code: 'ERR_MODULE_NOT_FOUND' },
    );

    // Act
    const renamed = toTaskError(missing);

    // Assess
    expect(renamed.name).toBe('Plumbline.Transient');
    expect(renamed.message).not.toContain('/var/task');
  });

  it('keeps a busy store transient and any other error on the failure path', () => {
    expect(toTaskError(new ServiceUnavailableError('busy', 1)).name).toBe('Plumbline.Transient');
    expect(toTaskError(new Error('boom')).name).toBe('Plumbline.TaskFailed');
  });
});
