import {
  CreateBucketCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, putJson } from '../../functions/adapters/store/run-store';
import { S3RunStore } from '../../functions/adapters/store/s3-run-store';
import { runKeys } from '../../functions/contracts';
import { INTERVAL_OBJECT_TAG } from '../../functions/contracts/store-keys';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../support/moto';

describe('S3RunStore (against moto S3)', () => {
  let moto: Moto;
  let s3: S3Client;
  let n = 0;
  /** A fresh bucket per test, so tests do not see each other's keys. */
  const newStore = async (opts?: { listPageSize?: number }) => {
    const bucket = `k6-fleet-test-${++n}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return new S3RunStore(s3, bucket, opts);
  };

  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: MOTO_CREDENTIALS,
    });
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  it('reads back what it wrote, text and bytes, and undefined for a missing key', async () => {
    // Prepare
    const store = await newStore();
    const keys = runKeys('r1');
    // Act
    await putJson(store, keys.plan, { v: 1, runId: 'r1', note: 'héllo' });
    await store.put(keys.script, new TextEncoder().encode('export default function () {}'));
    // Assess
    expect(await getJson(store, keys.plan, (v) => v)).toEqual({ v: 1, runId: 'r1', note: 'héllo' });
    expect(await store.get(keys.script)).toBe('export default function () {}');
    expect(await store.get(keys.summary)).toBeUndefined();
  });

  it('lists every key under a prefix across pages, sorted, and nothing outside it', async () => {
    // Prepare: 7 keys with a page size of 2 forces four ListObjectsV2 pages.
    const store = await newStore({ listPageSize: 2 });
    const k = runKeys('r2');
    const wanted = [0, 1, 2, 3, 4, 5, 6].map((i) => k.interval('eu-west-1', 'eu-west-1-0', i)).reverse();
    for (const key of wanted) await store.put(key, '{}');
    await store.put(runKeys('r2x').plan, '{}');
    await store.put(k.plan, '{}');
    // Act
    const listed = await store.list(k.runnerIntervalsPrefix('eu-west-1', 'eu-west-1-0'));
    const all = await store.list(k.prefix);
    // Assess
    expect(listed).toEqual([...wanted].sort());
    expect(all).toHaveLength(8);
    expect(all).not.toContain(runKeys('r2x').plan);
    expect(await store.list('runs/nothing-here/')).toEqual([]);
  });

  it('deletes a key, and deleting a missing key is not an error', async () => {
    // Prepare
    const store = await newStore();
    const key = runKeys('r3').abort;
    await store.put(key, '{"source":"cli"}');
    // Act
    await store.delete(key);
    await store.delete(key);
    // Assess
    expect(await store.get(key)).toBeUndefined();
  });

  it('tags interval records for their shorter lifecycle and sets content types', async () => {
    // Prepare
    const store = await newStore();
    const k = runKeys('r4');
    // Act
    await store.put(k.interval('us-east-1', 'us-east-1-0', 0), '{}');
    await store.put(k.plan, '{}');
    await store.put(k.report, '<html></html>');
    // Assess
    const tags = async (Key: string) =>
      (await s3.send(new GetObjectTaggingCommand({ Bucket: store.bucket, Key }))).TagSet ?? [];
    expect(await tags(k.interval('us-east-1', 'us-east-1-0', 0))).toEqual([
      { Key: INTERVAL_OBJECT_TAG.key, Value: INTERVAL_OBJECT_TAG.value },
    ]);
    expect(await tags(k.plan)).toEqual([]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: store.bucket, Key: k.report }));
    expect(head.ContentType).toMatch(/^text\/html/);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: store.bucket }));
    expect(listed.KeyCount).toBe(3);
  });

  it('describes keys as s3:// URLs and surfaces errors other than a missing key', async () => {
    // Prepare
    const store = new S3RunStore(s3, 'no-such-bucket-k6fleet');
    // Act + Assess
    expect(store.describe('runs/a/plan.json')).toBe('s3://no-such-bucket-k6fleet/runs/a/plan.json');
    await expect(store.get('runs/a/plan.json')).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
