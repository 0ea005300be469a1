"""A talent record as it is typed, and the checks it passes before it is stored.

The same checks serve a record typed on a form and every row of a bulk import (CSV or
XLSX through :func:`innodrive.tabular.open_table`): a check never raises, it returns
located :class:`~innodrive.errors.Problem` s, so an import can name every bad row
(file, row, column, reason) and then write nothing. What is checked:

- the ID document (:mod:`.idnumbers`: GB 11643 check character, birth date, a number
  that Excel turned into a float);
- the birth date typed beside it, when the document carries one, must agree;
- the employer: an enterprise (统一社会信用代码 beginning with 9, registered by a
  市场监管 authority) must be in the enterprise directory — the talent links to it,
  never to a private copy of its name; an institution (a 事业单位, 高校, 医院 whose code
  begins with 1 or 5, or no code at all) is kept by name;
- the region (one resolver: :func:`innodrive.regions.try_resolve`), else the
  employer's region in the directory;
- the category and criterion against the 人才分类目录 in force on the day of
  recognition; honours that meet a *higher* category's criteria are pointed out;
- dates (arrival, recognition, departure) in order and not in the future; 全职/柔性;
  phone numbers and e-mail addresses of a plausible shape.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from innodrive.errors import InnodriveError, InputError, Problem
from innodrive.talent import idnumbers
from innodrive.talent.catalogue import (
    Suggestion,
    catalogue_for,
    normalise_category,
    normalise_employment,
    suggest,
)

# column headers of the import file: field → accepted headers (the first is the template's)
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "人才姓名"),
    "id_type": ("证件类型",),
    "id_number": ("证件号码", "身份证号", "身份证号码", "公民身份号码", "身份证件号码"),
    "birth_date": ("出生日期",),
    "phone": ("联系电话", "手机号码", "手机", "电话"),
    "email": ("电子邮箱", "邮箱", "电子邮件"),
    "employer_name": ("工作单位", "单位名称", "用人单位"),
    "employer_code": ("统一社会信用代码", "单位统一社会信用代码", "用人单位统一社会信用代码", "信用代码"),
    "region": ("所在地区", "工作地区", "地区", "所在区县"),
    "field": ("从事领域", "专业领域", "领域"),
    "titles": ("职称", "专业技术职称", "职业资格"),
    "honours": ("荣誉称号", "人才称号", "荣誉", "入选人才计划"),
    "education": ("学历学位", "学历", "学位"),
    "category": ("人才类别", "认定类别", "类别"),
    "criterion": ("认定依据", "认定条件编号", "认定条件"),
    "recognised_on": ("认定日期",),
    "arrival_date": ("到岗日期", "引进日期", "来本市工作日期"),
    "employment": ("引进方式", "全职或柔性", "全职/柔性"),
    "departure_date": ("离开日期", "离开本市日期"),
}
LABELS = {f: names[0] for f, names in HEADERS.items()}
REQUIRED = ("name", "id_number", "arrival_date", "employment")

_LIST_SPLIT = re.compile(r"[、,，;；/\n]+")
_MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(?:-\d{1,6})?")
_INTERNATIONAL = re.compile(r"\+\d{7,15}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


class TalentInput(BaseModel):
    """A record as typed: loose types, checked by :func:`check_talent`."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    id_type: str = ""
    id_number: object = ""
    birth_date: object = None
    phone: str | None = None
    email: str | None = None
    employer_name: str | None = None
    employer_code: str | None = None
    region: str | None = None
    field: str | None = None
    titles: list[str] | str = Field(default_factory=list)
    honours: list[str] | str = Field(default_factory=list)
    education: str | None = None
    category: str | None = None
    criterion: str | None = None
    recognised_on: object = None
    arrival_date: object = None
    employment: str | None = None
    departure_date: object = None


class CleanTalent(BaseModel):
    """A checked record, ready to encrypt and store."""

    name: str
    id_type: str
    id_number: str
    birth_date: dt.date
    phone: str | None = None
    email: str | None = None
    employer_code: str | None = None
    employer_name: str | None = None
    employer_kind: str | None = None  # enterprise | institution
    region_code: str
    field: str | None = None
    titles: list[str] = Field(default_factory=list)
    honours: list[str] = Field(default_factory=list)
    education: str | None = None
    category: str | None = None
    criterion: str | None = None
    catalogue_version: str | None = None
    recognised_on: dt.date | None = None
    arrival_date: dt.date
    employment: str
    departure_date: dt.date | None = None
    suggestion: Suggestion | None = None
    warnings: list[str] = Field(default_factory=list)


