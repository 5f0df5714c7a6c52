export type { ArtifactTypeName } from "./artifact-types";
export { artifactKey, callIdOfKey, callPrefix, tempAudioKey } from "./keys";
export { createLocalStorage } from "./local-storage";
export { ObjectNotFoundError, type ObjectStorage, StorageError, type StoredObject } from "./object-storage";
export { createS3Storage, type S3StorageOptions } from "./s3-storage";
