"""The paper's tables as Markdown and LaTeX: the level table (Table 1), the marginal effects (Table 2a), the
framework leaderboard (Table 3) and the feature tasks' pass@1 (with framework and difficulty breakdowns).
Pure functions from the computed rows to text; A% in percent, as the paper prints it, pass@1 as a
fraction."""

from __future__ import annotations

from dataclasses import dataclass

from cdverify.grading.metrics import FeatureRow, Tables

FEATURE_HEADERS = ("agent", "model", "framework", "difficulty", "tasks", "runs", "successes", "pass@1", "A%")


@dataclass(frozen=True)
class Table:
    name: str  # file stem: levels, marginal_effects, frameworks
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    text_columns: int = 3  # the first columns are text (left-aligned in LaTeX), the others figures


def percent(value: float) -> str:
    """A fraction as the paper prints A%: in percent, one decimal, never `-0.0`."""
    text = f"{100 * value:.1f}"
    return "0.0" if text == "-0.0" else text


def _signed(value: float) -> str:
    text = percent(value)
    return text if text.startswith("-") or text == "0.0" else f"+{text}"


def feature_cells(row: FeatureRow) -> tuple[str, ...]:
    """A feature row as printed: `all` for the rows over every framework or difficulty."""
    return (
        row.agent,
        row.model,
        row.framework or "all",
        row.difficulty.value if row.difficulty else "all",
        str(row.tasks),
        str(row.runs),
        str(row.successes),
        f"{row.pass_at_1:.3f}",
        percent(row.a),
    )


def paper_tables(tables: Tables) -> tuple[Table, ...]:
    decay = {(row.agent, row.model): row for row in tables.decay}
    levels = Table(
        "levels",
        "Strict A% and pass@1 by level (means over tasks); raw A% and the verifier impact beside them; "
        "ΔA% = L3 - L0",
        ("agent", "model", "level", "strict A%", "pass@1", "A%", "verifier impact", "ΔA% (L3 - L0)"),
        tuple(
            (
                row.agent,
                row.model,
                f"L{row.level}",
                percent(row.strict_a),
                f"{row.pass_at_1:.3f}",
                percent(row.a),
                percent(row.verifier_impact),
                _signed(decay[(row.agent, row.model)].strict_a_delta)
                if row.level == 3 and (row.agent, row.model) in decay
                else "",
            )
            for row in tables.levels
        ),
    )
    effects = Table(
        "marginal_effects",
        "Marginal effect of each constraint on strict A% (matched pairs; pooled rows first)",
        ("constraint", "agent", "model", "Δ strict A%", "SEM", "pairs"),
        tuple(
            (
                row.constraint.value,
                row.agent or "all",
                row.model or "all",
                _signed(row.delta),
                percent(row.sem),
                str(row.pairs),
            )
            for row in tables.marginal_effects
        ),
    )
    frameworks = Table(
        "frameworks",
        "Framework leaderboard: strict A% and pass@1 (means over tasks), SEM over runs",
        ("agent", "model", "framework", "strict A%", "± SEM", "pass@1", "tasks", "runs"),
        tuple(
            (
                row.agent,
                row.model,
                row.framework,
                percent(row.strict_a),
                percent(row.sem),
                f"{row.pass_at_1:.3f}",
                str(row.tasks),
                str(row.runs),
            )
            for row in sorted(tables.frameworks, key=lambda r: (r.agent, r.model, -r.strict_a, r.framework))
        ),
    )
    features = Table(
        "features",
        "Feature tasks: pass@1 (success = every assertion passes) and A%, means over tasks",
        FEATURE_HEADERS,
        tuple(feature_cells(row) for row in tables.features),
        text_columns=4,
    )
    return (levels, effects, frameworks, features) if tables.features else (levels, effects, frameworks)


def markdown(table: Table) -> str:
    lines = [f"**{table.caption}**", "", "| " + " | ".join(table.headers) + " |"]
    lines.append("|" + "|".join("---" for _ in table.headers) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                  "Δ": r"$\Delta$", "±": r"$\pm$"}  # fmt: skip


def _latex_text(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(char, char) for char in text)


def latex(table: Table) -> str:
    """A booktabs tabular in a table float."""
    columns = "l" * table.text_columns + "r" * (len(table.headers) - table.text_columns)
    lines = [
        r"\begin{table}[t]",
        r"\centering",
        rf"\caption{{{_latex_text(table.caption)}}}",
        rf"\begin{{tabular}}{{{columns}}}",
        r"\toprule",
        " & ".join(_latex_text(header) for header in table.headers) + r" \\",
        r"\midrule",
        *(" & ".join(_latex_text(cell) for cell in row) + r" \\" for row in table.rows),
        r"\bottomrule",
        r"\end{tabular}",
        rf"\label{{tab:cdverify-{table.name.replace('_', '-')}}}",
        r"\end{table}",
    ]
    return "\n".join(lines) + "\n"


def rendered(tables: Tables) -> dict[str, str]:
    """File name → text: each table as `.md` and `.tex`."""
    out: dict[str, str] = {}
    for table in paper_tables(tables):
        out[f"{table.name}.md"] = markdown(table)
        out[f"{table.name}.tex"] = latex(table)
    return out
