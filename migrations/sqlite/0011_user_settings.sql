-- What a user chose for the web UI: its language (`en`, `ru`) and time zone (an IANA name).
-- Absent values follow the browser (language) and UTC (time zone).
CREATE TABLE user_settings (
    principal_id BIGINT PRIMARY KEY REFERENCES principals(id) ON DELETE CASCADE,
    locale TEXT,
    time_zone TEXT
);
