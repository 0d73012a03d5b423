"""Code suggestions: keyword and model engines, evaluation, active learning.

Modules: `keywords` (codebook keywords on lemmas), `features` (sparse text
features), `model` (training a Suggester), `thresholds` (calibration and
per-code thresholds), `scoring` (a chunk of texts -> suggestions), `evidence`,
`evaluate` (cross-validation), `queue` (active learning), `project` (reading
the coding from a project and storing runs).
"""

# auto: a model per code where it beats the keywords; keywords: keywords only;
# model: a model wherever a code has enough coded examples.
ENGINES = ("auto", "keywords", "model")


def engine_name(engine: str, with_keywords: bool) -> str:
    """A code's engine as its suggestions store it and every view shows it: "model + keywords" for a
    model code scored as the mean of its model's and its keyword score (`CodeModel.with_keywords`)."""
    return f"{engine} + keywords" if engine == "model" and with_keywords else engine
