"""Agreement between coders who coded the same responses blind.

- `measures`: the statistics (percent agreement, Cohen's kappa, Krippendorff's
  alpha, Gwet's AC1, pooled and mean figures) as pure functions of code sets;
- `bootstrap`: their 95% intervals, resampling the responses;
- `report`: a project's agreement as the CLI prints it and the UI shows it
  (which coders and codes to compare, the per-code and disagreement tables).

Each name is imported from its own module; this one holds what the CLI needs before numpy loads.
"""

import math

UNITS = ("response", "span")
"""What agreement is measured over: the response (a code applied anywhere in it) or the character."""


def figure(value: float, digits: int = 2) -> str:
    """A statistic as printed and noted: to `digits` places, n/a for NaN, 0 without a minus sign."""
    if math.isnan(value):
        return "n/a"
    text = f"{value:.{digits}f}"
    return f"{0:.{digits}f}" if float(text) == 0 else text
