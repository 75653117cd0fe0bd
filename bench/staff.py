"""How long the staff side takes, in-process through Flask's test client (no server):

- the patients page and a patient page with N active enrolments in the database;
- checking a 10,000-row CSV (the preview) and confirming a 100-row one;
- enrolling through the JSON API, one request after another.

    python -m bench.staff [--enrolments 5000] [--backend sqlite|postgresql|both]

Only 555-0100..0199 are fictional mobile numbers, so at most 100 patients can be enrolled
through the validating paths; the seeded enrolments use numbers no validator would take.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bench.common import Database, machine, seed
from reminders.accounts import create_staff, create_token
from reminders.audit import Actor
from reminders.importer import import_csv, preview
from reminders.models import Role
from reminders.protocol_files import read_schedules
from reminders.services import Services
from reminders.settings import Settings
from reminders.web import create_app

PASSWORD = "bench password 123"
HEADER = "first_name,phone,injected_at,protocol,consent_by\n"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _timed(func, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def _csv(rows: int, injected: str) -> bytes:
    lines = [f"Pat,(312) 555-01{i % 100:02d},{injected},hip-joint-injection,Nurse Kim\n"
             for i in range(rows)]
    return (HEADER + "".join(lines)).encode()


def run(backend: str, enrolments: int) -> None:
    now = datetime.now(UTC)
    db = Database(backend)
    try:
        seed(db, enrolments=enrolments, due=0, now=now)
        settings = Settings(database_url=db.url, secret_key="bench-" + "x" * 32)
        protocols = read_schedules(settings.schedules_file, settings.placeholders)
        svc = Services(db.sessions, protocols, settings)
        app = create_app(settings, db.sessions, protocols)
        create_staff(db.sessions, "bench", PASSWORD, Role.STAFF, Actor("bench", "cli"), now)
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = login.split('name="csrf_token" value="')[1].split('"')[0]
        assert client.post("/login", data={"name": "bench", "password": PASSWORD,
                                           "csrf_token": token}).status_code == 302

        def get(path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        print(f"\n{backend}, {enrolments:,} active enrolments (~12 texts each):")
        pages = _timed(lambda: get("/"), 10)
        print(f"  patients page (first 500 rows): median {_ms(statistics.median(pages))}, "
              f"max {_ms(max(pages))}")
        patient = _timed(lambda: get("/enrollments/1"), 20)
        print(f"  patient page: median {_ms(statistics.median(patient))}, max {_ms(max(patient))}")

        stamp = now.astimezone(ZoneInfo(settings.clinic_timezone)).strftime("%Y-%m-%d %H:%M")
        big = _csv(10_000, stamp)
        start = time.perf_counter()
        report = preview(svc, big, now)
        took = time.perf_counter() - start
        print(f"  CSV preview, 10,000 rows ({len(report.accepted)} accepted, "
              f"{len(report.rejected):,} rejected): {_ms(took)}")
        start = time.perf_counter()
        report, ids = import_csv(svc, _csv(100, stamp), "bench.csv", Actor("bench", "cli"), now)
        assert ids, (report.file_errors, [r.errors for r in report.rejected][:3])
        took = time.perf_counter() - start
        print(f"  CSV import, 100 rows confirmed in one transaction ({len(ids)} enrolled): "
              f"{_ms(took)}")

        api_token = create_token(db.sessions, "bench", Actor("bench", "cli"), now).token
        with db.engine.begin() as conn:  # free the 100 numbers again for the API run
            conn.exec_driver_sql("UPDATE enrollments SET status = 'cancelled' "
                                 f"WHERE id IN ({','.join(map(str, ids))})")
        api = app.test_client()
        headers = {"Authorization": f"Bearer {api_token}"}
        times = []
        for i in range(100):
            body = {"first_name": "Pat", "phone": f"(312) 555-01{i:02d}",
                    "injected_at": now.isoformat(), "protocol": "hip-joint-injection",
                    "consent_by": "Nurse Kim"}
            start = time.perf_counter()
            response = api.post("/api/v1/enrollments", json=body, headers=headers)
            times.append(time.perf_counter() - start)
            assert response.status_code == 201, response.json
        times.sort()
        print(f"  API enrolment (POST /api/v1/enrollments, 100 in a row): median "
              f"{_ms(statistics.median(times))}, p95 {_ms(times[94])}")
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrolments", type=int, default=5000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    print(machine())
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args.enrolments)


if __name__ == "__main__":
    main()
