-- How far a background job has got: for the reminder job, the time up to which every reminder
-- due has been queued, so that after a stop it looks back to there instead of losing what
-- came due while the server was down (written by core::calendars::reminders only).
CREATE TABLE job_marks (
    name TEXT PRIMARY KEY,
    mark BIGINT NOT NULL
);
