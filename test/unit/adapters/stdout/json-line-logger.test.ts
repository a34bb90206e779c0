import { describe, expect, it } from 'vitest';
import { JsonLineLogger } from '../../../../shared/adapters/stdout/json-line-logger.ts';

function capture(level: ConstructorParameters<typeof JsonLineLogger>[1]) {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLineLogger('plumbline', level, (line) => lines.push(JSON.parse(line)));
  return { logger, lines };
}

describe('JsonLineLogger', () => {
  it('writes one JSON object per entry with level, message, timestamp, service and the attributes', () => {
    // Prepare
    const { logger, lines } = capture('INFO');
    // Act
    logger.info('change request created', { tenant: 'acme', requestId: 'r-1' });
    // Assess
    expect(lines).toEqual([
      {
        level: 'INFO',
        message: 'change request created',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        service: 'plumbline',
        tenant: 'acme',
        requestId: 'r-1',
      },
    ]);
  });

  it('drops entries below its level and writes nothing when silent', () => {
    // Prepare
    const warn = capture('WARN');
    const silent = capture('SILENT');
    // Act
    for (const { logger } of [warn, silent]) {
      logger.info('a');
      logger.warn('b');
      logger.error('c');
    }
    // Assess
    expect(warn.lines.map((l) => l.level)).toEqual(['WARN', 'ERROR']);
    expect(silent.lines).toEqual([]);
  });

  it('keeps name, message and stack of an Error attribute, and an attribute cannot replace the level', () => {
    // Prepare
    const { logger, lines } = capture('INFO');
    // Act
    logger.error('unhandled error', { error: new TypeError('boom'), level: 'DEBUG' });
    // Assess
    expect(lines[0]).toMatchObject({
      level: 'ERROR',
      error: { name: 'TypeError', message: 'boom', stack: expect.stringContaining('boom') },
    });
  });
});
