import { Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as timestream from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';
import type { InfluxDbSettings } from '../config/metrics-config-schema';

/** The port InfluxDB listens on (Timestream for InfluxDB's default). */
export const INFLUXDB_PORT = 8086;

export interface InfluxDbInstanceProps {
  readonly settings: InfluxDbSettings;
  readonly instanceName: string;
  readonly retainOnDelete: boolean;
  readonly logRetention: logs.RetentionDays;
}

/** Where a Lambda that talks to the instance runs. */
export interface WriterNetwork {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: ec2.ISecurityGroup[];
}

/**
 * A Timestream for InfluxDB (InfluxDB 2) instance in the VPC the config names (or a new
 * one), its admin credentials generated into a Secrets Manager secret (CloudFormation
 * resolves the password by dynamic reference: it is in no template, env var or log), and a
 * writer security group: the only one the instance's group lets in on port 8086.
 */
export class InfluxDbInstance extends Construct {
  readonly instance: timestream.CfnInfluxDBInstance;
  readonly secret: secretsmanager.Secret;
  readonly vpc: ec2.IVpc;
  readonly instanceSecurityGroup: ec2.SecurityGroup;
  readonly writerSecurityGroup: ec2.SecurityGroup;
  readonly writerNetwork: WriterNetwork;
  /** https://<endpoint>:8086 (Timestream for InfluxDB serves TLS only). */
  readonly url: string;
  readonly settings: InfluxDbSettings;

  constructor(scope: Construct, id: string, props: InfluxDbInstanceProps) {
    super(scope, id);
    const s = props.settings;
    this.settings = s;
    const { vpc, instanceSubnets, writerSubnets } = this.network(s, props.logRetention);
    this.vpc = vpc;
    this.instanceSecurityGroup = new ec2.SecurityGroup(this, 'InstanceSg', {
      vpc,
      description: 'k6-fleet: the InfluxDB instance, reachable on 8086 from the metrics writers',
      allowAllOutbound: false,
    });
    this.writerSecurityGroup = new ec2.SecurityGroup(this, 'WriterSg', {
      vpc,
      description: 'k6-fleet: Lambdas that write metrics to InfluxDB',
      // They also call S3, EventBridge and Secrets Manager over HTTPS.
      allowAllOutbound: true,
    });
    this.instanceSecurityGroup.addIngressRule(
      this.writerSecurityGroup,
      ec2.Port.tcp(INFLUXDB_PORT),
      'metrics writers',
    );
    for (const c of s.allowedCidrs) {
      this.instanceSecurityGroup.addIngressRule(
        ec2.Peer.ipv4(c),
        ec2.Port.tcp(INFLUXDB_PORT),
        'config allowedCidrs',
      );
    }
    this.writerNetwork = { vpc, vpcSubnets: writerSubnets, securityGroups: [this.writerSecurityGroup] };

    this.secret = new secretsmanager.Secret(this, 'Credentials', {
      description: 'k6-fleet: InfluxDB admin credentials (add a "token" field to write with an API token)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          username: s.username,
          organization: s.organization,
          bucket: s.bucket,
        }),
        generateStringKey: 'password',
        // Timestream for InfluxDB passwords are 8-64 letters and digits.
        excludePunctuation: true,
        passwordLength: 32,
      },
    });
    this.instance = new timestream.CfnInfluxDBInstance(this, 'Instance', {
      name: props.instanceName,
      dbInstanceType: s.instanceType,
      dbStorageType: 'InfluxIOIncludedT1',
      allocatedStorage: s.allocatedStorageGiB,
      deploymentType: 'SINGLE_AZ',
      username: s.username,
      password: this.secret.secretValueFromJson('password').unsafeUnwrap(),
      organization: s.organization,
      bucket: s.bucket,
      port: INFLUXDB_PORT,
      publiclyAccessible: s.publiclyAccessible,
      vpcSubnetIds: vpc.selectSubnets(instanceSubnets).subnetIds,
      vpcSecurityGroupIds: [this.instanceSecurityGroup.securityGroupId],
    });
    this.instance.applyRemovalPolicy(props.retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
    this.url = `https://${this.instance.attrEndpoint}:${INFLUXDB_PORT}`;
  }

  /** Lets `grantee` read the credentials secret (GetSecretValue on this secret only). */
  grantReadCredentials(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [this.secret.secretArn],
    });
  }

  private network(s: InfluxDbSettings, logRetention: logs.RetentionDays) {
    if (s.vpc) {
      // Subnets are selected by id, so the VPC's AZ list is never consulted.
      const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: s.vpc.vpcId,
        availabilityZones: Fn.getAzs(),
      });
      const subnets = {
        subnets: s.vpc.subnetIds.map((id, i) => ec2.Subnet.fromSubnetId(this, `Subnet${i}`, id)),
      };
      return { vpc, instanceSubnets: subnets, writerSubnets: subnets };
    }
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      // One NAT: the writers reach S3, EventBridge and Secrets Manager; the instance needs none.
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'FlowLogs', { retention: logRetention }),
      ),
    });
    const priv = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const instanceSubnets = s.publiclyAccessible ? { subnetType: ec2.SubnetType.PUBLIC } : priv;
    return { vpc, instanceSubnets, writerSubnets: priv };
  }
}
