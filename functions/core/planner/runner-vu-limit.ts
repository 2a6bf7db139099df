/**
 * The most VUs one runner can carry, from the two hard walls of a Lambda runner:
 *
 * - **File descriptors**: Lambda allows 1,024 per execution environment, shared by the
 *   runner (Node) and its k6. The fleet assumes **one connection per VU** (HTTP/1.1
 *   keep-alive: k6 keeps each VU's connection to a host open between iterations). A VU
 *   that batches (`http.batch`, up to `batchPerHost` connections) or talks to several hosts
 *   holds more, so the cap is an upper bound, not a target. `RESERVED_FDS` covers stdio,
 *   k6's REST and OTLP sockets, the runner's sockets to S3 and the sink, the script and
 *   log files, epoll and timer descriptors.
 * - **Memory**: the runner and k6 share the function's configured memory; when it runs out
 *   the kernel kills k6 (a crash, exit 255). `BASE_MEMORY_MB` is the runner plus an idle
 *   k6 (bench/README.md "Memory": ≈ 110 MiB + ≈ 60 MiB, with room), `MEMORY_PER_VU_MB` is
 *   k6's own rule of thumb for a simple HTTP script (1–5 MB per VU; 20 VUs measured here
 *   add ≈ 20 MiB), taken near the middle.
 */
export const RUNNER_LIMITS = {
  fileDescriptors: 1024,
  reservedFds: 124,
  baseMemoryMb: 256,
  memoryPerVuMb: 3,
} as const;

export interface RunnerVuLimit {
  vus: number;
  /** Which wall sets it, with the numbers, for messages. */
  by: 'file descriptors' | 'memory';
  detail: string;
}

/**
 * The VU cap per runner: the lower of the file-descriptor cap and, when the runner's
 * memory is known (AWS: the configured Lambda memory), the memory cap.
 */
export function runnerVuLimit(memoryMb: number | null): RunnerVuLimit {
  const L = RUNNER_LIMITS;
  const byFds = L.fileDescriptors - L.reservedFds;
  const fds: RunnerVuLimit = {
    vus: byFds,
    by: 'file descriptors',
    detail: `${L.fileDescriptors} file descriptors per Lambda, ${L.reservedFds} kept for the runner and k6, one connection per VU`,
  };
  if (memoryMb === null) return fds;
  const byMemory = Math.max(1, Math.floor((memoryMb - L.baseMemoryMb) / L.memoryPerVuMb));
  if (byMemory >= byFds) return fds;
  return {
    vus: byMemory,
    by: 'memory',
    detail: `${memoryMb} MB of runner memory: ${L.baseMemoryMb} MB for the runner and k6, ${L.memoryPerVuMb} MB per VU`,
  };
}
