"""``innodrive talent …``: the talent one-stop service from the command line.

Thin commands over :mod:`innodrive.services.talent`: parse, call one service, print
with Rich. The operator is ``--by`` / ``INNODRIVE_USER`` (a registered account acts
with its role; otherwise the local operator). Personal data is shown masked unless a
command says ``--personal`` and gives a ``--purpose``; such views are audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import err, escape, out, warn
from innodrive.errors import InputError

talent_app = typer.Typer(help="人才“一站式”服务：人才库、英才卡、服务申请、办理考核与人才统计。", no_args_is_help=True,
                         rich_markup_mode="rich")
card_app = typer.Typer(help="英才卡：资格判定、发放、续期、注销、清单。", no_args_is_help=True, rich_markup_mode="rich")
request_app = typer.Typer(help="人才服务申请：受理、交办、答复、转办、撤回、满意度。", no_args_is_help=True,
                          rich_markup_mode="rich")
app.add_typer(talent_app, name="talent")
talent_app.add_typer(card_app, name="card")
talent_app.add_typer(request_app, name="request")

BY = "操作人（记入审计日志；为已注册账号时按该账号的角色和辖区办理）"
EMPLOYMENT_HELP = "全职 或 柔性"


@contextmanager
def _service(by: str | None) -> Iterator[tuple[object, object]]:
    from innodrive.services.identity import cli_actor
    from innodrive.store import open_store

    store = open_store()
    try:
        yield store, cli_actor(store, by)
    finally:
        store.close()


def _date(text: str | None, what: str) -> dt.date | None:
    from innodrive.dates import parse_date

    return parse_date(text, field=what, what=what) if text else None


def _years(text: str) -> list[int]:
    from innodrive.talent.counts import parse_years

    return parse_years(text, field="--years")


def _table(title: str, columns: list[str]):
    from rich.table import Table

    t = Table(title=title)
    for c in columns:
        t.add_column(c, overflow="fold")
    return t


def _s(value) -> str:
    return "" if value is None else escape(str(value))


# ====================================================================== keys and rules


@talent_app.command("keygen")
def keygen_command() -> None:
    """生成一把新的人才个人信息加密密钥（32字节随机数的 Base64 编码）。

    把它设为服务器环境变量 INNODRIVE_TALENT_KEY，并另行妥善备份：密钥丢失，已加密的个人信息将无法恢复；
    密钥不得写入数据库、代码库或共享文件夹。

    示例：innodrive talent keygen
    """
    from innodrive.talent.crypto import generate_key

    out.print(generate_key())
    err.print("请把上面的密钥设为 INNODRIVE_TALENT_KEY（如写入服务的环境配置文件，权限仅限运行账号），并离线备份。")


@talent_app.command("rekey")
def rekey_command(by: str | None = typer.Option(None, "--by", help=BY)) -> None:
    """更换密钥后，用新密钥（INNODRIVE_TALENT_KEY）重新加密全部个人信息；旧密钥放在 INNODRIVE_TALENT_OLD_KEYS。

    示例：INNODRIVE_TALENT_KEY=<新密钥> INNODRIVE_TALENT_OLD_KEYS=<旧密钥> innodrive talent rekey
    """
    from innodrive.services.talent import rekey_personal_data

    with _service(by) as (store, actor):
        r = rekey_personal_data(store, actor)
    out.print(f"已用新密钥（指纹 {r.key_id}）重新加密：人才 {r.people} 人，服务申请 {r.requests} 件。"
              "现在可以删除 INNODRIVE_TALENT_OLD_KEYS。")


@talent_app.command("rules")
def rules_command(on: str | None = typer.Option(None, "--on", help="该日生效的规则（默认今天）")) -> None:
    """查看生效的人才分类目录、英才卡发放规则和服务事项（承办单位、办理时限）。

    示例：innodrive talent rules --on 2024-06-30
    """
    from innodrive.services.actor import Actor
    from innodrive.services.talent import current_rules

    r = current_rules(None, Actor.local_operator("cli"), on=_date(on, "--on"))
    cat, rules = r.catalogue, r.cards
    out.print(f"[bold]{escape(cat.citation())}[/bold]（{cat.effective_from} 起）")
    for s in cat.source:
        out.print(f"  依据：{escape(s)}")
    t = _table("人才类别", ["类别", "名称", "认定条件"])
    for c in cat.categories:
        t.add_row(c.code + "类", escape(c.name), escape("；".join(f"{cr.id} {cr.text}" for cr in c.criteria)))
    out.print(t)
    out.print(f"[bold]{escape(rules.citation())}[/bold]")
    t = _table("英才卡发放规则（按顺序，第一条全部满足的规则决定卡别）", ["规则", "条件", "卡别", "条款"])
    for rule in rules.issue_rules:
        t.add_row(rule.id, escape(rule.label), escape(rules.card_name(rule.card)), _s(rule.article))
    out.print(t)
    t = _table("服务事项", ["事项", "名称", "可申请的卡别", "承办单位", "办理时限", "条款"])
    for s in rules.services:
        t.add_row(s.id, escape(s.name), escape("、".join(rules.card_name(c) for c in s.cards)), escape(s.unit),
                  s.time_limit.label, _s(s.article))
    out.print(t)
    out.print("逾期督办：" + "；".join(f"{e.level}级 {e.name}（逾期超过{e.after.label}，报{e.to}）" for e in rules.escalation))
    for note in r.calendar_notes:
        warn(escape(note))


# ====================================================================== registry


@talent_app.command("template")
def template_command(out_path: Path = typer.Option(Path("人才登记表模板.xlsx"), "--out", "-o", help="输出 .xlsx 文件")) -> None:
    """生成人才登记表模板（中文表头、填写说明、下拉选项；证件号码列为文本格式）。

    示例：innodrive talent template --out 人才登记表.xlsx
    """
    from innodrive.talent import idnumbers
    from innodrive.talent.catalogue import catalogue_for
    from innodrive.talent.export import write_template

    path = write_template(out_path, categories=catalogue_for(dt.date.today()).codes(), id_types=idnumbers.ID_TYPES)
    out.print(f"已生成模板：{escape(str(path))}")


@talent_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="人才登记表（.xlsx 或 .csv，表头同模板）"),
    sheet: str | None = typer.Option(None, "--sheet", help="工作表名称（默认第一个）"),
    on_duplicate: str = typer.Option("error", "--on-duplicate",
                                     help="证件号码已登记时：error 报错（默认）、skip 跳过、update 用表中信息更新"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只校验和预览，不写入"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """批量导入人才登记表：逐行校验（证件号码校验位、出生日期、企业名录、地区、人才类别），有任何问题则全部不导入。

    示例：innodrive talent import 人才登记表.xlsx --dry-run
          innodrive talent import 人才登记表.xlsx --on-duplicate update
    """
    from rich.progress import BarColumn, Progress, TextColumn

    from innodrive.services.talent import import_talents

    with _service(by) as (store, actor), Progress(TextColumn("{task.description}"), BarColumn(), console=err,
                                                   transient=True) as bar:
        task = bar.add_task("导入", total=None)

        def step(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total or None)

        r = import_talents(store, actor, file, sheet=sheet, on_duplicate=on_duplicate, dry_run=dry_run,
                           progress=step)
    head = "预览（未写入）" if r.dry_run else "已导入"
    out.print(f"{head}：{escape(r.file)} 共 {r.rows} 行，新增 {r.added} 人，更新 {r.updated} 人，未变 {r.unchanged} 人，"
              f"跳过 {r.skipped} 人。")
    for d in r.duplicates[:20]:
        out.print(f"  重复：{escape(d)}")
    for w in r.warnings[:50]:
        warn(escape(w))
    if r.ignored_columns:
        warn("未识别的列已忽略：" + escape("、".join(r.ignored_columns)))


def _input_from_options(**fields):
    from innodrive.talent.records import TalentInput

    return TalentInput(**{k: v for k, v in fields.items() if v not in (None, "")})


@talent_app.command("add")
def add_command(
    name: str = typer.Option(..., "--name", help="姓名"),
    id_number: str = typer.Option(..., "--id", help="证件号码"),
    id_type: str = typer.Option("居民身份证", "--id-type", help="证件类型"),
    birth: str | None = typer.Option(None, "--birth", help="出生日期（证件号码不含出生日期时必填）"),
    phone: str | None = typer.Option(None, "--phone", help="联系电话"),
    email: str | None = typer.Option(None, "--email", help="电子邮箱"),
    employer: str | None = typer.Option(None, "--employer", help="工作单位名称"),
    code: str | None = typer.Option(None, "--code", help="工作单位统一社会信用代码（企业须已在企业名录中）"),
    region: str | None = typer.Option(None, "--region", help="所在地区"),
    field: str | None = typer.Option(None, "--field", help="从事领域"),
    titles: str | None = typer.Option(None, "--titles", help="职称（多个用顿号分隔）"),
    honours: str | None = typer.Option(None, "--honours", help="荣誉称号（多个用顿号分隔）"),
    education: str | None = typer.Option(None, "--education", help="学历学位"),
    category: str | None = typer.Option(None, "--category", help="人才类别（如 B）"),
    criterion: str | None = typer.Option(None, "--criterion", help="认定依据（条件编号，如 B1）"),
    recognised: str | None = typer.Option(None, "--recognised", help="认定日期（默认到岗日期）"),
    arrival: str = typer.Option(..., "--arrival", help="到岗日期"),
    employment: str = typer.Option(..., "--employment", help=EMPLOYMENT_HELP),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """登记一位人才（与导入相同的校验）。

    示例：innodrive talent add --name 张三 --id 11010519491231002X --code 91511102MA00000000 --category B
          --arrival 2023-03-01 --employment 全职 --phone 13800000000
    """
    from innodrive.services.talent import register_talent

    item = _input_from_options(name=name, id_number=id_number, id_type=id_type, birth_date=birth, phone=phone,
                               email=email, employer_name=employer, employer_code=code, region=region, field=field,
                               titles=titles, honours=honours, education=education, category=category,
                               criterion=criterion, recognised_on=recognised, arrival_date=arrival,
                               employment=employment)
    with _service(by) as (store, actor):
        r = register_talent(store, actor, item)
    out.print(f"已登记人才 {r.talent.number}（{escape(r.talent.name)}，{_s(r.talent.category)}类）")
    for w in r.warnings:
        warn(escape(w))


@talent_app.command("update")
def update_command(
    number: str = typer.Argument(..., help="人才编号（如 T000012）"),
    assignments: list[str] = typer.Option([], "--set", help="字段=值，字段用登记表的列名（可重复），如 --set 离开日期=2024-07-01"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """修改人才信息（整条记录重新校验）；改人才类别时写 --set 认定日期=… 以保留以往年度的统计。

    示例：innodrive talent update T000012 --set 联系电话=13900000000 --set 人才类别=A --set 认定日期=2024-05-01
    """
    from innodrive.services.talent import update_talent
    from innodrive.talent.records import HEADERS

    by_label = {h: f for f, names in HEADERS.items() for h in names}
    changes: dict[str, object] = {}
    for a in assignments:
        key, sep, value = a.partition("=")
        if not sep or key.strip() not in by_label:
            raise InputError(f"--set 应写作 列名=值，列名为：{'、'.join(names[0] for names in HEADERS.values())}",
                             field="--set")
        changes[by_label[key.strip()]] = value.strip() or None
    if not changes:
        raise InputError("请用 --set 指定要修改的字段", field="--set")
    with _service(by) as (store, actor):
        r = update_talent(store, actor, number, changes)
    out.print(f"已修改人才 {r.talent.number}")
    for w in r.warnings:
        warn(escape(w))


@talent_app.command("list")
def list_command(
    text: str | None = typer.Option(None, "--text", help="按姓名、工作单位、领域、荣誉称号查找"),
    category: str | None = typer.Option(None, "--category", help="人才类别"),
    region: str | None = typer.Option(None, "--region", help="地区"),
    current: bool = typer.Option(False, "--current", help="只列仍在本地工作的人才"),
    limit: int = typer.Option(100, "--limit", help="最多列出多少人"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """列出人才（个人信息脱敏显示）。

    示例：innodrive talent list --category A --region 乐山市
    """
    from innodrive.services.talent import list_talents

    with _service(by) as (store, actor):
        page = list_talents(store, actor, text=text, category=category, region=region,
                            include_departed=not current, limit=limit)
    t = _table(f"人才库（共 {page.total} 人，显示 {len(page.items)} 人；个人信息已脱敏）",
               ["编号", "姓名", "证件号码", "类别", "工作单位", "地区", "到岗", "方式", "英才卡"])
    for v in page.items:
        t.add_row(v.number, escape(v.name), v.id_number, f"{v.category}类" if v.category else "未认定",
                  _s(v.employer_name), _s(v.region_name), str(v.arrival_date), v.employment,
                  f"{v.card.card_name} 至{v.card.valid_to}" if v.card else "")
    out.print(t)


@talent_app.command("show")
def show_command(
    number: str = typer.Argument(..., help="人才编号（如 T000012）"),
    personal: bool = typer.Option(False, "--personal", help="显示未脱敏的个人信息（须写明 --purpose，记入审计日志）"),
    purpose: str | None = typer.Option(None, "--purpose", help="查看未脱敏信息的用途"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """查看一位人才：登记信息、类别认定记录、英才卡和服务申请。

    示例：innodrive talent show T000012
          innodrive talent show T000012 --personal --purpose "办理落户核对身份"
    """
    from innodrive.services.talent import get_talent, view_personal

    with _service(by) as (store, actor):
        d = get_talent(store, actor, number)
        v = view_personal(store, actor, number, purpose=purpose or "") if personal else d.talent
    out.print(f"[bold]{v.number} {escape(v.name)}[/bold]（{'已脱敏' if v.masked else '未脱敏，本次查看已记入审计日志'}）")
    rows = [("证件", f"{v.id_type} {v.id_number}"), ("出生", v.birth), ("联系电话", v.phone), ("电子邮箱", v.email),
            ("工作单位", f"{v.employer_name or ''} {v.employer_code or ''}"), ("所在地区", v.region_name),
            ("从事领域", v.field), ("职称", "、".join(v.titles)), ("荣誉称号", "、".join(v.honours)),
            ("学历学位", v.education),
            ("人才类别", f"{v.category}类 {v.category_name or ''}（{v.criterion or '未注明依据'}，{v.catalogue_version}，"
                     f"{v.recognised_on} 认定）" if v.category else "未认定"),
            ("到岗", f"{v.arrival_date}（{v.employment}）"), ("离开", v.departure_date)]
    for k, val in rows:
        if val not in (None, "", " "):
            out.print(f"  {k}：{_s(val)}")
    for c in d.categories:
        out.print(f"  类别认定：{c.recognised_on} {c.category}类（{_s(c.criterion)}，{c.catalogue_version}）")
    for c in d.cards:
        out.print(f"  英才卡：{c.number} {escape(c.card_name)} {c.issued_on}—{c.valid_to} {c.status_label}"
                  + (f"（{escape(c.close_reason)}）" if c.close_reason else ""))
    for r in d.requests:
        out.print(f"  服务申请：{r.number} {escape(r.service_name)} {escape(r.unit)} {r.submitted_on} 期限 {r.deadline} "
                  f"{r.status_label}" + ("（逾期）" if r.overdue else ""))


@talent_app.command("find")
def find_command(
    id_number: str = typer.Argument(..., help="证件号码"),
    id_type: str | None = typer.Option(None, "--id-type", help="证件类型（默认试所有类型）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """按证件号码查找人才（不解密人才库，按密钥散列比对）。

    示例：innodrive talent find 11010519491231002X
    """
    from innodrive.services.talent import find_talent

    with _service(by) as (store, actor):
        v = find_talent(store, actor, id_number, id_type=id_type)
    out.print(f"{v.number} {escape(v.name)} {v.id_type} {v.id_number} {_s(v.employer_name)}")


@talent_app.command("duplicates")
def duplicates_command(by: str | None = typer.Option(None, "--by", help=BY)) -> None:
    """列出可能重复登记的人才（姓名和出生日期相同、证件不同）。

    示例：innodrive talent duplicates
    """
    from innodrive.services.talent import find_duplicates

    with _service(by) as (store, actor):
        groups = find_duplicates(store, actor)
    if not groups:
        out.print("没有发现可能重复登记的人才。")
    for g in groups:
        out.print(f"{escape(g.reason)}：" + "；".join(f"{m.number} {escape(m.name)} {m.id_type} {m.id_number}"
                                                     for m in g.members))


@talent_app.command("export")
def export_command(
    out_path: Path = typer.Argument(..., help="输出文件（.xlsx 或 .csv）"),
    unmasked: bool = typer.Option(False, "--unmasked", help="导出未脱敏的个人信息（须写明 --purpose，记入审计日志）"),
    purpose: str | None = typer.Option(None, "--purpose", help="导出未脱敏信息的用途"),
    category: str | None = typer.Option(None, "--category", help="只导出该类别"),
    region: str | None = typer.Option(None, "--region", help="只导出该地区"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """导出人才名单（默认脱敏；每次导出都记入审计日志）。

    示例：innodrive talent export 人才名单.xlsx
          innodrive talent export 人才名单.xlsx --unmasked --purpose "报送省委人才办"
    """
    from innodrive.services.talent import export_talents

    with _service(by) as (store, actor):
        r = export_talents(store, actor, out_path, unmasked=unmasked, purpose=purpose, category=category, region=region)
    out.print(f"已导出 {r.rows} 人（{'脱敏' if r.masked else '未脱敏'}）：{escape(r.path)}")


@talent_app.command("person-export")
def person_export_command(
    number: str = typer.Argument(..., help="人才编号"),
    out_path: Path = typer.Argument(..., help="输出 .json 文件"),
    purpose: str = typer.Option(..., "--purpose", help="依据（如“本人2024年7月1日书面申请查阅复制”）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """导出一位人才的全部个人信息副本（个人信息保护法第四十五条），JSON 格式。

    示例：innodrive talent person-export T000012 张三.json --purpose "本人书面申请查阅复制"
    """
    from innodrive.services.talent import export_person

    with _service(by) as (store, actor):
        path = export_person(store, actor, number, out_path, purpose=purpose)
    out.print(f"已导出个人信息副本：{escape(str(path))}（已记入审计日志）")


@talent_app.command("erase")
def erase_command(
    number: str = typer.Argument(..., help="人才编号"),
    reason: str = typer.Option(..., "--reason", help="依据（如“本人2024年7月1日书面申请删除”）"),
    yes: bool = typer.Option(False, "--yes", help="确认删除（不可恢复）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """按本人要求删除人才的个人信息（个人信息保护法第四十七条）：人才、英才卡删除，服务申请匿名化，统计贡献转为汇总。

    示例：innodrive talent erase T000012 --reason "本人书面申请删除" --yes
    """
    from innodrive.services.talent import erase_person

    if not yes:
        raise InputError("删除后不可恢复：确认无误请加 --yes", field="--yes")
    with _service(by) as (store, actor):
        r = erase_person(store, actor, number, reason=reason)
    out.print(f"已删除人才 {r.number} 的个人信息：英才卡 {r.cards_deleted} 张，服务申请 {r.requests_anonymised} 件已匿名化"
              f"（其中 {r.requests_withdrawn} 件办理中的已撤回），统计贡献已转为汇总。")


# ====================================================================== cards


@card_app.command("check")
def card_check_command(
    number: str = typer.Argument(..., help="人才编号"),
    on: str | None = typer.Option(None, "--on", help="判定日期（默认今天）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """按生效规则判定该人才可领哪种英才卡、可申请哪些服务，逐条说明依据。

    示例：innodrive talent card check T000012 --on 2024-06-30
    """
    from innodrive.services.talent import card_decision

    with _service(by) as (store, actor):
        r = card_decision(store, actor, number, on=_date(on, "--on"))
    d = r.decision
    out.print(f"[bold]{escape(d.reason)}[/bold]")
    out.print(f"  规则：{d.rule_id} {escape(d.rule_label)}（{_s(d.article)}）；{escape(d.rules)}")
    for s in d.sources:
        out.print(f"  依据：{escape(s)}")
    for c in d.checks:
        out.print(f"  {'✓' if c.ok else '✗'} {escape(c.label)}：{escape(c.actual)}（要求{escape(c.required)}）")
    for n in d.not_met:
        out.print(f"  未适用：{escape(n)}")
    if r.current_card:
        c = r.current_card
        out.print(f"现持卡：{c.number} {escape(c.card_name)}，有效期至 {c.valid_to}（{c.status_label}）")
    t = _table("服务事项", ["事项", "结论", "说明"])
    for e in r.entitlements:
        t.add_row(escape(e.subject), "可申请" if e.granted else "不可申请", escape(e.reason))
    out.print(t)


@card_app.command("issue")
def card_issue_command(
    number: str = typer.Argument(..., help="人才编号"),
    on: str | None = typer.Option(None, "--on", help="发卡日期（默认今天）"),
    reason: str | None = typer.Option(None, "--reason", help="备注"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """按生效规则发放英才卡（持有其他卡别的换发新卡）。

    示例：innodrive talent card issue T000012
    """
    from innodrive.services.talent import issue_card

    with _service(by) as (store, actor):
        c = issue_card(store, actor, number, on=_date(on, "--on"), reason=reason)
    out.print(f"已发放 {escape(c.card_name)} {c.number}，有效期至 {c.valid_to}（{escape(c.reason)}）")


@card_app.command("renew")
def card_renew_command(
    card_number: str = typer.Argument(..., help="英才卡号（如 YC2024-00001）"),
    on: str | None = typer.Option(None, "--on", help="续期日期（默认今天）"),
    reason: str | None = typer.Option(None, "--reason", help="备注"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """为仍符合条件的持卡人续期（到期前规定天数内或到期后）。

    示例：innodrive talent card renew YC2024-00001
    """
    from innodrive.services.talent import renew_card

    with _service(by) as (store, actor):
        c = renew_card(store, actor, card_number, on=_date(on, "--on"), reason=reason)
    out.print(f"{c.number} 已续期，有效期至 {c.valid_to}")


@card_app.command("revoke")
def card_revoke_command(
    card_number: str = typer.Argument(..., help="英才卡号"),
    reason: str = typer.Option(..., "--reason", help="注销原因（必填）"),
    on: str | None = typer.Option(None, "--on", help="注销日期（默认今天）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """注销英才卡（须写明原因）。

    示例：innodrive talent card revoke YC2024-00001 --reason "已调离本市"
    """
    from innodrive.services.talent import revoke_card

    with _service(by) as (store, actor):
        c = revoke_card(store, actor, card_number, reason=reason, on=_date(on, "--on"))
    out.print(f"{c.number} 已注销（{escape(c.close_reason or '')}）")


@card_app.command("list")
def card_list_command(
    status: str | None = typer.Option(None, "--status", help="active 有效、expired 已过期、revoked 已注销、replaced 已换发"),
    expiring: int | None = typer.Option(None, "--expiring", help="只列出该天数内到期的有效卡（续期提醒）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """英才卡清单（持卡人脱敏显示）。

    示例：innodrive talent card list --expiring 90
    """
    from innodrive.services.talent import list_cards

    with _service(by) as (store, actor):
        cards = list_cards(store, actor, status=status, expiring_within_days=expiring)
    t = _table(f"英才卡（{len(cards)} 张）", ["卡号", "持卡人", "人才编号", "卡别", "发卡", "有效期至", "状态"])
    for c in cards:
        t.add_row(c.number, _s(c.holder), _s(c.talent_number), escape(c.card_name), str(c.issued_on), str(c.valid_to),
                  c.status_label)
    out.print(t)


# ====================================================================== requests


@request_app.command("submit")
def request_submit_command(
    number: str = typer.Argument(..., help="人才编号"),
    service: str = typer.Argument(..., help="服务事项（housing 安居、schooling 子女就学、spouse_job 配偶就业、medical 医疗、"
                                            "travel 出行、hukou 落户，或规则中的名称）"),
    on: str | None = typer.Option(None, "--on", help="申请日期（默认今天）"),
    description: str | None = typer.Option(None, "--description", help="申请内容"),
    exception: str | None = typer.Option(None, "--exception", help="不在英才卡服务范围内仍须办理时，写明特事特办的依据"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """受理人才服务申请，按规则交承办单位办理并计算答复期限。

    示例：innodrive talent request submit T000012 housing --description "申请人才公寓"
    """
    from innodrive.services.talent import submit_request

    with _service(by) as (store, actor):
        r = submit_request(store, actor, number, service, submitted_on=_date(on, "--on"), description=description,
                           exception_reason=exception)
    out.print(f"已受理 {r.number}：{escape(r.service_name)}，交{escape(r.unit)}办理，时限{r.time_limit}，"
              f"{r.deadline} 前答复")
    for n in r.deadline_notes:
        warn(escape(n))


def _print_requests(rows, title: str) -> None:
    t = _table(title, ["编号", "申请人", "事项", "承办单位", "申请日期", "答复期限", "状态", "督办"])
    for r in rows:
        state = r.status_label + (f"（逾期{r.overdue_days}天）" if r.overdue else "（临期）" if r.due_soon else "")
        esc = r.escalation_name or ""
        if r.escalation_due:
            esc += f" 应{r.escalation_due}"
        t.add_row(r.number, escape(r.applicant), escape(r.service_name), escape(r.unit), str(r.submitted_on),
                  str(r.deadline), state, escape(esc.strip()))
    out.print(t)


@request_app.command("list")
def request_list_command(
    unit: str | None = typer.Option(None, "--unit", help="承办单位"),
    status: str | None = typer.Option(None, "--status", help="open 办理中、resolved 已办结、declined 不予办理、withdrawn 已撤回"),
    overdue: bool = typer.Option(False, "--overdue", help="只列逾期未答复的"),
    as_of: str | None = typer.Option(None, "--as-of", help="按该日判断逾期（默认今天）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """服务申请清单（承办单位账号只看到交办本单位的申请）。

    示例：innodrive talent request list --overdue
    """
    from innodrive.services.talent import list_requests

    with _service(by) as (store, actor):
        rows = list_requests(store, actor, unit=unit, status=status, overdue_only=overdue,
                             as_of=_date(as_of, "--as-of"))
    _print_requests(rows, f"人才服务申请（{len(rows)} 件）")


@request_app.command("show")
def request_show_command(
    request_id: str = typer.Argument(..., help="申请编号（如 R000001）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """查看一件服务申请：内容、答复和办理记录。

    示例：innodrive talent request show R000001
    """
    from innodrive.services.talent import get_request

    with _service(by) as (store, actor):
        r = get_request(store, actor, request_id)
    out.print(f"[bold]{r.number} {escape(r.service_name)}[/bold]（{escape(r.applicant)}，{escape(r.unit)}承办）")
    out.print(f"  申请 {r.submitted_on}，时限{r.time_limit}，期限 {r.deadline}；{r.status_label}"
              + (f"，逾期{r.overdue_days}天" if r.overdue else ""))
    if r.description:
        out.print(f"  申请内容：{escape(r.description)}")
    if r.answer:
        out.print(f"  答复（{r.answered_on}，{_s(r.answered_by)}）：{escape(r.answer)}")
    if r.satisfaction_label:
        out.print(f"  满意度：{escape(r.satisfaction_label)}")
    for e in r.events:
        out.print(f"  {e.on} {e.kind} {_s(e.unit)} {_s(e.note)}（{escape(e.by)}）")


@request_app.command("contact")
def request_contact_command(
    request_id: str = typer.Argument(..., help="申请编号"),
    purpose: str = typer.Option(..., "--purpose", help="用途（如“电话联系看房时间”）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """承办单位查看申请人的姓名和联系方式（记入审计日志）。

    示例：innodrive talent request contact R000001 --purpose "电话联系看房时间"
    """
    from innodrive.services.talent import request_contact

    with _service(by) as (store, actor):
        c = request_contact(store, actor, request_id, purpose=purpose)
    out.print(f"{escape(c.name)}  {_s(c.phone)}  {_s(c.email)}（本次查看已记入审计日志）")


@request_app.command("answer")
def request_answer_command(
    request_id: str = typer.Argument(..., help="申请编号"),
    text: str = typer.Option(..., "--text", help="答复内容"),
    declined: bool = typer.Option(False, "--declined", help="不予办理（默认为已办结）"),
    on: str | None = typer.Option(None, "--on", help="答复日期（默认今天）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """承办单位答复服务申请（已办结或不予办理）。

    示例：innodrive talent request answer R000001 --text "已配租人才公寓" --by zhujian
    """
    from innodrive.services.talent import answer_request

    with _service(by) as (store, actor):
        r = answer_request(store, actor, request_id, outcome="declined" if declined else "resolved", answer=text,
                           on=_date(on, "--on"))
    out.print(f"{r.number} {r.status_label}（{r.answered_on}，期限 {r.deadline}，"
              f"{'逾期' if r.answered_on > r.deadline else '按时'}）")


@request_app.command("transfer")
def request_transfer_command(
    request_id: str = typer.Argument(..., help="申请编号"),
    unit: str = typer.Option(..., "--unit", help="新的承办单位"),
    reason: str = typer.Option(..., "--reason", help="转办理由"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """转办（答复期限不变）。

    示例：innodrive talent request transfer R000001 --unit 市人社局 --reason "属人社部门职责"
    """
    from innodrive.services.talent import transfer_request

    with _service(by) as (store, actor):
        r = transfer_request(store, actor, request_id, unit=unit, reason=reason)
    out.print(f"{r.number} 已转{escape(r.unit)}办理，期限仍为 {r.deadline}")


@request_app.command("withdraw")
def request_withdraw_command(
    request_id: str = typer.Argument(..., help="申请编号"),
    reason: str = typer.Option(..., "--reason", help="撤回原因"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """申请人撤回申请。

    示例：innodrive talent request withdraw R000001 --reason "本人已自行解决"
    """
    from innodrive.services.talent import withdraw_request

    with _service(by) as (store, actor):
        r = withdraw_request(store, actor, request_id, reason=reason)
    out.print(f"{r.number} 已撤回")


@request_app.command("rate")
def request_rate_command(
    request_id: str = typer.Argument(..., help="申请编号"),
    level: int = typer.Argument(..., help="满意度：5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意"),
    on: str | None = typer.Option(None, "--on", help="评价日期（默认今天）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """记录申请人对办理结果的满意度（“好差评”五级）。

    示例：innodrive talent request rate R000001 5
    """
    from innodrive.services.talent import rate_request

    with _service(by) as (store, actor):
        r = rate_request(store, actor, request_id, level=level, on=_date(on, "--on"))
    out.print(f"{r.number} 满意度：{escape(r.satisfaction_label or '')}")


@talent_app.command("escalate")
def escalate_command(
    as_of: str | None = typer.Option(None, "--as-of", help="督办日期（默认今天）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """按规则对逾期未答复的服务申请逐级催办、督办（可每日定时运行；已记录的层级不重复）。

    示例：innodrive talent escalate
    """
    from innodrive.services.talent import escalate_overdue

    with _service(by) as (store, actor):
        rows = escalate_overdue(store, actor, as_of=_date(as_of, "--as-of"))
    if not rows:
        out.print("没有需要新增督办的逾期申请。")
    for e in rows:
        out.print(f"{e.request_number} {escape(e.unit)}：{escape(e.name)}（期限 {e.deadline}，逾期{e.overdue_days}天，"
                  f"报{escape(e.to)}）")


@talent_app.command("figures")
def figures_command(
    start: str = typer.Option(..., "--from", help="统计期间开始（申请日期）"),
    end: str = typer.Option(..., "--to", help="统计期间结束"),
    as_of: str | None = typer.Option(None, "--as-of", help="按该日判断办结与逾期（默认期间结束日或今天）"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """各承办单位的办理考核数据：受理、按时办结率、平均办理天数、满意率。

    示例：innodrive talent figures --from 2024-01-01 --to 2024-06-30
    """
    from innodrive.services.talent import unit_figures

    with _service(by) as (store, actor):
        r = unit_figures(store, actor, start=_date(start, "--from"), end=_date(end, "--to"),
                         as_of=_date(as_of, "--as-of"))

    def pct(x):
        return "—" if x is None else f"{x * 100:.1f}%"

    def num(x):
        return "—" if x is None else f"{x:.1f}"

    t = _table(f"人才服务办理情况（{r.start}—{r.end}，截至 {r.as_of}）",
               ["承办单位", "受理", "办结", "按时办结", "逾期未办结", "按时办结率", "平均天数", "平均工作日", "评价", "满意率",
                "平均分", "督办"])
    for u in r.units:
        t.add_row(escape(u.unit), str(u.received), str(u.answered), str(u.answered_on_time), str(u.overdue_open),
                  pct(u.on_time_rate), num(u.average_days), num(u.average_working_days), str(u.rated),
                  pct(u.satisfaction_rate), num(u.average_score), str(u.escalated))
    out.print(t)
    out.print("按时办结率 = 按时办结件数 ÷（已办结件数 + 逾期未办结件数）；" + escape(r.satisfaction_rule))
    for n in r.notes:
        warn(escape(n))


@talent_app.command("counts")
def counts_command(
    region: str = typer.Option(..., "--region", help="地区（如 乐山市）"),
    years: str = typer.Option(..., "--years", help="年份，如 2020-2023 或 2020,2023"),
    publish: bool = typer.Option(False, "--publish", help="写入指标数据（顶尖人才和科技领军人才数量等），供目标看板使用"),
    dry_run: bool = typer.Option(False, "--dry-run", help="与 --publish 同用：只预览"),
    by: str | None = typer.Option(None, "--by", help=BY),
) -> None:
    """人才数量统计：各年末按类别、地区的人数，以及对应的目录指标；--publish 写入指标数据。

    示例：innodrive talent counts --region 乐山市 --years 2020-2023
          innodrive talent counts --region 乐山市 --years 2020-2023 --publish
    """
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.services.talent import publish_counts, talent_counts

    wanted = _years(years)
    with _service(by) as (store, actor):
        report = talent_counts(store, actor, region=region, years=wanted)
        published = publish_counts(store, actor, region=region, years=wanted, dry_run=dry_run) if publish else None
    cat = load_catalogue()
    t = _table(f"{_s(report.region_name)} 人才数量（年末）", ["指标", "地区", *map(str, report.years)])
    by_key: dict[tuple[str, str], dict[int, int]] = {}
    for v in report.indicators:
        by_key.setdefault((v.indicator_code, v.region_code), {})[v.year] = v.value
    from innodrive.regions import all_regions

    regions = all_regions()
    for (code, rc), values in by_key.items():
        ind = cat.get(code)
        r = regions.get(rc)
        t.add_row(escape(ind.name if ind else code), escape(r.name if r else rc),
                  *[str(values.get(y, "—")) for y in report.years])
    out.print(t)
    cats = sorted({c.category for c in report.cells})
    t = _table("按人才类别（年末，含全职和柔性）", ["类别", *map(str, report.years)])
    for c in cats:
        t.add_row(f"{c}类", *[str(sum(x.people for x in report.cells if x.category == c and x.year == y))
                             for y in report.years])
    out.print(t)
    for n in report.notes:
        warn(escape(n))
    if published is not None:
        head = "预览（未写入）" if published.dry_run else "已写入指标数据"
        out.print(f"{head}：新增 {published.added} 个，修正 {published.revised} 个，未变 {published.unchanged} 个。")
