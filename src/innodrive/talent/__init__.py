"""Talent one-stop service (人才"一站式"服务): the registry, the 英才卡 and service requests.

A city's talent office keeps a register of the talent it has recognised under its
人才分类目录 (A–E类 …), decides who gets which 英才卡 and which services by its published
rules, runs every service request (安居, 子女就学, 配偶就业, 医疗, 出行, 落户 …) to its
deadline at the handling unit, and counts the talent its plan's targets ask for. The
register holds personal data, so this package also guards it as the 个人信息保护法
requires: ID numbers are checked (GB 11643), personal fields are encrypted at rest with
a key that never enters the database, and screens and exports are masked.

Modules, from the data inwards:

- :mod:`.idnumbers` — ID documents: GB 11643 check digit, birth date, plausibility.
- :mod:`.crypto` — AES-GCM encryption and keyed hashes (HMAC) with the configured key.
- :mod:`.masking` — what a masked name, ID number or phone number looks like.
- :mod:`.catalogue` — the 人才分类目录 as versioned data (``rules/catalogue-*.yaml``).
- :mod:`.cards` — 英才卡 and service entitlements as versioned rules, with explanations.
- :mod:`.workdays` — working days (weekends, public holidays and 调休 as declared data).
- :mod:`.requests` — deadlines, overdue, escalation levels and per-unit figures (pure).
- :mod:`.counts` — talent counts by category, region and year for the plan's indicators.
- :mod:`.records` — the registry's input model and the row checks of a bulk import.
- :mod:`.db` — the tables; :mod:`.repository` — reading and writing them.

Use cases (rights, scope, audit) are in :mod:`innodrive.services.talent`.
"""
