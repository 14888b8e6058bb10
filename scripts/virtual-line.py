#!/usr/bin/env python3
"""A virtual factory line: N simulated PrivateBox units build against the suite as real ones do.

Each unit is plugged into a build port of the simulated switch, sends heartbeats with the bootstrap's stages and
its MACs, and reports ready (serial, passwords, test results) or failed (failed tests, error log); a few stop
sending (stuck). Ready units go to the label port (21), where the line answers the kiosk as an operator would
(sometimes "the label misprinted", so a reprint happens) unless --manual-kiosk leaves it to a person; failed
units go to the debug port (22), one at a time per station. A few units are reflashed and build again (a new
attempt). Time runs --speed times faster than real time. The seed fixes the scenario (who fails, stalls, is
reflashed or misprinted, build durations); MACs are new on every run, so runs never collide.

Prints a summary and exits 1 when something expected is missing: a ready build not labeled, a failed unit
without a debug bundle (from SSH collection, which fails for a virtual unit: the bundle holds the error).
Python 3.11 standard library only.
"""
import argparse
import http.client
import json
import os
import queue
import random
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timezone

DEFAULTS = {
    "units": 20,
    "speed": 30.0,
    "seed": 1,
    "build_minutes": [15, 20],
    "heartbeat_seconds": 60,
    "failure_rate": 0.15,        # share of units whose first build fails (rounded to a count)
    "stuck_rate": 0.05,          # share of units that stop sending heartbeats mid-build
    "reflash_failed": 1,         # failed units fixed at the debug station and reflashed: they build again
    "reflash_labeled": 1,        # labeled units reflashed (a reinstall): a new attempt at once
    "misprint_rate": 0.1,        # "did it print correctly?" answered no, so the label is reprinted
    "failing_tests": ["adguard", "adguard_dns", "portainer", "semaphore", "homer", "caddy_health",
                      "opnsense", "opnsense_dns", "internet_via_opnsense", "isolation"],
    # The server ignores heartbeats this long after a final report (UnitApi:RebuildGrace): a reflashed failed
    # unit starts its new build only after it.
    "rebuild_grace_seconds": 185,
}
PASSING_TESTS = ["portainer", "semaphore", "adguard", "adguard_dns", "homer", "caddy_health", "opnsense",
                 "opnsense_dns", "internet_via_opnsense", "pve_cluster", "pveproxy", "pvedaemon"]
# (share of the build when the stage begins, stage) as the unit client reports them.
STAGES = [
    (0.00, "factory: seeding assets from the CDN"),
    (0.06, "factory: running the PrivateBox bootstrap"),
    (0.07, "Phase 1: Host preparation started"),
    (0.15, "Phase 2: Deploying OPNsense"),
    (0.30, "Phase 3: Creating the management VM"),
    (0.42, "Phase 4: Configuring the management VM"),
    (0.48, "PROGRESS: Installing Portainer"),
    (0.56, "PROGRESS: Installing Semaphore"),
    (0.63, "PROGRESS: Installing AdGuard Home"),
    (0.70, "PROGRESS: Installing Homer"),
    (0.76, "Phase 5: Verifying services"),
    (0.84, "Phase 6: Complete"),
    (0.86, "factory: self-test"),
    (0.94, "isolation check: reaching the factory server through OPNsense"),
    (0.97, "removing the Proxmox WAN address"),
]
VM_NICS_FROM = 0.15  # the VMs' NICs exist from Phase 2 on
REASONS = ["jam", "blank", "smudged", "other"]
BUILD_PORTS = range(1, 21)
LABEL_PORT, DEBUG_PORT = 21, 22

print_lock = threading.Lock()


def say(message):
    with print_lock:
        print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def now_iso():
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def random_mac(rng, prefix):
    return ":".join(prefix + [f"{rng.randrange(256):02x}" for _ in range(6 - len(prefix))])


class Http:
    """Small JSON requests: (status, Retry-After, parsed body); status 0 when the server cannot be reached."""

    def __init__(self, base, token=None):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname or "localhost", url.port or 80
        self.prefix = url.path.rstrip("/")
        self.token = token

    def call(self, method, path, body=None, timeout=15):
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, self.prefix + path, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            return response.status, response.getheader("Retry-After"), parsed
        except OSError as error:
            return 0, None, str(error)
        finally:
            conn.close()


