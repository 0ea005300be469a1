"""What a request to an already-built page costs the database, and that nothing of a
session is remembered by a worker: signing out or disabling an account ends even a page
the worker has ready, on the very next request."""

from __future__ import annotations

from innodrive.services import accounts
from innodrive.services.actor import Actor, Role

from .conftest import ACCOUNTS, PASSWORD

ADMIN = Actor(username="t-admin", role=Role.ADMIN, via="web", user_id=1)
PAGES = ("/overview", "/board", "/board?light=red", "/account")


def test_a_page_already_built_costs_one_read_and_no_write(web):
    from innodrive.store.testing import counting_trips

    office = web.client(Role.OFFICE)
    engine = web.app.state.store.engine
    with counting_trips(engine) as trips:
        _one_read_per_page(office, engine, trips, web)


def _one_read_per_page(office, engine, trips, web) -> None:
    for path in ("/overview", "/board", "/board?light=red"):
        assert office.get(path).status_code == 200  # built (and kept) by this worker
        trips.reset()
        page = office.get(path)
        assert page.status_code == 200 and "t-office" in page.text
        # the session with its account and the database version, in one statement
        assert len(trips.statements) == 1, (path, trips.statements)
        sql = trips.statements[0].lower()
        assert "web_sessions" in sql and "audit_log" in sql and not sql.startswith(("insert", "update", "begin"))
        if engine.dialect.name == "postgresql":
            assert trips.trips == 1, path
    trips.reset()
    assert web.client(None).get("/login").status_code == 200  # no cookie: the version alone
    assert len(trips.statements) == 1 and "web_sessions" not in trips.statements[0].lower()


def test_signing_out_or_disabling_ends_a_page_the_worker_has_ready(web):
    office = web.client(Role.OFFICE)
    for path in PAGES:
        assert office.get(path).status_code == 200
        assert office.get(path).status_code == 200
    # disabled by an administrator through another worker (its own store)
    accounts.set_active(web.store, ADMIN, "t-office", False)
    for path in PAGES:
        r = office.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
    accounts.set_active(web.store, ADMIN, "t-office", True)
    again = web.client(Role.OFFICE)
    for path in PAGES:
        assert again.get(path).status_code == 200
    token = again.cookies.get("innodrive_session")
    accounts.sign_out(web.store, token)  # signed out in another worker
    for path in PAGES:
        assert again.get(path).status_code == 303, path
    # and the same person signing in anew is served at once
    fresh = web.client(Role.OFFICE)
    assert fresh.get("/board").status_code == 200
    assert accounts.sign_in(web.store, username=ACCOUNTS[Role.OFFICE][0], password=PASSWORD).actor.role == Role.OFFICE
