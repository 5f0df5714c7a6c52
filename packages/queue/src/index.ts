export { DeferJob, type Job, type JobData, type JobQueue, type SendOptions, type WorkOptions } from "./job-queue";
export { createPgBossQueue, deadLetterQueueName, type PgBossQueueOptions } from "./pgboss-queue";
export { createSqliteQueue, type SqliteQueueOptions } from "./sqlite-queue";
