#!/usr/bin/env -S npx tsx
/**
 * k6-fleet-target: the bundled loopback target server.
 * The first stdout line is always `listening on <url>` (scripts parse it).
 */
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { type ProfileInput, parseProfile } from '../target/profile';
import { LOOPBACK_HOSTS, type LoopbackHost, startTargetServer } from '../target/server';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected an integer 0..65535');
  return port;
}

async function readProfile(file: string): Promise<ProfileInput> {
  const text = await readFile(file, 'utf8');
  // Validate here so a bad file is reported with its name, before anything listens.
  return parseProfile(JSON.parse(text));
}

async function main(): Promise<void> {
  const program = new Command()
    .name('k6-fleet-target')
    .description(
      'Loopback HTTP target with per-route latency and error profiles, a simulated database pool, Prometheus /metrics (admin API under /__admin/)',
    )
    .addOption(
      new Option('--port <n>', 'port to listen on; 0 picks a free one').argParser(parsePort).default(0),
    )
    .addOption(
      new Option('--host <host>', 'loopback host to bind').choices(LOOPBACK_HOSTS).default('127.0.0.1'),
    )
    .option(
      '--profile <file.json>',
      'profile JSON (routes, latency, errorRate, dbQuery, phases, database.poolSize)',
    )
    .parse();
  const opts = program.opts<{ port: number; host: LoopbackHost; profile?: string }>();

  let profile: ProfileInput | undefined;
  try {
    profile = opts.profile === undefined ? undefined : await readProfile(opts.profile);
  } catch (error) {
    const detail = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
    process.stderr.write(`k6-fleet-target: invalid profile ${opts.profile}: ${detail}\n`);
    process.exit(1);
  }

  const server = await startTargetServer({ host: opts.host, port: opts.port, profile });
  process.stdout.write(`listening on ${server.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const { requests, errors } = server.stats();
    process.stderr.write(`k6-fleet-target: ${signal}, stopping (${requests} requests, ${errors} errors)\n`);
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`k6-fleet-target: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
