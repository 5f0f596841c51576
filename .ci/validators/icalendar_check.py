#!/usr/bin/env python3
"""Parses the founding webinar's iCalendar file with the `icalendar` library.

    python icalendar_check.py BASE_URL      (e.g. http://127.0.0.1:18080)

Run by icalendar.sh in the validators' venv. An independent parser catches
what our own unit tests cannot: a file that our code and our tests agree on
but that a real calendar library reads differently. Checks: exactly one
VEVENT; a VTIMEZONE whose TZID is the one DTSTART and DTEND name, with at
least one STANDARD or DAYLIGHT period carrying TZOFFSETFROM/TZOFFSETTO;
DTSTART resolves to 2020-11-10 18:00 UTC; every physical line ends in CRLF and
is at most 75 octets; four guiding questions in DESCRIPTION.

Then every working group's calendar (GET /api/v1/working-groups): one VEVENT
per event the API lists for the group, each DTSTART resolving to the API's
instant, and a VTIMEZONE for every TZID the VEVENTs name. .ci/run creates a
group with an event through the API, so there is at least one to read.
"""

import datetime
import json
import sys
import urllib.request

import icalendar


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        if response.status != 200:
            raise SystemExit(f"ERROR: GET {url} answered {response.status}")
        content_type = response.headers.get("Content-Type", "")
        if url.endswith(".ics") and not content_type.startswith("text/calendar"):
            raise SystemExit(f"ERROR: {url} has Content-Type {content_type!r}")
        return response.read()


def main() -> None:
    base = sys.argv[1].rstrip("/")
    event = json.loads(fetch(f"{base}/api/v1/events/lav-2020-11-10"))
    url = f"{base}/eventos/{event['id']}/calendario.ics"
    raw = fetch(url)
    problems = line_problems(raw)

    calendar = icalendar.Calendar.from_ical(raw)
    if str(calendar.get("VERSION")) != "2.0" or not calendar.get("PRODID"):
        problems.append("VERSION:2.0 and PRODID are required")
    events = calendar.walk("VEVENT")
    zones = calendar.walk("VTIMEZONE")
    if len(events) != 1:
        problems.append(f"{len(events)} VEVENTs, expected 1")
    if not zones:
        problems.append("no VTIMEZONE")
    if events and zones:
        vevent = events[0]
        start = vevent.get("DTSTART")
        tzid = start.params.get("TZID") if start is not None else None
        if tzid != event["time_zone"]:
            problems.append(f"DTSTART TZID is {tzid!r}, expected {event['time_zone']!r}")
        if vevent.get("DTEND").params.get("TZID") != tzid:
            problems.append("DTEND names another zone than DTSTART")
        zone_ids = [str(z.get("TZID")) for z in zones]
        if tzid not in zone_ids:
            problems.append(f"no VTIMEZONE for {tzid!r} (have {zone_ids})")
        periods = [p for z in zones for p in z.subcomponents if p.name in ("STANDARD", "DAYLIGHT")]
        if not periods or not all(p.get("TZOFFSETFROM") and p.get("TZOFFSETTO") for p in periods):
            problems.append("VTIMEZONE needs STANDARD/DAYLIGHT periods with TZOFFSETFROM and TZOFFSETTO")
        # The parser resolves TZID through its own zone data: the instant
        # must be the one the API gives.
        instant = start.dt.astimezone(datetime.timezone.utc)
        expected = datetime.datetime.fromisoformat(event["starts_at"].replace("Z", "+00:00"))
        if instant != expected:
            problems.append(f"DTSTART is {instant.isoformat()}, the API says {expected.isoformat()}")
        if not vevent.get("UID") or not vevent.get("DTSTAMP"):
            problems.append("UID and DTSTAMP are required")
        description = str(vevent.get("DESCRIPTION", ""))
        if "\n4. " not in description:
            problems.append("DESCRIPTION lacks the four guiding questions")

    if problems:
        for problem in problems:
            print(f"ERROR: {url}: {problem}", file=sys.stderr)
        raise SystemExit(1)
    print(f"{url}: parsed by icalendar {icalendar.__version__}: VTIMEZONE {tzid}, DTSTART {start.to_ical().decode()} ok")
    check_groups(base)


def line_problems(raw: bytes) -> list:
    problems = []
    for number, line in enumerate(raw.split(b"\r\n")[:-1], start=1):
        if len(line) > 75:
            problems.append(f"line {number} is {len(line)} octets")
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {number} has a bare line break")
    if not raw.endswith(b"\r\n"):
        problems.append("the file does not end in CRLF")
    return problems


def check_groups(base: str) -> None:
    groups = json.loads(fetch(f"{base}/api/v1/working-groups"))["items"]
    if not groups:
        raise SystemExit("ERROR: no working group to check (.ci/run creates one)")
    checked_events = 0
    for summary in groups:
        group = json.loads(fetch(f"{base}/api/v1/working-groups/{summary['slug']}"))
        url = f"{base}{group['calendar']}"
        raw = fetch(url)
        problems = line_problems(raw)
        calendar = icalendar.Calendar.from_ical(raw)
        zone_ids = {str(z.get("TZID")) for z in calendar.walk("VTIMEZONE")}
        if not zone_ids:
            problems.append("no VTIMEZONE (RFC 5545 wants one component at least)")
        vevents = calendar.walk("VEVENT")
        if len(vevents) != len(group["events"]):
            problems.append(f"{len(vevents)} VEVENTs, the API lists {len(group['events'])} events")
        by_uid = {str(v.get("UID")).split("@")[0]: v for v in vevents}
        for event in group["events"]:
            vevent = by_uid.get(event["id"])
            if vevent is None:
                problems.append(f"no VEVENT with UID {event['id']}@...")
                continue
            start = vevent.get("DTSTART")
            tzid = start.params.get("TZID")
            if tzid not in zone_ids:
                problems.append(f"no VTIMEZONE for {tzid!r} (have {sorted(zone_ids)})")
            instant = start.dt.astimezone(datetime.timezone.utc)
            expected = datetime.datetime.fromisoformat(event["starts_at"].replace("Z", "+00:00"))
            if instant != expected:
                problems.append(f"{event['slug']}: DTSTART is {instant.isoformat()}, the API says {expected.isoformat()}")
            checked_events += 1
        if problems:
            for problem in problems:
                print(f"ERROR: {url}: {problem}", file=sys.stderr)
            raise SystemExit(1)
    print(f"{len(groups)} working-group calendar(s), {checked_events} event(s): parsed and consistent with the API")


if __name__ == "__main__":
    main()
