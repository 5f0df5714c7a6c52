export type { Job, JobData, JobQueue, SendOptions, WorkOptions } from "./job-queue";
export { createSqliteQueue, type SqliteQueueOptions } from "./sqlite-queue";
export { createPgBossQueue, deadLetterQueueName, type PgBossQueueOptions } from "./pgboss-queue";
