"""A person's corrections of an extraction, and how they carry over to the next version.

The extraction is rules; an office reading its own document knows better. In the
document view a person can edit a target's fields, reject a false target, add a
missed one by selecting its words in the text, and set a task's lead and co-units.
Each correction is remembered by *what it is about* rather than by row ids or
character offsets, so that it applies again when the same file is added again or a
revised file becomes the plan's next version:

- a target is recognised by its indicator phrase and the sentence it came from
  (normalised: spacing, punctuation, full/half width); when a revision rewords the
  sentence slightly, the target of the same indicator and year whose sentence is
  most alike (≥ 90 % similar) is taken, and only if that choice is unique;
- an added target is recognised by the words the person selected, found again in the
  new text (the occurrence whose surroundings match the original context best);
- a task is recognised by its outline path and title.

A correction that no longer finds its object in a new version is reported, never
guessed. The corrected plan can be exported in the gold format of ``innodrive
evaluate``, so an office's corrections become test data for the extraction.

Pure functions over pydantic models; the store and the audit log are handled by
:mod:`innodrive.services.corrections`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, Field

from innodrive.errors import InputError
from innodrive.extraction.models import Evidence, Target

CorrectionKind = Literal["edit", "reject", "add", "units"]
KIND_NAMES = {"edit": "修改目标", "reject": "删除误抽的目标", "add": "补充漏抽的目标", "units": "指定任务的牵头和责任单位"}

# Fields of a target a person may edit, with their Chinese names.
EDITABLE: dict[str, str] = {
    "indicator": "指标", "kind": "类型", "value": "目标值", "unit": "单位", "comparator": "比较关系",
    "year": "目标年份", "baseline_year": "基期年份", "direction": "方向", "note": "说明",
    "basis": "增速口径",
}
KINDS = ("number", "multiple", "growth", "relative", "trend", "milestone")
COMPARATORS = ("=", ">=", ">", "<=", "<", "~")
SIMILAR = 90.0
CONTEXT = 20

_NOISE = re.compile(r"[\s,，.。:：;；、!！?？“”\"'‘’()（）\[\]【】《》<>〈〉·—\-]+")


def normalise(text: str | None) -> str:
    """Text for comparison: NFKC (full → half width), no spacing or punctuation."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or ""))


class TargetRef(BaseModel):
    """How a correction recognises an extracted target in any version."""

    indicator: str
    evidence: str
    year: int | None = None


class Correction(BaseModel):
    """One correction, as stored (``payload``) and re-applied."""

    kind: CorrectionKind
    target: TargetRef | None = Field(default=None, description="edit/reject: the target as extracted")
    fields: dict[str, Any] = Field(default_factory=dict, description="edit: the new values of edited fields")
    added: Target | None = Field(default=None, description="add: the missed target, with the selected words")
    context: str | None = Field(default=None, description="add: the text around the selected words")
    task_path: str | None = None
    task_title: str | None = None
    lead: list[str] = Field(default_factory=list)
    co: list[str] = Field(default_factory=list)

    def key(self) -> str:
        """One live correction per key: a newer correction of the same thing replaces the older."""
        if self.kind in ("edit", "reject") and self.target is not None:
            return f"target|{normalise(self.target.indicator)}|{normalise(self.target.evidence)}"
        if self.kind == "add" and self.added is not None:
            return f"add|{normalise(self.added.indicator)}|{normalise(self.added.evidence.text)}"
        return f"task|{self.task_path}|{normalise(self.task_title)}"


def ref_of(target: Target) -> TargetRef:
    return TargetRef(indicator=target.indicator, evidence=target.evidence.text, year=target.year)


# -- checking what a person typed ----------------------------------------------------------


