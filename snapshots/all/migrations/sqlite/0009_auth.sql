-- People who sign in, their sessions, API tokens for integrations, password
-- reset tokens and the security audit log. Secrets are never stored: only
-- argon2id password hashes and SHA-256 hashes of random tokens.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    -- Lowercased by the app, so the address is unique whatever its case.
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    -- ADMIN, MANAGER, STAFF or CASHIER.
    role            TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    password_hash   TEXT NOT NULL,
    -- Base32 TOTP secret; set while enrolling, trusted once totp_enabled is 1.
    totp_secret     TEXT,
    totp_enabled    INTEGER NOT NULL DEFAULT 0,
    -- The 30-second step of the last code accepted, so no code works twice.
    totp_last_step  BIGINT NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    -- SHA-256 of the cookie value, hex.
    token_hash      TEXT NOT NULL UNIQUE,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- 1 between a correct password and the second factor: such a session
    -- opens nothing but the two-factor step.
    pending_second_factor INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL,
    -- The absolute end, however active the session is.
    expires_at      TEXT NOT NULL,
    ip              TEXT,
    user_agent      TEXT
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    created_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    last_used_at    TEXT,
    revoked_at      TEXT
);

CREATE TABLE recovery_codes (
    id              INTEGER PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash       TEXT NOT NULL,
    used_at         TEXT
);
CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id);

CREATE TABLE password_resets (
    id              INTEGER PRIMARY KEY,
    token_hash      TEXT NOT NULL UNIQUE,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT
);

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    -- e.g. login_succeeded, login_failed, role_changed, token_created.
    event           TEXT NOT NULL,
    -- Who did it, when known.
    actor_id        BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- Whom it concerned, when a person.
    user_id         BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The email typed at a sign-in, lowercased, even for unknown accounts.
    email           TEXT,
    ip              TEXT,
    detail          TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
-- Sign-in rate limits count recent failures per email and per address.
CREATE INDEX audit_log_email_idx ON audit_log (event, email, created_at);
CREATE INDEX audit_log_ip_idx ON audit_log (event, ip, created_at);
CREATE INDEX audit_log_created_idx ON audit_log (created_at);
