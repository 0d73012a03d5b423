"""Bar charts of theme counts for reports (PNG, SVG or PDF, by the file name)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from coder.errors import CoderError
from coder.export.kinds import check_output
from coder.files import replacing


def theme_chart_data(counts: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Percent of responses per theme (rows), one column per group ("all" without `by`).

    `counts` is a `theme_code_counts` table (with the same `by`).
    """
    themes = counts[counts["row"] == "theme"]
    labels = (themes["theme_index"] + " " + themes["theme_label"]).tolist()
    if not by:
        return pd.DataFrame({"all": themes["percent"].tolist()}, index=labels)
    prefix = f"percent [{by}="
    columns = [c for c in counts.columns if c.startswith(prefix)]
    return pd.DataFrame({c[len(prefix):-1]: themes[c].tolist() for c in columns}, index=labels)


def write_theme_chart(counts: pd.DataFrame, path: Path, *, by: str | None = None,
                      title: str = "") -> None:
    """Draw a horizontal bar chart of theme percentages (grouped by `by`) to `path`."""
    # matplotlib loads here, not at import: the UI's stats screen uses theme_chart_data only.
    import matplotlib

    matplotlib.use("Agg")  # files only: no display, safe in a terminal or CI
    import matplotlib.pyplot as plt

    path = Path(path)
    check_output("chart", path)
    # barh draws bottom-up: reverse rows and groups so the first theme and value are on top
    data = theme_chart_data(counts, by).iloc[::-1, ::-1]
    if data.empty:
        raise CoderError(f"{path}: no themes to chart (the project has no codebook yet)")
    if by:  # say how many responses each bar's percent is of
        base = counts[counts["row"] == "base"].iloc[0]
        data.columns = [f"{v} (n={base[f'responses [{by}={v}]']})" for v in data.columns]
    height = 1.2 + 0.45 * len(data) * max(1, len(data.columns)) ** 0.5
    fig, ax = plt.subplots(figsize=(10 if by else 8, height))
    try:
        data.plot.barh(ax=ax, legend=bool(by), width=0.8)
        ax.set_xlabel("% of responses")
        ax.set_xlim(0, min(100, max(10, float(data.max().max()) * 1.15)))
        ax.set_title(title)
        if by:
            handles, labels = ax.get_legend_handles_labels()
            ax.legend(handles[::-1], labels[::-1], title=by, loc="upper left",
                      bbox_to_anchor=(1.01, 1), fontsize="small")
        fig.tight_layout()
        with replacing(path, path.suffix) as tmp:
            fig.savefig(tmp, dpi=150)
    finally:
        plt.close(fig)
