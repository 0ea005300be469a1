"""ID documents (GB 11643), masking and encryption: the pure guards of personal data."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.talent import crypto, idnumbers, masking

from .helpers import KEY, OTHER_KEY, ident, wrong_check

TODAY = dt.date(2024, 6, 30)


def test_the_standards_worked_example_passes_and_its_check_character_is_computed():
    # GB 11643-1999's own example number and another from its appendix
    assert idnumbers.check_char("11010519491231002") == "X"
    assert idnumbers.check_char("44052418800101001") == "4"
    checked, problem = idnumbers.check("11010519491231002x", today=TODAY)
    assert problem is None and checked.number == "11010519491231002X"
    assert checked.birth_date == dt.date(1949, 12, 31)


@pytest.mark.parametrize("number", [ident("19800101"), ident("19910229".replace("0229", "0228"), seq="457"),
                                    ident("20000229", area="510104", seq="010")])
def test_every_wrong_check_character_is_refused_with_the_expected_one(number):
    assert idnumbers.check(number, today=TODAY)[1] is None
    for c in "0123456789X":
        if c == number[-1]:
            continue
        _, problem = idnumbers.check(number[:-1] + c, today=TODAY)
        assert problem == (f"身份证号校验位错误：按 GB 11643 第18位应为 {number[-1]}，实际为 {c}（请核对号码是否录错）")


def test_a_single_mistyped_digit_is_always_caught():
    number = ident("19850612", seq="318")
    for i in range(17):
        for d in "0123456789":
            if d == number[i]:
                continue
            typo = number[:i] + d + number[i + 1:]
            checked, problem = idnumbers.check(typo, today=TODAY)
            assert checked is None, typo


@pytest.mark.parametrize("number, message", [
    ("", "证件号码为空"),
    ("51110219800101123", "身份证号应为18位，实际为17位"),
    ("511102800101123", "15位的第一代身份证号码已停止使用"),
    ("5111021980010112A4", "前17位应为数字"),
    ("991102198001011234", "前两位“99”不是有效的省级行政区划代码"),
    (ident("19800230")[:-1] + "0", "第7至14位“19800230”不是有效的出生日期"),
    (ident("20250101"), "晚于今天"),
    (ident("18990101"), "早于 1900 年"),
    (ident("20100101"), "未满 16 周岁"),
])
def test_shape_birth_date_and_region_problems_are_named(number, message):
    checked, problem = idnumbers.check(number, today=TODAY)
    assert checked is None and message in problem


def test_a_number_that_excel_turned_into_a_float_is_refused_with_the_reason():
    checked, problem = idnumbers.check(5.11102198001011e17, today=TODAY)
    assert checked is None and "Excel" in problem and "文本" in problem


def test_other_documents_residence_permits_passports_and_permits():
    hk = "810000" + "19800101" + "123"
    assert idnumbers.check(hk + idnumbers.check_char(hk), kind=idnumbers.HMT_RESIDENCE, today=TODAY)[1] is None
    assert "810000" in idnumbers.check(ident("19800101"), kind=idnumbers.HMT_RESIDENCE, today=TODAY)[1]
    pr = "951840" + "19750505" + "001"
    checked, problem = idnumbers.check(pr + idnumbers.check_char(pr), kind=idnumbers.FOREIGN_PR, today=TODAY)
    assert problem is None and checked.birth_date == dt.date(1975, 5, 5)
    assert idnumbers.check("E12345678", kind=idnumbers.PASSPORT, today=TODAY)[0].birth_date is None
    assert "H 或 M" in idnumbers.check("X1234567", kind=idnumbers.HK_MACAO_PERMIT, today=TODAY)[1]
    assert idnumbers.id_type("") == idnumbers.RESIDENT and idnumbers.id_type("台胞证") == idnumbers.TAIWAN_PERMIT
    assert idnumbers.id_type("驾驶证") is None


def test_age_in_full_years_and_the_29_february_birthday():
    born = dt.date(1984, 6, 30)
    assert idnumbers.age_on(born, dt.date(2024, 6, 29)) == 39
    assert idnumbers.age_on(born, dt.date(2024, 6, 30)) == 40
    leap = dt.date(2000, 2, 29)
    assert idnumbers.age_on(leap, dt.date(2041, 2, 28)) == 40
    assert idnumbers.age_on(leap, dt.date(2041, 3, 1)) == 41


def test_masking_keeps_enough_to_recognise_and_no_more():
    assert masking.name("张三") == "张*" and masking.name("张三丰") == "张*丰" and masking.name("欧阳明月") == "欧**月"
    assert masking.name("John Smith") == "J*** S****"
    assert masking.id_number("51110219800101123X") == "511***********123X"
    assert masking.phone("13812345678") == "138****5678"
    assert masking.phone("0833-2123456") == "********3456"
    assert masking.email("zhangsan@example.com") == "z***@example.com"
    assert masking.birth_date(dt.date(1984, 6, 30)) == "1980年代"


def test_encryption_round_trip_binds_the_field_and_names_the_key(monkeypatch):
    monkeypatch.setenv("INNODRIVE_TALENT_KEY", KEY)
    token = crypto.encrypt("511102198001011234", "id_number")
    assert "511102198001011234" not in token and token.startswith("v1.")
    assert crypto.decrypt(token, "id_number") == "511102198001011234"
    assert crypto.encrypt("511102198001011234", "id_number") != token  # a fresh nonce each time
    with pytest.raises(crypto.KeyProblem, match="完整性校验"):
        crypto.decrypt(token, "phone")  # a ciphertext moved to another column
    old_kid = crypto.keyring().kid
    monkeypatch.setenv("INNODRIVE_TALENT_KEY", OTHER_KEY)
    with pytest.raises(crypto.KeyProblem, match=f"另一把密钥加密（密钥指纹 {old_kid}）"):
        crypto.decrypt(token, "id_number")
    monkeypatch.setenv("INNODRIVE_TALENT_OLD_KEYS", KEY)
    assert crypto.decrypt(token, "id_number") == "511102198001011234"  # during a rotation


def test_keyed_hashes_are_stable_per_key_and_differ_between_keys(monkeypatch):
    monkeypatch.setenv("INNODRIVE_TALENT_KEY", KEY)
    a = crypto.digest("511102198001011234", "id")
    assert a == crypto.digest("511102198001011234", "id") and a != crypto.digest("511102198001011234", "name")
    monkeypatch.setenv("INNODRIVE_TALENT_KEY", OTHER_KEY)
    assert crypto.digest("511102198001011234", "id") != a


@pytest.mark.parametrize("value, message", [
    ("", "未配置人才个人信息加密密钥（环境变量 INNODRIVE_TALENT_KEY）"),
    ("not base64!!", "不是有效的 Base64"),
    ("c2hvcnQ=", "解码后为 5 字节，应为32字节"),
])
def test_a_missing_or_malformed_key_gets_a_clear_message(monkeypatch, value, message):
    monkeypatch.setenv("INNODRIVE_TALENT_KEY", value)
    with pytest.raises(crypto.KeyProblem, match=message.replace("(", r"\(").replace(")", r"\)")):
        crypto.encrypt("x", "name")


def test_a_generated_key_is_usable():
    assert len(crypto._parse(crypto.generate_key(), setting="x")) == 32


def test_wrong_check_helper_really_breaks_the_number():
    n = ident("19800101")
    assert idnumbers.check(wrong_check(n), today=TODAY)[1] is not None
