import { describe, expect, it } from 'vitest';
import { ConnectionPool, type Release } from '../../target/db-pool';

describe('simulated database pool', () => {
  it('hands out up to size connections, queues the rest FIFO, and refuses past maxWaiting', () => {
    // Prepare
    let clock = 0;
    const pool = new ConnectionPool(2, 2, () => clock);
    const granted: string[] = [];
    const releases = new Map<string, Release>();
    const ask = (name: string) =>
      pool.acquire((release) => {
        granted.push(name);
        releases.set(name, release);
      });

    // Act
    const admitted = ['a', 'b', 'c', 'd', 'e'].map(ask);
    const full = pool.snapshot();
    clock = 250;
    releases.get('a')!();
    releases.get('a')!(); // a second call must not free a second connection
    clock = 1250;
    releases.get('b')!();
    const drained = pool.snapshot();
    releases.get('c')!();
    releases.get('d')!();

    // Assess
    expect(admitted).toEqual([true, true, true, true, false]);
    expect(full).toMatchObject({ size: 2, inUse: 2, waiting: 2, acquiredTotal: 2, rejectedTotal: 1 });
    expect(granted).toEqual(['a', 'b', 'c', 'd']);
    // c waited 250 ms, d waited 1250 ms.
    expect(drained).toMatchObject({ inUse: 2, waiting: 0, acquiredTotal: 4, waitSecondsTotal: 1.5 });
    expect(pool.snapshot()).toMatchObject({ inUse: 0, waiting: 0 });
  });
});
