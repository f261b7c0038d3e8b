"""tack's offline stand-ins for the verifier tooling that Terminal-Bench tasks fetch from the network.

Real tasks install pytest and pytest-json-ctrf with pip (often into a venv such as /opt/verifier-venv),
or fetch uv with curl at test time and run `uvx ... pytest --ctrf ...`. Offline, tack satisfies exactly
these installs with Debian's python3-pytest and tack's own CTRF reporter (tack_ctrf), and refuses
everything else, so that a task needing more is reported "environment unavailable offline".
Every substitution and refusal is appended as a JSON line to $TACK_TOOLING_LOG.

Usage: python3 tack_tooling.py <tool> [args...]   (tool: pip, venv, uv, uvx, curl, wget, apt-get)
"""
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CTRF_DIR = os.path.join(HERE, "ctrf")
REAL_PYTHON = "/usr/bin/python3"
PYVER = "python%d.%d" % sys.version_info[:2]

# pytest, the CTRF reporter, and pytest's own dependencies (hashed requirement files list them all).
VERIFIER_TOOLING = {"pytest", "pytest-json-ctrf", "pluggy", "iniconfig", "packaging", "pygments", "exceptiongroup", "tomli", "colorama"}
# Upgrading the installer itself is a no-op offline.
PACKAGING_TOOLS = {"pip", "setuptools", "wheel"}
UV_INSTALLER = re.compile(r"astral\.sh/uv/(?:[0-9][^/]*/)?install\.sh")


def log(kind, command, detail):
    path = os.environ.get("TACK_TOOLING_LOG")
    if not path:
        return
    with open(path, "a") as f:
        f.write(json.dumps({"kind": kind, "command": command, "detail": detail}) + "\n")


def refuse(command, detail):
    sys.stderr.write("tack: %s\n" % detail)
    log("refused", command, detail)
    return 1


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(spec):
    m = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return normalize(m.group(1)) if m else None


def debian_pytest_version():
    try:
        return importlib.metadata.version("pytest")
    except importlib.metadata.PackageNotFoundError:
        return None


def read_requirements(path, seen=None):
    """Requirement names of a requirements file (continuations joined, hashes and options skipped)."""
    seen = seen or set()
    if path in seen:
        return []
    seen.add(path)
    with open(path) as f:
        text = f.read().replace("\\\n", " ")
    names = []
    for line in text.splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-r ") or line.startswith("--requirement "):
            nested = line.split(None, 1)[1].strip()
            names += read_requirements(os.path.join(os.path.dirname(path), nested), seen)
            continue
        if line.startswith("-"):
            continue
        names.append(line.split()[0])
    return names


PIP_VALUE_OPTIONS = {
    "-i", "--index-url", "--extra-index-url", "-c", "--constraint", "-f", "--find-links", "--trusted-host",
    "--progress-bar", "--only-binary", "--no-binary", "--root-user-action", "--cache-dir", "--timeout",
    "--retries", "--platform", "--python-version", "--implementation", "--abi", "--python", "-p", "--index-strategy",
}


def site_packages(venv):
    if venv:
        return os.path.join(venv, "lib", PYVER, "site-packages")
    return os.path.join("/usr/local/lib", PYVER, "dist-packages")


def install_ctrf(target):
    os.makedirs(target, exist_ok=True)
    for name in os.listdir(CTRF_DIR):
        src = os.path.join(CTRF_DIR, name)
        dst = os.path.join(target, name)
        if os.path.isdir(src):
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)


def write_script(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)


def pip(args, venv, command):
    if not args or args[0] in ("--version", "-V"):
        print("pip (tack offline stand-in) for %s" % PYVER)
        return 0
    sub = args[0]
    if sub in ("list", "freeze"):
        for dist in sorted(importlib.metadata.distributions(), key=lambda d: normalize(d.metadata["Name"] or "")):
            name = dist.metadata["Name"]
            if name:
                print("%s==%s" % (name, dist.version) if sub == "freeze" else "%s %s" % (name, dist.version))
        return 0
    if sub != "install":
        return refuse(command, "pip %s is not available offline" % sub)
    specs = []
    rest = iter(args[1:])
    for a in rest:
        if a in ("-r", "--requirement"):
            path = next(rest, None)
            if path is None:
                return refuse(command, "pip install -r needs a file")
            specs += read_requirements(path)
        elif a.startswith("--requirement="):
            specs += read_requirements(a.split("=", 1)[1])
        elif a in ("-e", "--editable", "-t", "--target", "--prefix", "--root"):
            return refuse(command, "pip install %s is not available offline" % a)
        elif a in PIP_VALUE_OPTIONS:
            next(rest, None)
        elif not a.startswith("-"):
            specs.append(a)
    if not specs:
        return refuse(command, "pip install with nothing to install")
    names = []
    for spec in specs:
        name = requirement_name(spec)
        if name is None or "://" in spec or spec.startswith((".", "/")):
            return refuse(command, "pip install of %s is not available offline (tack substitutes only the verifier tooling: pytest, pytest-json-ctrf)" % spec)
        names.append(name)
    others = [n for n in names if n not in VERIFIER_TOOLING | PACKAGING_TOOLS]
    if others:
        return refuse(command, "pip install of %s is not available offline (tack substitutes only the verifier tooling: pytest, pytest-json-ctrf)" % ", ".join(others))
    pytest_version = debian_pytest_version()
    if pytest_version is None:
        return refuse(command, "Debian's python3-pytest is not installed on the host (apt-get install python3-pytest)")
    target = site_packages(venv)
    details = []
    if "pytest-json-ctrf" in names:
        install_ctrf(target)
        details.append("pytest-json-ctrf -> tack's CTRF reporter (tack_ctrf) in %s" % target)
    if "pytest" in names:
        wanted = next((s.strip() for s in specs if requirement_name(s) == "pytest"), "pytest")
        details.append("%s -> Debian's python3-pytest %s" % (wanted, pytest_version))
        if venv:
            for script in ("pytest", "py.test"):
                write_script(
                    os.path.join(venv, "bin", script),
                    "#!%s/bin/python3\nimport sys\nfrom pytest import console_main\nsys.exit(console_main())\n" % venv,
                )
    rest_names = [n for n in names if n not in ("pytest", "pytest-json-ctrf")]
    if rest_names:
        details.append("%s: provided by Debian's packages (no-op offline)" % ", ".join(sorted(set(rest_names))))
    detail = "; ".join(details)
    print("tack: offline substitution: %s" % detail)
    log("substituted", command, detail)
    return 0


