"""One protocol for every constraint axis (import-linter's `Contract` is the model).

A verifier is a module with a `CONSTRAINT` (the axis it judges) and a pure `verify` function from the
project model, the configuration and the requested constraints to findings. It returns nothing when
its constraint is not asked for, except the findings that need no constraint (the architecture check,
the database findings every project gets), which `inspect` shows too. Adding a constraint axis means
adding one module and one name in `cdverify.verifiers.AXES`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from cdverify.analysis import Analysis
    from cdverify.config import Config
    from cdverify.constraints import Constraints
    from cdverify.model import Finding


class Verifier(Protocol):
    @property
    def CONSTRAINT(self) -> str: ...

    def verify(self, analysis: Analysis, config: Config, constraints: Constraints | None) -> list[Finding]:
        """The findings of this axis; `constraints` is None for `inspect`."""
        ...
