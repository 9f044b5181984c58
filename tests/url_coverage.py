"""URL coverage (Zulip's zerver/lib/test_helpers.py, STYLE.md §4): a named URL pattern of the product that no test
requests fails the run.

How it works, under pytest-xdist too (``make test`` runs ``-n 2``):

* every process (the controller and each worker) wraps ``django.test.Client.request`` (APIClient goes through
  it too) and notes the URL name each successful response (2xx or 3xx, as Zulip counts) resolved to
  (``response.resolver_match.view_name``): a route only refused (403), missing (404) or turned away (405) by
  every test has not been tested doing its work;
* a worker hands its names to the controller in ``config.workeroutput`` when its session ends; the controller
  gathers them in ``pytest_testnodedown`` (without xdist the one process has them all);
* at the end of the controller's session, when the run was the whole suite (no test ids, no -k, no --deselect:
  a partial run cannot tell), a name of the URLconf that no test requested, and is not in ``UNTESTED`` below,
  fails the run (exit status 1; a run that failed already keeps its status) and the terminal summary lists it. An exemption that a test does request, or
  that names no route, fails too, so the list only shrinks.

``CHAINLEADER_URL_COVERAGE=1`` forces the check on a partial run, ``=0`` turns it off.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

# Routes no unit test can request, each with its reason. Keep it short: a route belongs here only when a
# django.test.Client request cannot reach it.
UNTESTED: dict[str, str] = {}

REQUESTED: set[str] = set()
_KEY = "url_coverage"
_installed = False
_report: list[str] = []


def _install() -> None:
    """Wrap Client.request once per process: note the URL name of every response."""
    global _installed
    if _installed:
        return
    from django.test.client import Client
    from django.urls import Resolver404

    original = Client.request

    def request(self: Any, **request: Any) -> Any:
        response = original(self, **request)
        if response.status_code >= 400:  # refused, missing or broken: the route did not do its work
            return response
        try:
            match = response.resolver_match
            name = match.view_name if match else None
        except Resolver404:  # a path that resolves to nothing names no route
            name = None
        if name:
            REQUESTED.add(name)
        return response

    Client.request = request  # type: ignore[method-assign]
    _installed = True


def pytest_configure(config: pytest.Config) -> None:
    _install()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Controller: a worker's names arrive with its output."""
    REQUESTED.update(getattr(node, "workeroutput", {}).get(_KEY, ()))


def _whole_suite(config: pytest.Config) -> bool:
    forced = os.environ.get("CHAINLEADER_URL_COVERAGE", "")
    if forced in ("0", "1"):
        return forced == "1"
    if config.option.keyword or getattr(config.option, "deselect", None):
        return False
    # pyproject's addopts leave out the fuzzing and the drills; a narrower -m (CI's PostgreSQL pass) is partial.
    if getattr(config.option, "markexpr", "") not in ("", "not fuzz and not drill"):
        return False
    root = Path(str(config.rootpath)).resolve()
    suite = (root / "tests").resolve()
    for arg in config.args:
        path = Path(arg.split("::")[0])
        path = (
            path if path.is_absolute() else Path(str(config.invocation_params.dir)) / path
        ).resolve()
        if "::" in arg or path not in (root, suite):
            return False
    return True


def uncovered(
    requested: set[str], names: set[str], untested: dict[str, str]
) -> dict[str, list[str]]:
    """What fails the run: routes no test requested, exemptions a test requests, exemptions of no route."""
    return {
        "requested by no test": sorted(names - requested - set(untested)),
        "exempt but requested (remove from UNTESTED)": sorted(set(untested) & requested),
        "exempt but no such route (remove from UNTESTED)": sorted(set(untested) - names),
    }


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workerinput"):  # a worker: hand the names to the controller
        config.workeroutput[_KEY] = sorted(REQUESTED)  # type: ignore[attr-defined]
        return
    if not _whole_suite(config):
        return
    from tests.scope_harness import url_names

    names = url_names()
    problems = {k: v for k, v in uncovered(REQUESTED, names, UNTESTED).items() if v}
    _report.append(
        f"{len(names & REQUESTED)} of {len(names)} named URL patterns answered a test with 2xx/3xx; "
        f"{len(UNTESTED)} exempt"
    )
    for title, listed in problems.items():
        _report.append(f"{title}: " + ", ".join(listed))
    # Listed whenever the whole suite ran; a run that failed already keeps its own exit status.
    if problems and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _report:
        terminalreporter.section("URL coverage (tests/url_coverage.py)", red=len(_report) > 1)
        for line in _report:
            terminalreporter.write_line(line)
