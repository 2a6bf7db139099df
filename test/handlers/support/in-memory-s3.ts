import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * aws-sdk-client-mock's S3 mock answering from a Map, so a handler's reads see its own
 * writes (and the test's fixtures). Keys are `<bucket>/<key>`-free: one bucket per test.
 */
export function mockS3Bucket() {
  const objects = new Map<string, string>();
  const s3 = mockClient(S3Client);
  s3.on(GetObjectCommand).callsFake(({ Key }: { Key: string }) => {
    const body = objects.get(Key);
    if (body === undefined) {
      throw new S3ServiceException({
        name: 'NoSuchKey',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: 'The specified key does not exist.',
      });
    }
    // The run store only calls transformToString on the body.
    const Body = { transformToString: async () => body } as unknown as GetObjectCommandOutput['Body'];
    return { Body };
  });
  s3.on(PutObjectCommand).callsFake(
    ({ Key, Body, IfNoneMatch }: { Key: string; Body: string | Uint8Array; IfNoneMatch?: string }) => {
      // A conditional create, as S3 answers it: 412 when the key exists.
      if (IfNoneMatch === '*' && objects.has(Key)) {
        throw new S3ServiceException({
          name: 'PreconditionFailed',
          $fault: 'client',
          $metadata: { httpStatusCode: 412 },
          message: 'At least one of the pre-conditions you specified did not hold',
        });
      }
      objects.set(Key, typeof Body === 'string' ? Body : new TextDecoder().decode(Body));
      return {};
    },
  );
  s3.on(DeleteObjectCommand).callsFake(({ Key }: { Key: string }) => {
    objects.delete(Key);
    return {};
  });
  s3.on(ListObjectsV2Command).callsFake(({ Prefix }: { Prefix?: string }) => ({
    Contents: [...objects.keys()].filter((k) => k.startsWith(Prefix ?? '')).map((Key) => ({ Key })),
    IsTruncated: false,
  }));
  return { s3, objects };
}
