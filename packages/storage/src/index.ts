export { ObjectNotFoundError, StorageError, type ObjectStorage, type StoredObject } from "./object-storage";
export { createLocalStorage } from "./local-storage";
export { artifactKey, callIdOfKey, callPrefix, tempAudioKey } from "./keys";
export type { ArtifactTypeName } from "./artifact-types";
export { createS3Storage, type S3StorageOptions } from "./s3-storage";
