import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { FleetConfigError, loadFleetConfig, parseFleetConfig } from '../../lib/config/load-fleet-config';
import { metricsSettingsOf } from '../../lib/config/metrics-config-schema';
import { SAMPLE_CONFIG_PATH, sampleConfigInput } from './support/fleet-fixture';

describe('fleet config', () => {
  it('reads the sample config from the file cdk.json names, defaults applied', () => {
    // Prepare
    const app = new App({ context: { k6fleet: SAMPLE_CONFIG_PATH } });
    // Act
    const config = loadFleetConfig(app.node);
    // Assess
    expect(config.homeRegion).toBe('eu-west-1');
    expect(config.runnerRegions.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1', 'ap-southeast-2']);
    expect(config.runner).toEqual({ memoryMb: 2048, architecture: 'arm64', timeoutSeconds: 900 });
    expect(config.schedules[0]).toMatchObject({
      name: 'nightly-checkout',
      timezone: 'Europe/Paris',
      enabled: true,
    });
  });

  it('accepts the config inline in context and fills every default', () => {
    // Prepare
    const app = new App({
      context: {
        k6fleet: { homeRegion: 'us-west-2', runnerRegions: [{ region: 'us-west-2', weight: 100 }] },
      },
    });
    // Act
    const config = loadFleetConfig(app.node);
    // Assess
    expect(config).toMatchObject({
      name: 'k6-fleet',
      runner: { memoryMb: 2048, architecture: 'arm64', timeoutSeconds: 900 },
      maxVusPerRunner: 300,
      bucket: { retentionDays: 90, intervalRetentionDays: 7, retainOnDelete: true },
      schedules: [],
      logRetentionDays: 30,
    });
    expect(config.timestream).toBeUndefined();
  });

  const base = sampleConfigInput();
  it.each([
    [
      "runner timeout over Lambda's limit",
      { runner: { timeoutSeconds: 1200 } },
      "k6fleet.runner.timeoutSeconds: Lambda's maximum timeout is 900 seconds",
    ],
    ['an unknown architecture', { runner: { architecture: 'ppc64' } }, 'k6fleet.runner.architecture'],
    [
      'weights that do not sum to 100',
      { runnerRegions: [{ region: 'eu-west-1', weight: 60 }] },
      'k6fleet.runnerRegions: weights must sum to 100, they sum to 60',
    ],
    [
      'a region listed twice',
      {
        runnerRegions: [
          { region: 'eu-west-1', weight: 50 },
          { region: 'eu-west-1', weight: 50 },
        ],
      },
      'k6fleet.runnerRegions[1].region: eu-west-1 is listed twice',
    ],
    ['a malformed region', { homeRegion: 'Europe' }, 'k6fleet.homeRegion: expected an AWS region code'],
    [
      'a bad VPC subnet',
      {
        runnerRegions: [
          {
            region: 'eu-west-1',
            weight: 100,
            vpc: { vpcId: 'vpc-0a1b2c3d', subnetIds: ['net-1'], securityGroupIds: ['sg-0b1b2c3d'] },
          },
        ],
      },
      'k6fleet.runnerRegions[0].vpc.subnetIds[0]',
    ],
    [
      'a cron with too few fields',
      { schedules: [{ ...base.schedules?.[0], expression: 'cron(0 2 * *)' }] },
      'k6fleet.schedules[0].expression',
    ],
    [
      'an unknown time zone',
      { schedules: [{ ...base.schedules?.[0], timezone: 'Mars/Olympus' }] },
      'k6fleet.schedules[0].timezone: not an IANA time zone',
    ],
    [
      'a scheduled script on the local disk',
      { schedules: [{ ...base.schedules?.[0], input: { script: { path: 'a.js' } } }] },
      'k6fleet.schedules[0].input.script: a scheduled run cannot read a file',
    ],
    [
      'a scheduled run in a region without runners',
      {
        schedules: [
          {
            ...base.schedules?.[0],
            input: { script: { inline: 'x' }, regions: [{ name: 'sa-east-1', weight: 100 }] },
          },
        ],
      },
      'k6fleet.schedules[0].input.regions[0].name: no runners in sa-east-1',
    ],
    [
      'a fixed runId on a schedule',
      { schedules: [{ ...base.schedules?.[0], input: { script: { inline: 'x' }, runId: 'same' } }] },
      'k6fleet.schedules[0].input.runId',
    ],
    [
      'a log retention CloudWatch does not offer',
      { logRetentionDays: 10 },
      'k6fleet.logRetentionDays: CloudWatch Logs accepts',
    ],
    ['a typo in a key', { maxVuPerRunner: 10 }, 'k6fleet: Unrecognized key: "maxVuPerRunner"'],
    [
      'both "metrics" and the legacy "timestream" block',
      { metrics: { kind: 'prometheus' } },
      'k6fleet.timestream: give either "metrics" or the legacy "timestream" block, not both',
    ],
    [
      'an unknown metrics kind',
      { timestream: undefined, metrics: { kind: 'graphite' } as never },
      'k6fleet.metrics.kind',
    ],
    [
      'an InfluxDB VPC without subnets',
      {
        timestream: undefined,
        metrics: { kind: 'timestream-influxdb', vpc: { vpcId: 'vpc-0a1b2c3d', subnetIds: [] } },
      },
      'k6fleet.metrics.vpc.subnetIds',
    ],
    [
      'Grafana without any metrics store',
      { timestream: undefined, grafana: { enabled: true } },
      'k6fleet.grafana: the Grafana dashboards read the metrics store',
    ],
  ])('fails synth on %s, naming the field', (_what, patch, message) => {
    // Act + Assess
    expect(() => parseFleetConfig({ ...base, ...patch })).toThrow(FleetConfigError);
    expect(() => parseFleetConfig({ ...base, ...patch })).toThrow(message);
  });

  it('reads the legacy "timestream" block as metrics kind timestream, and accepts Grafana on prometheus', () => {
    expect(metricsSettingsOf(parseFleetConfig(base))).toEqual({ kind: 'timestream', ...base.timestream });
    const prom = parseFleetConfig({
      ...base,
      timestream: undefined,
      metrics: { kind: 'prometheus' },
      grafana: {},
    });
    expect(metricsSettingsOf(prom)).toEqual({ kind: 'prometheus', nativeHistograms: true });
    expect(prom.grafana?.enabled).toBe(true);
  });

  it('says how to fix a missing, unreadable or malformed config', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'k6fleet-config-'));
    writeFileSync(join(dir, 'broken.json'), '{ "homeRegion": ');
    // Act + Assess
    expect(() => loadFleetConfig(new App().node)).toThrow(
      /no fleet config: set context "k6fleet" in cdk.json/,
    );
    expect(() => loadFleetConfig(new App({ context: { k6fleet: 'nope.json' } }).node, dir)).toThrow(
      /cannot read fleet config file .*nope\.json/,
    );
    expect(() => loadFleetConfig(new App({ context: { k6fleet: 'broken.json' } }).node, dir)).toThrow(
      /broken\.json is not valid JSON/,
    );
  });
});
