"""The HTML report: self-contained, escaped, and rendering in a real headless Chromium.

The browser is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``, fds 3
and 4, NUL-terminated JSON), so no extra package or browser download is needed: only the system
``chromium``. The page must load with no console errors, no exceptions and no network requests,
and every plotly chart must have drawn its SVG.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from sia.report.html import main_report, sample_records, write_report
from test_report_common import EVIL, THRESHOLDS, build_out

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class Chromium:
    """Minimal DevTools-protocol client over ``--remote-debugging-pipe``."""

    def __init__(self, profile: Path) -> None:
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()

        def wire() -> None:  # in the child: our pipe ends become fds 3 (in) and 4 (out)
            a = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--remote-debugging-pipe",
            "--window-size=1280,2400", "about:blank",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(3, 4), preexec_fn=wire
        )
        os.close(to_r)
        os.close(from_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def _recv(self, timeout: float) -> dict[str, Any] | None:
        end = time.monotonic() + timeout
        while b"\0" not in self._buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self._from_r], [], [], left)[0]:
                return None
            chunk = os.read(self._from_r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(
        self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30
    ) -> dict:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = self._recv(end - time.monotonic())
            if got is None:
                break
            if got.get("id") == self._id:
                if "error" in got:
                    raise RuntimeError(f"{method}: {got['error']}")
                return got.get("result", {})
            self.events.append(got)
        raise TimeoutError(method)

    def wait_event(self, method: str, timeout: float = 30) -> dict:
        end = time.monotonic() + timeout
        for e in self.events:
            if e.get("method") == method:
                return e
        while time.monotonic() < end:
            got = self._recv(end - time.monotonic())
            if got is None:
                break
            self.events.append(got)
            if got.get("method") == method:
                return got
        raise TimeoutError(method)

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._to_w)
        os.close(self._from_r)


def open_report(path: Path, shots: dict[str, Path]) -> dict[str, Any]:
    """Load `path` in headless Chromium; return what the checks need."""
    with tempfile.TemporaryDirectory(prefix="sia-chromium-") as profile:
        br = Chromium(Path(profile))
        try:
            targets = br.call("Target.getTargets")["targetInfos"]
            page = next(t for t in targets if t["type"] == "page")
            sid = br.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})[
                "sessionId"
            ]
            for domain in ("Runtime", "Log", "Page", "Network"):
                br.call(f"{domain}.enable", session=sid)
            br.call("Emulation.setDeviceMetricsOverride",
                    {"width": 1280, "height": 2400, "deviceScaleFactor": 1, "mobile": False}, session=sid)  # fmt: skip
            br.call("Page.navigate", {"url": path.resolve().as_uri()}, session=sid)
            br.wait_event("Page.loadEventFired", timeout=60)
            probe = """(() => {
              const divs = [...document.querySelectorAll('.plotly-graph-div')];
              return JSON.stringify({charts: divs.length,
                drawn: divs.filter(d => d.querySelector('svg.main-svg')).length,
                docs: document.querySelectorAll('article.doc').length,
                alerts: window.__alerts || 0,
                injected: document.querySelectorAll('article.doc script, article.doc img').length});
            })()"""
            state: dict[str, Any] = {}
            for _ in range(100):  # plotly draws right after load; allow it a few seconds
                state = json.loads(
                    br.call("Runtime.evaluate", {"expression": probe}, session=sid)["result"]["value"]
                )
                if state["charts"] and state["drawn"] == state["charts"]:
                    break
                time.sleep(0.1)
            for name, expr in (("top", "window.scrollTo(0, 0)"),
                               ("samples", "document.getElementById('doc-filter').scrollIntoView()")):  # fmt: skip
                br.call("Runtime.evaluate", {"expression": expr}, session=sid)
                time.sleep(0.3)
                png = br.call("Page.captureScreenshot", {"format": "png"}, session=sid)["data"]
                shots[name].write_bytes(base64.b64decode(png))
            # the reason filter: choose the first removal reason, count what stays visible
            filt = """(() => { const s = document.getElementById('doc-filter');
              s.selectedIndex = [...s.options].findIndex(o => o.text.startsWith('removed: repeated'));
              s.dispatchEvent(new Event('change'));
              const vis = [...document.querySelectorAll('article.doc')].filter(a => !a.hidden);
              return JSON.stringify({label: s.options[s.selectedIndex].text, visible: vis.length,
                 dimmed: document.querySelectorAll('article.doc:not([hidden]) mark.rm.dim').length,
                 lit: document.querySelectorAll('article.doc:not([hidden]) mark.rm:not(.dim)').length}); })()"""
            state["filter"] = json.loads(
                br.call("Runtime.evaluate", {"expression": filt}, session=sid)["result"]["value"]
            )
            time.sleep(0.2)
            br.call("Runtime.evaluate", {"expression": "1"}, session=sid)  # drain late events
        finally:
            br.close()
    ev = br.events
    state["exceptions"] = [e["params"] for e in ev if e.get("method") == "Runtime.exceptionThrown"]
    state["console_errors"] = [
        e["params"] for e in ev
        if (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]  # fmt: skip
    state["requests"] = [
        e["params"]["request"]["url"] for e in ev
        if e.get("method") == "Network.requestWillBeSent"
        and not e["params"]["request"]["url"].startswith(("file:", "data:", "blob:", "about:"))
    ]  # fmt: skip
    return state


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = build_out(tmp_path_factory.mktemp("out"), "jsonl.zst")
    return write_report(out)


@pytest.fixture(scope="module")
def browser_state(report: Path) -> dict[str, Any]:
    ARTIFACTS.mkdir(exist_ok=True)
    shots = {"top": ARTIFACTS / "report_top.png", "samples": ARTIFACTS / "report_samples.png"}
    return open_report(report, shots)


def test_report_renders_every_chart_in_chromium_without_errors(browser_state: dict[str, Any]) -> None:
    s = browser_state
    assert s["exceptions"] == [] and s["console_errors"] == []
    assert s["requests"] == [], "the report must not touch the network"
    # flow, rejected, removed, langs, length, 4 signals, clusters, hosts
    assert s["charts"] == 11 and s["drawn"] == s["charts"]
    assert 9 <= s["docs"] <= 11 and s["injected"] == 0
    assert (ARTIFACTS / "report_top.png").stat().st_size > 20_000


def test_reason_filter_shows_only_documents_with_that_reason(browser_state: dict[str, Any]) -> None:
    f = browser_state["filter"]
    assert f["label"] == "removed: repeated (2)"
    assert f["visible"] == 2  # the seed page and its exact copy
    assert f["lit"] > 0 and f["dimmed"] > 0  # other reasons' spans step back


def test_report_is_one_offline_file(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert text.count("<script") == 1 + 11 + 1  # plotly.js once, one per chart, the filter
    assert not re.search(r"<(script|img|link|iframe)[^>]*\s(src|href)=", text)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", text)


def test_crawled_markup_is_escaped_everywhere(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert "alert(" in text  # the hostile document is in the sample ...
    assert EVIL not in text and "<script>alert" not in text  # ... but only as text
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in text
    assert "<img src=x" not in text and "</div></span> and ends" not in text


def test_removed_spans_carry_their_reason_on_hover(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert re.search(
        r'<mark class="rm r-repeated-[0-9a-f]{6}" data-reason="repeated" title="removed: repeated \([\d,]+ chars\)">\nÁður en hann',
        text,
    )
    assert re.search(r'title="removed: metadata \(\d+ chars\)">Pútín heimsækir Kim', text)
    assert 'title="replaced (pii) by &lt;EMAIL&gt;"' in text
    for reason in ("lang", "near_duplicate", "exact_duplicate", "gopher_quality:min_words"):
        assert f"rejected: {reason}" in text


def test_thresholds_from_run_json_are_drawn(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    for name, thr in THRESHOLDS.items():
        assert f"threshold {thr:g}" in text, name
    assert (
        "frac_lines_end_punct (n=" in text
        and "threshold" not in text.split("frac_lines_end_punct (n=")[1][:3000].split("chart-")[0]
    )


def test_sample_is_bounded_deterministic_and_covers_every_reason(tmp_path: Path) -> None:
    out = build_out(tmp_path, "parquet")
    a = sample_records(out, per_reason=1, seed=3)
    b = sample_records(out, per_reason=1, seed=3)
    assert [r["id"] for r in a] == [r["id"] for r in b]
    reasons = {sp["reason"] for r in a for sp in r["removed"]} | {r["decision"] for r in a}
    assert {"repeated", "metadata", "boilerplate", "pii", "keep", "lang", "near_duplicate"} <= reasons
    assert len(a) <= 11


def test_report_without_input_text_shows_cleaned_text(tmp_path: Path) -> None:
    out = build_out(tmp_path, "jsonl", input_text=False)
    text = write_report(out).read_text(encoding="utf-8")
    assert "input text not stored" in text and "Vladimír Pútín Rússlandsforseti" in text
    assert "<mark" not in text.split("Sample of documents")[1]


def test_main_report_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = build_out(tmp_path / "o", "parquet")
    dest = tmp_path / "r.html"
    assert main_report([str(out), "-o", str(dest), "--per-reason", "2"]) == 0
    assert capsys.readouterr().out.strip() == str(dest) and dest.stat().st_size > 1_000_000
    with pytest.raises(SystemExit) as e:
        main_report(["--help"])
    assert e.value.code == 0
    assert main_report([str(tmp_path / "nothing")]) == 2


def test_a_run_with_no_documents_still_gets_a_report(tmp_path: Path) -> None:
    out = build_out(tmp_path, "jsonl", docs=[])
    text = write_report(out).read_text(encoding="utf-8")
    assert "no duplicate clusters recorded" in text and "0 of 0" not in text
    assert 'id="doc-filter"' in text
