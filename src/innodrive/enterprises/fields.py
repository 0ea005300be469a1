"""The registry's fields: names, Chinese headers, kinds and units, declared in YAML.

One declaration feeds the XLSX template (headers, notes, data validation), the reader
(Chinese or English headers, parsing by kind) and the row checks (non-negative money,
ratios within 0–100%, staff counts not above the total). Rules may only read fields
declared here; :func:`innodrive.enterprises.rules.load_text` refuses any other name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_text(text: str):
    """The bundled YAML data (fields, rules, incentives) through libyaml's C parser when
    present — the same safe loader, ten times faster: loading the rule sets was a third
    of a small screening's time."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)

KINDS = ("text", "money", "signed_money", "people", "count", "ratio", "flag", "date", "year", "score", "level",
         "choice")
NUMERIC_KINDS = frozenset(KINDS) - {"text"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    header: str
    kind: str
    group: str
    unit: str | None = None
    help: str = ""
    required: bool = False
    not_above: str | None = None
    max: float | None = None
    allowed: tuple[int, ...] | None = None
    choices: str | None = None  # for kind "choice": the list its names come from

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    def choice_codes(self) -> dict[str, int]:
        """Accepted names (and aliases) → stored code, for a ``choice`` field."""
        if self.choices == "sme_size":
            from innodrive.enterprises.sme_size import industry_choices

            return industry_choices()
        return {}

    def choice_names(self) -> dict[int, str]:
        """Stored code → the official name, for a ``choice`` field."""
        if self.choices == "sme_size":
            from innodrive.enterprises.sme_size import industry_names

            return industry_names()
        return {}


@cache
def _load() -> tuple[str, dict[str, FieldSpec], dict[str, str]]:
    text = resources.files("innodrive.enterprises").joinpath("rules").joinpath("fields.yaml").read_text(encoding="utf-8")
    raw = load_yaml_text(text)
    out: dict[str, FieldSpec] = {}
    for f in raw["fields"]:
        allowed = tuple(f.pop("allowed")) if "allowed" in f else None
        spec = FieldSpec(allowed=allowed, **f)
        if spec.kind not in KINDS:
            raise ValueError(f"fields.yaml: unknown kind {spec.kind} for {spec.name}")
        if (spec.kind == "choice") != (spec.choices is not None):
            raise ValueError(f"fields.yaml: {spec.name}: a choice field names its choices, no other field does")
        out[spec.name] = spec
    return raw["version"], out, dict(raw.get("retired") or {})


REGISTRY_VERSION, FIELDS, RETIRED_HEADERS = _load()
NUMERIC_FIELDS: tuple[str, ...] = tuple(n for n, f in FIELDS.items() if f.numeric)
TEXT_FIELDS: tuple[str, ...] = tuple(n for n, f in FIELDS.items() if not f.numeric)
BY_HEADER: dict[str, FieldSpec] = {f.header: f for f in FIELDS.values()}
