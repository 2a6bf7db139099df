import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { historyKey, historyKeys, historyRunPointerKey, runKeys } from '../../functions/contracts';
import { RunStoreBucket } from '../../lib/constructs/run-store-bucket';
import { CDK_JSON_CONTEXT } from './support/fleet-fixture';

interface Rule {
  Id: string;
  Prefix?: string;
  ExpirationInDays?: number;
  TagFilters?: unknown[];
}

function rulesOf(props: { historyRetentionDays?: number }): Rule[] {
  const stack = new Stack(new App({ context: CDK_JSON_CONTEXT }), 'S');
  new RunStoreBucket(stack, 'RunStore', {
    bucketName: 'b-runs',
    retentionDays: 90,
    intervalRetentionDays: 7,
    ...props,
  });
  const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket', {
    Properties: { BucketName: 'b-runs' },
  });
  const bucket = Object.values(buckets)[0] as { Properties: { LifecycleConfiguration: { Rules: Rule[] } } };
  return bucket.Properties.LifecycleConfiguration.Rules;
}

/** The days after which S3 deletes an object with this key (and no tags), or undefined. */
const expiresAfter = (rules: Rule[], key: string) =>
  rules
    .filter((r) => r.ExpirationInDays !== undefined && !r.TagFilters && key.startsWith(r.Prefix ?? ''))
    .map((r) => r.ExpirationInDays as number)
    .sort((a, b) => a - b)[0];

describe('history records outlive run data (bucket lifecycle rules)', () => {
  const keys = [
    historyKey('checkout', '20260101T000000-abc123'),
    historyKeys('checkout').indexEntry(Date.UTC(2026, 0, 1), '20260101T000000-abc123'),
    historyKeys('checkout').baseline,
    historyRunPointerKey('20260101T000000-abc123'),
  ];

  it('by default no expiration rule reaches history/, while runs/ expires after 90 days', () => {
    const rules = rulesOf({});
    expect(expiresAfter(rules, runKeys('20260101T000000-abc123').summary)).toBe(90);
    for (const k of keys) expect(expiresAfter(rules, k), k).toBeUndefined();
  });

  it('historyRetentionDays gives history/ its own rule', () => {
    const rules = rulesOf({ historyRetentionDays: 3650 });
    expect(rules).toContainEqual(
      expect.objectContaining({ Id: 'expire-history', Prefix: 'history/', ExpirationInDays: 3650 }),
    );
    for (const k of keys) expect(expiresAfter(rules, k), k).toBe(3650);
    expect(expiresAfter(rules, runKeys('x').summary)).toBe(90);
  });

  it('refuses a history retention shorter than the run data it outlives', () => {
    expect(() => rulesOf({ historyRetentionDays: 30 })).toThrow(/at least retentionDays/);
  });
});
