export type { Job, JobData, JobQueue, SendOptions, WorkOptions } from "./job-queue";
export { createPgBossQueue, deadLetterQueueName, type PgBossQueueOptions } from "./pgboss-queue";
export { createSqliteQueue, type SqliteQueueOptions } from "./sqlite-queue";
