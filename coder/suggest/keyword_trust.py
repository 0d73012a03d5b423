"""How far a keyword match can be trusted, learned from the researcher's own coding.

A codebook keyword is a guess about wording; coding shows how good a guess it
was. For each keyword entry (one keyword of one code) its precision, the share
of coded texts it matches that carry its code, is estimated with shrinkage at
two levels: an entry's towards its code's pooled keyword precision, a code's
towards the project's, and the project's towards a cold-start prior
(`cold_start_precision`). So a keyword that keeps matching texts the researcher
did not give its code loses its weight, one that has matched twice keeps most
of its prior, and with no coding at all every match is worth the cold-start
figure. That figure holds for keywords that match a few codes per response, as
a codebook's usually do; where they match many (common words across hundreds
of codes) it is lower, since a response carries only a few codes. A suggestion the
researcher turned down on a response they have not coded counts as one such
miss for the keywords of that code that matched it.

A text's keyword evidence for a code combines its matched entries' precisions
as independent chances (noisy-OR: 1 - prod(1 - p)). Evidence is then
calibrated (Platt scaling on its logit, fitted on out-of-fold evidence pooled
over every code with keywords) so that a keyword score of 0.5 is right about
half the time; the threshold for suggesting is half the best F1 reached over
the same pooled out-of-fold scores (where F1 is best for calibrated
probabilities, as for a model's scores).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from coder.suggest.keywords import KeywordMatches
from coder.suggest.thresholds import calibrate, fit_platt, half_best_f1_threshold

# Measured on the demo's reference coding before any learning: one keyword match
# was right 36% of the time (the old score of 0.5 claimed half). Its keywords matched
# 2.7 codes per comment, so about one matched code per comment was right: the cold-start
# figure where keywords match more codes than that per response (`cold_start_precision`).
COLD_START_PRECISION = 0.36
RIGHT_MATCHES_PER_RESPONSE = 1.0
COLD_START_THRESHOLD = 0.3     # with no coding, one match is suggested (at its cold-start score)
PROJECT_PRIOR_WEIGHT = 10.0    # pseudo-matches behind each level's prior
CODE_PRIOR_WEIGHT = 5.0
ENTRY_PRIOR_WEIGHT = 3.0
MIN_MATCHES_TO_CALIBRATE = 20  # matched (text, code) pairs among coded texts, with both outcomes present
THRESHOLD_RANGE = (0.2, 0.6)   # a learned threshold is kept inside this range
NO_REJECTIONS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


@dataclass(frozen=True)
class KeywordTrust:
    """Per-entry precisions, and the calibration and threshold of keyword scores."""

    precision: np.ndarray              # per keyword entry
    entry_code: np.ndarray             # per keyword entry: its code's column
    calibration: tuple[float, float]   # (w, b) on the logit of the evidence
    threshold: float
    prior: float = COLD_START_PRECISION   # a match's precision before any coding (`cold_start_precision`)
    codes_per_response: float = 0.0       # codes whose keywords match a response, on average over the corpus
    learned: bool = False                 # any coded text (or turned-down suggestion) matched a keyword

    def evidence(self, matches: KeywordMatches) -> np.ndarray:
        """Noisy-OR of the matched entries' precisions, one row per text and one column per code."""
        return _noisy_or(matches, self.precision)

    def scores(self, evidence: np.ndarray) -> np.ndarray:
        """Calibrated keyword scores from `evidence` (0 where no keyword matched)."""
        return _calibrated(evidence, self.calibration)


def cold_start_precision(codes_per_response: float) -> float:
    """How often a keyword match is right before any coding, where keywords match
    `codes_per_response` codes per response on average: `COLD_START_PRECISION`, or less where
    so many codes match that even `RIGHT_MATCHES_PER_RESPONSE` right ones would be a smaller share."""
    return min(COLD_START_PRECISION, RIGHT_MATCHES_PER_RESPONSE / max(codes_per_response, 1e-9))


def matched_codes_per_response(matches: KeywordMatches) -> float:
    """How many codes' keywords match a text, on average over the texts of `matches`."""
    if not matches.n_docs:
        return 0.0
    return len(np.unique(matches.doc * matches.n_codes + np.asarray(matches.code))) / matches.n_docs


def learn_keyword_trust(matches: KeywordMatches, labels: np.ndarray, entry_code: np.ndarray,
                        folds: Sequence[tuple[np.ndarray, np.ndarray]],
                        rejected: tuple[np.ndarray, np.ndarray] = NO_REJECTIONS,
                        codes_per_response: float = 0.0) -> tuple[KeywordTrust, np.ndarray]:
    """Learn keyword trust from coded texts; also their out-of-fold evidence (texts x codes).

    `matches` are the coded texts' matches, `labels` their 0/1 codes, `folds`
    (fit rows, held rows) pairs covering every text once as held out.
    `rejected` are (text, entry) pairs from `rejected_pairs`: misses counted
    in every fold, as they are no coded text's. `codes_per_response`: how many
    codes' keywords match a response of the whole corpus, on average
    (`matched_codes_per_response`), which sets the cold-start prior.
    """
    labels = np.asarray(labels, dtype=bool)
    prior = cold_start_precision(codes_per_response)
    doc, entry = _distinct_pairs(matches)
    out_of_fold = np.zeros(labels.shape)
    for fit_rows, held_rows in folds:
        fit, held = np.zeros(len(labels), dtype=bool), np.zeros(len(labels), dtype=bool)
        fit[fit_rows], held[held_rows] = True, True
        precision = _precision(doc[fit[doc]], entry[fit[doc]], labels, entry_code, rejected, prior)
        keep = held[doc]
        out_of_fold += _combine(doc[keep], entry_code[entry[keep]], precision[entry[keep]], labels.shape)
    precision = _precision(doc, entry, labels, entry_code, rejected, prior)
    has_keywords = np.zeros(labels.shape[1], dtype=bool)
    has_keywords[entry_code] = True
    calibration, threshold = _calibration_and_threshold(out_of_fold[:, has_keywords], labels[:, has_keywords], prior)
    learned = bool(len(doc) or len(rejected[0]))
    return (KeywordTrust(precision, entry_code, calibration, threshold, prior, codes_per_response, learned),
            out_of_fold)


