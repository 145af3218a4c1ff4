-- RFC 6638 §3.2.10: the Schedule-Tag of a scheduling object resource, which changes only on a
-- consequential change (the organizer's writes, deliveries to attendees), not when a reply
-- updates the organizer's copy or an attendee answers; NULL for other objects.
ALTER TABLE items ADD COLUMN schedule_tag TEXT;
