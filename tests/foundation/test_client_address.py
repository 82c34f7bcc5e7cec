"""The client's address comes from the trusted proxy hop only (config/client_ip.py), never from a forged
X-Forwarded-For: in axes, the security log and the timeline alike."""

from pathlib import Path

import pytest

from agencies.models import SecurityEvent
from config.client_ip import client_ip
from reports.models import ReportEvent
from reports.timeline import event_record
from tests.report_factories import AnnualReportFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("proxies", "forwarded", "remote", "expected"), [
    (0, "1.2.3.4", "10.0.0.2", "10.0.0.2"),  # no proxy of ours: the header is the client's own words
    (1, "1.2.3.4", "10.0.0.2", "1.2.3.4"),  # nginx overwrote it with the address it saw
    (1, "1.2.3.4, 203.0.113.9", "10.0.0.2", "203.0.113.9"),  # a proxy that appends: the last hop only
    (2, "1.2.3.4, 203.0.113.9, 10.1.1.1", "10.0.0.2", "203.0.113.9"),
    (2, "203.0.113.9", "10.0.0.2", "203.0.113.9"),  # fewer entries than proxies: all written by ours
    (1, "", "10.0.0.2", "10.0.0.2"),
    (1, "not-an-address", "10.0.0.2", "10.0.0.2"),
    (1, "2001:db8::1", "10.0.0.2", "2001:db8::1"),
])
def test_client_address_from_the_trusted_hop_only(rf, settings, proxies, forwarded, remote, expected):
    settings.NIANBAO_TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_a_forged_header_is_not_recorded_in_the_security_log(client, people):
    client.post("/accounts/login/", {"username": people.filler.username, "password": "wrong-one"},
                HTTP_X_FORWARDED_FOR="1.2.3.4")
    failure = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILURE)
    assert failure.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_behind_one_proxy_the_security_log_and_axes_take_its_address(client, people, settings):
    from axes.models import AccessAttempt

    settings.NIANBAO_TRUSTED_PROXY_COUNT = 1
    client.post("/accounts/login/", {"username": people.filler.username, "password": "wrong-one"},
                HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILURE).ip_address == "198.51.100.7"
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"


@pytest.mark.django_db
def test_a_forged_header_is_not_recorded_on_the_timeline(rf, people):
    report = AnnualReportFactory(body=people.body, reporting_year__district=people.district)
    request = rf.post("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="192.0.2.10")
    event = event_record(report=report, kind=ReportEvent.Kind.SAVED, actor=people.filler, request=request)
    assert event.ip_address == "192.0.2.10"


def test_nginx_overwrites_the_forwarded_header():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "$proxy_add_x_forwarded_for" not in conf
    compose = (ROOT / "docker-compose.yml").read_text()
    assert 'NIANBAO_TRUSTED_PROXY_COUNT: "1"' in compose