def venv(args, command):
    """python3 -m venv DIR: a venv over the system site packages, with tack's pip stand-in inside."""
    dirs = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "--prompt":
            skip = True
        elif not a.startswith("-"):
            dirs.append(a)
    if len(dirs) != 1:
        return refuse(command, "python3 -m venv with %d directories is not supported" % len(dirs))
    target = os.path.abspath(dirs[0])
    flags = ["--clear"] if "--clear" in args else []
    r = subprocess.run([REAL_PYTHON, "-m", "venv", "--system-site-packages", "--without-pip"] + flags + [target])
    if r.returncode != 0:
        return r.returncode
    site = site_packages(target)
    offline = os.path.join(site, "_tack_offline")
    shutil.rmtree(offline, ignore_errors=True)
    shutil.copytree(HERE, offline, ignore=shutil.ignore_patterns("__pycache__"))
    os.makedirs(os.path.join(site, "pip"), exist_ok=True)
    with open(os.path.join(site, "pip", "__init__.py"), "w") as f:
        f.write('"""tack\'s offline pip stand-in (see _tack_offline/tack_tooling.py)."""\n__version__ = "tack-offline"\n')
    with open(os.path.join(site, "pip", "__main__.py"), "w") as f:
        f.write(
            "import os, sys\n"
            "sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), '_tack_offline'))\n"
            "import tack_tooling\n"
            "sys.exit(tack_tooling.main(['pip', '--venv', sys.prefix] + sys.argv[1:]))\n"
        )
    for script in ("pip", "pip3", "pip" + PYVER[len("python"):]):
        write_script(os.path.join(target, "bin", script), '#!/bin/sh\nexec "%s/bin/python3" -m pip "$@"\n' % target)
    detail = "venv %s over Debian's system site packages (python3-pytest), with tack's offline pip stand-in" % target
    log("substituted", command, detail)
    return 0


UV_VALUE_OPTIONS = {"-p", "--python", "--from", "--index-url", "--extra-index-url", "--cache-dir", "--directory", "--project"}


def run_pytest(args, command, packages, python_note):
    others = [p for p in (requirement_name(x) for x in packages) if p not in VERIFIER_TOOLING]
    if others:
        return refuse(command, "uv with %s is not available offline (tack substitutes only the verifier tooling: pytest, pytest-json-ctrf)" % ", ".join(others))
    if not args:
        return refuse(command, "uv run needs a command")
    tool = os.path.basename(args[0])
    if tool in ("pytest", "py.test"):
        pytest_args = args[1:]
    elif tool.startswith("python") and args[1:3] == ["-m", "pytest"]:
        pytest_args = args[3:]
    else:
        return refuse(command, "uv running %s is not available offline (tack substitutes only pytest)" % args[0])
    version = debian_pytest_version()
    if version is None:
        return refuse(command, "Debian's python3-pytest is not installed on the host (apt-get install python3-pytest)")
    detail = "pytest -> Debian's python3-pytest %s with tack's CTRF reporter%s" % (version, python_note)
    log("substituted", command, detail)
    env = dict(os.environ)
    env["PYTHONPATH"] = CTRF_DIR + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.call([REAL_PYTHON, "-m", "pytest"] + pytest_args, env=env)


