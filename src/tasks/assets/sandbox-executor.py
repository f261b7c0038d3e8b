"""tack's executor: runs inside one bubblewrap sandbox session and serves the host's requests.

Protocol: one JSON object per line on stdin (requests) and stdout (replies, matched by "id").
  {"id", "op": "exec", "command", "timeoutSec", "env", "cwd"} -> {"id", "exitCode", "output", "timedOut", "durationMs"}
  {"id", "op": "read", "path"}                  -> {"id", "data": base64}
  {"id", "op": "write", "path", "data": base64} -> {"id"}
  {"id", "op": "list", "path"}                  -> {"id", "entries": [{"name", "type", "size"}]}
  {"id", "op": "processes"}                     -> {"id", "processes": [{"pid", "command"}]}
Failures reply {"id", "error", "code"}. Each command runs in its own session and process group, so a
timeout kills the whole group; background processes it leaves outlive it (as in a container) until
the host ends the session, which ends the pid namespace. A command's output is a pipe read until the
command exits; what background processes write later is drained and dropped.
"""
import base64
import errno
import json
import os
import select
import signal
import stat
import subprocess
import sys
import threading
import time

# Output kept per command: its head and tail (memory stays bounded however much a command prints;
# the agent's tools cap far lower).
OUTPUT_HALF = 8 * 1024 * 1024
# How often a command whose output pipe stays open (a background process holds it) is checked for exit.
POLL_SEC = 0.05

write_lock = threading.Lock()


def reply(obj):
    line = json.dumps(obj)
    with write_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


class Capture:
    """Head and tail of a command's output."""

    def __init__(self):
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, chunk):
        self.total += len(chunk)
        room = OUTPUT_HALF - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            if len(self.tail) > OUTPUT_HALF:
                del self.tail[: len(self.tail) - OUTPUT_HALF]

    def text(self):
        elided = self.total - len(self.head) - len(self.tail)
        data = bytes(self.head)
        if elided > 0:
            data += b"\n[... %d bytes elided by the sandbox ...]\n" % elided
        return (data + bytes(self.tail)).decode("utf-8", errors="replace")


def drain_forever(fd):
    """Reads and discards what background processes still write, so they never block or get SIGPIPE."""
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass
    os.close(fd)


def run_command(req, default_cwd):
    env = dict(os.environ)
    env.update(req.get("env") or {})
    cwd = req.get("cwd") or default_cwd
    capture = Capture()
    if not os.path.isdir(cwd):
        capture.add(b"tack: working directory %s does not exist; running in /\n" % cwd.encode())
        cwd = "/"
    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            ["/bin/bash", "-c", req["command"]],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=write_fd,
            stderr=write_fd,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as e:
        os.close(read_fd)
        os.close(write_fd)
        return {"exitCode": None, "output": "tack: could not start bash: %s" % e, "timedOut": False, "durationMs": 0}
    os.close(write_fd)
    deadline = started + req["timeoutSec"]
    timed_out = False
    eof = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
            break
        ready, _, _ = select.select([read_fd], [], [], min(left, POLL_SEC))
        if ready:
            chunk = os.read(read_fd, 65536)
            if not chunk:
                eof = True
                proc.wait()
                break
            capture.add(chunk)
        if proc.poll() is not None:
            break
    if not eof:
        # Take what is already written (for a moment at most: a background process may write on),
        # then leave the pipe to a drainer.
        until = time.monotonic() + POLL_SEC
        while time.monotonic() < until and select.select([read_fd], [], [], 0)[0]:
            chunk = os.read(read_fd, 65536)
            if not chunk:
                eof = True
                break
            capture.add(chunk)
    if eof:
        os.close(read_fd)
    else:
        threading.Thread(target=drain_forever, args=(read_fd,), daemon=True).start()
    duration = int((time.monotonic() - started) * 1000)
    code = None if timed_out or proc.returncode < 0 else proc.returncode
    return {"exitCode": code, "output": capture.text(), "timedOut": timed_out, "durationMs": duration}


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
