#!/usr/bin/env python3
# A ProCurve-like switch for net-snmp's pass_persist: IF-MIB ifTable, BRIDGE-MIB and Q-BRIDGE-MIB forwarding
# tables, served from a JSON state file that tests edit between polls (re-read whenever it changes).
# State: {"ports": {"21": {"up": true, "macs": ["aa:bb:cc:dd:ee:01"]}}, "portCount": 24, "qbridge": true,
#         "self": "00:1b:3f:00:00:01"}
import json, os, sys

STATE = sys.argv[1] if len(sys.argv) > 1 else os.environ["SWITCH_STATE"]
cache = {"mtime": None, "rows": []}

def rows():
    st = os.stat(STATE)
    key = (st.st_mtime_ns, st.st_size)
    if cache["mtime"] == key:
        return cache["rows"]
    with open(STATE) as f:
        state = json.load(f)
    count = state.get("portCount", 24)
    ports = state.get("ports", {})
    out = []
    def add(oid, typ, value):
        out.append((tuple(int(x) for x in oid.split(".")), "." + oid, typ, str(value)))
    fdb = []
    for n in range(1, count + 1):
        p = ports.get(str(n), {})
        add(f"1.3.6.1.2.1.2.2.1.1.{n}", "integer", n)
        add(f"1.3.6.1.2.1.2.2.1.8.{n}", "integer", 1 if p.get("up") else 2)
        add(f"1.3.6.1.2.1.17.1.4.1.2.{n}", "integer", n)
        if p.get("up"):
            fdb += [(mac, n, 3) for mac in p.get("macs", [])]
    if state.get("self"):
        fdb.append((state["self"], 0, 4))
    for mac, port, status in fdb:
        idx = ".".join(str(int(b, 16)) for b in mac.split(":"))
        add(f"1.3.6.1.2.1.17.4.3.1.2.{idx}", "integer", port)
        add(f"1.3.6.1.2.1.17.4.3.1.3.{idx}", "integer", status)
        if state.get("qbridge", True):
            add(f"1.3.6.1.2.1.17.7.1.2.2.1.2.1.{idx}", "integer", port)
            add(f"1.3.6.1.2.1.17.7.1.2.2.1.3.1.{idx}", "integer", status)
    out.sort()
    cache["mtime"], cache["rows"] = key, out
    return out

def parse(oid):
    return tuple(int(x) for x in oid.strip().strip(".").split(".") if x != "")

def answer(row):
    if row is None:
        print("NONE")
    else:
        print(row[1]); print(row[2]); print(row[3])

for line in sys.stdin:
    cmd = line.strip()
    if cmd == "PING":
        print("PONG")
    elif cmd == "get":
        want = parse(sys.stdin.readline())
        answer(next((r for r in rows() if r[0] == want), None))
    elif cmd == "getnext":
        want = parse(sys.stdin.readline())
        answer(next((r for r in rows() if r[0] > want), None))
    elif cmd == "set":
        sys.stdin.readline(); sys.stdin.readline()
        print("not-writable")
    elif cmd == "":
        break
    sys.stdout.flush()
