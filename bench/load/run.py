"""Load test: Crux under gunicorn + uvicorn workers on PostgreSQL, driven by locust.

    .venv/bin/python bench/load/run.py                 # own cluster on :5499, 60 s phases
    .venv/bin/python bench/load/run.py --duration 30   # shorter
    DATABASE_URL=postgres://... bench/load/run.py      # a server it does not control:
                                                       # the database-restart phase is skipped

Phases, all with --users simulated people (own accounts, logged in over HTTP first):
  1. trivial: anonymous GET /accounts/login/ only, no think time -> reference req/s
     (Crux has no health view; the login page is the cheapest page that goes through the
     whole middleware stack and a template);
  2. mix, no think time: 40 % map, 30 % reader, 20 % note POST, 10 % proposal POST ->
     req/s, ratio to (1), errors, p95 of writes at saturation;
  3. mix, paced (1-3 s think time per person) -> errors and p95 of writes at a human pace;
  4. mix, paced, with `pg_ctlcluster ... restart` of the database a third of the way in ->
     what clients got during the outage, and that requests succeed afterwards with the same
     server processes (no app restart).

The run sets CRUX_WRITE_RATE=0 (write throttle off), CRUX_MAX_PENDING_PER_DAY=0 (no daily
proposal cap: 50 people propose far more than a class would) and CONN_MAX_AGE=0 (as the
README advises under ASGI); DEBUG is off (bench/load/load_settings.py). The load generator
runs on the same machine as the server and the database, so absolute figures move with
whatever else runs there; the ratio of (2) to (1) is measured in the same run.
"""

from __future__ import annotations

import argparse
import csv
import http.cookiejar
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
CLUSTER = ("15", "crux_load")
CLUSTER_PORT = 5499
PASSWORD = "crux-load-test-password"  # noqa: S105 - throwaway accounts in a throwaway database
WRITE_NAMES = ("note POST", "propose POST")


def sh(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, text=True, capture_output=True, **kw)  # noqa: S603


# --- the database ----------------------------------------------------------------------


def cluster_exists() -> bool:
    out = sh("pg_lsclusters", "--no-header").stdout
    return any(line.split()[:2] == list(CLUSTER) for line in out.splitlines())


def cluster_up() -> str:
    created = False
    if not cluster_exists():
        sh("pg_createcluster", *CLUSTER, "-p", str(CLUSTER_PORT), "--", "--auth=trust")
        created = True
    sh("pg_ctlcluster", "--skip-systemctl-redirect", *CLUSTER, "start", check=False)
    url = f"postgres://postgres@127.0.0.1:{CLUSTER_PORT}"
    for _ in range(30):
        ready = sh("pg_isready", "-h", "127.0.0.1", "-p", str(CLUSTER_PORT), check=False)
        if ready.returncode == 0:
            break
        time.sleep(0.5)
    psql = ("psql", "-h", "127.0.0.1", "-p", str(CLUSTER_PORT), "-U", "postgres", "-q", "-c")
    sh(*psql, "DROP DATABASE IF EXISTS crux_load WITH (FORCE)")
    sh(*psql, "CREATE DATABASE crux_load")
    note = " (created)" if created else ""
    print(f"database: cluster {' '.join(CLUSTER)} on :{CLUSTER_PORT}{note}")
    return f"{url}/crux_load"


def cluster_restart() -> tuple[float, float]:
    began = time.time()
    sh("pg_ctlcluster", "--skip-systemctl-redirect", *CLUSTER, "restart")
    return began, time.time()


def cluster_drop() -> None:
    sh("pg_dropcluster", "--stop", *CLUSTER, check=False)


# --- set-up inside Django (run as a child: `run.py --setup N`) -------------------------


