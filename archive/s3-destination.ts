import { PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { ArchiveDestinationError, parseS3Url, sha256, type ArchiveDestination } from "./destination";

/**
 * An archive in S3-compatible object storage through AWS's own client
 * (@aws-sdk/client-s3). Credentials and region come from the usual AWS
 * chain (AWS_ACCESS_KEY_ID…, ~/.aws, instance roles); AWS_ENDPOINT_URL_S3
 * or --s3-endpoint points it at MinIO, Ceph or another S3-compatible store
 * (path-style addressing, which they expect). Each part is one PutObject
 * with its SHA-256 as the object checksum, so the store refuses a part
 * that arrives changed. Parts are bounded by --part-rows, so one request
 * each is enough (S3 takes 5 GB per PutObject).
 */
export interface S3Options {
  endpoint?: string | undefined;
  region?: string | undefined;
}

/** The client configuration for a location: what the unit test checks (no S3 is reachable here). */
export function s3ClientConfig(options: S3Options): S3ClientConfig {
  return {
    region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
  };
}

export function s3ObjectKey(prefix: string, file: string): string {
  return prefix === "" ? file : `${prefix}/${file}`;
}

export function s3Destination(url: string, options: S3Options = {}): ArchiveDestination {
  const { bucket, prefix } = parseS3Url(url);
  const client = new S3Client(s3ClientConfig({ ...options, endpoint: options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 }));
  return {
    description: url,
    async put(file, bytes) {
      const digest = sha256(bytes);
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: s3ObjectKey(prefix, file),
            Body: bytes,
            ChecksumSHA256: Buffer.from(digest, "hex").toString("base64"),
            // Never overwrite: an archive object written once stays what it was.
            IfNoneMatch: "*",
          }),
        );
      } catch (error) {
        throw new ArchiveDestinationError(`upload of ${file} to s3://${bucket}/${s3ObjectKey(prefix, file)} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      return { bytes: bytes.length, sha256: digest };
    },
  };
}
