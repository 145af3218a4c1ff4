#!/usr/bin/env python3
"""The python `caldav` library against Portico: the scenario of issue 4.

usage: caldav_scenario.py ROOT_URL USER PASSWORD [COLLEAGUE]

Discovers the principal from the server root, creates a calendar, adds, edits and deletes
events and todos, finds a recurring event with an override and an EXDATE by time-range
search, and checks a sync-token delta after changes. With COLLEAGUE, it also expects the
company's "Company events" calendar and the colleague's calendar (a favourite) among the
user's calendars, read-only. Every step asserts; the last line is "N passed, 0 failed" when
all pass."""
import datetime as dt
import sys
import uuid

import caldav

URL, USER, PASSWORD = sys.argv[1:4]
COLLEAGUE = sys.argv[4] if len(sys.argv) > 4 else None
UTC = dt.timezone.utc
passed = failed = 0


def step(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f"ok   {name}")
    except Exception as e:  # report and keep going so the summary is complete
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}")


RECURRING = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Portico tests//EN
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:{uid}
DTSTAMP:20300101T000000Z
DTSTART;TZID=Europe/Berlin:20300107T100000
DTEND;TZID=Europe/Berlin:20300107T110000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Berlin:20300114T100000
SUMMARY:Weekly sync
END:VEVENT
BEGIN:VEVENT
UID:{uid}
DTSTAMP:20300101T000000Z
RECURRENCE-ID;TZID=Europe/Berlin:20300121T100000
DTSTART;TZID=Europe/Berlin:20300123T150000
DTEND;TZID=Europe/Berlin:20300123T160000
SUMMARY:Weekly sync (moved)
END:VEVENT
END:VCALENDAR
"""

with caldav.DAVClient(url=URL, username=USER, password=PASSWORD) as client:
    state = {}

    def discover():
        principal = client.principal()
        state["principal"] = principal
        calendars = principal.calendars()
        assert calendars, "the default calendar exists on first access"
        state["calendars"] = calendars

    def make_calendar():
        cal_id = "scenario-" + uuid.uuid4().hex[:8]
        cal = state["principal"].make_calendar(name="Scenario", cal_id=cal_id)
        state["cal"] = cal
        assert any(c.url == cal.url for c in state["principal"].calendars())

    def events_crud():
        cal = state["cal"]
        start = dt.datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
        ev = cal.save_event(dtstart=start, dtend=start + dt.timedelta(hours=1), summary="Budget", uid=str(uuid.uuid4()))
        ev.icalendar_component["SUMMARY"] = "Budget review"
        ev.save()
        again = cal.event_by_uid(ev.icalendar_component["UID"])
        assert str(again.icalendar_component["SUMMARY"]) == "Budget review"
        again.delete()
        assert not [e for e in cal.events() if str(e.icalendar_component["UID"]) == str(ev.icalendar_component["UID"])]

    def todos_crud():
        cal = state["cal"]
        todo = cal.save_todo(summary="Write report", uid=str(uuid.uuid4()), priority=1,
                             due=dt.datetime(2030, 3, 10, 17, 0, tzinfo=UTC))
        assert [t for t in cal.todos() if str(t.icalendar_component["SUMMARY"]) == "Write report"]
        todo.complete()
        done = cal.todo_by_uid(todo.icalendar_component["UID"])
        assert str(done.icalendar_component["STATUS"]) == "COMPLETED"
        done.delete()

    def recurring_search():
        cal = state["cal"]
        cal.save_event(RECURRING.format(uid=str(uuid.uuid4())))

        def summaries(start, end):
            hits = cal.search(start=start, end=end, event=True, expand=True)
            return sorted(str(h.icalendar_component["SUMMARY"]) for h in hits)

        jan = lambda d, h=0: dt.datetime(2030, 1, d, h, tzinfo=UTC)
        assert summaries(jan(7), jan(8)) == ["Weekly sync"], summaries(jan(7), jan(8))
        assert summaries(jan(14), jan(15)) == [], "the EXDATE instance must not match"
        assert summaries(jan(21), jan(22)) == [], "the moved instance is no longer on its original day"
        assert summaries(jan(23), jan(24)) == ["Weekly sync (moved)"], summaries(jan(23), jan(24))

    def sync_delta():
        cal = state["cal"]
        before = cal.objects(load_objects=False)
        token = before.sync_token
        start = dt.datetime(2030, 5, 1, 9, 0, tzinfo=UTC)
        cal.save_event(dtstart=start, dtend=start + dt.timedelta(hours=1), summary="Added later", uid=str(uuid.uuid4()))
        updates = cal.objects_by_sync_token(sync_token=token, load_objects=True)
        names = [str(o.icalendar_component["SUMMARY"]) for o in updates]
        assert names == ["Added later"], names
        assert updates.sync_token != token

    def shared_in_home():
        calendars = {c.get_display_name(): c for c in state["principal"].calendars()}
        favourite = f"Calendar ({COLLEAGUE})"
        assert "Company events" in calendars and favourite in calendars, sorted(calendars)
        company = calendars["Company events"]
        start = dt.datetime(2030, 6, 1, 9, 0, tzinfo=UTC)
        try:
            company.save_event(dtstart=start, dtend=start + dt.timedelta(hours=1), summary="x", uid=str(uuid.uuid4()))
        except caldav.lib.error.DAVError:
            pass
        else:
            raise AssertionError("a colleague wrote to the read-only company calendar")
        assert calendars[favourite].search(start=start, end=start + dt.timedelta(days=1), event=True) == []

    def cleanup():
        state["cal"].delete()

    for name, fn in [("discover from the server root", discover), ("create a calendar", make_calendar),
                     ("add, edit, delete an event", events_crud), ("add, complete, delete a todo", todos_crud),
                     ("recurring event with override and EXDATE by time range", recurring_search),
                     ("sync-token delta", sync_delta), ("delete the calendar", cleanup)]:
        step(name, fn)
    if COLLEAGUE:
        step("team calendar and favourite in the home", shared_in_home)

print(f"caldav: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
