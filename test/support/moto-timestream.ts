/** Reads what moto's Timestream emulation stored (its own data API; moto has no Query). */
export interface MotoTimestreamRecord {
  MeasureName?: string;
  MeasureValueType?: string;
  MeasureValues?: { Name: string; Value: string; Type: string }[];
  Dimensions?: { Name: string; Value: string }[];
  Time?: string;
}

/** The records moto stored per "db/table" (moto keeps the Records list as sent, without CommonAttributes). */
export async function motoTimestreamRecords(
  endpoint: string,
): Promise<Record<string, MotoTimestreamRecord[]>> {
  const res = await fetch(`${endpoint}/moto-api/data.json`);
  const data = (await res.json()) as {
    timestreamwrite?: {
      TimestreamTable?: { db_name: string; name: string; records: MotoTimestreamRecord[] }[];
    };
  };
  const out: Record<string, MotoTimestreamRecord[]> = {};
  for (const t of data.timestreamwrite?.TimestreamTable ?? []) out[`${t.db_name}/${t.name}`] = t.records;
  return out;
}
