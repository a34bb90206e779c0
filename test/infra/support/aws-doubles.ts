import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request an AWS double received, as the SDK shaped it. */
export interface RecordedCall {
  /** The signing service of its SigV4 scope (`sts`, `kms`, `dynamodb`, ...). */
  service: string;
  /** The signing region. */
  region: string;
  /** The access key it was signed with. */
  accessKeyId: string;
  /** `AssumeRole`, `GenerateDataKey`, `GetItem`, ... */
  action: string;
  /** The JSON body, or the query-protocol form fields. */
  input: Record<string, unknown>;
}

/** Options of {@link startAwsDoubles}. */
export interface AwsDoublesOptions {
  /** Where DynamoDB requests are forwarded (dynalite), after being recorded. */
  dynamoEndpoint: string;
  /** The string value of every Secrets Manager secret. */
  secretString: string;
  /** Called on SendTaskSuccess with the token and the parsed output. */
  onTaskSuccess?: (taskToken: string, output: unknown) => void;
}

/** The running doubles. */
export interface AwsDoubles {
  endpoint: string;
  calls: RecordedCall[];
  /** The access key STS vends (tenant sessions sign with it). */
  vendedAccessKeyId: string;
  /** The S3 double's objects by `<bucket>/<key>` (seed or read them). */
  objects: Map<string, { body: string; contentType: string }>;
  close(): Promise<void>;
}

const VENDED_KEY = 'ASIATENANTSESSION';

function scopeOf(headers: IncomingHttpHeaders): { service: string; region: string; accessKeyId: string } {
  const credential = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(headers.authorization));
  return {
    accessKeyId: credential?.[1] ?? '',
    region: credential?.[2] ?? '',
    service: credential?.[3] ?? '',
  };
}

function xml(action: string, namespace: string, result: string): string {
  return `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${action}Response>`;
}

/** An S3 error in the REST-XML shape the SDK parses. */
function s3Error(status: number, code: string): { status: number; type: string; body: string } {
  return {
    status,
    type: 'application/xml',
    body: `<Error><Code>${code}</Code><Message>${code}</Message></Error>`,
  };
}

/**
 * Loopback stand-ins of the AWS endpoints the bundles call besides DynamoDB
 * (STS, KMS, Secrets Manager, SNS, Step Functions, Cognito user pools, SQS,
 * and path-style S3 keeping its objects in memory), answering minimal valid
 * responses in each service's protocol and recording every request. DynamoDB
 * requests are recorded and forwarded to dynalite. KMS data keys are real
 * random keys, remembered by their "ciphertext", so Decrypt returns what
 * GenerateDataKey gave.
 *
 * @example const doubles = await startAwsDoubles({ dynamoEndpoint, secretString: 'k' });
 */
