"""Terminal manners: whether the text output is coloured, and the colours of severities and verdicts.

`--color auto` (the default) colours when standard output is a terminal, unless `NO_COLOR` is set to
anything but the empty string (no-color.org); `FORCE_COLOR` set (and not `0` or `false`) colours even when
the output is piped, as force-color.org asks; `NO_COLOR` wins over `FORCE_COLOR`, as in rich. `TERM=dumb`
turns colour off. `--color always|never` overrides all of these. A report written to a file (`-o`) is
never coloured.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import click


class ColorChoice(StrEnum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


color_option = click.option(
    "--color",
    "color",
    type=click.Choice([choice.value for choice in ColorChoice]),
    default=ColorChoice.AUTO.value,
    show_default=True,
    help="Colour the text output: auto (on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it), "
    "always or never. A file written with -o is never coloured.",
)


def use_color(choice: str, output: Path | None = None, stream: IO[Any] | None = None) -> bool:
    """Whether to colour what is written to `stream` (standard output by default), or to `output`."""
    if output is not None:
        return False
    if choice != ColorChoice.AUTO:
        return choice == ColorChoice.ALWAYS
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "").strip().lower() not in ("", "0", "false"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    target = stream if stream is not None else sys.stdout
    isatty = getattr(target, "isatty", None)
    return bool(isatty and isatty())


# click.style arguments: a finding's place, its severity, a verdict's status
LOCATION_STYLE: dict[str, Any] = {"bold": True}
SEVERITY_STYLES: dict[str, dict[str, Any]] = {
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow", "bold": True},
    "info": {"fg": "cyan"},
}
STATUS_STYLES: dict[str, dict[str, Any]] = {
    "pass": {"fg": "green", "bold": True},
    "fail": {"fg": "red", "bold": True},
    "not_applicable": {"dim": True},
}


def paint(text: str, style: dict[str, Any] | None, color: bool) -> str:
    """`text` in `style` when `color`, else as is."""
    return click.style(text, **style) if color and style else text