class Attempt:
    def __init__(self, fate, seconds, fail_at=None, failed_tests=(), misprint=None):
        self.fate, self.seconds, self.fail_at = fate, seconds, fail_at
        self.failed_tests, self.misprint = list(failed_tests), misprint
        self.serial = None           # a reflashed unit is a new installation: a new serial
        self.outcome = None          # ready, failed, stuck, or error: what the server stored
        self.reported_at = 0.0
        self.labeled = False
        self.reprinted = 0


class Unit:
    def __init__(self, number, rng):
        self.number = number
        self.mac = random_mac(rng, ["02"])
        self.vm_macs = [random_mac(rng, ["bc", "24", "11"]) for _ in range(3)]  # OPNsense WAN, LAN; management VM
        self.rng = rng
        self.attempts = []
        self.reflash = None          # None, "failed" or "labeled"
        self.done = threading.Event()
        self.bundles = 0


def plan(profile, rng):
    """The whole scenario, drawn from the seed before anything runs. Rates are shares rounded to a count."""
    count = profile["units"]
    units = [Unit(i + 1, random.Random(rng.getrandbits(64))) for i in range(count)]
    order = list(range(count))
    rng.shuffle(order)
    stuck = set(order[:round(count * profile["stuck_rate"])])
    failed = order[len(stuck):len(stuck) + round(count * profile["failure_rate"])]
    lo, hi = profile["build_minutes"]

    def attempt(fate):
        seconds = rng.uniform(lo, hi) * 60
        if fate == "ready":
            return Attempt("ready", seconds)
        tests = rng.sample(profile["failing_tests"], k=min(len(profile["failing_tests"]), rng.choice([1, 1, 2])))
        return Attempt(fate, seconds, fail_at=rng.uniform(0.2, 0.85) if fate == "stuck" else 0.88, failed_tests=tests)

    for i, unit in enumerate(units):
        unit.attempts.append(attempt("stuck" if i in stuck else "failed" if i in failed else "ready"))
    ready = [i for i in order if i not in stuck and i not in failed]
    for i in failed[:profile["reflash_failed"]]:
        units[i].reflash = "failed"
    for i in ready[:profile["reflash_labeled"]]:
        units[i].reflash = "labeled"
    for unit in units:
        if unit.reflash:
            unit.attempts.append(attempt("ready"))
        for a in unit.attempts:
            a.serial = str(uuid.UUID(int=unit.rng.getrandbits(128)))
    labels = [a for u in units for a in u.attempts if a.fate == "ready"]
    for a in rng.sample(labels, k=min(len(labels), round(len(labels) * profile["misprint_rate"]))):
        a.misprint = rng.choice(REASONS)
    return units


