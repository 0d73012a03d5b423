"""Agreement between coders who coded the same responses blind.

- `measures`: the statistics (percent agreement, Cohen's kappa, Krippendorff's
  alpha, Gwet's AC1, pooled and mean figures) as pure functions of code sets;
- `bootstrap`: their 95% intervals, resampling the responses;
- `report`: a project's agreement as the CLI prints it and the UI shows it
  (which coders and codes to compare, the per-code and disagreement tables).

Each name is imported from its own module.
"""

UNITS = ("response", "span")
"""What agreement is measured over: the response (a code applied anywhere in it) or the character."""
