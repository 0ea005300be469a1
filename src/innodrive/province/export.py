"""A province board as a table with Chinese headers, for XLSX/CSV (the CLI's ``--out`` and
the workbench's download share it, so both files say the same)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from innodrive.province.board import ProvinceBoard


def board_frame(board: ProvinceBoard) -> pd.DataFrame:
    """Every region's value, rank, change, source or missing reason; then the province and the average."""
    rows = []
    for r in board.rows:
        rows.append({"排名": r.rank, board.level_name: r.name, "区划代码": r.code,
                     **({"所属市州": r.parent_name} if board.level == "county" else {}),
                     f"{board.year}年（{board.unit}）": r.value, f"{board.year - 1}年": r.previous,
                     "较上年变化": r.change, "较上年变化(%)": r.change_pct,
                     "来源": r.source or "", "派生值": "是（由组成指标计算）" if r.derived else "",
                     "缺失原因": r.missing_reason or ""})
    rows.append({"排名": None, board.level_name: f"{board.province_name}（全省）", "区划代码": board.province_code,
                 f"{board.year}年（{board.unit}）": board.province_value, f"{board.year - 1}年": board.province_previous,
                 "来源": board.province_source or "", "缺失原因": "" if board.province_value is not None else "未录入全省数据"})
    rows.append({"排名": None, board.level_name: "平均", f"{board.year}年（{board.unit}）": board.average,
                 "来源": board.average_note})
    return pd.DataFrame(rows)


def write_board(board: ProvinceBoard, path: Path) -> None:
    from innodrive.assessment.run import safe_frame, write_xlsx
    from innodrive.safeio import atomic_write

    df = board_frame(board)
    if path.suffix.lower() == ".csv":
        atomic_write(path, safe_frame(df).to_csv(index=False).encode("utf-8-sig"))
    else:
        write_xlsx(path, [(f"{board.indicator_name}{board.year}", df, False)])


def board_xlsx(board: ProvinceBoard) -> bytes:
    """The board as XLSX bytes (for a download)."""
    from innodrive.assessment.run import xlsx_bytes

    return xlsx_bytes([(f"{board.indicator_name}{board.year}", board_frame(board), False)])
