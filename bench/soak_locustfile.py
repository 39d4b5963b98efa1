"""Locust users for the soak run: members who open boards, create and move tasks, comment, take
workflow steps and poll the bell, through the pages and the API a browser and a script would use.

Started by bench/soak.py (`locust -f bench/soak_locustfile.py --headless ...`) with SOAK_PEOPLE
naming a JSON file of the people to play (email, projects, group members) and SOAK_REQUEST_LOG
a file to append one JSON line per request to. Every write carries a marker
(soak-<run>-u<person>-<n>) in its title, comment or description, so the database can be searched
for it afterwards.
"""

import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task
from locust.clients import HttpSession

with open(os.environ["SOAK_PEOPLE"]) as _handle:
    SETUP = json.load(_handle)
PEOPLE = SETUP["people"]
TERMINAL = set(SETUP["terminal_states"])
_next_person = itertools.count()
_log = open(os.environ["SOAK_REQUEST_LOG"], "a", buffering=1)  # noqa: SIM115 - open for the whole run
TASK_LINK = re.compile(r'href="/tasks/(\d+)/"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STATUSES = ["open", "in_progress", "done"]
TIMEOUT = 30
LOGIN = "/accounts/login/"

# What a member does, and how often (relative weights); chairs take workflow steps more often.
MEMBER_ACTIONS = {
    "bell": 36,
    "board": 18,
    "my_tasks": 6,
    "inbox": 3,
    "project_api": 3,
    "create_board": 6,
    "create_api": 6,
    "move_board": 6,
    "move_api": 6,
    "comment_page": 3,
    "comment_api": 6,
    "transition": 3,
    # Asking for an API token again now and then (it hashes the password: costly, and throttled).
    "token": 1,
}
CHAIR_ACTIONS = {**MEMBER_ACTIONS, "transition": 12}


@events.quitting.add_listener
def _close_log(environment, **_kwargs):
    _log.close()


class Member(HttpUser):
    wait_time = between(float(os.environ.get("SOAK_WAIT_MIN", 2)), float(os.environ.get("SOAK_WAIT_MAX", 10)))

    def on_start(self):
        index = next(_next_person) % len(PEOPLE)
        self.person = PEOPLE[index]
        self.index = index
        self.sequence = 0
        self.token = None
        self.signed_in = False
        # A script using the API holds a token and no session cookie (with one, DRF would want CSRF).
        self.api = HttpSession(base_url=self.host, request_event=self.environment.events.request, user=self)
        self.seen: dict[int, list[int]] = {}  # project → task ids seen on its board
        self.own: list[int] = []  # tasks this person created through the API: only they move them
        # Each person comes from their own address, as the reverse proxy in front would say.
        self.base_headers = {"X-Forwarded-For": self.person["ip"]}
        actions = CHAIR_ACTIONS if self.person["chair"] else MEMBER_ACTIONS
        self.actions, self.weights = list(actions), list(actions.values())
        self.sign_in()

    def on_stop(self):
        self.api.close()

    # Plumbing ----------------------------------------------------------------------------

    def marker(self) -> str:
        self.sequence += 1
        return f"soak-{SETUP['run']}-u{self.index:02d}-{self.sequence:04d}"

    def call(self, action, method, path, *, ack=None, write=None, headers=None, api=False, **kwargs):
        """One request; logs it; returns (response, acknowledged)."""
        if api and not self.token and path != "/api/v1/auth/token/":
            self.get_token()  # signing in failed before (no token): a script would try again first
        all_headers = {**self.base_headers, **(headers or {})}
        client = self.api if api else self.client
        if api and self.token:
            all_headers["Authorization"] = f"Token {self.token}"
            all_headers["Accept"] = "application/json"
        elif method != "GET":
            all_headers["X-CSRFToken"] = self.client.cookies.get("csrftoken", "")
        sent_at = time.time()
        started = time.perf_counter()
        with client.request(
            method,
            path,
            name=action,
            catch_response=True,
            allow_redirects=False,
            headers=all_headers,
            timeout=TIMEOUT,
            **kwargs,
        ) as response:
            elapsed = (time.perf_counter() - started) * 1000
            status = response.status_code or 0
            acknowledged = bool(status and ack is not None and ack(response))
            if not api and (status == 286 or LOGIN in response.headers.get("Location", "")):
                self.signed_in = False  # the session is gone: the person signs in again
            if status == 0 or status >= 500:
                response.failure(f"HTTP {status}")
            else:
                response.success()
        # The site's cookies are Secure; this client speaks plain HTTP on loopback and sends them anyway.
        for cookie in self.client.cookies:
            cookie.secure = False
        record = {
            "u": self.index,
            "t": sent_at,
            "action": action,
            "status": status,
            "ms": round(elapsed, 2),
            "ack": acknowledged,
        }
        if write:
            record.update(write)
        _log.write(json.dumps(record) + "\n")
        return response, acknowledged

    def sign_in(self):
        page, _ = self.call("sign in (form)", "GET", "/accounts/login/")
        match = CSRF_FIELD.search(page.text or "")
        if match:
            _, ok = self.call(
                "sign in (form)",
                "POST",
                "/accounts/login/",
                data={
                    "csrfmiddlewaretoken": match.group(1),
                    "username": self.person["email"],
                    "password": SETUP["password"],
                },
                ack=lambda r: r.status_code == 302 and LOGIN not in r.headers.get("Location", ""),
            )
            self.signed_in = ok

    def get_token(self):
        response, ok = self.call(
            "sign in (API token)",
            "POST",
            "/api/v1/auth/token/",
            api=True,
            json={"email": self.person["email"], "password": SETUP["password"]},
            ack=lambda r: r.status_code == 200,
        )
        if ok:
            self.token = response.json()["token"]

    def project(self) -> dict:
        return random.choice(self.person["projects"])

    def known_task(self) -> int | None:
        seen = [pk for tasks in self.seen.values() for pk in tasks]
        pool = seen + self.own
        return random.choice(pool) if pool else None

    # What members do ----------------------------------------------------------------------

    @task
    def act(self):
        if not self.signed_in:
            return self.sign_in()  # the first try failed (a timeout under load), or the session ended
        getattr(self, "do_" + random.choices(self.actions, self.weights)[0])()

    def do_bell(self):
        self.call("bell", "GET", "/notifications/bell/", headers={"HX-Request": "true"})

    def do_board(self):
        project = self.project()
        response, _ = self.call("board", "GET", f"/projects/{project['id']}/board/")
        if response.status_code == 200:
            self.seen[project["id"]] = [int(pk) for pk in TASK_LINK.findall(response.text)][:200]

    def do_my_tasks(self):
        self.call("my tasks", "GET", "/tasks/mine/")

    def do_inbox(self):
        self.call("inbox", "GET", "/notifications/")

    def do_project_api(self):
        self.call("project (API)", "GET", f"/api/v1/projects/{self.project()['id']}/", api=True)

    def do_token(self):
        self.get_token()

    def _assignee(self, project: dict):
        return random.choice(project["members"]) if project["members"] and random.random() < 0.7 else None

    def do_create_board(self):
        project, marker = self.project(), self.marker()
        assignee = self._assignee(project)
        self.call(
            "create task (board)",
            "POST",
            f"/projects/{project['id']}/board/",
            data={
                "title": f"{marker} Aufgabe vom Board",
                "description": "",
                "assignee": assignee or "",
                "due_date": "",
                "priority": "2",
            },
            ack=lambda r: (
                r.status_code == 302
                and r.headers.get("Location", "").endswith(f"/projects/{project['id']}/board/")
            ),
            write={"kind": "task", "marker": marker},
        )

    def do_create_api(self):
        project, marker = self.project(), self.marker()
        response, ok = self.call(
            "create task (API)",
            "POST",
            "/api/v1/tasks/",
            api=True,
            json={
                "project": project["id"],
                "title": f"{marker} Aufgabe über die API",
                "assignee": self._assignee(project),
                "priority": 2,
            },
            ack=lambda r: r.status_code == 201,
            write={"kind": "task", "marker": marker},
        )
        if ok:
            self.own.append(response.json()["id"])

    def do_move_board(self):
        if not self.own:
            return self.do_create_api()
        pk, status = random.choice(self.own), random.choice(STATUSES)
        self.call(
            "move task (board)",
            "POST",
            f"/tasks/{pk}/move/",
            data={"status": status},
            headers={"HX-Request": "true"},
            ack=lambda r: r.status_code == 200,
            write={"kind": "move", "task": pk, "to": status},
        )

    def do_move_api(self):
        if not self.own:
            return self.do_create_api()
        pk, status, marker = random.choice(self.own), random.choice(STATUSES), self.marker()
        self.call(
            "move task (API)",
            "PATCH",
            f"/api/v1/tasks/{pk}/",
            api=True,
            json={"status": status, "description": f"{marker} verschoben"},
            ack=lambda r: r.status_code == 200,
            write={"kind": "move", "task": pk, "to": status, "description": f"{marker} verschoben"},
        )

    def do_comment_page(self):
        pk = self.known_task()
        if pk is None:
            return self.do_board()
        marker = self.marker()
        self.call(
            "comment (task page)",
            "POST",
            f"/tasks/{pk}/",
            data={"action": "comment", "body": f"{marker} Kommentar von der Aufgabenseite"},
            ack=lambda r: r.status_code == 302 and r.headers.get("Location", "").endswith(f"/tasks/{pk}/"),
            write={"kind": "comment", "marker": marker},
        )

    def do_comment_api(self):
        pk = self.known_task()
        if pk is None:
            return self.do_board()
        marker = self.marker()
        self.call(
            "comment (API)",
            "POST",
            "/api/v1/comments/",
            api=True,
            json={"task": pk, "body": f"{marker} Kommentar über die API"},
            ack=lambda r: r.status_code == 201,
            write={"kind": "comment", "marker": marker},
        )

    def do_transition(self):
        project = self.project()
        response, _ = self.call(
            "workflow steps (API)", "GET", f"/api/v1/projects/{project['id']}/transitions/", api=True
        )
        if response.status_code != 200:
            return
        steps = [s for s in response.json() if s["allowed"] and s["to_state"] not in TERMINAL]
        if not steps:
            return
        step, marker = random.choice(steps), self.marker()
        comment = f"{marker} Schritt im Soak"
        write = {"kind": "transition", "marker": marker}
        if random.random() < 0.5:
            self.call(
                "take step (API)",
                "POST",
                f"/api/v1/projects/{project['id']}/transition/",
                api=True,
                json={"transition": step["name"], "comment": comment},
                ack=lambda r: r.status_code == 200,
                write=write,
            )
        else:
            self.call(
                "take step (panel)",
                "POST",
                f"/projects/{project['id']}/transition/",
                data={"transition": step["name"], "comment": comment},
                headers={"HX-Request": "true"},
                # The panel answers 200 either way; only a step taken triggers workflow-changed.
                ack=lambda r: r.status_code == 200 and "workflow-changed" in r.headers.get("HX-Trigger", ""),
                write=write,
            )