class Line:
    def __init__(self, args, profile):
        self.args, self.profile = args, profile
        self.speed = profile["speed"]
        self.gateway = Http(args.gateway, args.factory_token)
        self.status = Http(args.gateway)
        self.debug = Http(args.gateway, args.debug_key)
        self.switch = Http(args.switch_control)
        self.kiosk = Http(args.kiosk)
        self.rng = random.Random(profile["seed"])
        self.units = plan(profile, self.rng)
        self.ports = queue.Queue()
        self.label_queue, self.debug_queue = queue.Queue(), queue.Queue()
        self.problems = []
        self.heartbeats_lost = 0

    def problem(self, message):
        self.problems.append(message)
        say(f"PROBLEM: {message}")

    def sleep_sim(self, seconds):
        time.sleep(seconds / self.speed)

    def plug(self, port, mac):
        status, _, body = self.switch.call("POST", f"/ports/{port}/plug?mac={mac}")
        if status != 200:
            self.problem(f"the switch did not plug {mac} into port {port}: {status} {body}")

    def unplug(self, port):
        self.switch.call("POST", f"/ports/{port}/unplug")

    def free_build_ports(self):
        status, _, ports = self.switch.call("GET", "/ports")
        if status != 200:
            sys.exit(f"the switch simulator's control at {self.args.switch_control} did not answer ({status} {ports})")
        return [p["port"] for p in ports if p["port"] in BUILD_PORTS and not p.get("macs")]

    # --- a unit ---------------------------------------------------------------------------------------------

    def run_unit(self, unit):
        for n, attempt in enumerate(unit.attempts):
            port = self.ports.get()
            self.plug(port, unit.mac)
            say(f"unit {unit.number:2} {unit.mac} building on port {port}" + (" (reflashed)" if n else ""))
            self.build(unit, attempt)
            if attempt.fate == "stuck":
                say(f"unit {unit.number:2} stopped sending heartbeats on port {port} (stuck)")
                unit.done.set()
                return                           # it stays plugged, silent, as a hung unit would
            self.unplug(port)
            self.ports.put(port)
            station = self.label_queue if attempt.outcome == "ready" else self.debug_queue
            finished = threading.Event()
            station.put((unit, attempt, finished))
            finished.wait()
            if n + 1 < len(unit.attempts) and attempt.outcome == "failed":
                reported = attempt.reported_at
                wait = self.profile["rebuild_grace_seconds"] - (time.monotonic() - reported)
                if wait > 0:
                    say(f"unit {unit.number:2} reflashed; it starts its new build in {wait:.0f} s")
                    time.sleep(wait)
        unit.done.set()

    def build(self, unit, attempt):
        started = time.monotonic()
        end = attempt.fail_at * attempt.seconds if attempt.fate == "stuck" else attempt.seconds
        elapsed = 0.0
        while elapsed < end:
            share = elapsed / attempt.seconds
            stage = [s for at, s in STAGES if at <= share][-1]
            macs = [unit.mac] + (unit.vm_macs if share >= VM_NICS_FROM else [])
            status, _, body = self.gateway.call("POST", "/api/heartbeat", {
                "mac_wan": unit.mac, "status": "building", "stage": stage, "timestamp": now_iso(), "macs": macs})
            if not 200 <= status < 300:
                # A real unit also just sends the next one; 429 means the line is faster than the rate limit.
                with print_lock:
                    self.heartbeats_lost += 1
                say(f"unit {unit.number:2} heartbeat not delivered: {status} {body}")
            self.sleep_sim(min(self.profile["heartbeat_seconds"], end - elapsed))
            elapsed = (time.monotonic() - started) * self.speed
        if attempt.fate == "stuck":
            attempt.outcome = "stuck"
            return
        report = {"mac_wan": unit.mac, "serial": attempt.serial, "build_time": now_iso(),
                  "build_duration_seconds": round(attempt.seconds), "macs": [unit.mac] + unit.vm_macs}
        results = {t: "pass" for t in PASSING_TESTS} | {"wan_removal": "pass", "isolation": "pass"}
        if attempt.fate == "ready":
            words = [unit.rng.choice(WORDS) for _ in range(4)]
            report |= {"status": "ready", "admin_password": "-".join(words[:2]) + f"-{unit.rng.randrange(100)}",
                       "services_password": "-".join(words[2:]) + f"-{unit.rng.randrange(100)}", "test_results": results}
        else:
            results |= {t: "fail" for t in attempt.failed_tests}
            report |= {"status": "failed", "failed_tests": attempt.failed_tests, "test_results": results,
                       "error_log": f"the self-test failed: {', '.join(attempt.failed_tests)}\n\n"
                                    f"[virtual unit {unit.number}] {attempt.failed_tests[0]} did not answer",
                       "diagnostic_data": {"systemctl_failed": "", "qm_list": "100 opnsense running\n9000 management running"}}
        attempt.outcome = self.deliver(unit, report)
        attempt.reported_at = time.monotonic()
        say(f"unit {unit.number:2} reported {attempt.outcome}"
            + (f" ({', '.join(attempt.failed_tests)})" if attempt.outcome == "failed" else ""))

    def deliver(self, unit, report):
        """Like the unit's outbox: retried while the server is busy or away, given up on a refusal."""
        delay = 1.0
        for _ in range(12):
            status, retry_after, body = self.gateway.call("POST", "/api/units", report)
            if 200 <= status < 300:
                return report["status"]
            if 400 <= status < 500 and status not in (401, 403, 408, 429):
                self.problem(f"unit {unit.number} report refused: {status} {body}")
                return "error"
            time.sleep(max(delay, float(retry_after or 0)))
            delay = min(delay * 2, 30)
        self.problem(f"unit {unit.number} report not delivered: {status} {body}")
        return "error"

    # --- the label station ----------------------------------------------------------------------------------

    def label_station(self):
        while True:
            unit, attempt, finished = self.label_queue.get()
            # The switch sees the OPNsense VM's virtual NIC after the build, not the WAN MAC.
            self.plug(LABEL_PORT, unit.vm_macs[0])
            say(f"unit {unit.number:2} on the label port (serial {attempt.serial})")
            labeled = self.await_label(unit, attempt) if self.args.manual_kiosk else self.answer_kiosk(unit, attempt)
            self.unplug(LABEL_PORT)
            status, _, body = self.status.call("GET", f"/api/units/{unit.mac}")
            attempt.labeled = labeled and status == 200 and isinstance(body, dict) and body.get("status") == "labeled"
            say(f"unit {unit.number:2} " + ("labeled" if attempt.labeled else f"NOT labeled (status {body})"))
            finished.set()

    def answer_kiosk(self, unit, attempt):
        deadline = time.monotonic() + self.args.station_timeout
        misprint = attempt.misprint
        while time.monotonic() < deadline:
            status, _, state = self.kiosk.call("GET", "/kiosk/state")
            if status != 200:
                self.problem(f"the kiosk at {self.args.kiosk} answered {status} {state}")
                return False
            phase, last = state["phase"], state.get("last") or {}
            if phase == "idle" and last.get("serial") == attempt.serial:
                if last.get("outcome") != "labeled":
                    self.problem(f"unit {unit.number}: the kiosk ended with {last.get('outcome')}: {last.get('message')}")
                return last.get("outcome") == "labeled"
            if state.get("serial") == attempt.serial:
                answer = {"ask-print": "yes", "printer-problem": "yes", "ask-reason": misprint or "other",
                          "ask-confirm": "no" if misprint and attempt.reprinted == 0 else "yes"}.get(phase)
                if answer:
                    self.sleep_sim(self.args.operator_seconds)
                    status, _, _ = self.kiosk.call("POST", f"/kiosk/answer/{answer}?phase={phase}")
                    if status == 200 and phase == "ask-reason":
                        attempt.reprinted += 1
                        say(f"unit {unit.number:2} label misprinted ({misprint}): reprinting")
                    continue
            time.sleep(0.2)
        self.problem(f"unit {unit.number}: the kiosk did not label it within {self.args.station_timeout} s")
        return False

    def await_label(self, unit, attempt):
        say(f"unit {unit.number:2} waits for you at the kiosk: {self.args.kiosk}/kiosk/index.html")
        while True:
            status, _, state = self.kiosk.call("GET", "/kiosk/state")
            if status != 200:
                time.sleep(2)
                continue
            last = state.get("last") or {}
            if state["phase"] == "idle" and last.get("serial") == attempt.serial:
                attempt.reprinted = sum(1 for h in state.get("history", []) if h.get("serial") == attempt.serial and h.get("outcome") == "reprint")
                return last.get("outcome") == "labeled"
            time.sleep(0.5)

    # --- the debug station ----------------------------------------------------------------------------------

    def bundles(self, unit):
        status, _, body = self.debug.call("GET", f"/api/debug-logs?mac={unit.mac}")
        return len(body) if status == 200 and isinstance(body, list) else 0

    def debug_station(self):
        while True:
            unit, attempt, finished = self.debug_queue.get()
            before = self.bundles(unit)
            self.plug(DEBUG_PORT, unit.mac)
            say(f"unit {unit.number:2} on the debug port")
            deadline = time.monotonic() + self.args.station_timeout
            while self.bundles(unit) <= before and time.monotonic() < deadline:
                time.sleep(1)
            self.unplug(DEBUG_PORT)
            say(f"unit {unit.number:2} off the debug port; bundles: {self.bundles(unit)}")
            finished.set()

    # --- the run --------------------------------------------------------------------------------------------

    def run(self):
        started = time.monotonic()
        for port in self.free_build_ports():
            self.ports.put(port)
        if self.ports.empty():
            sys.exit("no free build port (1-20) on the switch")
        for station in (self.label_station, self.debug_station):
            threading.Thread(target=station, daemon=True).start()
        for unit in self.units:
            threading.Thread(target=self.run_unit, args=(unit,), daemon=True).start()
            time.sleep(0.1)  # operators plug units in one after another
        for unit in self.units:
            unit.done.wait()
        failed_units = [u for u in self.units if any(a.outcome == "failed" for a in u.attempts)]
        deadline = time.monotonic() + self.args.station_timeout
        for unit in failed_units:
            unit.bundles = self.bundles(unit)
            while unit.bundles == 0 and time.monotonic() < deadline:
                time.sleep(2)
                unit.bundles = self.bundles(unit)
        return self.summary(time.monotonic() - started, failed_units)

    def summary(self, seconds, failed_units):
        attempts = [a for u in self.units for a in u.attempts if a.outcome]
        count = lambda outcome: sum(1 for a in attempts if a.outcome == outcome)
        for unit in self.units:
            for a in unit.attempts:
                if a.outcome == "ready" and not a.labeled:
                    self.problem(f"unit {unit.number} ({unit.mac}) was ready but not labeled")
        for unit in failed_units:
            if unit.bundles == 0:
                self.problem(f"unit {unit.number} ({unit.mac}) failed but no debug bundle arrived")
        lines = [
            f"virtual line: {len(self.units)} units, seed {self.profile['seed']}, {self.speed:g}x, {seconds:.0f} s",
            f"  units built   {len(self.units):4}  ({len(attempts)} builds, {sum(1 for u in self.units if u.reflash)} reflashed)",
            f"  ready         {count('ready'):4}",
            f"  failed        {count('failed'):4}",
            f"  stuck         {count('stuck'):4}  (still plugged; marked stuck by the server after UnitApi:StuckAfter, 5 min)",
            f"  labeled       {sum(1 for a in attempts if a.labeled):4}",
            f"  reprinted     {sum(a.reprinted for a in attempts):4}",
            f"  bundles seen  {sum(1 for u in failed_units if u.bundles):4}  (of {len(failed_units)} failed units)",
            f"  heartbeats    {self.heartbeats_lost:4}  not delivered (429: faster than the Unit API's rate limit per address)",
            f"  problems      {len(self.problems):4}",
        ]
        with print_lock:
            print("\n".join(lines), flush=True)
        return 1 if self.problems else 0


