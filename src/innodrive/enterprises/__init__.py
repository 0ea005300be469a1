"""Enterprise cultivation (梯度培育): qualification rules as versioned data, verdicts that
explain themselves, gap analysis, bulk screening (in memory or pushed down to SQL),
incentives and the 入库 → 培育 → 认定 → 瞪羚 pipeline.

Modules, following the data:

* :mod:`.fields` — the registry's fields (Chinese headers, kinds, units);
* :mod:`.rules` — programme rule sets (YAML under ``rules/``) and the version in force;
* :mod:`.expr` — the formula language and its scalar / NumPy / SQL backends;
* :mod:`.explain` — one enterprise, every condition explained;
* :mod:`.vectorised` — a whole registry at once;
* :mod:`.sqlgen` — the same rules as SQL for SQLite and PostgreSQL;
* :mod:`.gaps` — the smallest changes that make a failing enterprise qualify;
* :mod:`.credit_code`, :mod:`.registry`, :mod:`.template`, :mod:`.screening` — files in and out;
* :mod:`.incentives` — 研发费用加计扣除 and local incentives;
* :mod:`.funnel`, :mod:`.db` — the cultivation pipeline against the plan's targets.
"""
