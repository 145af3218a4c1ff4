-- The figures of the directory sync's last completed pass, for the administration page: JSON
-- with the created, updated, deactivated, unchanged and skipped counts and the first skipped
-- entries with their reasons (written by core::directory, read back by it only).
ALTER TABLE directory_sync ADD COLUMN last_report TEXT;
