import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { ServiceAccount } from '../../domain/service-accounts/service-account.ts';
import type {
  IssuedServiceAccount,
  NewServiceAccount,
  ServiceAccountDirectory,
} from '../../ports/service-account-directory.ts';

const scryptAsync = promisify(scrypt) as (secret: string, salt: Buffer, length: number) => Promise<Buffer>;

interface StoredAccount extends ServiceAccount {
  /** scrypt(secret, salt), base64. */
  secretHash: string;
  salt: string;
}

/**
 * The local runtime's service accounts: kept in `<data dir>/service-accounts.json`
 * (0600, replaced atomically) or in memory without a file; secrets are
 * stored as scrypt hashes only. `authenticate` is what the embedded token
 * authority's `POST /oauth2/token` checks.
 *
 * @example const directory = await LocalServiceAccountDirectory.open(join(dataDir, 'service-accounts.json'), () => `${url}/oauth2/token`);
 */
export class LocalServiceAccountDirectory implements ServiceAccountDirectory {
  private constructor(
    private readonly file: string | undefined,
    private readonly accounts: Map<string, StoredAccount>,
    private readonly url: () => string,
    private readonly now: () => Date,
  ) {}

  /** Loads the accounts from `file` (none yet when it does not exist); in memory when `file` is undefined. */
  static async open(
    file: string | undefined,
    tokenUrl: () => string,
    now: () => Date = () => new Date(),
  ): Promise<LocalServiceAccountDirectory> {
    const accounts = new Map<string, StoredAccount>();
    if (file) {
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '[]';
        throw error;
      });
      for (const account of JSON.parse(text) as StoredAccount[]) accounts.set(account.clientId, account);
    }
    return new LocalServiceAccountDirectory(file, accounts, tokenUrl, now);
  }

  tokenUrl(): string {
    return this.url();
  }

  async create(input: NewServiceAccount): Promise<IssuedServiceAccount> {
    const id = randomUUID();
    const clientId = `local-${randomBytes(12).toString('hex')}`;
    const base = { id, clientId, ...input, createdAt: this.now().toISOString() };
    return this.issue(base);
  }

  async list(tenantId: string): Promise<ServiceAccount[]> {
    return [...this.accounts.values()]
      .filter((account) => account.tenantId === tenantId)
      .map(publicView)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(tenantId: string, id: string): Promise<ServiceAccount | undefined> {
    const account = this.find(tenantId, id);
    return account && publicView(account);
  }

  async rotate(tenantId: string, id: string): Promise<IssuedServiceAccount | undefined> {
    const account = this.find(tenantId, id);
    if (!account) return undefined;
    const { secretHash: _h, salt: _s, ...base } = account;
    return this.issue({ ...base, rotatedAt: this.now().toISOString() });
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const account = this.find(tenantId, id);
    if (!account) return false;
    this.accounts.delete(account.clientId);
    await this.save();
    return true;
  }

  /** The account whose client id and secret these are; `undefined` otherwise (in constant time per candidate). */
  async authenticate(clientId: string, clientSecret: string): Promise<ServiceAccount | undefined> {
    const account = this.accounts.get(clientId);
    const salt = account ? Buffer.from(account.salt, 'base64') : randomBytes(16);
    const hash = await scryptAsync(clientSecret, salt, 32);
    if (!account) return undefined;
    return timingSafeEqual(hash, Buffer.from(account.secretHash, 'base64')) ? publicView(account) : undefined;
  }

  private find(tenantId: string, id: string): StoredAccount | undefined {
    return [...this.accounts.values()].find((account) => account.tenantId === tenantId && account.id === id);
  }

  private async issue(account: ServiceAccount): Promise<IssuedServiceAccount> {
    const clientSecret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16);
    const secretHash = (await scryptAsync(clientSecret, salt, 32)).toString('base64');
    this.accounts.set(account.clientId, { ...account, secretHash, salt: salt.toString('base64') });
    await this.save();
    return { account: publicView(account), clientSecret };
  }

  private async save(): Promise<void> {
    if (!this.file) return;
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, JSON.stringify([...this.accounts.values()], null, 2), { mode: 0o600 });
    await rename(temporary, this.file);
  }
}

function publicView(account: ServiceAccount & Partial<StoredAccount>): ServiceAccount {
  const { secretHash: _hash, salt: _salt, ...view } = account;
  return view;
}
