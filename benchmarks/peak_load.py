"""The people of benchmarks/peak.py, as Locust users (loaded by `locust -f`, never imported by Django).

benchmarks/peak.py writes the plan (sessions of people it signed in, their reports, the portal's
published versions) to the JSON file named by PEAK_PLAN; every request's kind, name, time and outcome
goes to PEAK_SAMPLES when the run stops. Request names start with the kind: "filler: autosave".
"""

import json
import os
import random
import re
import time

from locust import HttpUser, between, constant_pacing, events, task

PLAN = json.loads(open(os.environ["PEAK_PLAN"], encoding="utf-8").read()) if os.environ.get("PEAK_PLAN") else {}
CSRF = PLAN.get("csrf", "")
SAMPLES: list[list] = []

# What is handed out once: a draft report to one filler at a time, a reviewer to one user.
_DRAFTS = list(PLAN.get("fillers", []))
_REVIEWERS = list(PLAN.get("reviewers", []))
random.Random(1).shuffle(_DRAFTS)


def _arrive():
    """A person's first request comes at a moment of their own within the second they start in. Locust
    starts the people of each second in one batch (20 within ~10 ms at --spawn-rate 20), so each sent
    its first request at the same instant as 19 others; people arrive at the rate, one after another."""
    time.sleep(random.uniform(0, 1))


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    SAMPLES.append([name, round(time.time(), 3), response_time, exception is not None,
                    str(exception)[:200] if exception else ""])


@events.test_stop.add_listener
def _save(environment, **kwargs):
    path = os.environ.get("PEAK_SAMPLES")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(SAMPLES, out)


class _Person(HttpUser):
    abstract = True
    session = ""

    def on_start(self):
        self.sign_in(self.session)
        _arrive()

    def sign_in(self, session):
        """The person's cookies: the session benchmarks/peak.py signed in, and the CSRF token."""
        self.client.cookies.clear()
        self.client.cookies.set("csrftoken", CSRF)
        if session:
            self.client.cookies.set("sessionid", session)

    def page(self, name, url, *, expect=200, **kwargs):
        with self.client.get(url, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code} on {url}")
            elif "alert-danger" in response.text:
                response.failure(_alert(response.text))
            return response

    def post_form(self, name, url, data):
        """A form the page posts: the redirect is followed (as the browser does) and the page it lands
        on must not carry an error message."""
        data = {"csrfmiddlewaretoken": CSRF, **data}
        with self.client.post(url, data=data, name=name, catch_response=True,
                              headers={"Referer": self.host + url}) as response:
            if response.status_code != 200 or "alert-danger" in response.text:
                response.failure(f"{response.status_code}: {_alert(response.text)}")
            return response

    def post_in_place(self, name, url, data, page_url):
        """A form the page posts with htmx (hx-post): answered with the pieces of the page that change,
        or, refused, with HX-Redirect to a whole page that says why (a failure here)."""
        data = {"csrfmiddlewaretoken": CSRF, **data}
        with self.client.post(url, data=data, name=name, catch_response=True, allow_redirects=False, headers={
            "HX-Request": "true", "HX-Current-URL": self.host + page_url, "Referer": self.host + page_url,
        }) as response:
            if response.status_code != 200 or "alert-danger" in response.text:
                where = response.headers.get("HX-Redirect", "")
                response.failure(f"{response.status_code}{' to ' + where if where else ''}: {_alert(response.text)}")
            return response


def _inputs(html: str) -> dict[str, list[str]]:
    """{name: [value, …]} of a form's <input> elements (hidden fields and every checkbox)."""
    fields: dict[str, list[str]] = {}
    for tag in re.findall(r"<input\b[^>]*>", html, re.S):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name:
            fields.setdefault(name.group(1), []).append(value.group(1) if value else "")
    return fields


