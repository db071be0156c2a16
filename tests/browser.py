"""A real headless Chromium for the tests, driven over the DevTools protocol on a pipe.

`--remote-debugging-pipe` makes Chromium read protocol commands from its fd 3 and write answers and events
to its fd 4, NUL-separated JSON: no port, no websocket library. A page is loaded with the Network domain
on, so every request the page makes is seen (`Network.requestWillBeSent`), and the page's DOM is read
after its load event, as `--dump-dom` prints it. Host names resolve to nothing: a page that tries the
network shows the attempt in `requests` and reaches no one. `Page.screenshot` takes the PNGs of
docs/images/ (benchmarks/grade_report_screenshot.py).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools import tool_missing

NAMES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_S = 60.0
SETTLE_S = 0.5  # after the load event, time for late requests (none expected) to show


def chromium_binary() -> str:
    """Chromium's path. Without it the test is skipped, except under CI (CI set), where it fails."""
    for name in NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    tool_missing("headless Chromium is needed (Debian: apt-get install chromium; .ci/run installs it)")


@dataclass(frozen=True)
class Loaded:
    dom: str  # document.documentElement.outerHTML after the load event
    requests: tuple[str, ...]  # every URL the page asked for, the page itself first
    images: tuple[tuple[str, int], ...]  # (src scheme, natural width) of each <img>: 0 = not decoded


class DevTools:
    """One Chromium process and its protocol pipe."""

    def __init__(self, binary: str, profile: Path) -> None:
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()
        # moved above 10 first, so that placing them on 3 and 4 never overwrites one with the other
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands_read, answers_write)]

        def on_fds_3_and_4() -> None:
            for target, fd in zip((3, 4), high, strict=True):
                os.dup2(fd, target)
                os.set_inheritable(target, True)

        self.process = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=on_fds_3_and_4,  # the tests start no thread that could fork meanwhile
        )
        for fd in (commands_read, answers_write, *high):
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._answers], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._answers, 1 << 16)
            if not chunk:
                raise ConnectionError("Chromium closed its protocol pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> Any:
        self._next_id += 1
        command: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            command["sessionId"] = session
        os.write(self._commands, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            message = self._message(deadline)
            if message.get("id") != self._next_id:
                self.events.append(message)
                continue
            if "error" in message:
                raise RuntimeError(f"{method}: {message['error']}")
            return message.get("result", {})

    def wait_for(self, method: str, session: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        seen = lambda: any(e.get("method") == method and e.get("sessionId") == session for e in self.events)  # noqa: E731
        while not seen():
            self.events.append(self._message(deadline))

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._message(deadline))
        except TimeoutError:
            pass

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        os.close(self._answers)


_IMAGES = "JSON.stringify(Array.from(document.images, i => [i.src.split(':')[0], i.naturalWidth]))"
# opens every <details> from the element up, and gives the element's box in page coordinates
_OPEN_AND_MEASURE = """(() => {
  const element = document.querySelector(%s);
  for (let node = element; node; node = node.parentElement && node.parentElement.closest("details"))
    if (node.tagName === "DETAILS") node.open = true;
  const box = element.getBoundingClientRect();
  return JSON.stringify([box.x + scrollX, box.y + scrollY, box.width, box.height]);
})()"""


class Page:
    """A file loaded in a fresh headless Chromium, with the Network domain on; closed on leaving."""

    def __init__(self, path: Path, width: int = 1280, height: int = 2000) -> None:
        self.path, self.width, self.height = path, width, height

    def __enter__(self) -> Page:
        self._profile = tempfile.TemporaryDirectory(prefix="cdverify-chromium-")
        self.browser = DevTools(chromium_binary(), Path(self._profile.name))
        try:
            target = self.browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            attached = self.browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})
            self.session: str = attached["sessionId"]
            metrics = {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False}
            self.send("Emulation.setDeviceMetricsOverride", metrics)
            self.send("Network.enable")
            self.send("Page.enable")
            self.send("Page.navigate", {"url": self.path.resolve().as_uri()})
            self.browser.wait_for("Page.loadEventFired", self.session)
            self.browser.drain(SETTLE_S)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.browser.close()
        self._profile.cleanup()

    def send(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return self.browser.send(method, params, self.session)

    def evaluate(self, expression: str) -> Any:
        """A JavaScript expression's value (run by DevTools: the page's own CSP forbids scripts)."""
        return self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})["result"][
            "value"
        ]

    def requests(self) -> tuple[str, ...]:
        return tuple(
            event["params"]["request"]["url"]
            for event in self.browser.events
            if event.get("method") == "Network.requestWillBeSent" and event.get("sessionId") == self.session
        )

    def screenshot(self, selector: str | None = None) -> bytes:
        """A PNG of the viewport's top, or of the element `selector` (its <details> opened, as clicks would)."""
        if selector is None:
            x, y, width, height = 0.0, 0.0, float(self.width), float(self.height)
        else:
            x, y, width, height = json.loads(self.evaluate(_OPEN_AND_MEASURE % json.dumps(selector)))
        clip = {"x": x, "y": y, "width": width, "height": height, "scale": 1}
        shot = self.send(
            "Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}
        )
        return base64.b64decode(shot["data"])


def load(path: Path) -> Loaded:
    """Load a file in a fresh headless Chromium: its DOM, the requests it made, its decoded images."""
    with Page(path) as page:
        dom = page.evaluate("document.documentElement.outerHTML")
        images = tuple((scheme, width) for scheme, width in json.loads(page.evaluate(_IMAGES)))
        return Loaded(dom, page.requests(), images)
