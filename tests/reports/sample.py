"""A sample document for the documents layer's tests: a template as the office would
write it and data as a writer would pass it (constructed numbers, labelled so)."""

from __future__ import annotations

from innodrive.reports import Column, Table, chart_figure, render_document
from innodrive.reports.charts import BarChart, Series
from innodrive.reports.template import parse_template

TEMPLATE = {
    "kind": "sample",
    "name": "示例通报",
    "variables": {"issuer": "{{ city }}创新驱动发展领导小组办公室", "short": "{{ city_short }}创新办"},
    "header": {
        "issuer_mark": "{{ issuer }}",
        "doc_number": "{{ short }}〔{{ doc_year }}〕{{ serial }}号",
        "title": "关于{{ year }}年度创新驱动发展考核结果的通报",
        "recipients": "各县（市、区）人民政府，市级有关部门：",
        "signature": "{{ issuer }}",
        "date": "{{ issued_on }}",
        "cc": "市委办公室，市人大常委会办公室，市政府办公室。",
        "printed_by": "{{ issuer }}",
    },
    "attachments": ["{{ year }}年度考核得分明细表"],
    "body": [
        {"text": "根据《{{ city }}创新驱动发展考核办法》，现将{{ year }}年度考核结果通报如下。"},
        {"heading": "总体情况"},
        {"text": "本年度共考核{{ units | length }}个单位，平均得分{{ mean | num(2) }}分，"
                 "最高{{ best.name }}{{ best.score | num(2) }}分。"},
        {"heading": "考核结果"},
        {"for": "g in groups", "blocks": [{"heading": "{{ g.name }}", "level": 2}, {"table": "t-{{ g.key }}"}]},
        {"chart": "scores"},
        {"heading": "申诉处理情况", "when": "appeals"},
        {"text": "共受理申诉{{ appeals | length }}件。", "when": "appeals"},
        {"heading": "工作要求"},
        {"text": "各单位要对照考核结果，认真查找差距。\n要加强统计数据质量管理。"},
    ],
}

UNITS = ["市中区", "五通桥区", "沙湾区", "金口河区", "犍为县", "井研县", "夹江县", "沐川县", "峨边彝族自治县",
         "马边彝族自治县", "峨眉山市"]
SCORES = [92.5, 88.25, 80.0, 71.5, 86.0, 79.75, 90.5, 65.0, 58.25, 61.0, 94.0]
NOTE = "构造数据：仅用于测试，不是任何地方的考核结果"


def grade(s: float) -> str:
    return "优秀" if s >= 90 else "良好" if s >= 80 else "一般" if s >= 60 else "较差"


def sample_document(scores: list[float] | None = None, *, appeals: list | None = None, extra_rows: int = 0):
    scores = list(SCORES if scores is None else scores)
    ranked = sorted(zip(UNITS, scores, strict=True), key=lambda x: -x[1])
    rows = tuple((i + 1, u, s, grade(s), "获批国家级创新平台（+2）；重点任务逾期一项（−1）")
                 for i, (u, s) in enumerate(ranked))
    rows += tuple((len(rows) + k + 1, f"部门{k + 1}", 70.0 + k / 10, "一般", "无") for k in range(extra_rows))
    cols = (Column(header="排名", weight=0.6), Column(header="单位", weight=2, align="left"),
            Column(header="得分", weight=1, align="right", decimals=2), Column(header="等次", weight=0.8),
            Column(header="加分和扣分事项", weight=4, align="left"))
    tables = {"t-county": Table(caption="表1 县（市、区）考核结果", columns=cols, rows=rows,
                                notes=("注：得分保留两位小数。",)),
              "t-dept": Table(caption="表2 市级部门考核结果", columns=cols, rows=rows[:4])}
    chart = BarChart(title="县（市、区）考核得分", categories=tuple(r[1] for r in rows[:11]),
                     series=(Series(name="得分", values=tuple(r[2] for r in rows[:11])),), unit="分")
    context = {"city": "乐山市", "city_short": "乐山", "year": 2024, "doc_year": 2025, "serial": 3,
               "issued_on": "2025-03-10", "units": UNITS, "mean": sum(scores) / len(scores),
               "best": {"name": ranked[0][0], "score": ranked[0][1]}, "appeals": appeals or [],
               "groups": [{"name": "县（市、区）", "key": "county"}, {"name": "市级部门", "key": "dept"}]}
    return render_document(parse_template(TEMPLATE, source="sample"), context, tables=tables,
                           charts={"scores": chart_figure(chart)}, data_note=NOTE)
