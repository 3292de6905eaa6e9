-- Indexes for the periodic sweep of expired tokens, old login failures and
-- finished jobs, so it never scans those tables whole.

-- +goose Up
CREATE INDEX ix_login_failures_at ON login_failures (at);
CREATE INDEX ix_tokens_expires ON tokens (expires_at);
CREATE INDEX ix_jobs_finished ON jobs (finished_at);

-- +goose Down
DROP INDEX ix_jobs_finished;
DROP INDEX ix_tokens_expires;
DROP INDEX ix_login_failures_at;
