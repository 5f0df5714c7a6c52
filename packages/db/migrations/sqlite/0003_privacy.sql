-- Per-user retention (docs/contract.md § Retention and account deletion): days a call is kept; NULL = the server default.
ALTER TABLE `users` ADD `retention_days` integer;
