/**
 * The run store: the durable record of a run and its control channel.
 * S3 in AWS, a folder locally. Writes are atomic (a reader never sees half an object).
 */
export interface RunStore {
  /** Object body as text, or undefined when absent. */
  get(key: string): Promise<string | undefined>;
  put(key: string, body: string | Uint8Array, contentType?: string): Promise<void>;
  /**
   * Writes only when the key does not exist yet, atomically against concurrent writers
   * (S3: a conditional PUT with If-None-Match: *; a folder: an exclusive link). True when
   * this call created the object, false when one was already there (left unchanged).
   */
  putIfAbsent(key: string, body: string, contentType?: string): Promise<boolean>;
  /** Keys under a prefix, sorted ascending. */
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  /** Human-readable location of a key (file path or s3:// URL), for messages. */
  describe(key: string): string;
}

/** Reads and parses a JSON object, undefined when absent. */
export async function getJson<T>(
  store: RunStore,
  key: string,
  parse: (v: unknown) => T,
): Promise<T | undefined> {
  const text = await store.get(key);
  return text === undefined ? undefined : parse(JSON.parse(text));
}

export function putJson(store: RunStore, key: string, value: unknown): Promise<void> {
  return store.put(key, JSON.stringify(value), 'application/json');
}
