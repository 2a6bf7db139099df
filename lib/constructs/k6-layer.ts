import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

export interface K6LayerProps {
  readonly architecture: lambda.Architecture;
  /** Folder with bin/k6 for that architecture (see lib/k6-layer/k6-layer-dir.ts). */
  readonly layerDir: string;
}

/** The pinned k6 binary as a Lambda layer: Lambda mounts layers at /opt, so k6 is /opt/bin/k6. */
export class K6Layer extends lambda.LayerVersion {
  static readonly K6_PATH = '/opt/bin/k6';

  constructor(scope: Construct, id: string, props: K6LayerProps) {
    super(scope, id, {
      code: lambda.Code.fromAsset(props.layerDir, { exclude: ['**/*.tmp.*'] }),
      compatibleArchitectures: [props.architecture],
      description: `k6 v2.2.0 for linux/${props.architecture.name} at ${K6Layer.K6_PATH}`,
    });
  }
}
