"""Lifting an address's sign-in lock: district administrators only, POST only, a clear word on bad input."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from agencies.models import SecurityEvent

pytestmark = pytest.mark.django_db
URL = reverse("agencies:address_unlock")


def _locked_address(address="203.0.113.66"):
    AccessAttempt.objects.create(username="nobody", ip_address=address, user_agent="x", failures_since_start=20,
                                 attempt_time=timezone.now(), get_data="", post_data="", http_accept="",
                                 path_info="/accounts/login/")
    return address


@pytest.mark.parametrize("role", ["filler", "head", "director", "other_filler"])
def test_only_district_administrators_lift_an_address_lock(client, people, role):
    address = _locked_address()
    client.force_login(getattr(people, role))
    assert client.post(URL, {"ip_address": address}).status_code == 403
    assert AccessAttempt.objects.filter(ip_address=address).exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.UNLOCKED).exists()


def test_signed_out_people_are_sent_to_sign_in(client):
    address = _locked_address()
    response = client.post(URL, {"ip_address": address})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert AccessAttempt.objects.filter(ip_address=address).exists()


def test_the_unlock_is_a_post(client, people):
    client.force_login(people.admin)
    assert client.get(URL).status_code == 405


@pytest.mark.parametrize("typed", ["", "not-an-address", "1.2.3.4.5", "1.2.3.4\x00"])
def test_a_bad_address_is_refused_with_a_message(client, people, typed):
    address = _locked_address()
    client.force_login(people.admin)
    response = client.post(URL, {"ip_address": typed}, follow=True)
    assert response.status_code == 200 and "IP 地址无效" in response.content.decode()
    assert AccessAttempt.objects.filter(ip_address=address).exists()


def test_the_administrator_lifts_it_and_it_is_recorded(client, people):
    address = _locked_address()
    client.force_login(people.admin)
    response = client.post(URL, {"ip_address": address}, follow=True)
    assert f"已解除 IP 地址 {address} 的登录锁定" in response.content.decode()
    assert not AccessAttempt.objects.filter(ip_address=address).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.UNLOCKED)
    assert event.ip_address == address and event.actor == people.admin and event.user is None
