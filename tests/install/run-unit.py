#!/usr/bin/env python3
"""Starts one installed systemd unit the way systemd would, for machines without systemd as PID 1.

    run-unit.py /lib/systemd/system/privatebox-factory-unitapi.service LOG READY_FILE

Reads the unit's [Service] section and applies ExecStart, WorkingDirectory, User/Group, Environment,
EnvironmentFile, LoadCredential (copied into /run/credentials/<unit>, %d expanded), StateDirectory, UMask and
AmbientCapabilities (through setpriv). The process is named "systemd" so .NET's systemd integration sees its
parent as systemd, and it receives a NOTIFY_SOCKET; for Type=notify the unit counts as started only when READY=1
arrives there. READY_FILE is written then (or "failed: ..." if the service exits first). Stays in the foreground
as the service's parent; SIGTERM stops the service as `systemctl stop` would. Not emulated: the sandboxing
settings (ProtectSystem=, PrivateTmp=, ...), which systemd-analyze verify checks instead.
"""
import ctypes, os, pwd, grp, shlex, shutil, signal, socket, subprocess, sys, tempfile, time

unit_path, log_path, ready_path = sys.argv[1:4]
unit = os.path.basename(unit_path)

settings = []
section = None
with open(unit_path) as f:
    for raw in f:
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]":
            key, _, value = line.partition("=")
            settings.append((key.strip(), value.strip()))

def values(key):
    return [v for k, v in settings if k == key]

def last(key, default=None):
    v = values(key)
    return v[-1] if v else default

cred_dir = f"/run/credentials/{unit}"
expand = lambda s: s.replace("%d", cred_dir).replace("%%", "%")

user = last("User", "root")
group = last("Group", user)
uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid

env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
       "USER": user, "LOGNAME": user, "HOME": pwd.getpwnam(user).pw_dir, "INVOCATION_ID": os.urandom(16).hex()}
for line in values("Environment"):
    for assignment in shlex.split(line):
        k, _, v = assignment.partition("=")
        env[k] = expand(v)
for path in values("EnvironmentFile"):
    optional = path.startswith("-")
    path = path.lstrip("-")
    if not os.path.exists(path) and optional:
        continue
    with open(path) as f:  # read as root, as systemd does
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                k, _, v = line.partition("=")
                env[k.strip()] = v.strip().strip('"')

credentials = values("LoadCredential")
if credentials:
    shutil.rmtree(cred_dir, ignore_errors=True)
    os.makedirs(cred_dir, mode=0o700)
    for spec in credentials:
        name, _, source = spec.partition(":")
        target = os.path.join(cred_dir, name)
        shutil.copyfile(source, target)  # fails like systemd when the secret is missing
        os.chown(target, uid, gid)
        os.chmod(target, 0o400)
    os.chown(cred_dir, uid, gid)
    os.chmod(cred_dir, 0o500)
    env["CREDENTIALS_DIRECTORY"] = cred_dir

for state in values("StateDirectory"):
    for d in state.split():
        path = os.path.join("/var/lib", d)
        os.makedirs(path, exist_ok=True)
        os.chown(path, uid, gid)
        env["STATE_DIRECTORY"] = path

notify_dir = tempfile.mkdtemp(prefix="notify-")
notify_path = os.path.join(notify_dir, "notify")
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(notify_path)
os.chmod(notify_dir, 0o755)
os.chmod(notify_path, 0o777)
env["NOTIFY_SOCKET"] = notify_path

caps = [c.lower().replace("cap_", "") for spec in values("AmbientCapabilities") for c in spec.split()]
setpriv = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--init-groups"]
if caps:
    setpriv += ["--inh-caps=" + ",".join("+" + c for c in caps), "--ambient-caps=" + ",".join("+" + c for c in caps)]
if last("NoNewPrivileges") == "yes":
    setpriv.append("--no-new-privs")
command = setpriv + ["--"] + shlex.split(expand(last("ExecStart")))

# .NET's UseSystemd trusts a parent process named "systemd".
ctypes.CDLL(None).prctl(15, b"systemd", 0, 0, 0)

def write_ready(text):
    with open(ready_path + ".tmp", "w") as f:
        f.write(text + "\n")
    os.replace(ready_path + ".tmp", ready_path)

log = open(log_path, "ab")
umask = int(last("UMask", "0022"), 8)
child = subprocess.Popen(command, cwd=last("WorkingDirectory", "/"), env=env, stdout=log, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, preexec_fn=lambda: os.umask(umask))
signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))

started = time.monotonic()
if last("Type", "simple") != "notify":
    write_ready(f"ready {child.pid}")
else:
    notify.settimeout(0.5)
    timeout = 180
    while True:
        try:
            message = notify.recv(4096).decode(errors="replace")
            if "READY=1" in message.split("\n"):
                write_ready(f"ready {child.pid} after {time.monotonic() - started:.1f}s")
                break
        except socket.timeout:
            pass
        if child.poll() is not None:
            write_ready(f"failed: exited with {child.returncode} before READY=1")
            break
        if time.monotonic() - started > timeout:
            write_ready("failed: no READY=1 within 180 s")
            child.terminate()
            break

code = child.wait()
shutil.rmtree(notify_dir, ignore_errors=True)
sys.exit(code)