def setup_data(users: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from debates.demo.build import load_demo
    from debates.models import Claim, Membership

    demo = load_demo()
    debate, source = demo.debate, demo.source
    User = get_user_model()
    hashed = make_password(PASSWORD)  # one hash for all: the set-up need not pay 50 of them
    for i in range(1, users + 1):
        user, _ = User.objects.update_or_create(
            username=f"load{i:02d}",
            defaults={"password": hashed, "email": f"load{i:02d}@example.org"},
        )
        # viewers in a reviewed debate: their claims are proposals, as a class's would be
        Membership.objects.update_or_create(
            user=user, debate=debate, defaults={"role": Membership.Role.VIEWER}
        )
    revision = source.current_revision
    positions = list(
        Claim.objects.filter(
            debate=debate,
            kind=Claim.Kind.POSITION,
            status=Claim.Status.PUBLISHED,
            deleted_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    return {
        "slug": debate.slug,
        "source_pk": source.pk,
        "revision": revision.number,
        "text_len": len(revision.text),
        "position_pks": positions,
        "usernames": [f"load{i:02d}" for i in range(1, users + 1)],
    }


# --- the server ------------------------------------------------------------------------


def server_env(database_url: str, static_root: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.load.load_settings",
        CRUX_LOAD_STATIC_ROOT=static_root,
        SECRET_KEY="crux-load-test-only-" + "x" * 40,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        CONN_MAX_AGE="0",
        CRUX_DB_POOL=server_env_pool(),
        CRUX_WRITE_RATE="0",
        CRUX_WRITE_BURST="0",
        CRUX_MAX_PENDING_PER_DAY="0",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="ERROR",
    )
    return env


def server_env_pool() -> str:
    return os.environ.get("CRUX_DB_POOL", "4")


def manage(env, *args):
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")


def server_start(env, port: int, workers: int, log: Path) -> subprocess.Popen:
    cmd = [
        str(BIN / "gunicorn"),
        "config.asgi:application",
        "-k",
        "uvicorn.workers.UvicornWorker",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        "--graceful-timeout",
        "5",
        # Keep idle client connections longer than the think time (uvicorn's default is 5 s).
        "--keep-alive",
        "30",
    ]
    proc = subprocess.Popen(  # noqa: S603
        cmd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited; see {log}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/accounts/login/", timeout=5) as r:  # noqa: S310
                if r.status == 200:
                    return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    server_stop(proc)
    sys.exit("gunicorn did not answer within 60 s")


def server_stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def worker_pids(master: int) -> list[int]:
    out = sh("ps", "-o", "pid=", "--ppid", str(master), check=False).stdout
    return sorted(int(p) for p in out.split())


# --- clients ---------------------------------------------------------------------------


def login(base: str, username: str) -> dict:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base + "/accounts/login/", timeout=30).read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        base + "/accounts/login/", data=body, headers={"Referer": base + "/accounts/login/"}
    )
    opener.open(request, timeout=60).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"{username} could not log in")
    return {"sessionid": cookies["sessionid"], "csrftoken": cookies["csrftoken"]}


def get_status(base: str, path: str, session: dict) -> int:
    request = urllib.request.Request(  # noqa: S310
        base + path,
        headers={"Cookie": f"sessionid={session['sessionid']}; csrftoken={session['csrftoken']}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
            return r.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return -1


# --- locust ----------------------------------------------------------------------------


def locust_cmd(base: str, users: int, seconds: int, prefix: Path) -> list[str]:
    return [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "load" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--exit-code-on-error",
        "0",
    ]


def locust_env(config: Path, mode: str, wait: str, events: Path) -> dict:
    env = dict(os.environ)
    env.update(
        CRUX_LOAD_CONFIG=str(config),
        CRUX_LOAD_MODE=mode,
        CRUX_LOAD_WAIT=wait,
        CRUX_LOAD_EVENTS=str(events),
    )
    return env


def read_stats(prefix: Path) -> dict[str, dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]


def phase(name, base, users, seconds, tmp, config, mode, wait, during=None) -> dict:
    prefix = tmp / name
    events = tmp / f"{name}_events.json"
    print(f"phase {name}: {users} users, {seconds} s, mode={mode}, think time={wait} s", flush=True)
    started = time.time()
    proc = subprocess.Popen(  # noqa: S603
        locust_cmd(base, users, seconds, prefix),
        env=locust_env(config, mode, wait, events),
        cwd=ROOT,
        stdout=(tmp / f"{name}.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    extra = during(started) if during else None
    try:
        proc.wait(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
        sys.exit(f"locust did not stop; see {tmp / (name + '.log')}")
    stats = read_stats(prefix)
    total = stats["Aggregated"]
    detail = json.loads(events.read_text()) if events.exists() else {}
    return {
        "name": name,
        "elapsed": time.time() - started,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "rows": {k: v for k, v in stats.items() if k != "Aggregated"},
        "write_p95": p95(detail.get("write_ms", [])),
        "writes": len(detail.get("write_ms", [])),
        "events": detail,
        "extra": extra,
    }


def describe(result: dict) -> str:
    lines = [
        f"  {result['requests']} requests, {result['rps']:.1f} req/s, "
        f"{result['failures']} failed"
        + (
            f"; writes: {result['writes']}, p95 {result['write_p95']:.0f} ms"
            if result["writes"]
            else ""
        )
    ]
    for name, row in sorted(result["rows"].items()):
        lines.append(
            f"    {name:14} n={row['Request Count']:>6} fail={row['Failure Count']:>4} "
            f"median={row['50%']:>5} ms p95={row['95%']:>5} ms"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of the mixed run")
    parser.add_argument("--trivial-duration", type=int, default=20)
    parser.add_argument("--paced-duration", type=int, default=60)
    parser.add_argument("--restart-duration", type=int, default=45)
    parser.add_argument("--workers", type=int, default=12)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep-cluster", action="store_true")
    parser.add_argument("--setup", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.setup:  # the child that builds the data inside Django
        print(json.dumps(setup_data(args.setup)))
        return 0

    own_cluster = not os.environ.get("DATABASE_URL")
    tmp = Path(tempfile.mkdtemp(prefix="crux-load-"))
    server = None
    try:
        database_url = cluster_up() if own_cluster else os.environ["DATABASE_URL"]
        if not own_cluster:
            print("database: DATABASE_URL given; its server is not ours, so no restart phase")
        env = server_env(database_url, str(tmp / "static"))
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        setup = subprocess.run(  # noqa: S603
            [PYTHON, __file__, "--setup", str(args.users)],
            cwd=ROOT,
            env=env,
            text=True,
            capture_output=True,
        )
        if setup.returncode:
            sys.exit(f"set-up failed:\n{setup.stderr[-3000:]}")
        data = json.loads(setup.stdout.strip().splitlines()[-1])
        base = f"http://127.0.0.1:{args.port}"
        server = server_start(env, args.port, args.workers, tmp / "gunicorn.log")
        print(
            f"server: gunicorn config.asgi:application -k uvicorn.workers.UvicornWorker "
            f"-w {args.workers}, CONN_MAX_AGE=0 with a pool of "
            f"{server_env_pool()} connections per worker, DEBUG=0; write throttle off "
            f"(CRUX_WRITE_RATE=0), daily proposal cap off (CRUX_MAX_PENDING_PER_DAY=0)"
        )
        with ThreadPoolExecutor(max_workers=8) as pool:
            sessions = list(pool.map(lambda u: login(base, u), data["usernames"]))
        print(f"clients: {len(sessions)} people logged in over HTTP, one account each")
        config = tmp / "config.json"
        config.write_text(json.dumps({**data, "sessions": sessions, "base_url": base}))
        run = {"base": base, "users": args.users, "tmp": tmp, "config": config}

        trivial = phase("trivial", seconds=args.trivial_duration, mode="trivial", wait="0", **run)
        print(describe(trivial))
        mix = phase("mix", seconds=args.duration, mode="mix", wait="0", **run)
        print(describe(mix))
        paced = phase("paced", seconds=args.paced_duration, mode="mix", wait="1-3", **run)
        print(describe(paced))
        ratio = mix["rps"] / trivial["rps"] if trivial["rps"] else float("nan")

        outage = None
        if own_cluster:
            pids_before = worker_pids(server.pid)

            def restart_db(started):
                time.sleep(args.restart_duration / 3)
                return cluster_restart()

            outage = phase(
                "restart",
                seconds=args.restart_duration,
                mode="mix",
                wait="1-3",
                during=restart_db,
                **run,
            )
            print(describe(outage))
            pids_after = worker_pids(server.pid)
            after_status = [get_status(base, f"/debates/{data['slug']}/", s) for s in sessions[:5]]
            began, ended = outage["extra"]
            timeline = {int(k): v for k, v in outage["events"].get("timeline", {}).items()}
            grace = 2
            during_fail = sum(
                v.get("fail", 0) for t, v in timeline.items() if began - 1 <= t <= ended + grace
            )
            after_ok = sum(v.get("ok", 0) for t, v in timeline.items() if t > ended + grace)
            after_fail = sum(v.get("fail", 0) for t, v in timeline.items() if t > ended + grace)
            kinds: dict[str, int] = {}
            for f in outage["events"].get("failures", []):
                key = f"{f['status']} {f['error'][:60]}"
                kinds[key] = kinds.get(key, 0) + 1
            outage["summary"] = {
                "restart_seconds": ended - began,
                "failed_during": during_fail,
                "after_ok": after_ok,
                "after_fail": after_fail,
                "kinds": kinds,
                "same_workers": pids_before == pids_after,
                "master_alive": server.poll() is None,
                "after_status": after_status,
            }

        print("\n=== Summary (figures from one run; load generator, server and database share")
        print("    the machine, so absolute numbers are noisy; the ratio is within one run) ===")
        print(f"trivial view (GET /accounts/login/): {trivial['rps']:.1f} req/s")
        print(
            f"mix, {args.users} users, {args.duration} s, no think time: {mix['rps']:.1f} req/s "
            f"= {ratio:.0%} of the trivial view (goal >= 40 %); errors {mix['failures']}; "
            f"p95 of writes {mix['write_p95']:.0f} ms"
        )
        print(
            f"mix, {args.users} users, {args.paced_duration} s, 1-3 s think time: "
            f"{paced['rps']:.1f} req/s; errors {paced['failures']}; "
            f"p95 of writes {paced['write_p95']:.0f} ms (goal <= 150 ms)"
        )
        if outage:
            s = outage["summary"]
            print(
                f"database restart ({s['restart_seconds']:.1f} s) during a paced run: "
                f"{s['failed_during']} requests failed during it (+{grace} s), "
                f"{s['after_fail']} failed and {s['after_ok']} succeeded afterwards; "
                f"same gunicorn workers: {s['same_workers']}; requests after the run: "
                f"{s['after_status']}"
            )
            for kind, n in sorted(s["kinds"].items(), key=lambda kv: -kv[1]):
                print(f"    {n:5} x {kind}")
        else:
            print(
                "database restart: skipped (DATABASE_URL names a server this script does not run)"
            )
        print(f"(raw locust CSVs and logs: {tmp})")
        return 0
    finally:
        if server is not None:
            server_stop(server)
        if own_cluster and not args.keep_cluster:
            cluster_drop()
            print("database: cluster stopped and dropped")
        shutil.rmtree(tmp / "static", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
