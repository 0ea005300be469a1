"""SYNTHETIC technology-market data for the benchmark: results (成果) and demands (需求).

Every record is invented by a seeded random generator from a small constructed
vocabulary (field terms, general technical terms and random two-morpheme compounds for
a long tail); none of it describes a real result, holder or enterprise. Word choice
follows a Zipf-like distribution so that common terms are common, as in real registries.
"""

from __future__ import annotations

import numpy as np

FIELDS: dict[str, list[str]] = {
    "38": ["锂电池", "正极材料", "负极材料", "电解液", "隔膜", "储能", "电池管理系统", "快充", "固态电池", "磷酸铁锂", "三元材料", "热失控", "循环寿命", "电芯", "极片", "涂布", "化成", "梯次利用", "回收", "钠离子电池", "电堆", "逆变器", "电机", "充电桩", "光伏组件", "多晶硅", "单晶硅", "切片"],
    "39": ["芯片", "传感器", "集成电路", "光纤", "激光器", "显示面板", "封装", "射频", "天线", "半导体", "晶圆", "光电探测器", "印制电路板", "功率器件", "光模块", "图像传感器", "红外", "微波", "滤波器", "存储器", "驱动电路", "柔性电子", "量子点", "发光二极管"],
    "27": ["中药", "提取物", "原料药", "制剂", "缓释", "靶向", "抗体", "疫苗", "诊断试剂", "细胞培养", "发酵", "生物标志物", "药物筛选", "质量标准", "川芎", "天麻", "黄连", "有效成分", "药效", "毒理", "临床前", "递送", "微球", "纳米颗粒"],
    "15": ["白酒", "酿造", "窖池", "曲药", "发酵", "勾兑", "基酒", "风味物质", "茶叶", "饮料", "浓香型", "固态发酵", "酒糟", "蒸馏", "老熟", "品质", "微生物", "菌群", "酯化", "酒体", "包装", "杀菌", "保鲜", "调味"],
    "26": ["催化剂", "合成", "聚合物", "树脂", "涂料", "助剂", "氟化工", "磷化工", "硅材料", "精馏", "萃取", "结晶", "反应器", "分离", "纯化", "表面活性剂", "有机硅", "氟橡胶", "电子化学品", "废水", "副产物", "收率", "选择性"],
    "34": ["数控机床", "减速器", "轴承", "液压", "齿轮", "刀具", "机器人", "夹具", "主轴", "伺服", "焊接", "铸造", "锻造", "热处理", "磨削", "装配", "振动", "噪声", "密封", "泵", "阀门", "压缩机", "风机", "传动"],
    "35": ["农机", "收获机", "播种", "矿山设备", "掘进", "输送机", "破碎", "筛分", "环保设备", "除尘", "脱硫", "医疗器械", "检测设备", "包装机械", "印刷", "纺织机械", "食品机械", "分拣", "智能装备", "自动化产线"],
    "65": ["软件", "平台", "大数据", "人工智能", "算法", "模型", "云计算", "物联网", "区块链", "数据库", "图像识别", "语音识别", "数字孪生", "工业互联网", "边缘计算", "知识图谱", "推荐", "调度", "可视化", "信息安全", "网络安全"],
    "01": ["育种", "品种", "栽培", "种植", "病虫害", "土壤", "施肥", "灌溉", "水稻", "油菜", "茶园", "柑橘", "猕猴桃", "生猪", "养殖", "饲料", "兽药", "疫病", "水产", "大棚", "设施农业", "节水", "农产品", "采后"],
    "77": ["污水处理", "污泥", "固废", "危废", "土壤修复", "重金属", "大气治理", "挥发性有机物", "生态修复", "水体", "膜分离", "吸附", "降解", "资源化", "尾矿", "碳捕集", "减排", "监测", "噪声治理"],
    "32": ["稀土", "钒钛", "铝合金", "镁合金", "钛合金", "冶炼", "压延", "粉末冶金", "靶材", "高纯", "提纯", "电解", "铸锭", "轧制", "挤压", "表面处理", "耐腐蚀", "高温合金", "钨", "钼"],
    "30": ["陶瓷", "玻璃", "水泥", "耐火材料", "石墨", "碳纤维", "复合材料", "玄武岩纤维", "建材", "保温", "混凝土", "烧结", "釉料", "多孔材料", "石英", "碳化硅", "氮化硅"],
}
GENERAL = ["方法", "系统", "装置", "工艺", "技术", "设备", "检测", "控制", "优化", "智能", "高效", "低成本", "绿色", "节能", "在线", "自动", "精密", "集成", "模块", "结构", "性能", "稳定性", "可靠性", "寿命", "精度", "效率", "产业化", "中试", "示范", "应用", "改进", "新型", "制备", "加工", "设计", "测试", "评价", "分析", "监控", "管理", "数据", "工程", "材料", "产品", "生产线", "规模化", "标准", "质量"]
MORPHEMES = list("光电热磁声流固液气氢氧氮碳硅铁铜铝锌锡镍钴锰钛钒镁钙钾钠锂硼磷硫氟氯溴碘金银铂钯纳微超高低强弱快慢"
                 "新旧轻重薄厚软硬干湿冷暖动静稳变控测量算析合分聚散晶膜纤粒粉浆胶漆剂酶菌苗种肥药茶酒")
