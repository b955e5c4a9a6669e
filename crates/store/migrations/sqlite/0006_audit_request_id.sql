-- The request that made each change, to join the audit log with the server
-- logs (the same id is in the X-Request-Id header and the log lines).
ALTER TABLE audit_log ADD COLUMN request_id TEXT;