export async function startAwsDoubles(options: AwsDoublesOptions): Promise<AwsDoubles> {
  const calls: RecordedCall[] = [];
  const dataKeys = new Map<string, string>();
  const objects = new Map<string, { body: string; contentType: string }>();
  /** Secrets Manager secrets created so far, by name, with their tags (ListSecrets answers them). */
  const secrets = new Map<string, { Key: string; Value: string }[]>();
  const json = (body: unknown) => ({ type: 'application/x-amz-json-1.1', body: JSON.stringify(body) });

  /** Path-style S3: `/<bucket>/<key>`. */
  const s3 = (
    scope: ReturnType<typeof scopeOf>,
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: string,
  ): { status?: number; type: string; body: string } => {
    const path = decodeURIComponent(new URL(url, 'http://s3').pathname.slice(1));
    const slash = path.indexOf('/');
    const [bucket, key] = slash < 0 ? [path, ''] : [path.slice(0, slash), path.slice(slash + 1)];
    const action = { PUT: 'PutObject', GET: 'GetObject', DELETE: 'DeleteObject' }[method] ?? method;
    const contentType = String(headers['content-type'] ?? '');
    calls.push({
      ...scope,
      action,
      input: { Bucket: bucket, Key: key, ...(method === 'PUT' ? { ContentType: contentType } : {}) },
    });
    const id = `${bucket}/${key}`;
    if (method === 'PUT') {
      objects.set(id, { body, contentType });
      return { type: 'application/xml', body: '' };
    }
    if (method === 'DELETE') {
      objects.delete(id);
      return { status: 204, type: 'application/xml', body: '' };
    }
    const object = objects.get(id);
    if (method !== 'GET') return s3Error(405, 'MethodNotAllowed');
    return object ? { type: object.contentType, body: object.body } : s3Error(404, 'NoSuchKey');
  };

  const answer = async (
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: string,
  ): Promise<{ status?: number; type: string; body: string }> => {
    const scope = scopeOf(headers);
    if (scope.service === 's3') return s3(scope, method, url, headers, body);
    const target = headers['x-amz-target'];
    if (typeof target === 'string') {
      const action = target.split('.').at(-1) ?? '';
      const input = JSON.parse(body || '{}') as Record<string, unknown>;
      calls.push({ ...scope, action, input });
      if (target.startsWith('DynamoDB_')) {
        const response = await fetch(options.dynamoEndpoint, {
          method: 'POST',
          headers: {
            'content-type': String(headers['content-type']),
            'x-amz-target': target,
            authorization: String(headers.authorization),
            'x-amz-date': String(headers['x-amz-date']),
          },
          body,
        });
        return { status: response.status, type: 'application/x-amz-json-1.0', body: await response.text() };
      }
      switch (action) {
        case 'GenerateDataKey': {
          const plaintext = randomBytes(32).toString('base64');
          const ciphertext = Buffer.from(`wrapped-${randomBytes(8).toString('hex')}`).toString('base64');
          dataKeys.set(ciphertext, plaintext);
          return json({ KeyId: input.KeyId, Plaintext: plaintext, CiphertextBlob: ciphertext });
        }
        case 'Decrypt':
          return json({ KeyId: input.KeyId, Plaintext: dataKeys.get(String(input.CiphertextBlob)) });
        case 'GetSecretValue':
          return json({ ARN: input.SecretId, Name: 'secret', SecretString: options.secretString });
        case 'CreateSecret':
          secrets.set(String(input.Name), (input.Tags as { Key: string; Value: string }[]) ?? []);
          return json({
            ARN: `arn:secret:${input.Name}`,
            Name: input.Name,
            VersionId: input.ClientRequestToken,
          });
        case 'PutSecretValue':
          return json({ ARN: `arn:secret:${input.SecretId}`, VersionId: input.ClientRequestToken });
        case 'TagResource':
          return json({});
        case 'ListSecrets':
          return json({ SecretList: [...secrets].map(([Name, Tags]) => ({ Name, Tags })) });
        case 'CreateUserPoolClient':
          return json({
            UserPoolClient: {
              UserPoolId: input.UserPoolId,
              ClientName: input.ClientName,
              ClientId: `client${randomBytes(8).toString('hex')}`,
              ClientSecret: randomBytes(24).toString('hex'),
            },
          });
        case 'SendMessageBatch': {
          const entries = input.Entries as { Id: string; MessageBody: string }[];
          return json({
            Successful: entries.map((e) => ({
              Id: e.Id,
              MessageId: randomBytes(8).toString('hex'),
              MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex'),
            })),
            Failed: [],
          });
        }
        case 'SendTaskSuccess':
          options.onTaskSuccess?.(String(input.taskToken), JSON.parse(String(input.output)));
          return json({});
        case 'StartExecution':
          return json({ executionArn: `${input.stateMachineArn}:exec`, startDate: 1 });
        default:
          return { status: 400, ...json({ __type: 'UnknownOperationException' }) };
      }
    }
    const form = Object.fromEntries(new URLSearchParams(body));
    const action = form.Action ?? '';
    calls.push({ ...scope, action, input: form });
    if (action === 'AssumeRole') {
      return {
        type: 'text/xml',
        body: xml(
          'AssumeRole',
          'https://sts.amazonaws.com/doc/2011-06-15/',
          `<Credentials><AccessKeyId>${VENDED_KEY}</AccessKeyId><SecretAccessKey>tenant-secret</SecretAccessKey><SessionToken>tenant-session</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>${form.RoleArn}/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>`,
        ),
      };
    }
    if (action === 'Publish') {
      return {
        type: 'text/xml',
        body: xml('Publish', 'http://sns.amazonaws.com/doc/2010-03-31/', '<MessageId>m-1</MessageId>'),
      };
    }
    return {
      status: 400,
      type: 'text/xml',
      body: '<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>',
    };
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      answer(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8')).then(
        (out) => {
          res.writeHead(out.status ?? 200, { 'content-type': out.type });
          res.end(out.body);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    vendedAccessKeyId: VENDED_KEY,
    objects,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
