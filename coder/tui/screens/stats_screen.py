"""The stats screen (F3): responses per theme and code, a bar chart, a crosstab.

Every number comes from `coder.export` (the tables `coder export counts` and
`coder export crosstab` write), for one coder or all, from human coding,
suggestions (less those that coder, or for all coders anyone, rejected) or
both, with percentages of all responses or of the coded ones (`--base coded`,
the default while some responses are uncoded: uncoded responses would
otherwise count as "without the code" in every crosstab).
The screen is drawn first; reading and counting then run in a worker thread,
so opening it on a large project never freezes the UI; the data read is kept
while nothing changes, so crossing by another attribute only counts again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Label, Select, Static, TabbedContent, TabPane, Tabs
from textual.worker import Worker, WorkerState

from coder.export.kinds import SOURCES
from coder.store import open_project
from coder.store.browse import any_uncoded, change_marker
from coder.store.codings import coders
from coder.store.responses import attribute_names
from coder.tui.screens.side_screen import ALL_CODERS, SideScreen, chosen_coder, coder_options
from coder.tui.session import Session, UsesSession
from coder.tui.widgets.bar_chart import BarChart, BarGroup, bar_text
from coder.tui.widgets.key_bar import KeyBar

BASE_TITLES = {"coded": "coded responses", "all": "all responses"}  # coder.export.counts.BASES
BAR_MIN_WIDTH = 12


@dataclass(frozen=True)
class StatsChoice:
    """What to count: whose coding (None = all), which source, the attribute to cross by,
    and the percent base (`coded` responses or `all`)."""

    coder: str | None = None
    source: str = "coding"
    by: str | None = None
    base: str = "coded"


@dataclass(frozen=True)
class Stats:
    """The counted tables for one choice."""

    choice: StatsChoice
    table: object  # pandas DataFrame: crosstab(...) with `by`, else theme_code_counts(...)
    chart: object  # pandas DataFrame: theme_chart_data(table, by)
    note: str
    total: int     # responses in the project


def compute_stats(data, choice: StatsChoice) -> Stats:
    """Count a project's data (`coder.export.load_project_data`) with the export library:
    the same numbers `coder export counts` and `coder export crosstab` write."""
    from coder.export import crosstab, data_notes, theme_chart_data, theme_code_counts

    args = (data.codebook, data.segments, data.attributes)
    table = (crosstab(*args, by=choice.by, base=choice.base) if choice.by
             else theme_code_counts(*args, base=choice.base))
    return Stats(choice, table, theme_chart_data(table, choice.by),
                 "; ".join(data_notes(data)), len(data.attributes))


def _number(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _p_value(p) -> str:
    """A chi-square p-value to three decimals ("" when the test was not run)."""
    if p == "" or p is None:
        return ""
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _label(row) -> Text:
    """Theme rows bold, code rows indented under them, totals in italics."""
    if row["row"] == "theme":
        return Text(str(row["theme_label"]), style="bold")
    if row["row"] == "code":
        return Text("  " + str(row["code_label"]))
    return Text(str(row["theme_label"]), style="italic")


def _index(row) -> str:
    return str(row["code_index"] if row["row"] == "code" else row["theme_index"])


class StatsScreen(UsesSession, SideScreen):
    """Counts, chart and crosstab for a chosen coder (or all), source and attribute."""

    DEFAULT_CSS = """
    StatsScreen #summary { height: auto; background: $panel; color: $foreground; padding: 0 1; }
    StatsScreen #choices { height: 1; margin-top: 1; }
    StatsScreen #choices Label { padding: 0 1; width: auto; }
    StatsScreen #coder { width: 1fr; max-width: 24; }
    StatsScreen #source { width: 15; }
    StatsScreen #by { width: 1fr; max-width: 24; }
    StatsScreen #base { width: 10; }
    StatsScreen #choices Select > SelectOverlay { min-width: 16; }
    StatsScreen #choices #base > SelectOverlay { min-width: 10; }   /* at the right edge: 16 ran past it */
    StatsScreen TabbedContent { height: 1fr; }
    StatsScreen TabPane { padding: 0; }
    StatsScreen DataTable { height: 1fr; }
    StatsScreen #crosstab-hint { padding: 1 2; color: $text-muted; }
    StatsScreen #bars { border: round $primary-muted; border-title-color: $foreground; padding: 0 1; }
    """
    BINDINGS = [
        Binding("o", "choose('coder')", "Coder", tooltip="choose whose coding is counted: one coder's or everyone's"),
        Binding("s", "choose('source')", "Source", tooltip="count human coding, machine suggestions or both"),
        Binding("b", "choose('by')", "By", tooltip="split the counts by an attribute (the crosstab tab)"),
        Binding("p", "choose('base')", "Base", tooltip="percent of all responses, or of the coded ones"),
        # Shown on the tabs ("Counts [1]"), so the footer keeps room for the other keys.
        Binding("1", "tab('counts')", "Counts", show=False),
        Binding("2", "tab('chart')", "Chart", show=False),
        Binding("3", "tab('crosstab')", "Crosstab", show=False),
        Binding("r", "recount", "Recount", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.stats: Stats | None = None
        self._asked: StatsChoice | None = None
        self._loaded: dict = {}
        self._marker: tuple = ()

    def compose(self):
        yield Static("Counting…", id="summary")
        with Horizontal(id="choices"):
            names = coders(self.conn)
            coder = self.session.coder if self.session.coder in names else None
            yield Label("Coder")
            yield Select(coder_options(names), allow_blank=False, id="coder",
                         value=coder or ALL_CODERS, compact=True)
            yield Label("Source")
            yield Select([(s, s) for s in SOURCES], value="coding",
                         allow_blank=False, id="source", compact=True)
            yield Label("By")
            yield Select([(a, a) for a in attribute_names(self.conn)], id="by",
                         prompt="(none)", compact=True)
            yield Label("% of")
            yield Select([(base, base) for base in BASE_TITLES],
                         value=self._default_base(coder), allow_blank=False, id="base", compact=True)
        with TabbedContent(initial="counts"):
            with TabPane("Counts [1]", id="counts"):
                yield DataTable(id="counts-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Chart [2]", id="chart"):
                with VerticalScroll():
                    yield BarChart(id="bars")
            with TabPane("Crosstab [3]", id="crosstab"):
                yield Static("Choose an attribute (b) to crosstab the themes and codes by it.",
                             id="crosstab-hint")
                yield DataTable(id="crosstab-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()  # ctrl+p still works; ? lists it

    def _default_base(self, coder: str | None) -> str:
        """`coded` while some response has no code (from this coder, or anyone), else `all`."""
        return "coded" if any_uncoded(self.conn, coder) else "all"

    def on_mount(self) -> None:
        self.query_one("#counts-table", DataTable).focus()
        # Paint the screen first: the first count imports pandas, which would hold it back.
        self.call_after_refresh(self.recount)

    def on_screen_resume(self) -> None:
        if self._marker and change_marker(self.conn) != self._marker:
            self.action_recount()

    def _refresh_choices(self) -> None:
        """Offer everyone who has coded and every attribute, keeping the choices still valid."""
        names = coders(self.conn)
        select = self.query_one("#coder", Select)
        kept = select.value if select.value in names else ALL_CODERS
        select.set_options(coder_options(names))
        select.value = kept
        by = self.query_one("#by", Select)
        chosen, attributes = by.value, attribute_names(self.conn)
        by.set_options([(a, a) for a in attributes])
        if chosen in attributes:
            by.value = chosen

    @property
    def choice(self) -> StatsChoice:
        """What the selects ask for now."""
        coder = self.query_one("#coder", Select).value
        by = self.query_one("#by", Select).value
        return StatsChoice(coder=chosen_coder(coder),
                           source=self.query_one("#source", Select).value,
                           by=None if by is Select.NULL else by,
                           base=self.query_one("#base", Select).value)

    def on_select_changed(self, event: Select.Changed) -> None:
        # Before the first count (the Selects announce their first values) there is nothing to redo.
        if self._asked is not None and self.choice != self._asked:
            self.recount()

    def recount(self) -> None:
        """Count again in a worker thread; the tables update when it is done."""
        self._marker = change_marker(self.conn)
        self.query_one("#summary", Static).update("Counting…")
        choice = self._asked = self.choice
        self.run_worker(lambda: self._count(choice, self._marker), thread=True, exclusive=True,
                        group="stats", exit_on_error=False)

    def _count(self, choice: StatsChoice, marker: tuple) -> Stats:
        """Read the project unless the last read still holds (same coder, source and no
        change since), then count: choosing another attribute does not read it again."""
        from coder.export import load_project_data

        key = (marker, choice.source, choice.coder)
        data = self._loaded.get(key)
        if data is None:
            # A connection of the thread's own: the UI's keeps serving (and writing) meanwhile.
            conn = open_project(self.session.path, readonly=True)
            try:
                data = load_project_data(conn, source=choice.source, coder=choice.coder)
            finally:
                conn.close()
            self._loaded = {key: data}
        return compute_stats(data, choice)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "stats":
            return
        if event.state == WorkerState.SUCCESS and event.worker.result.choice == self._asked:
            self.show(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.query_one("#summary", Static).update(str(event.worker.error))
            self.notify(str(event.worker.error), severity="error")

    # ----- drawing

    def show(self, stats: Stats) -> None:
        """Draw the summary line, the counts table, the chart and the crosstab."""
        self.stats = stats
        table = stats.table
        coded = int(table[table["row"] == "any code"]["responses"].iloc[0])
        summary = (f"{coded:,} of {stats.total:,} responses coded "
                   f"({_number(round(100 * coded / stats.total, 1))}%)" if stats.total
                   else "No responses yet")
        base = (f"% of the {coded:,} coded responses" if stats.choice.base == "coded"
                else f"% of all {stats.total:,} responses")
        self.query_one("#summary", Static).update(
            Text.assemble((summary, "bold"), "  │  ", (base, "bold"), f"  │  {stats.note}"))
        self._show_counts()
        self._show_chart()
        self._show_crosstab()

    def on_resize(self) -> None:
        if self.stats is not None:
            self._show_counts()

    def _show_counts(self) -> None:
        grid = self.query_one("#counts-table", DataTable)
        grid.clear(columns=True)
        table = self.stats.table
        listed = table[table["row"].isin(["theme", "code"])]
        label_width = min(max(len(_label(row)) for _, row in table.iterrows()), 48)
        grid.add_column("Index", key="index")
        grid.add_column("Theme / code", key="label", width=label_width)
        grid.add_column("Responses", key="responses")
        grid.add_column("%", key="percent")
        grid.add_column("Segments", key="segments")
        # Bars when there is room for them (the chart tab draws them at any width).
        bar_width = self.size.width - label_width - 46
        top = max([p for p in listed["percent"] if not math.isnan(p)] + [0.0])
        if bar_width >= BAR_MIN_WIDTH:
            grid.add_column(f"0–{top:.1f}%", key="bar", width=bar_width)
        for _, row in table.iterrows():
            counted = row["row"] in ("theme", "code")
            cells = [_index(row), _label(row), _number(row["responses"]),
                     _number(row["percent"]) if row["row"] != "base" else "",
                     _number(row["segments"]) if row["row"] != "base" else ""]
            if bar_width >= BAR_MIN_WIDTH:
                bar = bar_text(row["percent"], top, bar_width) if counted else ""
                cells.append(Text(bar, style="#4e79a7" if row["row"] == "code" else "bold #f28e2b"))
            grid.add_row(*cells)

    def _show_chart(self) -> None:
        chart = self.stats.chart
        groups = [BarGroup(str(label), tuple(float(v) for v in values), bold=True)
                  for label, values in zip(chart.index, chart.to_numpy())]
        whole = BASE_TITLES[self.stats.choice.base]
        series = [whole] if list(chart.columns) == ["all"] else [str(c) for c in chart.columns]
        title = f" by {self.stats.choice.by}" if self.stats.choice.by else ""
        self.query_one(BarChart).border_title = f"% of {whole} per theme{title}"
        self.query_one(BarChart).show(series, groups, "No themes to chart.")

    def _show_crosstab(self) -> None:
        grid = self.query_one("#crosstab-table", DataTable)
        by = self.stats.choice.by
        self.query_one("#crosstab-hint").display = by is None
        grid.display = by is not None
        grid.clear(columns=True)
        if by is None:
            return
        table = self.stats.table
        prefix = f"responses [{by}="
        values = [c[len(prefix):-1] for c in table.columns if c.startswith(prefix)]
        grid.add_column("Index", key="index")
        grid.add_column("Theme / code", key="label")
        grid.add_column("All", key="all")
        for value in values:
            grid.add_column(value, key=f"value:{value}")
        grid.add_column("χ² p", key="p")
        grid.add_column("Note", key="warning")
        for _, row in table.iterrows():
            cells = [_index(row), _label(row), self._cell(row["responses"], row["percent"], row)]
            cells += [self._cell(row[f"responses [{by}={v}]"], row[f"percent [{by}={v}]"], row)
                      for v in values]
            cells += [_p_value(row["p"]),
                      Text("⚠ " + row["warning"], style="italic") if row["warning"] else ""]
            grid.add_row(*cells)

    @staticmethod
    def _cell(n, pct, row) -> str:
        """A count and its percent ("–" where the base is empty: no coded response has the value)."""
        if row["row"] == "base":
            return f"{n:,}"
        return f"{n:,} ({_number(pct)}%)" if _number(pct) else f"{n:,} (–)"

    # ----- keys

    def action_tab(self, pane: str) -> None:
        """Show a tab and focus its table (or chart), so the arrows scroll it: they went on to
        the choice last made (b's, reopening its list), and the crosstab's right-hand columns
        stayed out of reach at 80 columns. The crosstab's hint, before an attribute is chosen,
        has nothing to scroll: the tabs take focus."""
        tabs = self.query_one(TabbedContent)
        tabs.active = pane
        target = next((w for w in tabs.get_pane(pane).query("DataTable, VerticalScroll") if w.display), None)
        (target or tabs.query_one(Tabs)).focus()

    def action_recount(self) -> None:
        self._refresh_choices()
        self.recount()
