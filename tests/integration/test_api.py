"""The JSON API: enrol, read, cancel, list flags; every error names its field and a
rejected request writes nothing."""

import pytest
from sqlalchemy import select

from reminders.core.statuses import MessageStatus
from reminders.models import AuditEntry
from tests.integration.helpers import counts

BODY = {"first_name": "Ana", "phone": "(312) 555-0101", "injected_at": "2026-06-01T10:00:00",
        "protocol": "hip-joint-injection", "consent_by": "Nurse Kim", "baseline_pain": 7}


def test_enrolling_answers_201_with_the_plan_and_where_to_find_it(api, sessions):
    response = api.post("/api/v1/enrollments", json=BODY)
    assert response.status_code == 201, response.json
    data = response.json
    assert response.headers["Location"] == f"/api/v1/enrollments/{data['enrollment_id']}"
    assert data["status"] == "active" and data["phone"] == "+13125550101"
    assert data["injected_at"] == "2026-06-01T15:00:00+00:00"  # 10:00 in Chicago
    steps = [m["step"] for m in data["messages"]]
    assert "day10-check" in steps and all(m["status"] in ("pending", "expired")
                                          for m in data["messages"])
    assert api.get(response.headers["Location"]).json == data
    with sessions() as session:
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(a.actor, a.via, a.action) for a in audit][-2:] == [
            ("ehr", "api", "enrolled"), ("ehr", "api", "viewed")]


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"phone": "555"}, "phone", "not a valid phone number"),
    ({"first_name": "R2D2"}, "first_name", "letters"),
    ({"protocol": "knee"}, "protocol", "not a protocol"),
    ({"injected_at": "yesterday"}, "injected_at", "not a date and time"),
    ({"injected_at": "2026-06-02T10:00:00"}, "injected_at", "in the future"),
    ({"timezone": "Mars/Olympus"}, "timezone", "IANA"),
    ({"baseline_pain": 11}, "baseline_pain", "0 to 10"),
    ({"baseline_pain": "7"}, "baseline_pain", "whole number"),
    ({"diabetic": "yes"}, "diabetic", "true or false"),
    ({"consent_by": ""}, "consent_by", "required"),
    ({"nickname": "Annie"}, "nickname", "not a field"),
    ({"consent_by": "Kim\x00"}, "consent_by", "control character"),
    ({"injected_at": "0001-01-01T00:00:00+05:00"}, "injected_at", "out of the range"),
])
def test_a_bad_field_gets_422_naming_it_and_nothing_is_written(api, sessions, change, field, words):
    response = api.post("/api/v1/enrollments", json={**BODY, **change})
    assert response.status_code == 422
    assert response.json["error"] == "invalid"
    assert words in response.json["errors"][field]
    assert counts(sessions) == (0, 0, 0)


def test_every_missing_field_is_named_at_once(api, sessions):
    response = api.post("/api/v1/enrollments", json={})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"first_name", "phone", "injected_at", "protocol",
                                            "consent_by"}


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"text"', b"{"])
def test_a_body_that_is_not_a_json_object_is_refused(api, sessions, body):
    response = api.post("/api/v1/enrollments", data=body, content_type="application/json")
    assert response.status_code == 422
    assert "body" in response.json["errors"]
    assert counts(sessions) == (0, 0, 0)


def test_a_second_enrolment_of_the_same_phone_needs_supersede(api, sessions):
    first = api.post("/api/v1/enrollments", json=BODY).json
    again = api.post("/api/v1/enrollments", json=BODY)
    assert again.status_code == 422 and "already has an active enrolment" in again.json["errors"]["phone"]
    second = api.post("/api/v1/enrollments", json={**BODY, "supersede": True})
    assert second.status_code == 201
    assert api.get(f"/api/v1/enrollments/{first['enrollment_id']}").json["status"] == "superseded"


def test_cancelling_withdraws_pending_texts_and_a_second_cancel_is_a_conflict(api):
    enrollment_id = api.post("/api/v1/enrollments", json=BODY).json["enrollment_id"]
    response = api.post(f"/api/v1/enrollments/{enrollment_id}/cancel")
    assert response.status_code == 200
    assert response.json["status"] == "cancelled"
    assert MessageStatus.PENDING.value not in {m["status"] for m in response.json["messages"]}
    again = api.post(f"/api/v1/enrollments/{enrollment_id}/cancel")
    assert again.status_code == 409 and "cancelled" in again.json["detail"]


@pytest.mark.parametrize("path", ["/api/v1/enrollments/999", "/api/v1/enrollments/99999999999999999999",
                                  "/api/v1/enrollments/999/cancel", "/api/v1/nothing"])
def test_unknown_things_are_404_in_json(api, path):
    response = api.post(path) if path.endswith("cancel") else api.get(path)
    assert response.status_code == 404
    assert response.json["error"] == "not_found"


def test_flags_are_listed_most_urgent_first_and_resolved_ones_on_request(api):
    assert api.get("/api/v1/flags").json == []
    assert api.get("/api/v1/flags?include_resolved=true").json == []
    bad = api.get("/api/v1/flags?include_resolved=maybe")
    assert bad.status_code == 422 and "include_resolved" in bad.json["errors"]


def test_the_description_is_served_and_names_every_operation(api):
    spec = api.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {"/openapi.json", "/enrollments", "/enrollments/{enrollment_id}",
                                  "/enrollments/{enrollment_id}/cancel", "/flags"}
