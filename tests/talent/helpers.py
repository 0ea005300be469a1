"""Constructed people for the talent tests: valid ID numbers built with the GB 11643
check character, an enterprise built with the GB 32100 check character. No real person."""

from __future__ import annotations

from innodrive.enterprises.credit_code import check_char as credit_check
from innodrive.services.actor import Actor, Role
from innodrive.talent.idnumbers import check_char
from innodrive.talent.records import TalentInput

LESHAN, SHIZHONG, EMEI, YIBIN = "511100", "511102", "511181", "511500"
KEY = "q0H8WwA1m8m6Zx5QvQH0z0uJ3Yx1sN2f7kq9dV4cT1E="  # test key (32 bytes), never used outside tests
OTHER_KEY = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGw="

OFFICE = Actor(username="rencaiban", name="人才办", role=Role.OFFICE, region_code=LESHAN, via="web")
COUNTY = Actor(username="shizhong", role=Role.COUNTY, region_code=SHIZHONG, via="web")
HOUSING = Actor(username="zhujian", role=Role.UNIT, region_code=LESHAN, unit="市住建局", via="web")
SCHOOL = Actor(username="jiaoyu", role=Role.UNIT, region_code=LESHAN, unit="市教育局", via="web")
EVALUATOR = Actor(username="pinggu", role=Role.EVALUATOR, region_code=LESHAN, via="web")


def ident(birth: str, *, area: str = "511102", seq: str = "123") -> str:
    """A valid 18-digit 公民身份号码 for ``birth`` (YYYYMMDD)."""
    first17 = area + birth + seq
    return first17 + check_char(first17)


def wrong_check(number: str) -> str:
    """The same number with a wrong check character."""
    good = number[-1]
    return number[:-1] + ("0" if good != "0" else "1")


def credit(body: str) -> str:
    first17 = ("91" + body).ljust(17, "0")[:17]
    return first17 + credit_check(first17)


FIRM = credit("5111020001")


def person(name: str = "王示例", *, birth: str = "19800101", seq: str = "123", category: str | None = "B",
           employment: str = "全职", arrival: str = "2021-03-01", **more) -> TalentInput:
    fields = {"name": name, "id_number": ident(birth, seq=seq), "employer_code": FIRM, "category": category,
              "employment": employment, "arrival_date": arrival, "phone": "13800000000"}
    fields.update(more)
    return TalentInput(**{k: v for k, v in fields.items() if v is not None})
