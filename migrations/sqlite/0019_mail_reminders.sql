-- A user who wants the alarms (VALARM) of their own calendars mailed to them when they trigger.
ALTER TABLE user_settings ADD COLUMN mail_reminders BIGINT NOT NULL DEFAULT 0;