def rejected_pairs(matches: KeywordMatches, rejected_code: np.ndarray,
                   entry_code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (text, entry) pairs where a keyword of the code turned down on that text matched it.

    `matches` are the matches in the texts the researcher turned a code down
    on, `rejected_code` that code's column per text.
    """
    doc, entry = _distinct_pairs(matches)
    keep = entry_code[entry] == np.asarray(rejected_code, dtype=np.int64)[doc]
    return doc[keep], entry[keep]


def _distinct_pairs(matches: KeywordMatches) -> tuple[np.ndarray, np.ndarray]:
    """Each (text, entry) that matched, once."""
    n_entries = int(matches.entry.max()) + 1 if len(matches.entry) else 1
    pairs = np.unique(matches.doc * n_entries + matches.entry)
    return pairs // n_entries, pairs % n_entries


def _precision(doc: np.ndarray, entry: np.ndarray, labels: np.ndarray, entry_code: np.ndarray,
               rejected: tuple[np.ndarray, np.ndarray], prior: float) -> np.ndarray:
    """Shrunk precision of every entry from its (text, entry) matches among coded texts, and the
    `rejected` (text, entry) pairs as misses; `prior` is the project level's own prior."""
    n_codes = labels.shape[1]
    code = entry_code[entry]
    correct = labels[doc, code].astype(float)
    missed_doc, missed_entry = rejected
    entry_fires = np.bincount(np.concatenate([entry, missed_entry]), minlength=len(entry_code))
    entry_hits = np.bincount(entry, weights=correct, minlength=len(entry_code))
    # A code's keyword precision counts each (text, code) once, however many of its keywords matched.
    code_pairs = np.unique(doc * n_codes + code)
    pair_code = code_pairs % n_codes
    code_fires = (np.bincount(pair_code, minlength=n_codes)
                  + np.bincount(np.unique(missed_doc * n_codes + entry_code[missed_entry]) % n_codes,
                                minlength=n_codes))
    code_hits = np.bincount(pair_code, weights=labels[code_pairs // n_codes, pair_code].astype(float),
                            minlength=n_codes)
    project = ((code_hits.sum() + PROJECT_PRIOR_WEIGHT * prior)
               / (code_fires.sum() + PROJECT_PRIOR_WEIGHT))
    per_code = (code_hits + CODE_PRIOR_WEIGHT * project) / (code_fires + CODE_PRIOR_WEIGHT)
    return (entry_hits + ENTRY_PRIOR_WEIGHT * per_code[entry_code]) / (entry_fires + ENTRY_PRIOR_WEIGHT)


def _combine(doc: np.ndarray, code: np.ndarray, precision: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Noisy-OR per (text, code) of the given matched entries' precisions."""
    log_miss = np.bincount(doc * shape[1] + code, weights=np.log1p(-np.minimum(precision, 1 - 1e-9)),
                           minlength=shape[0] * shape[1])
    return -np.expm1(log_miss).reshape(shape)


def _noisy_or(matches: KeywordMatches, precision: np.ndarray) -> np.ndarray:
    doc, entry = _distinct_pairs(matches)
    codes = np.asarray(matches.code)
    code_of_entry = np.zeros(max(len(precision), 1), dtype=np.int64)
    code_of_entry[matches.entry] = codes   # every matched entry's code
    return _combine(doc, code_of_entry[entry], precision[entry], (matches.n_docs, matches.n_codes))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p) - np.log1p(-p)


def _calibrated(evidence: np.ndarray, calibration: tuple[float, float]) -> np.ndarray:
    matched = evidence > 0
    out = np.zeros(evidence.shape)
    if matched.any():
        out[matched] = calibrate(_logit(evidence[matched]), calibration)
    return out


def _calibration_and_threshold(evidence: np.ndarray, labels: np.ndarray,
                               prior: float) -> tuple[tuple[float, float], float]:
    """Platt scaling on the evidence's logit and half the best F1 as threshold, pooled over codes.

    Identity and the cold-start threshold while the coding has too few matches
    to learn from: `COLD_START_THRESHOLD` for a match trusted at `COLD_START_PRECISION`,
    in proportion for a lower `prior`, never under the lowest threshold learned from coding.
    """
    matched = evidence > 0
    y = labels[matched]
    if matched.sum() < MIN_MATCHES_TO_CALIBRATE or y.all() or not y.any():
        return (1.0, 0.0), max(THRESHOLD_RANGE[0], COLD_START_THRESHOLD * prior / COLD_START_PRECISION)
    calibration = fit_platt(_logit(evidence[matched]), y)
    calibration = (calibration[0], calibration[1])
    # Half the best F1, as for a model's calibrated scores (`half_best_f1_threshold`); positives
    # no keyword matched count against every threshold (as missed).
    threshold = half_best_f1_threshold(_calibrated(evidence, calibration)[matched], y, positives=int(labels.sum()))
    return calibration, float(np.clip(threshold, *THRESHOLD_RANGE))
