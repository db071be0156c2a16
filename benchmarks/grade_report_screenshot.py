"""Take the screenshots of `cdverify grade --html` that docs/grading.md shows, in headless Chromium.

    .venv/bin/python benchmarks/grade_report_screenshot.py     # rewrites docs/images/grade-report*.png

The sample experiment (corpus/experiments/sample) is graded with nothing stored, its page rendered with
`render_html`, and loaded in Chromium (tests/browser.py: Debian's `chromium`) at 1280 px wide:
- docs/images/grade-report.png: the top 2000 px of the page (summary, tables and figures);
- docs/images/grade-report-run.png: one run's drill-down, opened as a click would (agent_b's
  express-openapi-postgres-sequelize, trial 2: raw SQL beside Sequelize, 135 of 159 assertions failing).
The PNGs are reduced to 256 colours with Pillow (a matplotlib dependency) to keep them small.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the browser driver lives beside the tests that use it

from browser import Page  # noqa: E402
from PIL import Image  # noqa: E402

from cdverify.grading.grader import grade  # noqa: E402
from cdverify.grading.html import render_html  # noqa: E402

SAMPLE = REPO / "corpus" / "experiments" / "sample"
IMAGES = REPO / "docs" / "images"
WIDTH, HEIGHT = 1280, 2000
RUN = ("agent_b", "express-openapi-postgres-sequelize", 2)


def small_png(png: bytes) -> bytes:
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    os.chdir(REPO)  # the page names the experiment as given: a path relative to the checkout
    grading = grade(SAMPLE.relative_to(REPO), store=None)
    (run,) = [item for item in grading.runs if (item.run.agent, item.run.task, item.run.trial) == RUN]
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "grade.html"
        page.write_text(render_html(grading), encoding="utf-8")
        with Page(page, WIDTH, HEIGHT) as loaded:
            shots = {
                "grade-report.png": loaded.screenshot(),
                "grade-report-run.png": loaded.screenshot(f'details[data-run="{run.run_id}"]'),
            }
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name, png in shots.items():
        (IMAGES / name).write_bytes(small_png(png))
        print(f"{IMAGES / name}: {(IMAGES / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
