import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../../../shared/domain/errors.ts';
import type { AppLogger } from '../../../shared/ports/app-logger.ts';

/** One `error` call a recording logger kept. */
type LoggedError = { message: string; attributes?: Record<string, unknown> | undefined };

/** A logger that keeps what it is given. */
function recordingLogger(): AppLogger & { errors: LoggedError[] } {
  const errors: LoggedError[] = [];
  const ignore = () => undefined;
  return {
    errors,
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (message, attributes) => errors.push({ message, attributes }),
  } as AppLogger & {
    errors: typeof errors;
  };
}

/** The middy request the middleware's `onError` receives, failed with `error`. */
function failedRequest(error: unknown) {
  return {
    event: {
      rawPath: '/v1/services/web/settings/global',
      requestContext: { requestId: 'req-1' },
    } as unknown as APIGatewayProxyEventV2,
    context: { awsRequestId: 'aws-1' } as Context,
    error,
    response: undefined as unknown,
    internal: {},
  };
}

afterEach(() => {
  vi.doUnmock('../../../shared/http/problem-details.ts');
  vi.resetModules();
});

describe('problemDetails middleware', () => {
  it('answers a failed request with its problem once the table has loaded', async () => {
    // Prepare
    const { problemDetails } = await import('../../../shared/http/problem-middleware.ts');
    const request = failedRequest(new NotFoundError('No document at global'));

    // Act
    await problemDetails(recordingLogger()).onError?.(request as never);

    // Assess
    const response = request.response as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json');
  });

  it('still answers an RFC 9457 problem (the generic 500, nothing leaked) and logs both errors when the problem table cannot load', async () => {
    // Prepare: the table's chunk fails to load.
    vi.doMock('../../../shared/http/problem-details.ts', () => {
      throw new Error('Cannot find module chunks/problem-details-XYZ.mjs');
    });
    const { problemDetails } = await import('../../../shared/http/problem-middleware.ts');
    const logger = recordingLogger();
    const request = failedRequest(new Error('secret internals /var/task/x.mjs'));

    // Act
    await problemDetails(logger).onError?.(request as never);

    // Assess
    const response = request.response as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toBe('application/problem+json');
    const body = JSON.parse(response.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'https://plumbline.dev/problems/internal',
      status: 500,
      instance: '/v1/services/web/settings/global',
      requestId: 'req-1',
    });
    expect(response.body).not.toContain('secret internals');
    expect(response.body).not.toContain('chunks/');
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]?.attributes).toMatchObject({
      requestId: 'req-1',
      errorMessage: 'secret internals /var/task/x.mjs',
    });
    // The load error is logged beside the request's own (vitest wraps the factory's error in its own message).
    expect(logger.errors[0]?.message).toBe('problem table failed to load');
    expect(String(logger.errors[0]?.attributes?.loadError)).toMatch(/^Error: .+/);
  });
});
