"""Crux under load: logged-in people reading maps and the reader, annotating and proposing.

Run by `bench/load/run.py` (which sets the database and server up, logs the clients in and
writes the JSON config this file reads from CRUX_LOAD_CONFIG); not meant to be started by
hand. Each simulated person gets their own account and session cookie (config "sessions",
one per user, handed out in order), so the per-person write throttle and login lockout
count nobody twice.

CRUX_LOAD_MODE: "trivial" (only GET /accounts/login/, anonymous: the reference figure) or
"mix" (40 % map, 30 % reader, 20 % note POST, 10 % proposal POST).
CRUX_LOAD_WAIT: "0" (closed loop, no think time: measures capacity) or "LOW-HIGH" seconds
of think time between a person's requests (paced: measures latency at a human pace).
CRUX_LOAD_EVENTS: where to write a per-second timeline of successes and failures (JSON).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
from collections import Counter, defaultdict

from locust import FastHttpUser, between, constant, events, task

CONFIG = json.loads(open(os.environ["CRUX_LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
MODE = os.environ.get("CRUX_LOAD_MODE", "mix")
WAIT = os.environ.get("CRUX_LOAD_WAIT", "0")
EVENTS_FILE = os.environ.get("CRUX_LOAD_EVENTS", "")
WRITE_NAMES = ("note POST", "propose POST")

_sessions = itertools.cycle(CONFIG["sessions"])
_sessions_lock = threading.Lock()
# second (since the epoch) -> Counter of "ok"/"fail"; failures keep a few samples.
_timeline: dict[int, Counter] = defaultdict(Counter)
_failure_samples: list[dict] = []
_write_times: list[float] = []  # ms, successful and failed writes alike


def _wait_time():
    if WAIT in ("", "0"):
        return constant(0)
    low, high = (float(x) for x in WAIT.split("-"))
    return between(low, high)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    second = int(time.time())
    if name in WRITE_NAMES:
        _write_times.append(response_time)
    if exception is None:
        _timeline[second]["ok"] += 1
        return
    _timeline[second]["fail"] += 1
    if len(_failure_samples) < 2000:
        response = kwargs.get("response")
        _failure_samples.append(
            {
                "t": time.time(),
                "name": name,
                "status": getattr(response, "status_code", None),
                "error": str(exception)[:200],
            }
        )


@events.quitting.add_listener
def _write_timeline(environment, **kwargs):
    if not EVENTS_FILE:
        return
    data = {
        "timeline": {str(k): dict(v) for k, v in sorted(_timeline.items())},
        "failures": _failure_samples,
        "write_ms": _write_times,
    }
    with open(EVENTS_FILE, "w", encoding="utf-8") as out:
        json.dump(data, out)


class Person(FastHttpUser):
    wait_time = _wait_time()
    # Keep-alive connections, as a browser would; one per simulated person.
    concurrency = 1

    def on_start(self):
        with _sessions_lock:
            session = next(_sessions)
        self.csrf = session["csrftoken"]
        self.headers = {
            "Cookie": f"sessionid={session['sessionid']}; csrftoken={self.csrf}",
            "X-CSRFToken": self.csrf,
            "Referer": CONFIG["base_url"] + "/",
        }
        self.anon_headers = {}

    def _get(self, path: str, name: str, headers):
        with self.client.get(path, name=name, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif name != "trivial GET" and b'action="/accounts/logout/"' not in (
                response.content or b""
            ):
                # a page shown to a logged-in person has the log-out form; its absence
                # means the session was lost
                response.failure("page without the log-out form (session lost?)")

    def _post(self, path: str, name: str, data: dict):
        with self.client.post(
            path,
            name=name,
            data=data,
            headers=self.headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 302):
                body = (response.content or b"")[:300].decode("utf-8", "replace")
                response.failure(f"HTTP {response.status_code}: {body!r}")

    @task
    def act(self):
        if MODE == "trivial":
            self._get("/accounts/login/", "trivial GET", self.anon_headers)
            return
        roll = random.random()
        if roll < 0.40:
            self._get(f"/debates/{CONFIG['slug']}/", "map GET", self.headers)
        elif roll < 0.70:
            self._get(f"/sources/{CONFIG['source_pk']}/", "reader GET", self.headers)
        elif roll < 0.90:
            self.note()
        else:
            self.propose()

    def note(self):
        length = CONFIG["text_len"]
        start = random.randrange(0, length - 80)
        self._post(
            f"/sources/{CONFIG['source_pk']}/notes/new/",
            "note POST",
            {
                "note-start": start,
                "note-end": start + 40,
                "note-revision": CONFIG["revision"],
                "note-body": f"Load-test note {random.randrange(10**9)}",
                "note-tags": "load",
                "note-motivation": "commenting",
                "note-visibility": "private",
                "note-debate": "",
                "csrfmiddlewaretoken": self.csrf,
            },
        )

    def propose(self):
        parent = random.choice(CONFIG["position_pks"])
        self._post(
            f"/debates/{CONFIG['slug']}/claims/add/",
            "propose POST",
            {
                "parent": parent,
                "text": f"Load-test argument {random.randrange(10**9)}",
                "stance": random.choice(["supports", "opposes"]),
                "csrfmiddlewaretoken": self.csrf,
            },
        )
