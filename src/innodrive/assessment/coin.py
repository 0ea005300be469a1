"""The coin: one object holding data, indicator metadata, a data set per step and the log.

Borrowed from COINr (STYLE §3) with scikit-learn manners (§4). A :class:`Coin` starts
with the ``Raw`` data set and the framework; every :class:`~innodrive.assessment.steps.Step`
added reads a named set and writes a new one, earlier sets stay inspectable, and the
step's full parameters (defaults included) go to :attr:`Coin.log`. Because the log is
plain JSON it can be stored beside a result, edited, and replayed:

* :meth:`Coin.regenerate` rebuilds from the log (optionally ``from_step``), and an
  unedited regeneration reproduces every data set exactly;
* :meth:`Coin.what_if` = copy, edit one step's parameters, regenerate;
* :func:`compare` lists score and rank differences per unit between two coins.

A step that cannot be replayed (:class:`~innodrive.assessment.steps.Custom`) makes
regeneration stop with its reason instead of silently skipping it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np
import pandas as pd

from innodrive.assessment.framework import Framework
from innodrive.assessment.steps import Step, make_step
from innodrive.errors import InputError

TYPE_COLUMN = "类型"


class Coin:
    """Data + metadata + one data set per step + a replayable log.

    :param framework: the validated framework (tree, directions, weights, …).
    :param data: indicator values, one row per unit (index = unit code), one column
        per indicator code; extra columns are ignored.
    :param units: optional unit metadata (name, ``类型`` = unit type, group columns).
    :param denominators: optional denominator columns (GDP, 常住人口, …) per unit.
    :param panel: optional ``{year: DataFrame}`` of raw values for panel imputation.
    :param year: the assessment year when the data came from a panel.
    """

    def __init__(self, *, framework: Framework, data: pd.DataFrame, units: pd.DataFrame | None = None,
                 denominators: pd.DataFrame | None = None, panel: dict[int, pd.DataFrame] | None = None,
                 year: int | None = None) -> None:
        self.framework = framework
        cols = [c for c in framework.indicators if c in data.columns]
        raw = data[cols].astype(float).copy()
        raw.index = raw.index.astype(str)
        self.units = (units.copy() if units is not None else pd.DataFrame(index=raw.index)).reindex(raw.index)
        self.denominators = (denominators.copy() if denominators is not None
                             else pd.DataFrame(index=raw.index)).reindex(raw.index)
        self.panel = panel
        self.year = year
        self.data: dict[str, pd.DataFrame] = {"Raw": raw}
        self.weights: dict[str, dict[str, float]] = {
            "Original": {n.code: (1.0 if n.weight is None else float(n.weight)) for n in framework.nodes}}
        self.details: dict[str, Any] = {}
        self.notes: list[str] = []
        self.log: list[dict[str, Any]] = []

    # -- building -------------------------------------------------------------------
    def add(self, step: Step) -> Coin:
        """Apply a step and log its full parameters. Returns the coin (chainable)."""
        step.apply(self)
        ok, reason = step.can_regen()
        self.log.append({"step": step.kind, "params": step.get_params(), "kernel": step.resolved(),
                         "writes": step.writes(), "can_regen": ok, "reason": reason})
        return self

    def run(self, method: list[dict] | tuple[dict, ...]) -> Coin:
        """Apply a method as declared in a framework: ``[{"step": "normalise", ...params}]``."""
        for i, spec in enumerate(method):
            params = {k: v for k, v in spec.items() if k != "step"}
            try:
                self.add(make_step(spec.get("step", ""), params))
            except InputError as exc:
                if exc.field and not exc.field.startswith("method["):
                    exc.field = f"method[{i + 1}].{exc.field}"
                raise
        return self

    # -- replay ---------------------------------------------------------------------
    def _fresh(self) -> Coin:
        new = Coin.__new__(Coin)
        new.framework = self.framework
        new.units = self.units
        new.denominators = self.denominators
        new.panel = self.panel
        new.year = self.year
        new.data = {"Raw": self.data["Raw"]}
        new.weights = {"Original": dict(self.weights["Original"])}
        new.details = {}
        new.notes = []
        new.log = []
        return new

    def _step_index(self, which: int | str) -> int:
        if isinstance(which, int):
            if not 0 <= which < len(self.log):
                raise InputError(f"日志中没有第 {which} 步（共 {len(self.log)} 步，从 0 计）", field="from_step")
            return which
        hits = [i for i, e in enumerate(self.log) if e["step"] == which or which in e["writes"]]
        if not hits:
            raise InputError(f"日志中没有步骤“{which}”；现有：{'、'.join(e['step'] for e in self.log)}",
                             field="from_step")
        return hits[0]

    def regenerate(self, *, from_step: int | str | None = None) -> Coin:
        """Rebuild the coin by replaying the log (from ``from_step`` on, if given).

        Data sets and weight sets written before ``from_step`` are carried over;
        the rest are recomputed. Raises :class:`InputError` at a step that cannot be
        replayed, naming it and the reason.
        """
        start = 0 if from_step is None else self._step_index(from_step)
        new = self._fresh()
        for entry in self.log[:start]:
            for w in entry["writes"]:
                if w.startswith("weights:"):
                    new.weights[w[8:]] = dict(self.weights[w[8:]])
                    if w in self.details:
                        new.details[w] = self.details[w]
                else:
                    new.data[w] = self.data[w]
                    if w in self.details:
                        new.details[w] = self.details[w]
            new.log.append(copy.deepcopy(entry))
        for i, entry in enumerate(self.log[start:], start=start):
            if not entry["can_regen"]:
                raise InputError(f"第 {i} 步“{entry['step']}”无法重放：{entry['reason']}", field=f"log[{i}]")
            new.add(make_step(entry["step"], copy.deepcopy(entry["params"])))
        return new

    def copy(self) -> Coin:
        new = copy.copy(self)
        new.data = dict(self.data)
        new.weights = {k: dict(v) for k, v in self.weights.items()}
        new.details = dict(self.details)
        new.notes = list(self.notes)
        new.log = copy.deepcopy(self.log)
        return new

    def edit(self, which: int | str, **params: Any) -> Coin:
        """Change parameters of a logged step (on this coin's log; call :meth:`regenerate` next)."""
        i = self._step_index(which)
        make_step(self.log[i]["step"], {**self.log[i]["params"], **params})  # validate names now
        self.log[i]["params"].update(copy.deepcopy(params))
        return self

    def get_params(self) -> dict[str, Any]:
        """Every logged parameter as ``<step name>__<parameter>`` (scikit-learn's nesting).

        A step is named by the data set (or weight set) it writes, e.g.
        ``Normalised__method``, which is unique within a coin.
        """
        return {f"{e['writes'][0]}__{k}": copy.deepcopy(v) for e in self.log for k, v in e["params"].items()}

    def set_params(self, **params: Any) -> Coin:
        """Edit logged parameters by ``<step name>__<parameter>``; call :meth:`regenerate` next."""
        names = {e["writes"][0]: i for i, e in enumerate(self.log)}
        for key, value in params.items():
            step, _, name = key.partition("__")
            if step not in names or not name:
                raise InputError(f"无法识别的参数“{key}”；格式为 步骤名__参数，步骤名：{'、'.join(names)}", field=key)
            self.edit(names[step], **{name: value})
        return self

    def what_if(self, which: int | str, **params: Any) -> Coin:
        """Copy, change one step's parameters, regenerate from that step. The original is untouched."""
        variant = self.copy().edit(which, **params)
        return variant.regenerate(from_step=self._step_index(which))

    # -- metadata helpers -------------------------------------------------------------
    def unit_types(self, index: pd.Index) -> np.ndarray | None:
        if TYPE_COLUMN not in self.units.columns or not self.framework.unit_types:
            return None
        return self.units[TYPE_COLUMN].reindex(index).to_numpy(dtype=object)

    def weight_matrix(self, kids: tuple[str, ...] | list[str], wset: dict[str, float],
                      types: np.ndarray | None) -> np.ndarray:
        """Weights of a group's children: (1, k), or (units, k) when unit types differ.

        Per-type weights come from the framework (``weights_by_type``); the set's own
        weight is used for a type without an override. Aggregation divides by Σw, so
        every type's weights are renormalised within the group: one comparable scale.
        """
        base = np.array([wset[k] for k in kids], dtype=float)
        if types is None or not any(self.framework.by_code[k].weights_by_type for k in kids):
            return base[None, :]
        out = np.tile(base, (len(types), 1))
        for t in set(types.tolist()) - {None}:
            row = np.array([self.framework.by_code[k].weights_by_type.get(t, wset[k]) for k in kids])
            out[types == t] = row
        return out

    def effective_weights(self, wset: str = "Original", unit_type: str | None = None) -> dict[str, float]:
        """Each indicator's share of the index under a weight set (and a unit type's
        overrides, as :meth:`weight_matrix` applies them): the product along its path
        of the weight normalised within its group."""
        fw = self.framework
        base = self.weights[wset]

        def w(code: str) -> float:
            over = fw.by_code[code].weights_by_type
            return over[unit_type] if unit_type is not None and unit_type in over else base[code]

        out = {}
        for code in fw.indicators:
            e = 1.0
            for c in fw.path(code)[:-1]:
                sib = sum(w(s) for s in fw.children[fw.by_code[c].parent])
                e *= w(c) / sib if sib > 0 else 0.0
            out[code] = e
        return out

    def log_json(self) -> str:
        """The log as JSON: the complete, editable recipe of this coin."""
        return json.dumps({"framework": {"id": self.framework.id, "version": self.framework.version,
                                         "effective": self.framework.effective.isoformat()},
                           "year": self.year, "steps": self.log}, ensure_ascii=False, indent=1, default=str)

    def __repr__(self) -> str:
        return (f"Coin({self.framework.id} v{self.framework.version}, {len(self.data['Raw'])} units, "
                f"sets={list(self.data)}, steps={[e['step'] for e in self.log]})")


def replay(*, framework: Framework, data: pd.DataFrame, log: list[dict], units: pd.DataFrame | None = None,
           denominators: pd.DataFrame | None = None) -> Coin:
    """Build a coin from a stored log (e.g. the log sheet of an earlier result)."""
    coin = Coin(framework=framework, data=data, units=units, denominators=denominators)
    coin.log = copy.deepcopy(log)
    return coin.regenerate()


def compare(a: Coin, b: Coin, *, dset: str = "Aggregated", code: str | None = None) -> pd.DataFrame:
    """Score and rank differences per unit between two coins (b − a) at one node."""
    code = code or a.framework.root
    for c, name in ((a, "基准"), (b, "对照")):
        if dset not in c.data or code not in c.data[dset].columns:
            raise InputError(f"{name}结果中没有数据集“{dset}”的“{code}”", field="dset")
    sa, sb = a.data[dset][code], b.data[dset][code]
    df = pd.DataFrame({"score_a": sa, "score_b": sb.reindex(sa.index)})
    df["rank_a"] = df["score_a"].rank(ascending=False, method="min")
    df["rank_b"] = df["score_b"].rank(ascending=False, method="min")
    df["score_diff"] = df["score_b"] - df["score_a"]
    df["rank_diff"] = df["rank_b"] - df["rank_a"]
    return df.sort_values("rank_a")
