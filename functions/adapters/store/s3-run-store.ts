import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { INTERVAL_OBJECT_TAG } from '../../contracts/store-keys';
import type { RunStore } from './run-store';

const INTERVAL_KEY = /^runs\/[^/]+\/intervals\//;

const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  html: 'text/html; charset=utf-8',
  js: 'application/javascript',
  txt: 'text/plain; charset=utf-8',
};

/** A missing key (not a missing bucket, which is also a 404 but a configuration error). */
function isNotFound(e: unknown): boolean {
  const name = (e as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound';
}

/** S3's answers to a conditional write: 412 the key exists; 409 a concurrent conditional
 * write to the same key is in flight (S3 asks to retry). */
const httpStatus = (e: unknown) =>
  (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const CONFLICT_RETRIES = 3;

export interface S3RunStoreOptions {
  /** Keys per ListObjectsV2 page. @default 1000 (S3's maximum) */
  listPageSize?: number;
}

/** The run store in an S3 bucket. S3 PUTs are atomic: readers see the old or the new object. */
export class S3RunStore implements RunStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    private readonly opts: S3RunStoreOptions = {},
  ) {}

  async get(key: string): Promise<string | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return (await out.Body?.transformToString('utf8')) ?? '';
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async put(key: string, body: string | Uint8Array, contentType?: string): Promise<void> {
    await this.s3.send(this.putCommand(key, body, contentType));
  }

  async putIfAbsent(key: string, body: string, contentType?: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.s3.send(this.putCommand(key, body, contentType, '*'));
        return true;
      } catch (e) {
        if (httpStatus(e) === 412 || (e as { name?: string }).name === 'PreconditionFailed') return false;
        if (httpStatus(e) !== 409 || attempt >= CONFLICT_RETRIES) throw e;
      }
    }
  }

  private putCommand(
    key: string,
    body: string | Uint8Array,
    contentType?: string,
    ifNoneMatch?: '*',
  ): PutObjectCommand {
    const ext = key.slice(key.lastIndexOf('.') + 1);
    return new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ContentType: contentType ?? CONTENT_TYPES[ext] ?? 'application/octet-stream',
      Tagging: INTERVAL_KEY.test(key) ? `${INTERVAL_OBJECT_TAG.key}=${INTERVAL_OBJECT_TAG.value}` : undefined,
      IfNoneMatch: ifNoneMatch,
    });
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ContinuationToken: token,
          MaxKeys: this.opts.listPageSize,
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    // S3 lists in UTF-8 byte order; sort so every backend agrees on one order.
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  describe(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }
}