TITLE_FORMS = ("一种{a}{b}的{c}{g}", "基于{a}的{b}{g}", "{a}{b}{c}关键技术", "{a}用{b}及其{g}",
               "高性能{a}{b}{g}", "{a}与{b}协同{c}技术", "面向{a}的{b}{c}{g}")
ABSTRACT_FORMS = ("本成果针对{a}{b}过程中{c}不足的问题，研发了{d}{e}{g}，", "通过{a}和{b}的{c}，实现了{d}{e}，",
                  "该技术采用{a}{b}，{c}提高{n}%，{d}降低{m}%，", "已在{a}{b}领域完成{c}，形成{d}{e}，",
                  "可广泛应用于{a}、{b}和{c}等场景，", "解决了{a}{b}{c}难题，具备{d}{e}条件。")
DEMAND_FORMS = ("我公司在{a}{b}环节存在{c}问题，", "希望引进{a}{b}技术，提升{c}{d}，", "现有{a}{b}的{c}偏低，",
                "需要解决{a}与{b}的{c}难题，", "寻求{a}{b}方面的合作开发，")


class Vocab:
    """Draws terms in bulk (a per-term random call would make generation the slow part)."""

    BLOCK = 1 << 20

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.fields = list(FIELDS)
        tail = {"".join(rng.choice(MORPHEMES, 3)) for _ in range(40_000)}
        self.tail = sorted(tail)
        self._refill()

    def _refill(self) -> None:
        r, k = self.rng, self.BLOCK
        self._u = r.random(k)
        self._rank = r.zipf(1.3, k) - 1
        self._other = r.integers(len(self.fields), size=k)
        self._tail = r.integers(len(self.tail), size=k)
        self._i = 0

    def terms(self, field: str, k: int) -> list[str]:
        if self._i + k > self.BLOCK:
            self._refill()
        out = []
        for j in range(self._i, self._i + k):
            u, rank = self._u[j], self._rank[j]
            if u < 0.55:
                items = FIELDS[field]
            elif u < 0.8:
                items = GENERAL
            elif u < 0.9:
                items = FIELDS[self.fields[self._other[j]]]
            else:
                out.append(self.tail[self._tail[j]])
                continue
            out.append(items[min(rank, len(items) - 1)])
        self._i += k
        return out


def _fill(form: str, terms: list[str], rng: np.random.Generator) -> str:
    it = iter(terms)
    names = {k: next(it) for k in "abcdeg" if "{" + k + "}" in form}
    return form.format(**names, n=5 + len(names["a"]) * 7, m=5 + len(names["b"]) * 3)


def results(n: int, seed: int = 13) -> list[dict]:
    """``n`` SYNTHETIC results: title, keywords, abstract, field, TRL, price, region."""
    rng = np.random.default_rng(seed)
    v = Vocab(rng)
    regions = ["510100", "510300", "510700", "511100", "511500", "511800", "500106", "513300", "440300"]
    field = rng.integers(len(v.fields), size=n)
    form = rng.integers(len(TITLE_FORMS), size=n)
    order = np.argsort(rng.random((n, len(ABSTRACT_FORMS))), axis=1)[:, :4]
    trl = rng.integers(3, 10, size=n)
    price = rng.choice([20, 50, 80, 150, 300, 800], size=n)
    region = rng.integers(len(regions), size=n)
    out = []
    for i in range(n):
        f = v.fields[field[i]]
        title = _fill(TITLE_FORMS[form[i]], v.terms(f, 6), rng)
        kws = sorted(set(v.terms(f, 4)))
        abstract = "".join(_fill(ABSTRACT_FORMS[j], v.terms(f, 6), rng) for j in order[i])
        out.append({"id": i + 1, "title": title, "keywords": kws, "abstract": abstract, "industry": f,
                    "trl": int(trl[i]), "price": float(price[i]), "region": regions[region[i]]})
    return out


def demands(n: int, seed: int = 31) -> list[dict]:
    """``n`` SYNTHETIC demands: title, problem, field, budget, minimum TRL, region."""
    rng = np.random.default_rng(seed)
    v = Vocab(rng)
    regions = ["511100", "511102", "511500", "510700", "510300", "500106"]
    field = rng.integers(len(v.fields), size=n)
    order = np.argsort(rng.random((n, len(DEMAND_FORMS))), axis=1)[:, :3]
    trl_min = rng.choice([0, 4, 6, 7], size=n)
    budget = rng.choice([30, 100, 200, 500], size=n)
    region = rng.integers(len(regions), size=n)
    out = []
    for i in range(n):
        f = v.fields[field[i]]
        t = v.terms(f, 3)
        problem = "".join(_fill(DEMAND_FORMS[j], v.terms(f, 4), rng) for j in order[i])
        out.append({"id": i + 1, "title": f"{t[0]}{t[1]}{t[2]}技术需求", "problem": problem, "industry": f,
                    "trl_min": int(trl_min[i]) or None, "budget": float(budget[i]), "region": regions[region[i]]})
    return out