def _number(value: Any, name: str) -> float | int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace(",", "").replace("，", ""))
    except ValueError:
        raise InputError(f"{name}应为数字，收到“{value}”", field=name) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InputError(f"{name}应为有限的数字", field=name)
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def _year(value: Any, name: str) -> int | None:
    number = _number(value, name)
    if number is None:
        return None
    if not isinstance(number, int) or not 1949 <= number <= 2100:
        raise InputError(f"{name}应为 1949 到 2100 之间的年份，收到“{value}”", field=name)
    return number


def clean_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """The edited fields, checked and typed; unknown fields and bad values are refused."""
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in EDITABLE:
            raise InputError(f"不能修改字段“{key}”；可修改：{'、'.join(EDITABLE.values())}", field=key)
        name = EDITABLE[key]
        if key in ("value",):
            fields[key] = _number(value, name)
        elif key in ("year", "baseline_year"):
            fields[key] = _year(value, name)
        elif key == "kind":
            if value not in KINDS:
                raise InputError(f"类型应为 {'、'.join(KINDS)} 之一", field=key)
            fields[key] = value
        elif key == "comparator":
            value = value or None
            if value is not None and value not in COMPARATORS:
                raise InputError(f"比较关系应为 {' '.join(COMPARATORS)} 之一", field=key)
            fields[key] = value
        elif key == "direction":
            if value not in ("ge", "le"):
                raise InputError("方向应为 ge（越大越好）或 le（越小越好）", field=key)
            fields[key] = value
        elif key == "basis":
            value = value or None
            if value is not None and value not in ("annual", "cumulative", "points"):
                raise InputError("增速口径应为 annual、cumulative 或 points", field=key)
            fields[key] = value
        else:
            text = (str(value) if value is not None else "").strip()
            if key == "indicator" and not text:
                raise InputError("指标不能为空", field=key)
            if len(text) > 400:
                raise InputError(f"{name}过长（最多 400 个字符）", field=key)
            fields[key] = text or None
    return fields


def new_target(text: str, start: int, end: int, fields: dict[str, Any], *, section: str | None = None) -> Correction:
    """The correction adding a missed target whose words are ``text[start:end]``."""
    if not 0 <= start < end <= len(text):
        raise InputError("所选文字的位置不在文件正文范围内", field="span")
    if end - start > 500:
        raise InputError("所选文字过长（最多 500 个字符）：请只选中目标所在的句子或短语", field="span")
    words = text[start:end]
    if not normalise(words):
        raise InputError("所选文字为空", field="span")
    fields = clean_fields({"indicator": fields.get("indicator") or words, **fields})
    fields.setdefault("kind", "number" if fields.get("value") is not None else "milestone")
    target = Target(**{k: v for k, v in fields.items() if v is not None or k in ("value", "unit")},
                    section=section, evidence=Evidence(text=words, span=(start, end)))
    context = text[max(0, start - CONTEXT):min(len(text), end + CONTEXT)]
    return Correction(kind="add", added=target, context=context)


# -- applying corrections to a version ---------------------------------------------------------


class Outcome(BaseModel):
    """What applying the live corrections to one version did."""

    edited: list[int] = Field(default_factory=list, description="indexes of targets edited")
    rejected: list[int] = Field(default_factory=list, description="indexes of targets rejected")
    added: list[Target] = Field(default_factory=list, description="targets added, with spans into this text")
    not_found: list[str] = Field(default_factory=list, description="corrections whose object is not in this version")


def find_target(ref: TargetRef, targets: list[Target]) -> int | None:
    """The index of the target ``ref`` names: same indicator and sentence, else the one
    unique most similar sentence (≥ 90 %) of the same indicator and year."""
    indicator, evidence = normalise(ref.indicator), normalise(ref.evidence)
    exact = [i for i, t in enumerate(targets)
             if normalise(t.indicator) == indicator and normalise(t.evidence.text) == evidence]
    if len(exact) >= 1:
        return exact[0]
    from rapidfuzz import fuzz

    scored = sorted(((fuzz.ratio(evidence, normalise(t.evidence.text)), i) for i, t in enumerate(targets)
                     if normalise(t.indicator) == indicator and t.year == ref.year), reverse=True)
    if scored and scored[0][0] >= SIMILAR and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return scored[0][1]
    return None