def _alert(html: str) -> str:
    found = re.search(r'alert-danger[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()[:200] if found else "error page"


class Filler(_Person):
    """填报人: opens section 三, autosaves every few seconds, pastes a whole table, sometimes submits."""

    weight = 24
    wait_time = between(2, 5)

    def on_start(self):
        self.draft = _DRAFTS.pop() if _DRAFTS else None
        self.session = self.draft["session"] if self.draft else ""
        super().on_start()
        self.version = None
        self.pasted = False
        self.saves = 0
        if self.draft:
            self.url = f"/reports/{self.draft['report']}/sections/{self.draft['section']}/"
            self.open_section()

    def open_section(self):
        response = self.page("filler: open section", self.url)
        found = re.search(r'name="version" value="(\d+)"', response.text or "")
        self.version = int(found.group(1)) if found else 0

    def save(self, name, cells=None, texts=None):
        body = {"version": self.version, "cells": cells or {}, "texts": texts or {}, "choices": {}}
        with self.client.post(self.url, data=json.dumps(body), name=name, catch_response=True, headers={
            "Content-Type": "application/json", "X-Requested-With": "fetch", "X-CSRFToken": CSRF,
            "Referer": self.host + self.url,
        }) as response:
            try:
                answer = response.json()
            except ValueError:
                answer = {}
            if response.status_code != 200 or not answer.get("ok") or answer.get("refused"):
                response.failure(f"{response.status_code}: {str(answer.get('message') or answer.get('refused'))[:150]}")
            else:
                self.version = answer["version"]

    @task
    def work(self):
        if not self.draft:
            self.page("filler: report list", "/reports/")
            return
        self.saves += 1
        note = f"第{self.saves}次修改：本年度未收到的申请类别已如实填写为0。"
        if self.saves % 4 == 2:
            # 粘贴一块: every cell of the table from the other (equally consistent) set of figures.
            self.save("filler: paste block", cells=self.draft["paste"])
            self.pasted = True
        elif self.saves % 4 == 0 and self.pasted:
            self.save("filler: paste block", cells=self.draft["cells"])  # the report's own figures back
            self.pasted = False
            if random.random() < self.draft["submit_chance"]:
                self.post_form("filler: submit", f"/review/{self.draft['report']}/submit/",
                               {"expected_status": "draft"})
                self.draft = _DRAFTS.pop() if _DRAFTS else None
                if self.draft:
                    self.sign_in(self.draft["session"])  # the next body's filler
                    self.url = f"/reports/{self.draft['report']}/sections/{self.draft['section']}/"
                    self.open_section()
        else:
            self.save("filler: autosave", texts={self.draft["note"]: note})


class Reviewer(_Person):
    """部门负责人 or 主管主任: the inbox, then a burst of approvals (保密审查 points and an opinion), each done
    in place as the review page's htmx form does (reports/review/views.py approve)."""

    weight = 8
    wait_time = between(8, 15)

    def on_start(self):
        self.session = _REVIEWERS.pop() if _REVIEWERS else PLAN["reviewers"][0]
        super().on_start()

    @task
    def burst(self):
        inbox = self.page("reviewer: inbox", "/review/inbox/")
        waiting = re.findall(r'data-report="(\d+)"', inbox.text or "")
        random.shuffle(waiting)
        for report_id in waiting[:random.randint(2, 5)]:
            page = self.page("reviewer: review page", f"/review/{report_id}/")
            form = re.search(r'action="/review/\d+/approve/"(.*?)</form>', page.text or "", re.S)
            if not form:
                continue  # another reviewer of the body was quicker
            fields = _inputs(form.group(1))
            time.sleep(random.uniform(0.5, 1.5))  # ticks every point, writes the opinion
            self.post_in_place("reviewer: approve", f"/review/{report_id}/approve/", {
                "expected_status": fields.get("expected_status", [""])[0], "points": fields.get("points", []),
                "comment": "经保密审查，不涉及国家秘密，同意公开。",
            }, f"/review/{report_id}/")


class Public(HttpUser):
    """The public: the portal's home, a report page, its PDF, a search."""

    weight = 24
    wait_time = between(1, 4)

    def on_start(self):
        _arrive()

    @task(3)
    def home(self):
        self.client.get(f"/portal/?year={PLAN['year']}", name="public: portal home")

    @task(4)
    def report(self):
        pk, version = random.choice(PLAN["published"])
        self.client.get(f"/portal/reports/{pk}/", name="public: report page")
        with self.client.get(f"/portal/reports/{pk}/v{version}.pdf", name="public: pdf download",
                             catch_response=True) as response:
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                response.failure(f"{response.status_code}: not a PDF")

    @task(2)
    def search(self):
        self.client.get(f"/portal/?year={PLAN['year']}&q={random.choice(PLAN['queries'])}", name="public: search")


class Administrator(_Person):
    """区管理员: the year's board and the summary."""

    fixed_count = 2
    wait_time = between(3, 8)

    def on_start(self):
        self.session = PLAN["admin"]
        super().on_start()

    @task
    def board(self):
        self.page("admin: board", PLAN["board"])

    @task
    def summary(self):
        self.page("admin: summary", PLAN["summary"])


class Baseline(_Person):
    """The bare Django page (benchmarks/urls.py: 200 rows through a template), at the same concurrency."""

    fixed_count = 2
    wait_time = constant_pacing(1)

    def on_start(self):
        self.session = PLAN["admin"]
        super().on_start()

    @task
    def rows(self):
        self.page("baseline: 200-row page", "/bench/rows/")
