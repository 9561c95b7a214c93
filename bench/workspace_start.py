#!/usr/bin/env python3
"""Workspace start, timed the same way on the platform and on JupyterHub (bench/run-all.sh, key `workspace`).

    workspace_start.py platform   --runs N --together 10 [--keycloak URL --gear URL --execution URL --billing URL]
    workspace_start.py jupyterhub --runs N --together 10 [--users PREFIX]

Each start is timed from the request that starts the server to the first 200 of the user's server through the
proxy, asked as Jupyter's own clients ask it: GET <server URL>api/status with "Authorization: token <token>", every
POLL seconds (the platform: its REST API polled for the execution's workspaceUrl, then that URL; JupyterHub: the
user's URL /user/<name>/ with a token the hub's API handed out for that user). N starts one after the other (each
stopped, and gone, before the next), then TOGETHER at once (the wall time until the last answers), then all stopped.
Prints one line per side, `WS|<side>|<n>|<p50 ms>|<p99 ms>|<max ms>|<together>|<wall ms>|<failures>|<note>`, and
progress on stderr. Python's standard library only (python3 is there wherever jupyter-notebook is).
"""
import argparse
import base64
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

POLL = 0.05
TIMEOUT = 120.0


def log(msg):
    print("workspace: " + msg, file=sys.stderr, flush=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def call(method, url, token=None, body=None, scheme="Bearer", form=None, timeout=10):
    """(status, parsed JSON body or text); never raises for an HTTP status."""
    headers = {}
    data = None
    if token:
        headers["Authorization"] = scheme + " " + token
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with OPENER.open(req, timeout=timeout) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")


def answers(url, token):
    try:
        return call("GET", url, token=token, scheme="token", timeout=5)[0] == 200
    except (OSError, urllib.error.URLError):
        return False


def await_gone(what, gone):
    """Waits until gone() says the stopped server is gone (so that the next start has the machine to itself)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < TIMEOUT:
        if gone():
            return
        time.sleep(0.2)
    log(f"{what} still not stopped after {TIMEOUT:.0f} s")


def percentile(sorted_ms, p):
    return sorted_ms[max(0, math.ceil(p / 100.0 * len(sorted_ms)) - 1)]


def measure(side, start, stop, runs, together, note):
    """start(i) -> (handle, answered_ms or None); stop(handle). Prints the WS line."""
    times, failures = [], []
    for i in range(runs):
        handle, ms, why = start(i, POLL)
        if ms is None:
            failures.append(why)
            log(f"{side} start {i + 1}/{runs}: FAILED {why}")
        else:
            times.append(ms)
            log(f"{side} start {i + 1}/{runs}: {ms:.0f} ms")
        if handle is not None:
            stop(handle)
    wall = None
    if together > 0:
        results = [None] * together
        t0 = time.monotonic()

        def one(k):
            results[k] = start(runs + k, POLL * 2)

        threads = [threading.Thread(target=one, args=(k,)) for k in range(together)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = (time.monotonic() - t0) * 1000
        each = sorted(r[1] for r in results if r[1] is not None)
        bad = [r[2] for r in results if r[1] is None]
        failures += [f"together: {w}" for w in bad]
        log(f"{side} {together} at once: all answered after {wall:.0f} ms"
            + (f" ({len(bad)} failed)" if bad else "") + f"; each: {', '.join(f'{m:.0f}' for m in each)} ms")
        for r in results:
            if r[0] is not None:
                stop(r[0])
    times.sort()
    if times:
        p50, p99, mx = percentile(times, 50), percentile(times, 99), times[-1]
        slow = [t for t in times if t > 1500]
        note = note + f"; {len(slow)} of {len(times)} over 1.5 s" if slow else note
    else:
        p50 = p99 = mx = float("nan")
    note = note + (f"; {len(failures)} failed: {failures[0]}" if failures else "")
    print(f"WS|{side}|{len(times)}|{p50:.0f}|{p99:.0f}|{mx:.0f}|{together}|"
          f"{'nan' if wall is None or failures else f'{wall:.0f}'}|{len(failures)}|{note}", flush=True)


# ---------------------------------------------------------------- the platform

def platform(args):
    s, body = call("POST", args.keycloak + "/realms/hyperai/protocol/openid-connect/token",
                   form={"grant_type": "password", "client_id": "hyperai-cli", "username": args.user,
                         "password": args.password})
    if s != 200:
        sys.exit(f"no token for {args.user}: {s} {body}")
    user = body["access_token"]
    expires = time.monotonic() + body.get("expires_in", 300) - 30
    s, body = call("POST", args.keycloak + "/realms/hyperai/protocol/openid-connect/token",
                   form={"grant_type": "password", "client_id": "hyperai-cli", "username": "admin",
                         "password": "admin"})
    admin = body["access_token"]
    s, me = call("GET", args.billing + "/api/v1/billing/me", token=user)
    s, r = call("POST", f"{args.billing}/api/v1/billing/accounts/{me['userId']}/top-ups", token=admin,
                body={"amountMinor": 10_000_000, "reference": f"workspace-bench-{time.time():.0f}"})
    if s != 201:
        sys.exit(f"top-up refused: {s} {r}")
    s, gear = call("POST", args.gear + "/api/v1/gears", token=user,
                   body={"name": f"workspace-bench-{time.time():.0f}", "computeSpecId": args.spec,
                         "imageId": "pytorch-2.4-cpu", "bindings": []})
    if s != 201:
        sys.exit(f"gear refused: {s} {gear}")
    gear_id = gear["id"]
    lock = threading.Lock()

    def token():
        nonlocal user, expires
        with lock:
            if time.monotonic() > expires:
                s, b = call("POST", args.keycloak + "/realms/hyperai/protocol/openid-connect/token",
                            form={"grant_type": "password", "client_id": "hyperai-cli", "username": args.user,
                                  "password": args.password})
                user, expires = b["access_token"], time.monotonic() + b.get("expires_in", 300) - 30
            return user

    def start(i, poll):
        t0 = time.monotonic()
        s, e = call("POST", f"{args.execution}/api/v1/gears/{gear_id}/executions", token=token(),
                    body={"mode": "jupyter"})
        if s != 201:
            return None, None, f"POST answered {s}: {e}"
        eid = e["id"]
        url = None
        while time.monotonic() - t0 < TIMEOUT:
            if url is None:
                s, e = call("GET", f"{args.execution}/api/v1/executions/{eid}", token=token())
                if s == 200 and e.get("workspaceUrl"):
                    url = e["workspaceUrl"]
                    jtoken = url.split("token=", 1)[1]
                    status = url.split("?", 1)[0] + "api/status"
                elif s == 200 and e.get("state") not in ("QUEUED", "STARTING", "RUNNING"):
                    return eid, None, f"{eid} ended {e.get('state')} {e.get('reason')}"
            if url is not None and answers(status, jtoken):
                ms = (time.monotonic() - t0) * 1000
                if ms > 1500:  # where a slow one's time went: its recorded steps
                    s, e = call("GET", f"{args.execution}/api/v1/executions/{eid}", token=token())
                    log(f"platform: {eid} answered after {ms:.0f} ms; created {e.get('createdAt')}, started "
                        f"{e.get('startedAt')}, history {json.dumps(e.get('history'))}")
                return eid, ms, None
            time.sleep(poll)
        s, e = call("GET", f"{args.execution}/api/v1/executions/{eid}", token=token())
        return eid, None, f"{eid} not answering after {TIMEOUT:.0f} s: state {e.get('state')}, history " \
            + json.dumps(e.get("history"))

    def stop(eid):
        call("POST", f"{args.execution}/api/v1/executions/{eid}/stop", token=token())

        def ended():
            s, e = call("GET", f"{args.execution}/api/v1/executions/{eid}", token=token())
            return s == 200 and e.get("state") not in ("QUEUED", "STARTING", "RUNNING")
        await_gone(f"platform: {eid}", ended)

    measure("platform", start, stop, args.runs, args.together,
            f"user {args.user}, spec {args.spec}, one gear; POST .../executions, execution polled every "
            f"{POLL * 1000:.0f} ms for its workspaceUrl, then GET <workspaceUrl>api/status with its token through "
            f"execution-service's proxy ({POLL * 2000:.0f} ms when together)")


# ---------------------------------------------------------------- JupyterHub

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jupyterhub(args):
    users = [f"{args.users}{k}" for k in range(max(1, args.together))]
    created = []
    for u in users:
        if subprocess.run(["id", u], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--create-home", "--shell", "/usr/sbin/nologin", u], check=True)
            created.append(u)
    state = tempfile.mkdtemp(prefix="hub-bench-")
    os.chmod(state, 0o700)
    port, hub_port, api_port = free_port(), free_port(), free_port()
    service_token = base64.b32encode(os.urandom(20)).decode().lower()
    with open(os.path.join(state, "jupyterhub_config.py"), "w") as f:
        f.write(f"""
c.JupyterHub.ip = '127.0.0.1'
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = '127.0.0.1'
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{api_port}'
c.ConfigurableHTTPProxy.pid_file = {os.path.join(state, 'proxy.pid')!r}
c.JupyterHub.pid_file = {os.path.join(state, 'jupyterhub.pid')!r}
c.JupyterHub.db_url = 'sqlite:///' + {os.path.join(state, 'jupyterhub.sqlite')!r}
c.JupyterHub.cookie_secret_file = {os.path.join(state, 'cookie_secret')!r}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = 'jupyterhub.auth.DummyAuthenticator'
c.Authenticator.allowed_users = set({users!r})
c.JupyterHub.spawner_class = 'jupyterhub.spawner.LocalProcessSpawner'
c.Spawner.http_timeout = {int(TIMEOUT)}
c.Spawner.start_timeout = {int(TIMEOUT)}
c.JupyterHub.services = [{{'name': 'bench', 'api_token': {service_token!r}}}]
c.JupyterHub.load_roles = [{{'name': 'bench', 'services': ['bench'],
                            'scopes': ['admin:users', 'admin:servers', 'tokens', 'access:servers']}}]
""")
    hub_log = open(os.path.join(args.log_dir or state, "jupyterhub.log"), "w")
    # Debian's configurable-http-proxy finds its modules in /usr/share/nodejs, where Debian's node looks by default;
    # another node (NodeSource's, say) needs to be told
    env = dict(os.environ, NODE_PATH=":".join(filter(None, [os.environ.get("NODE_PATH"), "/usr/share/nodejs"])))
    hub = subprocess.Popen(["jupyterhub", "-f", os.path.join(state, "jupyterhub_config.py")], cwd=state, env=env,
                           stdout=hub_log, stderr=subprocess.STDOUT, start_new_session=True)
    api = f"http://127.0.0.1:{port}/hub/api"
    try:
        t0 = time.monotonic()
        while True:
            try:
                if call("GET", api + "/", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if hub.poll() is not None or time.monotonic() - t0 > TIMEOUT:
                sys.exit(f"jupyterhub did not start; see {hub_log.name}")
            time.sleep(0.2)
        log(f"jupyterhub {call('GET', api + '/')[1].get('version')} up in {time.monotonic() - t0:.1f} s "
            f"(port {port}, state in {state})")
        tokens = {}
        for u in users:
            s, b = call("POST", f"{api}/users", token=service_token, scheme="token", body={"usernames": [u]})
            s, b = call("POST", f"{api}/users/{u}/tokens", token=service_token, scheme="token",
                        body={"note": "bench", "expires_in": 3600})
            if s not in (200, 201):
                sys.exit(f"no token for {u}: {s} {b}")
            tokens[u] = b["token"]

        def start(i, poll):
            u = users[i - args.runs] if i >= args.runs else users[0]
            t0 = time.monotonic()
            s, b = call("POST", f"{api}/users/{u}/server", token=service_token, scheme="token", timeout=TIMEOUT)
            if s not in (201, 202):
                return None, None, f"POST answered {s}: {b}"
            status = f"http://127.0.0.1:{port}/user/{u}/api/status"
            while time.monotonic() - t0 < TIMEOUT:
                if answers(status, tokens[u]):
                    return u, (time.monotonic() - t0) * 1000, None
                time.sleep(poll)
            return u, None, f"{u} not answering after {TIMEOUT:.0f} s"

        def stop(u):
            call("DELETE", f"{api}/users/{u}/server", token=service_token, scheme="token", timeout=TIMEOUT)

            def gone():
                s, b = call("GET", f"{api}/users/{u}", token=service_token, scheme="token")
                return s == 200 and not b.get("servers") and not b.get("pending")
            await_gone(f"jupyterhub: {u}'s server", gone)

        measure("jupyterhub", start, stop, args.runs, args.together,
                f"JupyterHub {call('GET', api + '/')[1].get('version')} (Debian), LocalProcessSpawner, "
                f"DummyAuthenticator, configurable-http-proxy, sqlite; POST /hub/api/users/<name>/server, then "
                f"GET /user/<name>/api/status with the user's API token every {POLL * 1000:.0f} ms "
                f"({POLL * 2000:.0f} ms when together); system users {users[0]}..{users[-1]}")
    finally:
        hub.terminate()
        try:
            hub.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(hub.pid, 9)
        for pidfile in ("proxy.pid",):
            try:
                with open(os.path.join(state, pidfile)) as f:
                    os.kill(int(f.read().strip()), 15)
            except (OSError, ValueError):
                pass
        for u in created:
            subprocess.run(["pkill", "-KILL", "-u", u], capture_output=True)
            subprocess.run(["userdel", "--remove", u], capture_output=True)
        shutil.rmtree(state, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("side", choices=["platform", "jupyterhub"])
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--together", type=int, default=10)
    p.add_argument("--keycloak", default="http://localhost:8180")
    p.add_argument("--gear", default="http://localhost:8101")
    p.add_argument("--execution", default="http://localhost:8102")
    p.add_argument("--billing", default="http://localhost:8105")
    p.add_argument("--user", default="alice")
    p.add_argument("--password", default="alice")
    p.add_argument("--spec", default="cpu-1c2g")
    p.add_argument("--users", default="hubbench", help="JupyterHub: system user names PREFIX0, PREFIX1, ...")
    p.add_argument("--log-dir", help="JupyterHub: where its log goes (default: its temporary state)")
    args = p.parse_args()
    platform(args) if args.side == "platform" else jupyterhub(args)


if __name__ == "__main__":
    main()
