import { defineSettings } from 'plumbline/client';
import * as v from 'valibot';

/**
 * How the service finds Plumbline: read first, from the environment only
 * (`PLUMBLINE_URL`, then either `PLUMBLINE_TOKEN` or a service account's
 * `PLUMBLINE_CLIENT_ID` + `PLUMBLINE_CLIENT_SECRET`).
 */
const Bootstrap = v.object({
  url: v.optional(v.pipe(v.string(), v.url()), 'http://127.0.0.1:8787'),
  env: v.optional(v.string(), 'dev'),
  service: v.optional(v.string(), 'orders'),
  token: v.optional(v.string()),
  clientId: v.optional(v.string()),
  clientSecret: v.optional(v.string()),
  pollSeconds: v.optional(v.number(), 5),
});

/** The service's own settings: declared once, typed everywhere. */
export const OrdersSettings = v.object({
  http: v.optional(
    v.object({
      port: v.optional(
        v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535), v.description('Port to listen on')),
        3000,
      ),
    }),
    {},
  ),
  db: v.object({
    host: v.pipe(v.string(), v.minLength(1), v.description('Database host')),
    port: v.optional(v.pipe(v.number(), v.integer()), 5432),
    password: v.pipe(v.string(), v.minLength(8), v.description('Database password (secret)')),
  }),
  pool: v.object({
    size: v.pipe(v.number(), v.integer(), v.minValue(1), v.description('Connection pool size')),
  }),
  features: v.optional(v.array(v.string()), []),
  greeting: v.optional(v.string(), 'hello'),
});

/** Loads the bootstrap settings (exits 78 listing every problem). */
export async function bootstrap() {
  const boot = await defineSettings(Bootstrap, { argv: false, env: { prefix: 'PLUMBLINE_' } }).loadOrExit();
  const auth =
    boot.clientId && boot.clientSecret
      ? { tokenUrl: `${boot.url}/oauth2/token`, clientId: boot.clientId, clientSecret: boot.clientSecret }
      : { token: boot.token ?? '' };
  return defineSettings(OrdersSettings, {
    program: 'orders',
    env: { prefix: 'ORDERS_', delimiter: '__' },
    dotenv: [new URL('.env', import.meta.url).pathname],
    files: [new URL('config.toml', import.meta.url).pathname],
    secretsDir: process.env.ORDERS_SECRETS_DIR ?? '/run/secrets/orders',
    plumbline: {
      url: boot.url,
      env: boot.env,
      service: boot.service,
      auth,
      pollSeconds: boot.pollSeconds,
      cacheFile: new URL('.cache/orders.json', import.meta.url).pathname,
      maxStaleSeconds: 3600,
    },
  });
}
