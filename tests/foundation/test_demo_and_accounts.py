import io
import json
import logging
import logging.config

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.management import call_command

from agencies.demo import DEMO_PASSWORD, STREETS
from agencies.models import Body, BodyKind, District, Role, RoleAssignment, User
from agencies.passwords import CharacterClassValidator


@pytest.fixture
def one_report_published(monkeypatch):
    """seed_demo as it is, publishing one body's report of the last season rather than 28 (a PDF and
    its Word copy take a second each): what these tests read is the district, its people and bodies.
    tests/publishing/test_word_demo.py and tests/district/test_district_report.py publish them all."""
    from reports.publishing import demo as publishing_demo

    everything = publishing_demo.reports_to_publish

    def one():
        first = everything().order_by("body__code").values_list("pk", flat=True)[:1]
        return everything().filter(pk__in=list(first))

    monkeypatch.setattr(publishing_demo, "reports_to_publish", one)


@pytest.mark.django_db
def test_seed_demo_builds_the_district_idempotently_and_every_printed_login_works(rf, one_report_published):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())  # a second run changes nothing
    dongcheng = Body.objects.filter(district__code="110101")
    assert dongcheng.filter(kind=BodyKind.STREET_OFFICE).count() == 17
    assert dongcheng.filter(kind=BodyKind.DEPARTMENT).count() == 8
    assert {b.short_name for b in dongcheng.filter(kind=BodyKind.STREET_OFFICE)} == {
        f"{name}街道" for _, name in STREETS
    }
    # The city of the demo: both districts, one 市管理员, one 区管理员 per district.
    assert set(District.objects.filter(city__code="110000").values_list("code", flat=True)) == {"110101", "110102"}
    assert RoleAssignment.objects.filter(role=Role.CITY_ADMIN, city__code="110000").count() == 1
    for body in Body.objects.all():
        roles = set(RoleAssignment.objects.filter(body=body).values_list("role", flat=True))
        assert {Role.FILLER, Role.DEPT_HEAD, Role.DIRECTOR} <= roles, body
    assert RoleAssignment.objects.filter(role=Role.DISTRICT_ADMIN).count() == 2
    printed = [line.split()[0] for line in out.getvalue().splitlines() if line.startswith("  ") and "." in
               line.split()[0]]
    assert {"district.admin", "xicheng.admin", "city.admin", "donghuashi.filler"} <= set(printed)
    for username in printed:
        assert authenticate(rf.post("/accounts/login/"), username=username, password=DEMO_PASSWORD), username
    assert User.objects.get(username="donghuashi.newcomer").must_change_password
    # A renamed body keeps its old name for past years.
    body = Body.objects.get(code="cgw")
    assert body.name_for_year(2020) == "区市政市容管理委员会"
    assert body.name_for_year(2024) == "区城市管理委员会"


@pytest.mark.parametrize(
    ("password", "ok"),
    [("Dongcheng2026", True), ("dongcheng#2026", True), ("DONGCHENG#2026", True), ("dongcheng2026", False),
     ("DONGCHENGXX", False), ("##########", False)],
)
def test_passwords_mix_three_character_classes(password, ok):
    validator = CharacterClassValidator(min_classes=3)
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password)


@pytest.mark.django_db
def test_log_lines_carry_the_request_id_and_the_user(client, people, settings):
    from config.logging import logging_dict

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.config.DictConfigurator(logging_dict(json=True, level="INFO")).configure_formatter(
        logging_dict(json=True, level="INFO")["formatters"]["structured"]))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        client.post("/accounts/login/", {"username": people.filler.username, "password": "Test-Passw0rd!"})
    finally:
        root.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    event = next(line for line in lines if line.get("event") == "security_event")
    assert event["kind"] == "login_success" and event["username"] == people.filler.username
    assert event["request_id"]
    assert event["ip"] == "127.0.0.1"
    finished = next(line for line in lines if line.get("event") == "request_finished")
    assert finished["user_id"] == people.filler.pk and finished["request_id"]


@pytest.mark.django_db
def test_the_security_log_cannot_be_rewritten(people):
    from agencies.models import SecurityEvent
    from agencies.services import security_event_record

    event = security_event_record(kind=SecurityEvent.Kind.LOGIN_FAILURE, username="someone")
    event.username = "someone-else"
    with pytest.raises(ValueError, match="安全日志只能追加"):
        event.save()
    with pytest.raises(ValueError, match="安全日志只能追加"):
        event.delete()
    assert SecurityEvent.objects.get(pk=event.pk).username == "someone"
