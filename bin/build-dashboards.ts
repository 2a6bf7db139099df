/**
 * Writes the Grafana dashboards (dashboards/<datasource>/<name>.json) and the
 * provisioning files for a self-hosted Grafana (grafana/provisioning/…). Run:
 *   npx tsx bin/build-dashboards.ts [--out <repo root>] [--check]
 * --check exits 1 when the committed files differ from what the code generates.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { buildDashboards } from '../functions/adapters/grafana/dashboard-set';
import { FLAVORS } from '../functions/adapters/grafana/datasources';
import { dashboardsYaml, datasourcesYaml } from '../functions/adapters/grafana/provisioning';

export function generatedFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const flavor of FLAVORS) {
    for (const [name, dash] of Object.entries(buildDashboards(flavor))) {
      files[`dashboards/${flavor}/${name}.json`] = `${JSON.stringify(dash, null, 2)}\n`;
    }
  }
  files['grafana/provisioning/datasources/k6-fleet.yaml'] = datasourcesYaml();
  files['grafana/provisioning/dashboards/k6-fleet.yaml'] = dashboardsYaml();
  return files;
}

async function main(argv: string[]): Promise<number> {
  const outIdx = argv.indexOf('--out');
  const root = resolve(outIdx >= 0 ? argv[outIdx + 1]! : join(import.meta.dirname, '..'));
  const check = argv.includes('--check');
  const stale: string[] = [];
  for (const [rel, text] of Object.entries(generatedFiles())) {
    const path = join(root, rel);
    if (check) {
      const cur = await readFile(path, 'utf8').catch(() => null);
      if (cur !== text) stale.push(rel);
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    process.stdout.write(`wrote ${rel}\n`);
  }
  if (stale.length > 0) {
    process.stderr.write(
      `stale generated files (run npx tsx bin/build-dashboards.ts): ${stale.join(', ')}\n`,
    );
    return 1;
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
