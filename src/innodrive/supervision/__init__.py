"""督查督办 and 专项督查: how an office makes a lagging plan move.

A 督办单 (supervision notice) is raised on a red target or an overdue task — by hand or
by a declared rule run over the board and the task ledger — and addressed to one unit,
with a deadline and the response the unit must give. The unit answers with evidence;
the office closes the notice or returns the answer; a notice left unanswered past its
deadline is escalated by the declared ladder (a second notice, then a 约谈 with its
record). A 专项督查 campaign picks the tasks to inspect (by rule or by a seeded sample),
records a finding for each and tracks every 整改 item to closure.

The pure rules live here (:mod:`.rules`, :mod:`.raising`, :mod:`.escalation`,
:mod:`.campaigns`); the tables in :mod:`.db`; the use cases with rights and audit in
:mod:`innodrive.services.supervision`. Nothing here recomputes a light: candidates
come from the board and the task ledger as :mod:`innodrive.services.board` gives them.
"""