def split_list(value: list[str] | str | None) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else _LIST_SPLIT.split(str(value))
    out: list[str] = []
    for i in items:
        t = unicodedata.normalize("NFKC", str(i)).strip()
        if t and t not in out:
            out.append(t)
    return out


def _text(value: object) -> str | None:
    if value is None:
        return None
    t = unicodedata.normalize("NFKC", str(value)).strip()
    return t or None


def normalise_name(name: str) -> str:
    """The form a name is compared in (NFKC, no spaces, ``·`` unified): ``阿卜杜拉・艾 力`` → ``阿卜杜拉·艾力``."""
    t = unicodedata.normalize("NFKC", name).strip()
    t = re.sub(r"[\s\u3000]+", " " if t.isascii() else "", t)
    return t.replace("・", "·").replace("•", "·").replace("．", "·")


def name_key(name: str) -> str:
    """The form two names are compared in (keyed hashes, duplicates): normalised and case-folded."""
    return normalise_name(name).casefold()


def _phone_problem(text: str) -> str | None:
    compact = re.sub(r"[\s()（）]", "", text)
    if _MOBILE.fullmatch(compact) or _LANDLINE.fullmatch(compact) or _INTERNATIONAL.fullmatch(compact):
        return None
    return f"联系电话“{text}”格式不正确：应为11位手机号码、带区号的固定电话（如 0833-2123456）或以 + 开头的国际号码"


def _date(value: object, field: str, problems: list[Problem], loc: dict, *, today: dt.date,
          required: bool = False) -> dt.date | None:
    from innodrive.dates import parse_date

    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem(f"{LABELS[field]}为必填项", field=LABELS[field], **loc))
        return None
    try:
        day = parse_date(value, what=LABELS[field])
    except InputError as exc:
        problems.append(Problem(exc.message, field=LABELS[field], **loc))
        return None
    if day > today:
        problems.append(Problem(f"{LABELS[field]} {day.isoformat()} 晚于今天", field=LABELS[field], **loc))
        return None
    return day