def locate_words(text: str, words: str, context: str | None) -> tuple[int, int] | None:
    """Where the selected ``words`` are in ``text``: the occurrence whose surroundings
    are most like the original ``context``."""
    if not words:
        return None
    starts = [m.start() for m in re.finditer(re.escape(words), text)]
    if not starts:
        return None
    if len(starts) == 1 or not context:
        return starts[0], starts[0] + len(words)
    from rapidfuzz import fuzz

    best = max(starts, key=lambda s: fuzz.ratio(context, text[max(0, s - CONTEXT):s + len(words) + CONTEXT]))
    return best, best + len(words)


def edited(target: Target, fields: dict[str, Any]) -> Target:
    return target.model_copy(update=fields)


def apply(corrections: list[Correction], targets: list[Target], text: str | None) -> Outcome:
    """Decide what the live target corrections do to ``targets`` (one version's
    extraction) whose original text is ``text``. Task corrections are applied by the
    caller to tasks (see :func:`task_matches`)."""
    outcome = Outcome()
    for c in corrections:
        if c.kind in ("edit", "reject") and c.target is not None:
            i = find_target(c.target, targets)
            if i is None:
                outcome.not_found.append(f"{KIND_NAMES[c.kind]}“{c.target.indicator}”：新版本中找不到原句")
            elif c.kind == "reject":
                outcome.rejected.append(i)
            else:
                outcome.edited.append(i)
        elif c.kind == "add" and c.added is not None:
            already = find_target(ref_of(c.added), targets)
            span = locate_words(text or "", c.added.evidence.text, c.context)
            if already is not None:
                continue  # the extraction now finds it by itself
            if span is None:
                outcome.not_found.append(f"补充的目标“{c.added.indicator}”：新版本中找不到所选文字")
                continue
            outcome.added.append(c.added.model_copy(update={"evidence": Evidence(text=c.added.evidence.text,
                                                                                   span=span)}))
    return outcome


def task_matches(c: Correction, path: str, title: str) -> bool:
    return c.kind == "units" and c.task_path == path and normalise(c.task_title) == normalise(title)


def units(text: str | None) -> list[str]:
    """Units as a person types them: separated by 、，, ; or spaces; duplicates dropped."""
    out: list[str] = []
    for part in re.split(r"[、，,;；\s]+", (text or "").strip()):
        part = part.strip()
        if part and part not in out:
            if len(part) > 100:
                raise InputError(f"单位名称过长：“{part[:20]}…”", field="units")
            out.append(part)
    return out


# -- the gold format ---------------------------------------------------------------------


def gold_target(t: Target) -> dict:
    """One target as ``tests/data/gold`` writes it (see its README)."""
    out: dict[str, Any] = {"indicator": t.indicator, "kind": t.kind, "value": t.value, "unit": t.unit, "year": t.year}
    if t.baseline_year is not None:
        out["baseline_year"] = t.baseline_year
    if t.direction != "ge":
        out["direction"] = t.direction
    if t.note:
        out["note"] = t.note
    return out


def gold_document(*, file: str, region: str | None, issuer: str | None, title: str | None, genre: str | None,
                  issued: str | None, horizon: int | None, targets: list[Target], programmes: list[dict],
                  outline: list[dict]) -> dict:
    return {"file": file, "region": region, "issuer": issuer, "title": title, "genre": genre, "issued": issued,
            "horizon": horizon, "targets": [gold_target(t) for t in targets], "programmes": programmes,
            "outline": outline}


def gold_file(documents: list[dict]) -> dict:
    return {"schema": 1, "description": "Gold annotations exported from the corrections made in innodrive's "
                                        "document view (人工更正后的抽取结果).",
            "documents": documents}
