import { z } from 'zod';

/** One priced line of a run's estimated AWS cost. */
export const CostItemSchema = z.object({
  /** e.g. "Runner Lambda compute (arm64)". */
  item: z.string(),
  quantity: z.number().nonnegative(),
  /** e.g. "GB-s", "requests", "state transitions", "GB". */
  unit: z.string(),
  /** USD per one unit. */
  unitPrice: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type CostItem = z.infer<typeof CostItemSchema>;

/** summary.fleet.cost — what the run cost on AWS, estimated from what it used. */
export const CostEstimateSchema = z.object({
  currency: z.literal('USD'),
  totalUsd: z.number().nonnegative(),
  items: z.array(CostItemSchema),
  /** The price table's date and region (functions/core/cost/aws-price-table.ts). */
  pricesAsOf: z.string(),
  priceRegion: z.string(),
  /** What the estimate assumed (memory, architecture, sizes), so a reader can judge it. */
  assumptions: z.array(z.string()),
});
export type CostEstimate = z.infer<typeof CostEstimateSchema>;