def uvx(args, command, project_aware=False):
    packages = []
    python_note = ""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        a = args[i]
        if a in ("-w", "--with"):
            packages += [p for p in args[i + 1].split(",") if p]
            i += 2
            continue
        if a.startswith("--with="):
            packages += [p for p in a.split("=", 1)[1].split(",") if p]
        elif a == "--with-requirements":
            packages += read_requirements(args[i + 1])
            i += 2
            continue
        elif a in ("-p", "--python"):
            python_note = " (asked for Python %s; the host's is %s)" % (args[i + 1], PYVER[len("python"):])
            i += 2
            continue
        elif a in UV_VALUE_OPTIONS:
            i += 2
            continue
        i += 1
    rest = args[i:]
    if project_aware and os.path.exists("pyproject.toml") and "--no-project" not in args:
        with open("pyproject.toml") as f:
            if re.search(r"^\s*dependencies\s*=\s*\[\s*[^\]\s]", f.read(), re.M):
                return refuse(command, "uv run in a project with dependencies is not available offline")
    return run_pytest(rest, command, packages, python_note)


def uv(args, command):
    if not args or args[0] in ("--version", "-V", "version") or args[:2] == ["self", "version"]:
        print("uv (tack offline stand-in)")
        return 0
    sub = args[0]
    if sub == "run":
        return uvx(args[1:], command, project_aware=True)
    if sub == "tool" and args[1:2] == ["run"]:
        return uvx(args[2:], command)
    if sub == "pip" and args[1:2] == ["install"]:
        target = os.environ.get("VIRTUAL_ENV") if "--system" not in args else None
        rest = [a for a in args[2:] if a != "--system"]
        return pip(["install"] + rest, target, command)
    if sub == "venv":
        dirs = [a for a in args[1:] if not a.startswith("-")]
        return venv(dirs or [".venv"], command)
    return refuse(command, "uv %s is not available offline" % sub)


INSTALLER = """#!/bin/sh
# tack: offline stand-in for the uv installer (uv and uvx run Debian's pytest with tack's CTRF reporter)
mkdir -p "$HOME/.local/bin" "$HOME/.cargo"
ln -sf /tack/bin/uv "$HOME/.local/bin/uv"
ln -sf /tack/bin/uvx "$HOME/.local/bin/uvx"
printf '%s\\n' 'export PATH="$HOME/.local/bin:$PATH"' > "$HOME/.local/bin/env"
cp "$HOME/.local/bin/env" "$HOME/.cargo/env"
echo "tack: uv installer replaced by tack's offline stand-in"
"""


def download(tool, args, command):
    urls = [a for a in args if re.match(r"^[a-z]+://", a) or UV_INSTALLER.search(a)]
    if urls and all(UV_INSTALLER.search(u) for u in urls):
        out = None
        for flag in ("-o", "--output", "-O"):
            if flag in args and args.index(flag) + 1 < len(args):
                out = args[args.index(flag) + 1]
        if tool == "wget" and "-O" in args and out == "-":
            out = None
        elif tool == "wget" and out is None and "-qO-" not in args and "-O-" not in args:
            out = "install.sh"
        log("substituted", command, "uv installer -> tack's offline uv/uvx stand-ins")
        if out:
            with open(out, "w") as f:
                f.write(INSTALLER)
        else:
            sys.stdout.write(INSTALLER)
        return 0
    real = "/usr/bin/" + tool
    if not os.path.exists(real):
        return refuse(command, "%s is not installed on the host" % tool)
    os.execv(real, [tool] + args)


def apt_get(args, command):
    skip_values = {"-o", "-c", "-t", "--target-release"}
    words = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a in skip_values:
            skip = True
            continue
        if not a.startswith("-"):
            words.append(a)
    if not words:
        return refuse(command, "apt-get without a command")
    sub = words[0]
    if sub in ("update", "clean", "autoclean", "autoremove"):
        log("substituted", command, "apt-get %s skipped (offline; packages come from the host's Debian)" % sub)
        return 0
    if sub != "install":
        return refuse(command, "apt-get %s is not available offline" % sub)
    missing = []
    present = []
    for spec in words[1:]:
        name = spec.split("=")[0]
        r = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Status}", name], capture_output=True, text=True)
        (present if r.returncode == 0 and r.stdout.strip() == "installed" else missing).append(name)
    if missing:
        return refuse(command, "apt-get install of %s is not available offline (not installed on the host's Debian)" % ", ".join(missing))
    detail = "apt-get install of %s: already installed on the host's Debian" % ", ".join(present)
    print("tack: %s" % detail)
    log("substituted", command, detail)
    return 0


def main(argv):
    tool, args = argv[0], argv[1:]
    command = " ".join([tool] + args)
    if tool == "pip":
        target = None
        if args[:1] == ["--venv"]:
            target, args = args[1], args[2:]
            command = " ".join(["pip"] + args)
        elif os.environ.get("VIRTUAL_ENV"):
            target = os.environ["VIRTUAL_ENV"]
        return pip(args, target, command)
    if tool == "venv":
        return venv(args, "python3 -m venv " + " ".join(args))
    if tool == "uv":
        return uv(args, command)
    if tool == "uvx":
        return uvx(args, command)
    if tool in ("curl", "wget"):
        return download(tool, args, command)
    if tool in ("apt-get", "apt"):
        return apt_get(args, command)
    return refuse(command, "unknown tool %s" % tool)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
