#!/usr/bin/env node
// npm "bin" entry: runs the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('./k6-fleet.ts');