WORDS = ["alpha", "bravo", "cobalt", "delta", "ember", "falcon", "garnet", "harbor", "indigo", "juniper", "kestrel",
         "lumen", "meadow", "nimbus", "orchid", "pepper", "quartz", "raven", "sierra", "tundra", "umber", "velvet"]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--gateway", default="http://localhost:5250", help="the gateway (default %(default)s)")
    p.add_argument("--switch-control", default="http://localhost:5262", help="the simulated switch's control (default %(default)s)")
    p.add_argument("--kiosk", default="http://localhost:5304", help="the print station, on this machine (default %(default)s)")
    p.add_argument("--factory-token", default=os.environ.get("FACTORY_TOKEN", "dev-factory-token"))
    p.add_argument("--debug-key", default=os.environ.get("DEBUG_KEY", "dev-debug-key"))
    p.add_argument("--profile", help="a JSON file with any of: " + ", ".join(DEFAULTS))
    p.add_argument("--units", type=int)
    p.add_argument("--speed", type=float, help="simulated seconds per real second (default 30: a build takes ~40 s)")
    p.add_argument("--seed", type=int)
    p.add_argument("--failure-rate", type=float)
    p.add_argument("--stuck-rate", type=float)
    p.add_argument("--misprint-rate", type=float)
    p.add_argument("--reflash-failed", type=int)
    p.add_argument("--reflash-labeled", type=int)
    p.add_argument("--manual-kiosk", action="store_true", help="leave the kiosk to a person (training)")
    p.add_argument("--station-timeout", type=float, default=180, help="real seconds to wait at a station (default %(default)s)")
    p.add_argument("--operator-seconds", type=float, default=4, help="simulated seconds an operator takes per answer")
    return p.parse_args(argv)


def load_profile(args):
    profile = dict(DEFAULTS)
    if args.profile:
        with open(args.profile, encoding="utf-8") as f:
            loaded = json.load(f)
        unknown = set(loaded) - set(DEFAULTS)
        if unknown:
            sys.exit(f"unknown profile settings: {', '.join(sorted(unknown))}")
        profile |= loaded
    for key in DEFAULTS:
        value = getattr(args, key, None)
        if value is not None:
            profile[key] = value
    if profile["units"] < 1 or profile["speed"] <= 0:
        sys.exit("--units must be at least 1 and --speed above 0")
    return profile


def main(argv):
    args = parse_args(argv)
    profile = load_profile(args)
    status, _, _ = Http(args.gateway).call("GET", "/health")
    if status != 200:
        sys.exit(f"the gateway at {args.gateway} is not healthy ({status})")
    return Line(args, profile).run()


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
