import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Notification, Notifier } from '../../ports/notifier.ts';

/** One outbox file: the notification as the local runtime "sent" it. */
export interface OutboxMessage {
  to: string;
  /** `email` when the recipient has an address, else `user`. */
  channel: 'email' | 'user';
  address: string | null;
  subject: string;
  text: string;
  links?: { approve: string; reject: string };
  kind: Notification['kind'];
  tenantId: string;
  requestId: string;
  sentAt: string;
}

/**
 * The local runtime's mail room: every notification becomes one JSON file in
 * `<dataDir>/outbox/` (`<time>-<kind>-<to>-<random>.json`), so a person (or a
 * test) can open the approval links an approver would get by email. Each
 * file appears complete (written beside the folder, then renamed into it).
 *
 * @example new OutboxNotifier('/tmp/data/outbox')
 */
export class OutboxNotifier implements Notifier {
  constructor(
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(notification: Notification): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const sentAt = this.now();
    const message: OutboxMessage = {
      to: notification.to,
      channel: notification.email ? 'email' : 'user',
      address: notification.email ?? null,
      subject: notification.subject,
      text: notification.text,
      ...(notification.links ? { links: notification.links } : {}),
      kind: notification.kind,
      tenantId: notification.tenantId,
      requestId: notification.requestId,
      sentAt: sentAt.toISOString(),
    };
    const safeTo = notification.to.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
    const name = `${sentAt.getTime()}-${notification.kind}-${safeTo}-${randomBytes(4).toString('hex')}.json`;
    // Why write then rename: a reader (a person, a test polling the outbox) never sees a half-written
    // file. The partial file lives next to the outbox, not in it, so listing the outbox shows none.
    const partial = join(dirname(this.dir), `.outbox-${name}.partial`);
    await writeFile(partial, `${JSON.stringify(message, null, 2)}\n`, { flag: 'wx' });
    await rename(partial, join(this.dir, name));
  }
}
