/** A response from the Plumbline API. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** An error response, carrying the RFC 9457 problem. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Record<string, unknown>,
  ) {
    super(typeof problem.detail === 'string' ? problem.detail : `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** Where the CLI talks to and as whom. */
export interface ApiClientOptions {
  baseUrl: string;
  token: string | undefined;
  fetch?: typeof fetch;
}

/** A thin HTTPS client for the API: JSON in, JSON out, problems as {@link ApiError}. */
export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  /** Sends one request; throws {@link ApiError} for any status >= 400. */
  async request(
    method: string,
    path: string,
    init: { body?: unknown; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      ...init.headers,
    };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
    const response = await (this.options.fetch ?? fetch)(new URL(path, this.options.baseUrl), {
      method,
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // keep text
    }
    if (response.status >= 400) {
      const problem =
        typeof body === 'object' && body !== null
          ? (body as Record<string, unknown>)
          : { detail: String(body) };
      throw new ApiError(response.status, problem);
    }
    return { status: response.status, headers: response.headers, body };
  }
}
