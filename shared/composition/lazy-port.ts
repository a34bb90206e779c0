/**
 * A port whose adapter is imported and built on its first call: the module
 * (and the SDK client it pulls in) is not loaded at cold start, and a bundle
 * split by esbuild keeps it in a chunk of its own. Every method of the port
 * must return a promise (the ports this wraps do); the adapter is built once
 * and a failed load is retried on the next call.
 *
 * @example const workflows = lazyPort<WorkflowGateway>(async () => new (await import('../adapters/aws/sfn-workflow-gateway.ts')).SfnWorkflowGateway({ stateMachineArn }));
 */
export function lazyPort<T extends object>(load: () => Promise<T>): T {
  let adapter: Promise<T> | undefined;
  const loaded = (): Promise<T> => {
    adapter ??= load().catch((error: unknown) => {
      adapter = undefined;
      throw error;
    });
    return adapter;
  };
  return new Proxy({} as T, {
    // Why `then`: a port is not a promise; without this, awaiting the proxy would call `then`.
    get: (_, method) =>
      method === 'then'
        ? undefined
        : async (...args: unknown[]) => {
            const port = (await loaded()) as Record<PropertyKey, (...a: unknown[]) => Promise<unknown>>;
            return port[method]?.(...args);
          },
  });
}
