import { readFile } from 'node:fs/promises';

/** Reads the user's script for a command; undefined (after saying why on `log`) when it cannot. */
export async function readScript(
  scriptPath: string,
  log: (line: string) => void,
): Promise<string | undefined> {
  try {
    return await readFile(scriptPath, 'utf8');
  } catch (e) {
    log(`k6-fleet: cannot read script ${scriptPath}: ${(e as Error).message}`);
    return undefined;
  }
}
