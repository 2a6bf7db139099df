import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRunStore } from '../../functions/adapters/store/local-run-store';
import type { RunStore } from '../../functions/adapters/store/run-store';
import { S3RunStore } from '../../functions/adapters/store/s3-run-store';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../support/moto';

let moto: Moto;
let s3: S3Client;
let dir: string;
let n = 0;

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
  });
  dir = await mkdtemp(join(tmpdir(), 'k6-fleet-claim-'));
});
afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
  await rm(dir, { recursive: true, force: true });
});

const stores: [string, () => Promise<RunStore>][] = [
  ['a local folder (exclusive link)', async () => new LocalRunStore(join(dir, `s${++n}`))],
  [
    'S3 on moto (PutObject If-None-Match: *)',
    async () => {
      const bucket = `k6-fleet-claim-${++n}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      return new S3RunStore(s3, bucket);
    },
  ],
];

describe.each(stores)('putIfAbsent on %s', (_, newStore) => {
  it('creates once: a second write is refused and leaves the first body', async () => {
    // Prepare
    const store = await newStore();
    // Act
    const first = await store.putIfAbsent('runs/r/claims/a/0000.json', '{"by":"first"}');
    const second = await store.putIfAbsent('runs/r/claims/a/0000.json', '{"by":"second"}');
    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await store.get('runs/r/claims/a/0000.json')).toBe('{"by":"first"}');
  });

  it('of 8 concurrent writers exactly one wins, and its body is what is stored', async () => {
    // Prepare
    const store = await newStore();
    // Act
    const won = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.putIfAbsent('runs/r/claims/b/0000.json', `{"by":${i}}`)),
    );
    // Assess
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await store.get('runs/r/claims/b/0000.json')).toBe(`{"by":${won.indexOf(true)}}`);
    expect(await store.list('runs/r/claims/')).toEqual(['runs/r/claims/b/0000.json']);
  });
});

it('the local store leaves no temp files behind a refused write', async () => {
  const store = new LocalRunStore(join(dir, 'tmp-check'));
  await store.putIfAbsent('runs/r/x.json', '1');
  await store.putIfAbsent('runs/r/x.json', '2');
  expect(await readdir(join(dir, 'tmp-check', 'runs', 'r'))).toEqual(['x.json']);
});
