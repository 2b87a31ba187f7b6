-- Notifications: what happened (written in the transaction that made it
-- happen), one delivery per person and channel (the outbox the worker sends
-- from), and what each person chose to receive and where.

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    -- The event's name, e.g. stock.low.
    event           TEXT NOT NULL,
    -- The one person it is for, for events such as a password reset; NULL
    -- when it goes to everyone whose role hears about the event.
    user_id         BIGINT REFERENCES users (id) ON DELETE CASCADE,
    -- A JSON object of the text fields the event's messages name.
    fields          TEXT NOT NULL,
    -- Where in the app it leads, e.g. /orders/12; empty when nowhere.
    link            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    -- When the worker wrote its deliveries; NULL until then.
    fanned_out_at   TEXT
);
CREATE INDEX notifications_waiting_idx ON notifications (id) WHERE fanned_out_at IS NULL;

CREATE TABLE notification_deliveries (
    id              INTEGER PRIMARY KEY,
    notification_id BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL CHECK (channel IN ('in_app', 'email', 'sms', 'push')),
    -- The email address, phone number or device token; empty for in_app.
    address         TEXT NOT NULL,
    -- queued → sending → sent; a failed try goes back to failed (tried again
    -- later) or, after the last try or a refusal that cannot change, dead.
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'dead')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    -- Unix seconds: when it is due (queued, failed) or when a claim lapses
    -- (sending; a worker that died mid-send leaves it to be tried again).
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    sent_at         TEXT,
    -- In-app notifications the person has seen.
    read_at         TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (notification_id, user_id, channel, address)
);
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at)
    WHERE status IN ('queued', 'sending', 'failed');
CREATE INDEX notification_deliveries_inbox_idx ON notification_deliveries (user_id, channel, id);
CREATE INDEX notification_deliveries_status_idx ON notification_deliveries (status, id);

-- A person's choice for one event on one channel; without a row the event's
-- default applies.
CREATE TABLE notification_preferences (
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('in_app', 'email', 'sms', 'push')),
    enabled         INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    PRIMARY KEY (user_id, event, channel)
);

-- Where a person receives SMS, and the language of their messages.
CREATE TABLE notification_contacts (
    user_id         BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- E.164, e.g. +84901234567; NULL for no SMS.
    phone           TEXT,
    language        TEXT NOT NULL DEFAULT 'vi' CHECK (language IN ('vi', 'en')),
    updated_at      TEXT NOT NULL
);

-- Browsers and phones registered for push, by their FCM registration token.
CREATE TABLE push_devices (
    id              INTEGER PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token           TEXT NOT NULL UNIQUE,
    label           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX push_devices_user_idx ON push_devices (user_id);
