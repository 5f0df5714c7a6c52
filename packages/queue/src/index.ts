export type { Job, JobData, JobQueue, SendOptions, WorkOptions } from "./job-queue";
export { createSqliteQueue, type SqliteQueueOptions } from "./sqlite-queue";
