import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** Static credentials or a provider, as the SDK's signer takes them. */
type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface SigV4Options {
  region: string;
  /** Signing name. @default 'aps' (Amazon Managed Service for Prometheus) */
  service?: string;
  /** @default the AWS SDK's default provider chain (env, profile, Lambda role, …) */
  credentials?: Credentials;
}

/** Signs a POST with the AWS SDK's own SigV4 signer and returns the headers to send. */
export type RequestSigner = (
  url: URL,
  headers: Record<string, string>,
  body: Uint8Array,
) => Promise<Record<string, string>>;

export function sigV4Signer(opts: SigV4Options): RequestSigner {
  const signer = new SignatureV4({
    service: opts.service ?? 'aps',
    region: opts.region,
    credentials: opts.credentials ?? defaultProvider(),
    sha256: Sha256,
  });
  return async (url, headers, body) => {
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers: { ...headers, host: url.host },
      body,
    });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(signed.headers)) if (k !== 'host') out[k] = String(v);
    return out;
  };
}
