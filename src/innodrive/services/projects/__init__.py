"""Use cases of 揭榜挂帅 and S&T projects: ``verb(store, actor, …) -> view model``.

One module per stage of the cycle — :mod:`.calls`, :mod:`.applications`,
:mod:`.review`, :mod:`.decisions`, :mod:`.contracts` — each checking rights with
:func:`innodrive.services.access.require` (the ``projects.*`` permissions), the call's
region scope, and auditing every write under ``actor.username`` in the transaction
that makes it. The CLI (``innodrive projects …``) and the web pages call these.
"""

from innodrive.services.projects.applications import (
    NewAttachment,
    attachment,
    enter_application,
    get_application,
    list_applications,
    recheck_eligibility,
    withdraw_application,
)
from innodrive.services.projects.calls import calls_for_task, declare_call, get_call, list_calls
from innodrive.services.projects.contracts import (
    add_output,
    disburse,
    get_project,
    project_board,
    record_check,
    remove_output,
    sign_contract,
    terminate,
)
from innodrive.services.projects.decisions import (
    call_publicity,
    close_publicity,
    handle_objection,
    objections,
    open_publicity,
    publicity_notices,
    record_objection,
    select_application,
    selections,
    withdraw_selection,
)
from innodrive.services.projects.review import (
    assign_reviewers,
    assignments,
    list_experts,
    my_reviews,
    ranking,
    record_second_look,
    recuse,
    register_experts,
    review_packet,
    submit_scores,
)

__all__ = [
    "NewAttachment", "add_output", "assign_reviewers", "assignments", "attachment", "call_publicity", "calls_for_task",
    "close_publicity", "declare_call", "disburse", "enter_application", "get_application", "get_call", "get_project",
    "handle_objection", "list_applications", "list_calls", "list_experts", "my_reviews", "objections",
    "open_publicity", "project_board", "publicity_notices", "ranking", "recheck_eligibility", "record_check",
    "record_objection", "record_second_look", "recuse", "register_experts", "remove_output", "review_packet",
    "select_application", "selections", "sign_contract", "submit_scores", "terminate", "withdraw_application",
    "withdraw_selection",
]
