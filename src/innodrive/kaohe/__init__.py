"""innodrive.kaohe — the annual 考核 of 县(市、区) and 市级部门.

The 决定 raises the weight of innovation in the 高质量发展考核, sets its indicators
差异化 by kind of unit and adjusts them 动态 each year, and ties the results to
项目安排 and 资金扶持. This package is that cycle as data and pure computation:

* :mod:`.scheme` — the year's 考核实施方案: units, types, groups, grade rules, fund, 申诉 window;
* :mod:`.framework` — one framework per unit type and year (the assessment engine's
  framework plus where each number comes from, 加分 items, task policy); :mod:`.diff`
  — what changed from one year to the next;
* :mod:`.taskmetrics` — what the task ledger says (on time, reports approved, overdue);
* :mod:`.scores` — the engine's 考核 rules per type, 加分/扣分 items, ranks and grades
  per group (:mod:`.grades`), every point explained (:mod:`.model`);
* :mod:`.allocation` — the fund split by a declared rule (a simulation);
* :mod:`.files` — the office's tables of figures and items; :mod:`.evidence` — files kept by hash;
* :mod:`.db` and :mod:`.storage` — persistence (the services in
  :mod:`innodrive.services.kaohe` own rights, transactions and the audit log).
"""
