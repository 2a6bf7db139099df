import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cloudWatchSeries,
  probeCloudWatch,
  readCloudWatchWindow,
} from '../../functions/adapters/aws/cloudwatch-reader';
import type { CloudWatchSource } from '../../functions/contracts/server-metrics';
import { probeServerMetrics } from '../../functions/engine/planner/probe-server-metrics';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../support/moto';

const source: CloudWatchSource = {
  kind: 'cloudwatch',
  namespace: 'AWS/RDS',
  metric: 'DatabaseConnections',
  dimensions: { DBInstanceIdentifier: 'shop-db' },
  statistic: 'Maximum',
  region: 'us-east-1',
  periodSeconds: 60,
};

describe('CloudWatch server-metric reader (GetMetricData against moto)', () => {
  let moto: Moto;
  let client: CloudWatchClient;
  const now = Date.now();

  beforeAll(async () => {
    moto = await startMoto();
    client = new CloudWatchClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: MOTO_CREDENTIALS,
    });
    // Prepare: three minutes of the pool's connections, the newest highest.
    await client.send(
      new PutMetricDataCommand({
        Namespace: source.namespace,
        MetricData: [40, 55, 90].map((v, i) => ({
          MetricName: source.metric,
          Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'shop-db' }],
          Timestamp: new Date(now - (3 - i) * 60_000),
          Value: v,
        })),
      }),
    );
  });
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  it('reads the newest datapoint of the statistic, and repeats it until a newer one appears', async () => {
    // Act
    const first = await readCloudWatchWindow(source, undefined, client, now);
    const later = await readCloudWatchWindow(source, first.prev, client, now + 10 * 60_000);

    // Assess
    const series = 'AWS/RDS DatabaseConnections{DBInstanceIdentifier="shop-db"} Maximum';
    expect(cloudWatchSeries(source)).toBe(series);
    expect(first.values).toEqual([{ series, value: 90 }]);
    expect(later.values).toEqual([{ series, value: 90 }]);
  });

  it('the planner probe passes a metric with data and refuses one without, naming what to check', async () => {
    // Act
    const ok = await probeCloudWatch(source, client, now);
    const typo = await probeCloudWatch(
      { ...source, dimensions: { DBInstanceIdentifier: 'shop-bd' } },
      client,
      now,
    ).catch((e: Error) => e);

    // Assess
    expect(ok).toBeUndefined();
    expect(typo).toBeInstanceOf(Error);
    expect((typo as Error).message).toMatch(
      /no datapoints for .*shop-bd.* check the namespace, metric name, dimensions/,
    );
  });

  it("a query AWS refuses is refused before load with AWS's message (exit 104 at Plan)", async () => {
    // Prepare: GetMetricData's validation error, as AWS sends it for an unknown statistic.
    const mocked = mockClient(CloudWatchClient);
    const refusing = new CloudWatchClient({ region: 'us-east-1', credentials: MOTO_CREDENTIALS });
    const error = Object.assign(
      new Error('The value Averag for parameter MetricDataQueries.member.1.MetricStat.Stat is not valid.'),
      {
        name: 'InvalidParameterValueException',
      },
    );
    mocked.on(GetMetricDataCommand).rejects(error);

    // Act
    const probe = probeServerMetrics([{ ...source, statistic: 'Averag' }], {
      cloudwatch: (s) => probeCloudWatch(s as CloudWatchSource, refusing, now),
    });

    // Assess
    await expect(probe).rejects.toMatchObject({
      exitCode: 104,
      message: expect.stringMatching(
        /serverMetrics\[0\] cloudwatch:AWS\/RDS\/DatabaseConnections: CloudWatch GetMetricData: InvalidParameterValueException: The value Averag/,
      ),
    });
    mocked.restore();
  });
});
