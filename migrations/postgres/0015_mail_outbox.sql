-- Durable outbox of mail (iMIP invitations to guests outside the company, RFC 6047): a message
-- is written in the transaction that schedules it, and sent by the mail job at least once,
-- always with the same Message-ID, until the SMTP server accepts it.
CREATE TABLE mail_outbox (
    id BIGSERIAL PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    sent_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox(sent_at, next_attempt_at);
