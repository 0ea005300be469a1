"""COINr's ASEM example as a coin at any stage (COINr's ``build_example_coin(up_to=)``).

Used by the tests (every stage is compared with COINr's own output), by the
benchmark and by anyone who wants to try the engine on a known, published case.
The data are COINr's example (MIT licence), shipped in ``assessment/data``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from innodrive.assessment.coin import Coin
from innodrive.assessment.framework import Framework, framework_from_coinr
from innodrive.assessment.steps import Aggregate, Denominate, Impute, Normalise, Screen, Treat

STAGES = ("Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated")
DENOMINATORS = ["Area", "Energy", "GDP", "Population"]
UNIT_COLUMNS = ["uName", "GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"]


@cache
def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    base = resources.files("innodrive.assessment.data")
    with resources.as_file(base / "ASEM_iData.csv") as p:
        idata = pd.read_csv(p).set_index("uCode")
    with resources.as_file(base / "ASEM_iMeta.csv") as p:
        imeta = pd.read_csv(p)
    return idata, imeta


@cache
def example_framework() -> Framework:
    """The ASEM indicator tree (49 indicators → 8 pillars → 2 sub-indices → index)."""
    return framework_from_coinr(_tables()[1], id="asem", name="ASEM Sustainable Connectivity (COINr example)")


def example_data() -> pd.DataFrame:
    return _tables()[0].copy()


def build_example_coin(*, up_to: str = "Aggregated") -> Coin:
    """The reference pipeline of COINr's ``build_example_coin()``, stopped after ``up_to``.

    Denominate → group-mean imputation (EurAsia_group) → screen (90 % data) → treat
    (winsorise ≤ 5, log_CT fallback) → min-max [0, 100] → arithmetic mean.
    """
    if up_to not in STAGES:
        raise ValueError(f"up_to must be one of {STAGES}")
    idata = _tables()[0]
    coin = Coin(framework=example_framework(), data=idata, units=idata[UNIT_COLUMNS],
                denominators=idata[DENOMINATORS])
    steps = [Denominate(), Impute(method="mean_group", group="EurAsia_group"), Screen(dat_thresh=0.9),
             Treat(), Normalise(params={"l": 0, "u": 100}), Aggregate()]
    for name, step in zip(STAGES[1:], steps, strict=True):
        if STAGES.index(name) > STAGES.index(up_to):
            break
        coin.add(step)
    return coin
