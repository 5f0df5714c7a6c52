import { startS3Server } from "@scryon/storage/testing";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The s3rver every scale-out test file shares (each server gets a bucket of its own). */
    scaleOutS3Endpoint: string;
  }
}

/** One S3-protocol server for the whole scale-out run: s3rver takes a second or two to start. */
export default async function setup(project: TestProject) {
  const s3 = await startS3Server("scryon-shared");
  project.provide("scaleOutS3Endpoint", s3.endpoint);
  return () => s3.stop();
}
