#!/usr/bin/env python3
"""Checks a Proxmox VE automated-installer answer file as far as possible without the Proxmox tool: TOML syntax, then
the sections, keys and values the installer of PVE 8.3+ / 9 requires (kebab-case keys; [first-boot] appeared in 8.3).
    validate-answer.py answer.toml [8|9]
Prints each problem and exits 1 if there is any. proxmox-auto-install-assistant validate-answer remains the final word."""
import re, sys, tomllib

path = sys.argv[1]
version = sys.argv[2] if len(sys.argv) > 2 else "9"
problems = []
try:
    with open(path, "rb") as f:
        answer = tomllib.load(f)
except tomllib.TOMLDecodeError as e:
    print(f"{path}: not valid TOML: {e}")
    sys.exit(1)

def section(name):
    value = answer.get(name)
    if not isinstance(value, dict):
        problems.append(f"[{name}] is missing")
        return {}
    return value

def need(table, name, key, kind=str):
    value = table.get(key)
    if value is None:
        problems.append(f"[{name}] {key} is missing")
    elif not isinstance(value, kind):
        problems.append(f"[{name}] {key} must be a {kind.__name__}")
    return value

for key in answer:
    for sub in (answer[key] if isinstance(answer[key], dict) else {}):
        if "_" in sub and sub.upper() != sub and not sub.startswith("ID_"):
            problems.append(f"[{key}] {sub}: PVE {version} keys are kebab-case ({sub.replace('_', '-')})")

g = section("global")
for key in ("keyboard", "country", "fqdn", "mailto", "timezone"):
    need(g, "global", key)
if ("root-password" in g) == ("root-password-hashed" in g):
    problems.append("[global] needs exactly one of root-password and root-password-hashed")
hashed = g.get("root-password-hashed")
if isinstance(hashed, str) and (not re.match(r"^\$(1|5|6|y)\$[^$]+\$", hashed) or "REPLACE" in hashed):
    problems.append("[global] root-password-hashed is not a crypt(3) hash (mkpasswd -m sha-512)")
if isinstance(g.get("country"), str) and not re.fullmatch(r"[a-z]{2}", g["country"]):
    problems.append("[global] country must be a two-letter lower-case country code")
if isinstance(g.get("fqdn"), str) and "." not in g["fqdn"]:
    problems.append("[global] fqdn must be a fully qualified name (host.domain)")

n = section("network")
source = need(n, "network", "source")
if source not in (None, "from-dhcp", "from-answer"):
    problems.append('[network] source must be "from-dhcp" or "from-answer"')
if source == "from-answer":
    for key in ("cidr", "dns", "gateway"):
        need(n, "network", key)
    need(n, "network", "filter", dict)

d = section("disk-setup")
fs = need(d, "disk-setup", "filesystem")
if fs not in (None, "ext4", "xfs", "zfs", "btrfs"):
    problems.append("[disk-setup] filesystem must be ext4, xfs, zfs or btrfs")
if ("disk-list" in d) == ("filter" in d):
    problems.append("[disk-setup] needs exactly one of disk-list and filter")
if fs in ("zfs", "btrfs") and not isinstance(d.get(fs), dict):
    problems.append(f"[disk-setup] {fs}.raid is required for {fs}")

fb = answer.get("first-boot")
if fb is not None:
    fb_source = need(fb, "first-boot", "source")
    if fb_source not in (None, "from-iso", "from-url"):
        problems.append('[first-boot] source must be "from-iso" or "from-url"')
    if fb_source == "from-url":
        need(fb, "first-boot", "url")
    if fb.get("ordering", "fully-up") not in ("before-network", "network-online", "fully-up"):
        problems.append("[first-boot] ordering must be before-network, network-online or fully-up")

for p in problems:
    print(f"{path}: {p}")
sys.exit(1 if problems else 0)
