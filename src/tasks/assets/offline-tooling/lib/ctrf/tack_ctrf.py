"""tack's CTRF reporter for pytest: `pytest --ctrf PATH` writes a Common Test Report Format JSON file.

It stands in offline for pytest-json-ctrf: same option, same report shape (results.tool, results.summary,
results.tests[] with name = node id, status passed|failed|skipped|other, duration in ms).
"""
import json
import os
import time

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("ctrf", "CTRF report")
    group.addoption("--ctrf", action="store", dest="ctrf_path", metavar="PATH", default=None, help="write a CTRF JSON report to PATH")


def pytest_configure(config):
    path = config.getoption("ctrf_path")
    if path and not hasattr(config, "workerinput"):
        config.pluginmanager.register(CtrfReport(path), "tack-ctrf-report")


def now_ms():
    return int(time.time() * 1000)


class CtrfReport:
    def __init__(self, path):
        self.path = path
        self.tests = {}
        self.start = now_ms()

    def entry(self, nodeid):
        if nodeid not in self.tests:
            self.tests[nodeid] = {"name": nodeid, "status": "passed", "duration": 0}
        return self.tests[nodeid]

    def pytest_runtest_logreport(self, report):
        e = self.entry(report.nodeid)
        e["duration"] += int(report.duration * 1000)
        if report.failed:
            if e["status"] != "failed":
                e["status"] = "failed"
                crash = getattr(report.longrepr, "reprcrash", None)
                e["message"] = getattr(crash, "message", None) or "failed in %s" % report.when
                e["trace"] = report.longreprtext
            if report.when != "call":
                e.setdefault("extra", {})["phase"] = report.when
        elif report.skipped and e["status"] == "passed":
            e["status"] = "skipped"
            if hasattr(report, "wasxfail"):
                e["message"] = "xfail: %s" % report.wasxfail

    def pytest_collectreport(self, report):
        if report.failed:
            e = self.entry(report.nodeid or "collection")
            e["status"] = "failed"
            e["message"] = "collection error"
            e["trace"] = report.longreprtext

    def pytest_sessionfinish(self, session, exitstatus):
        tests = list(self.tests.values())
        summary = {"tests": len(tests), "passed": 0, "failed": 0, "pending": 0, "skipped": 0, "other": 0, "start": self.start, "stop": now_ms()}
        for t in tests:
            summary[t["status"] if t["status"] in summary else "other"] += 1
        report = {
            "reportFormat": "CTRF",
            "specVersion": "0.0.0",
            "results": {
                "tool": {"name": "pytest", "version": pytest.__version__, "extra": {"reporter": "tack_ctrf"}},
                "summary": summary,
                "tests": tests,
            },
        }
        parent = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(parent, exist_ok=True)
        with open(self.path, "w") as f:
            json.dump(report, f, indent=2)
