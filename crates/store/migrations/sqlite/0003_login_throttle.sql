-- Failed logins per key: 'user:<name as typed>' or 'addr:<sha256 of the
-- address>' (addresses are never stored in clear). Shared by every server,
-- so throttling holds behind a load balancer.
CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    last_failure TEXT NOT NULL,
    locked_until TEXT
);
