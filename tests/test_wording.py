"""Text cut and padded to terminal cells, counted nouns and durations."""

from __future__ import annotations

from rich.cells import cell_len

from coder.wording import counted, fitted, seconds, shortened


def test_shortened_keeps_what_fits_and_cuts_the_rest_to_end_in_dots_within_the_width():
    assert shortened("printer broken", 14) == "printer broken"
    assert shortened("printer broken again", 14) == "printer bro..."
    assert shortened("printer broken again", 11) == "printer..."   # no space before the dots
    cut = shortened("打印机又坏了，整个上午都在等", 11)   # two cells a character
    assert cut.endswith("...") and cell_len(cut) <= 11
    assert shortened("anything", 3) == "any" and shortened("anything", 0) == ""


def test_fitted_pads_and_cuts_to_cells_and_counted_says_one_in_the_singular():
    assert cell_len(fitted("打印机", 10)) == 10 and fitted("printer trouble", 7) == "printer"
    assert counted(1, "code") == "1 code" and counted(2_000, "code") == "2,000 codes"
    assert counted(3, "memo", "memoes") == "3 memoes"


def test_seconds_keep_a_short_run_from_reading_as_no_time():
    assert seconds(0.04) == "0.04 s" and seconds(0.994) == "0.99 s"
    assert seconds(0.996) == "1.0 s" and seconds(1234.56) == "1,234.6 s"
