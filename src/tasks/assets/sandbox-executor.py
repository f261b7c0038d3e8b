"""tack's executor: runs inside one bubblewrap sandbox session and serves the host's requests.

Protocol: one JSON object per line on stdin (requests) and stdout (replies, matched by "id").
  {"id", "op": "exec", "command", "timeoutSec", "env", "cwd"} -> {"id", "exitCode", "output", "timedOut", "durationMs"}
  {"id", "op": "read", "path"}                  -> {"id", "data": base64}
  {"id", "op": "write", "path", "data": base64} -> {"id"}
  {"id", "op": "list", "path"}                  -> {"id", "entries": [{"name", "type", "size"}]}
  {"id", "op": "processes"}                     -> {"id", "processes": [{"pid", "command"}]}
Failures reply {"id", "error", "code"}. Each command runs in its own session and process group, so a
timeout kills the whole group; background processes it leaves outlive it (as in a container) until
the host ends the session, which ends the pid namespace.
"""
import base64
import errno
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time

# Protects the host process's memory from a runaway command; the agent's tools cap far lower.
OUTPUT_LIMIT = 16 * 1024 * 1024

write_lock = threading.Lock()


def reply(obj):
    line = json.dumps(obj)
    with write_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def read_output(fd):
    size = os.fstat(fd).st_size
    if size <= OUTPUT_LIMIT:
        data = os.pread(fd, size, 0)
    else:
        half = OUTPUT_LIMIT // 2
        elided = size - 2 * half
        data = os.pread(fd, half, 0) + b"\n[... %d bytes elided by the sandbox ...]\n" % elided + os.pread(fd, half, size - half)
    return data.decode("utf-8", errors="replace")


def run_command(req, default_cwd):
    fd = os.memfd_create("tack-output")
    env = dict(os.environ)
    env.update(req.get("env") or {})
    cwd = req.get("cwd") or default_cwd
    if not os.path.isdir(cwd):
        os.write(fd, b"tack: working directory %s does not exist; running in /\n" % cwd.encode())
        cwd = "/"
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            ["/bin/bash", "-c", req["command"]],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=fd,
            stderr=fd,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as e:
        os.close(fd)
        return {"exitCode": None, "output": "tack: could not start bash: %s" % e, "timedOut": False, "durationMs": 0}
    timed_out = False
    try:
        code = proc.wait(timeout=req["timeoutSec"])
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        code = None
    duration = int((time.monotonic() - started) * 1000)
    output = read_output(fd)
    os.close(fd)
    if code is not None and code < 0:
        code = None
    return {"exitCode": code, "output": output, "timedOut": timed_out, "durationMs": duration}


def absolute(path, default_cwd):
    return path if os.path.isabs(path) else os.path.join(default_cwd, path)


def entry_type(st_mode):
    if stat.S_ISLNK(st_mode):
        return "link"
    if stat.S_ISDIR(st_mode):
        return "dir"
    if stat.S_ISREG(st_mode):
        return "file"
    return "other"


def list_processes():
    me = os.getpid()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        if pid in (1, me):
            continue
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                raw = f.read()
        except OSError:
            continue
        command = raw.replace(b"\0", b" ").decode("utf-8", errors="replace").strip()
        found.append({"pid": pid, "command": command or "[%d]" % pid})
    return found


def serve(req, default_cwd):
    op = req.get("op")
    rid = req.get("id")
    try:
        if op == "exec":
            result = run_command(req, default_cwd)
        elif op == "read":
            with open(absolute(req["path"], default_cwd), "rb") as f:
                result = {"data": base64.b64encode(f.read()).decode("ascii")}
        elif op == "write":
            path = absolute(req["path"], default_cwd)
            parent = os.path.dirname(path)
            if parent:
                os.makedirs(parent, exist_ok=True)
            with open(path, "wb") as f:
                f.write(base64.b64decode(req["data"]))
            result = {}
        elif op == "list":
            path = absolute(req["path"], default_cwd)
            entries = []
            for name in sorted(os.listdir(path)):
                st = os.lstat(os.path.join(path, name))
                entries.append({"name": name, "type": entry_type(st.st_mode), "size": st.st_size})
            result = {"entries": entries}
        elif op == "processes":
            result = {"processes": list_processes()}
        else:
            result = {"error": "unknown op %r" % op, "code": "EINVAL"}
    except OSError as e:
        code = errno.errorcode.get(e.errno, "EIO") if e.errno else "EIO"
        result = {"error": "%s: %s" % (e.strerror or str(e), req.get("path", "")), "code": code}
    except (KeyError, ValueError, TypeError) as e:
        result = {"error": "bad request: %s" % e, "code": "EINVAL"}
    result["id"] = rid
    reply(result)


def main():
    default_cwd = sys.argv[1] if len(sys.argv) > 1 else "/"
    reply({"ready": True, "pid": os.getpid()})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        threading.Thread(target=serve, args=(req, default_cwd), daemon=True).start()


if __name__ == "__main__":
    main()
