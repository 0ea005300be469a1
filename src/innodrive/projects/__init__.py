"""揭榜挂帅 and S&T projects: calls, applications, fair review, contracts, milestones and funds.

A city's science bureau spends most of its money through calls: it publishes a 榜单
(or a 指南), teams apply, experts review, winners sign a contract with milestones, and
money is released as milestones are accepted (验收). This package holds the pure rules
of that cycle; the store's tables are in :mod:`.db`, the use cases (rights, audit,
transactions) in :mod:`innodrive.services.projects`.

Modules, following the data:

* :mod:`.specs` — what the office declares: a call, an application, an expert, a contract;
* :mod:`.eligibility` — a call's eligibility declared as rules and evaluated with the
  enterprise rule machinery (each condition with value, threshold and basis);
* :mod:`.conflicts` — conflicts of interest between an expert and an application;
* :mod:`.assignment` — N reviewers per application: conflict-free, load-balanced (an
  integer programme), or the reason why no such assignment exists;
* :mod:`.blind` — what a reviewer may see in blind mode (identity removed);
* :mod:`.aggregation` — scores → a robust aggregate (trimmed mean or median), the
  非共识 flag and the ranking;
* :mod:`.funds` — milestones, tranches and the checks on money movements;
* :mod:`.lights` — a contract's light from the tracking engine;
* :mod:`.outputs` — patents, 成果 and revenue counted into catalogue indicators;
* :mod:`.example` — constructed example data (labelled as constructed).
"""
