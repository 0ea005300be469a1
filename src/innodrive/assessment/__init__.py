"""innodrive.assessment — composite indices and 考核 scoring, exact and fast.

Frameworks are data (:mod:`~innodrive.assessment.framework`); a :class:`Coin` holds the
data, the metadata, one data set per step and a replayable log
(:mod:`~innodrive.assessment.coin`, :mod:`~innodrive.assessment.steps`); the maths is in
pure NumPy kernels chosen by name (:mod:`~innodrive.assessment.kernels`). Results
(scores and ranks at every level, 优势/劣势 profiles, change attribution) are in
:mod:`~innodrive.assessment.results`, 考核 rules in :mod:`~innodrive.assessment.scoring`,
uncertainty and sensitivity in :mod:`~innodrive.assessment.sensitivity`, and the
one call the CLI makes in :mod:`~innodrive.assessment.run`.

The engine reproduces COINr 1.1.14 on its ASEM example (every step, both variants)
and departs from it where COINr is wrong: the GII log transform returns transformed
values, and PCA weights are the Handbook's non-negative weights, not raw loadings.
"""

from innodrive.assessment.coin import Coin, compare, replay
from innodrive.assessment.framework import Framework, framework_from_coinr, load_framework, parse_framework
from innodrive.assessment.steps import (
    Aggregate,
    Custom,
    Denominate,
    Impute,
    Normalise,
    Screen,
    Step,
    Topsis,
    Treat,
    Weight,
)

__all__ = [
    "Aggregate", "Coin", "Custom", "Denominate", "Framework", "Impute", "Normalise", "Screen", "Step",
    "Topsis", "Treat", "Weight", "compare", "framework_from_coinr", "load_framework", "parse_framework",
    "replay",
]
