/**
 * AWS list prices the cost estimate uses, as dated data (USD, us-east-1, on-demand, no free
 * tier). Sources: aws.amazon.com/lambda/pricing, /step-functions/pricing, /s3/pricing,
 * /timestream/pricing, /ec2/pricing/on-demand (data transfer). Update `asOf` with the values.
 * Other regions differ by a few percent; the estimate names the table's region.
 */
export const AWS_PRICES = {
  asOf: '2026-12-03',
  region: 'us-east-1',
  lambda: {
    /** Per GB-second of duration, by architecture. */
    gbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
    /** Per invocation ($0.20 per million). */
    request: 0.2 / 1e6,
  },
  stepFunctions: {
    /** Standard workflows, per state transition ($0.025 per 1,000). */
    stateTransition: 0.025 / 1000,
  },
  s3: {
    /** S3 Standard PUT, COPY, POST, LIST ($0.005 per 1,000). */
    putOrList: 0.005 / 1000,
    /** S3 Standard GET and all other requests ($0.0004 per 1,000). */
    get: 0.0004 / 1000,
  },
  timestream: {
    /** LiveAnalytics writes, per 1 KB write ($0.50 per million). */
    write1Kb: 0.5 / 1e6,
  },
  dataTransfer: {
    /** Data out from AWS to the internet, first 10 TB per month, per GB. */
    outToInternetGb: 0.09,
  },
} as const;

export type AwsPriceTable = typeof AWS_PRICES;
