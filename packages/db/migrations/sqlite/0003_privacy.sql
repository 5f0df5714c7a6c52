-- Per-user retention (docs/contract.md § Retention and account deletion): days a call is kept; NULL = the server default.
ALTER TABLE `users` ADD `retention_days` integer;
--> statement-breakpoint
-- Egress ledger (docs/contract.md § Egress ledger): which outside service received what.
ALTER TABLE `processing_events` ADD `host` text;
--> statement-breakpoint
ALTER TABLE `processing_events` ADD `model` text;
--> statement-breakpoint
ALTER TABLE `processing_events` ADD `data_sent` text;
