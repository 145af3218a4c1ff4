-- What a meeting room offers and who may book it: seats (0: not stated), equipment (lower-case
-- words, comma-separated) and bookers (department slugs or group logins, comma-separated;
-- empty: everyone). A room without a row has none of these stated.
CREATE TABLE room_details (
    principal_id BIGINT PRIMARY KEY REFERENCES principals(id) ON DELETE CASCADE,
    capacity BIGINT NOT NULL DEFAULT 0,
    equipment TEXT NOT NULL DEFAULT '',
    bookers TEXT NOT NULL DEFAULT ''
);
