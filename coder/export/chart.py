"""Bar charts of theme counts for reports (PNG, SVG or PDF, by the file name)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd

from coder.errors import CoderError
from coder.export.counts import base_note, theme_code_counts
from coder.export.data import ProjectData, data_notes
from coder.export.kinds import check_output
from coder.files import replacing


def export_chart(data: ProjectData, path: Path, *, by: str | None = None, base: str = "all",
                 name: str = "") -> list[str]:
    """Count `data`'s themes (percent `base`, split by `by`) and draw the chart to `path`, titled
    with the project's `name`. Returns the notes that say how to read it."""
    counts = theme_code_counts(data.codebook, data.segments, data.attributes, by=by, base=base)
    n = int(counts.loc[counts["row"] == "base", "responses"].iloc[0])
    coded = int(counts.loc[counts["row"] == "any code", "responses"].iloc[0])
    of = f"{n:,} coded responses" if base == "coded" else f"{n:,} responses"
    drawn = write_theme_chart(counts, path, by=by, title=f"{name}: % of {of} per theme")
    return [*data_notes(data), base_note(len(data.attributes), base, coded),
            f"bars: % of the {of} with any code of the theme", *drawn]


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


# Fonts with the scripts DejaVu Sans lacks (Chinese, Japanese, Korean, Arabic, Hebrew ...), used
# for the characters it has no glyph for where one is installed (matplotlib's font fallback).
FALLBACK_FONTS = ("Noto Sans CJK JP", "Noto Sans CJK SC", "Source Han Sans", "WenQuanYi Zen Hei",
                  "Droid Sans Fallback", "Microsoft YaHei", "Yu Gothic", "MS Gothic", "PingFang SC",
                  "Hiragino Sans", "Arial Unicode MS", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans")


def write_theme_chart(counts: pd.DataFrame, path: Path, *, by: str | None = None,
                      title: str = "") -> list[str]:
    """Draw a horizontal bar chart of theme percentages (grouped by `by`) to `path`. Returns notes:
    characters no installed font could draw (they show as boxes), and what to do."""
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
        data.columns = [f"{v} (n={int(base[f'responses [{by}={v}]']):,})" for v in data.columns]
    height = 1.2 + 0.45 * len(data) * max(1, len(data.columns)) ** 0.5
    installed = {font.name for font in matplotlib.font_manager.fontManager.ttflist}
    families = ["DejaVu Sans", *(name for name in FALLBACK_FONTS if name in installed)]
    with plt.rc_context({"font.family": families}), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _draw(plt, data, path, by, title, height)
    missing = sorted({chr(int(m.group(1))) for w in caught if (m := _MISSING_GLYPH.search(str(w.message)))})
    if not missing:
        return []
    shown = "".join(missing[:10]) + ("…" if len(missing) > 10 else "")
    return [f"{len(missing)} characters of the labels ({shown}) are in no installed font and show as boxes: "
            "install a font that has them (e.g. Noto Sans CJK for Chinese, Japanese, Korean)"]


# matplotlib's warning for a character no font has: "Glyph 22810 (\N{CJK ...}) missing from font(s) ...".
_MISSING_GLYPH = re.compile(r"Glyph (\d+) \(.*?\) missing from")


def _draw(plt, data: pd.DataFrame, path: Path, by: str | None, title: str, height: float) -> None:
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
