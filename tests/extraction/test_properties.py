"""Property-based checks: nothing crashes, every span lies inside the original text."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innodrive.documents import read_document
from innodrive.errors import UnreadableDocument
from innodrive.extraction import extract
from innodrive.extraction.models import ExtractedPlan

from .conftest import EXAMPLES

FRAGMENTS = [
    "一、", "（一）", "(二)", "1.", "2、", "（1）", "一要", "二是", "第一条 ", "第二章 ", "——", "到2025年，", "2023年,",
    "力争", "确保", "全市", "高新技术企业", "研发经费投入强度", "达到", "超过", "突破", "不低于", "以上", "以内", "左右",
    "500家", "1.54件", "45亿元", "2.5%", "0.2个百分点", "倍增", "较“十三五”末", "翻一番", "年均增长15%", "、", "，",
    "。", "；", "：", "\n", "\n\n", "“5553”行动计划", "“一中心两基地三区”", "三个千亿产业集群", "其中", "分别",
    "(下转第3版)", "扫一扫", "創新發展", "高(gāo)", "  ", "\t", "２０２５", "**", "序号\t指标\t2020年\t2025年\n",
    "研发投入强度\t1.5\t2.5\n", "发展基础", "同比增长", "截至2020年底", "建成", "全面消除",
]

text_strategy = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="创新企业发展科技年月日家个项%.,、0123456789一二三", max_size=12)),
    max_size=60,
).map("".join)


def check_plan(plan: ExtractedPlan, original: str) -> None:
    n = len(original)
    for t in plan.targets:
        a, b = t.evidence.span
        assert 0 <= a <= b <= n
        assert t.indicator
    for o in plan.outline:
        a, b = o.span
        assert 0 <= a <= b <= n
        if o.body_span:
            assert 0 <= o.body_span[0] <= o.body_span[1] <= n
    for p in plan.programmes:
        a, b = p.evidence.span
        assert 0 <= a <= b <= n
    plan.to_contract()  # always serialisable


def run(data: bytes):
    try:
        doc = read_document(data, "fuzz.txt")
    except UnreadableDocument:
        return
    check_plan(extract(doc), doc.original)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_strategy)
def test_random_policy_like_text(text):
    run(text.encode("utf-8"))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_are_read_or_refused(data):
    run(data)


SEEDS = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(SEEDS) - 1), st.integers(min_value=0, max_value=2**32 - 1),
       st.integers(min_value=1, max_value=25))
def test_mutated_seed_documents(which, seed, n_mutations):
    rng = random.Random(seed)
    text = SEEDS[which]
    for _ in range(n_mutations):
        op = rng.choice(("delete", "duplicate", "insert", "swap", "truncate"))
        i = rng.randrange(len(text) + 1)
        j = min(len(text), i + rng.randrange(1, 400))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "insert":
            text = text[:i] + rng.choice(FRAGMENTS) + text[i:]
        elif op == "swap":
            lines = text.split("\n")
            rng.shuffle(lines)
            text = "\n".join(lines)
        elif op == "truncate":
            text = text[:j]
    for encoding in ("utf-8", "gb18030"):
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        run(data)


def test_adversarial_inputs_finish(tmp_path):
    """Inputs shaped to make backtracking regexes or quadratic loops blow up."""
    import subprocess
    import sys

    cases = {
        "long_line.txt": "创新发展" * 200_000,                          # 800k chars, no punctuation
        "digits.txt": "1" * 300_000 + "家",
        "list.txt": "、".join(["高新技术企业"] * 30_000) + "数量较“十三五”末实现倍增。",
        "quotes.txt": "“" * 100_000 + "5553”行动计划",
        "headings.txt": "\n".join(f"{i}.标题{i}" for i in range(1, 50_000)),
        "repeats.txt": ("全会提出，培育建强各类创新主体，全面提升科技创新能力，到2025年达到500家。\n" * 20_000),
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    code = (
        "import sys; from innodrive.extraction import extract_path\n"
        "for p in sys.argv[1:]: extract_path(p)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, *map(str, sorted(tmp_path.iterdir()))],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