def check_talent(item: TalentInput, *, directory: Mapping[str, object], today: dt.date | None = None,
                 row: int | None = None, file: str | None = None) -> tuple[CleanTalent | None, list[Problem]]:
    """The checked record, or ``None`` and every problem found (never raises).

    :param directory: enterprises of the directory by credit code (those the input names).
    """
    from innodrive.enterprises import credit_code as cc
    from innodrive.regions import try_resolve

    today = today or dt.date.today()
    loc = {"row": row, "file": file}
    problems: list[Problem] = []
    warnings: list[str] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(message, field=LABELS[field], **loc))

    name = normalise_name(item.name or "")
    if not name:
        bad("name", "姓名为必填项")
    elif len(name) > 60:
        bad("name", "姓名超过60个字符")

    kind = idnumbers.id_type(item.id_type)
    checked = None
    if kind is None:
        bad("id_type", f"证件类型“{item.id_type}”无法识别：应为{'、'.join(idnumbers.ID_TYPES)}之一")
    elif item.id_number is None or (isinstance(item.id_number, str) and not item.id_number.strip()):
        bad("id_number", "证件号码为必填项")
    else:
        checked, why = idnumbers.check(item.id_number, kind=kind, today=today)
        if why:
            bad("id_number", why)

    birth = None
    typed_birth = _date(item.birth_date, "birth_date", problems, loc, today=today)
    if checked is not None and checked.birth_date is not None:
        birth = checked.birth_date
        if typed_birth is not None and typed_birth != birth:
            bad("birth_date", f"出生日期 {typed_birth.isoformat()} 与证件号码中的出生日期不一致")
    elif checked is not None:
        if typed_birth is None:
            if not any(p.field == LABELS["birth_date"] for p in problems):
                bad("birth_date", f"{kind}号码不含出生日期，出生日期为必填项")
        elif (why := idnumbers.birth_problem(typed_birth, today=today)) is not None:
            bad("birth_date", why)
        else:
            birth = typed_birth

    phone = _text(item.phone)
    if phone and (why := _phone_problem(phone)):
        bad("phone", why)
    email = _text(item.email)
    if email and not _EMAIL.fullmatch(email):
        bad("email", f"电子邮箱“{email}”格式不正确")

    employer_code = _text(item.employer_code)
    employer_name = _text(item.employer_name)
    employer_kind = None
    employer_region = None
    if employer_code:
        employer_code = cc.normalise(employer_code)
        if (why := cc.problem(employer_code)) is not None:
            bad("employer_code", why)
        elif employer_code.startswith("9"):
            ent = directory.get(employer_code)
            if ent is None:
                bad("employer_code", f"企业名录中没有统一社会信用代码为 {employer_code} 的企业：请先在企业名录中登记该企业")
            else:
                employer_kind = "enterprise"
                employer_region = ent.region_code
                if employer_name and normalise_name(employer_name) != normalise_name(ent.name):
                    warnings.append(f"工作单位“{employer_name}”与企业名录中的名称“{ent.name}”不同，以企业名录为准")
                employer_name = ent.name
        else:
            employer_kind = "institution"
            if not employer_name:
                bad("employer_name", "工作单位不是企业名录中的企业时，须填写单位名称")
    elif employer_name:
        employer_kind = "institution"
    else:
        bad("employer_name", "工作单位和统一社会信用代码至少填写一项")

    region_code = None
    region_text = _text(item.region)
    if region_text:
        found, why = try_resolve(region_text)
        if found is None:
            bad("region", why or f"未知的地区“{region_text}”")
        else:
            region_code = found.code
            if found.note:
                warnings.append(found.note)
    elif employer_region:
        region_code = employer_region
    elif not any(p.field in (LABELS["employer_code"], LABELS["employer_name"]) for p in problems):
        bad("region", "所在地区为必填项（工作单位不在企业名录中，无法从名录得到地区）")

    employment = normalise_employment(item.employment)
    if not _text(item.employment):
        bad("employment", "引进方式为必填项（全职或柔性）")
    elif employment is None:
        bad("employment", f"引进方式“{item.employment}”应为 全职 或 柔性")

    arrival = _date(item.arrival_date, "arrival_date", problems, loc, today=today, required=True)
    departure = _date(item.departure_date, "departure_date", problems, loc, today=today)
    recognised = _date(item.recognised_on, "recognised_on", problems, loc, today=today)
    if arrival and departure and departure < arrival:
        bad("departure_date", f"离开日期 {departure.isoformat()} 早于到岗日期 {arrival.isoformat()}")
    if arrival and birth and idnumbers.age_on(birth, arrival) < idnumbers.MIN_AGE:
        bad("arrival_date", f"到岗日期 {arrival.isoformat()} 时此人未满 {idnumbers.MIN_AGE} 周岁，请核对到岗日期或证件号码")

    titles, honours = split_list(item.titles), split_list(item.honours)
    education = _text(item.education)
    category = normalise_category(item.category) if _text(item.category) else None
    criterion = _text(item.criterion)
    catalogue_version = None
    suggestion = None
    if category or criterion:
        on = recognised or arrival or today
        try:
            cat = catalogue_for(on)
        except InnodriveError as exc:  # no catalogue in force that day, or a broken catalogue file
            bad("category", exc.message)
            cat = None
        if cat is not None:
            catalogue_version = cat.version
            if not category:
                bad("category", "填写了认定依据时须填写人才类别")
            elif cat.category(category) is None:
                bad("category", f"人才类别“{item.category}”不在{cat.citation()}中：应为"
                                f"{'、'.join(c + '类' for c in cat.codes())}之一")
            elif criterion:
                found_cr = cat.criterion(criterion)
                if found_cr is None:
                    bad("criterion", f"认定依据“{criterion}”不是{cat.citation()}中的条件编号")
                elif found_cr[0].code != category:
                    bad("criterion", f"认定依据 {found_cr[1].id}（{found_cr[1].text}）属于{found_cr[0].label}，"
                                     f"与人才类别 {category}类 不符")
                else:
                    criterion = found_cr[1].id
            if cat.category(category or "") is not None:
                suggestion = suggest(cat, honours=honours, titles=titles, education=education)
                if suggestion and cat.rank(suggestion.category) < cat.rank(category):
                    warnings.append(f"“{suggestion.matched}”符合{suggestion.category}类认定条件 {suggestion.criterion}"
                                    f"（{suggestion.text}），登记类别为 {category}类，请核对")
        if category and recognised is None:
            recognised = arrival

    if problems:
        return None, problems
    assert checked is not None and birth is not None and arrival is not None and employment is not None
    assert region_code is not None
    return CleanTalent(name=name, id_type=checked.id_type, id_number=checked.number, birth_date=birth, phone=phone,
                       email=email, employer_code=employer_code, employer_name=employer_name,
                       employer_kind=employer_kind, region_code=region_code, field=_text(item.field), titles=titles,
                       honours=honours, education=education, category=category, criterion=criterion,
                       catalogue_version=catalogue_version, recognised_on=recognised if category else None,
                       arrival_date=arrival, employment=employment, departure_date=departure,
                       suggestion=suggestion, warnings=warnings), []


__all__ = ["HEADERS", "LABELS", "REQUIRED", "CleanTalent", "TalentInput", "check_talent", "name_key", "normalise_name",
           "split_list"]
