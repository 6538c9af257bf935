"""The 达标评估 page kept under the database's change mark (``core.dbrouting.change_mark``).

Outside any transaction, as a deployed page runs: on PostgreSQL the same page is sent again, with one read of
the mark, while nothing has been committed, and a commit (a record, taken into the store after it) shows on the
next view; SQLite has no mark, and the page is worked out from the store's kept board each time.
"""

import re
import time
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from ganxun.core.dbrouting import COOKIE, change_mark
from ganxun.plans.store import rebuild
from ganxun.records.services import record_append
from tests.plans.test_verdict_store import END, PLAN, ledger  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_mark_moves_with_every_commit_and_is_none_inside_a_transaction_or_on_sqlite(world):
    from ganxun.orgs.services import org_update

    before = change_mark()
    if connection.vendor != "postgresql":
        assert before is None
        return
    assert before.startswith("default:")
    org_update(acting_user=world.users["city"], code="419901", name="东城区（更名）", org_type="region",
               level="county")
    after = change_mark()
    assert after is not None and after != before
    with transaction.atomic():   # a transaction may read its own writes, which nobody else sees yet
        assert change_mark() is None


def test_the_page_is_sent_again_until_a_commit_and_a_commit_shows_at_once(client, world, ledger):  # noqa: F811
    rebuild(plan_id=PLAN, dates=[END])
    client.force_login(world.users["city"])
    url = f"/reports/dashboard/?plan={PLAN}&as_of={END}&org=4199&view=staff_hours_annual"
    rendered = []

    def count(sender, template, **kw):
        if template.name == "reports/_dashboard_content.html":
            rendered.append(1)

    def page():
        before = len(rendered)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        table = html[html.index('data-testid="children-staff_hours_annual"'):]
        row = table[table.index('data-org="419901"'):]
        counts = dict(re.findall(r'data-verdict="(\w+)">(\d+)<', row[:row.index("</tr>")]))
        return counts, len(rendered) - before, [q["sql"] for q in queries.captured_queries]

    template_rendered.connect(count)
    try:
        first, n, _ = page()
        assert n == 1
        again, n, _ = page()   # after the first view's commit (its session touched): from the store's kept content
        assert again == first and n == 0
        again, n, reads = page()
        assert again == first and n == 0
        store_reads = [sql for sql in reads if "plans_verdictsnapshot" in sql]
        if connection.vendor == "postgresql":   # kept under the mark: not even the store is asked
            assert store_reads == [] and any("pg_current_wal_insert_lsn" in sql for sql in reads)
        else:   # no mark: the store's snapshot is looked up, its kept board and content sent
            assert store_reads
        record_append(acting_user=world.users["admin"], person_code="C-DC-1", institution_code="DX4199",
                      values={"title": "专题班", "source": "full_time", "start_date": date(2022, 9, 1),
                              "end_date": date(2022, 9, 30), "hours": "120"})
        client.cookies[COOKIE] = f"{time.time():.3f}"   # as after this browser's own POST: it sees its write
        after, n, _ = page()
        assert n == 1 and int(after["met"]) == int(first["met"]) + 1
    finally:
        template_rendered.disconnect(count)


def _met(client, url) -> int:
    html = client.get(url).content.decode()
    table = html[html.index('data-testid="children-staff_hours_annual"'):]
    row = table[table.index('data-org="419901"'):]
    return int(dict(re.findall(r'data-verdict="(\w+)">(\d+)<', row[:row.index("</tr>")]))["met"])


def _viewers(world):
    rebuild(plan_id=PLAN, dates=[END])
    reader, writer = Client(), Client()
    for browser in (reader, writer):
        browser.force_login(world.users["city"])
    return reader, writer


def _append(world):
    record_append(acting_user=world.users["admin"], person_code="C-DC-1", institution_code="DX4199",
                  values={"title": "专题班", "source": "full_time", "start_date": date(2022, 9, 1),
                          "end_date": date(2022, 9, 30), "hours": "120"})


URL = f"/reports/dashboard/?plan={PLAN}&as_of={END}&org=4199&view=staff_hours_annual"


@override_settings(GANXUN_SHARED_PAGE_SECONDS=600)
def test_after_a_commit_others_share_the_page_of_a_moment_before_and_the_writer_sees_its_write(world, ledger):  # noqa: F811
    """Twenty officers on one page while records arrive: one who has not written gets the page worked out a moment
    before (``GANXUN_SHARED_PAGE_SECONDS``) instead of each working it out after every commit; the browser that
    wrote sees its write at once, and its page is the latest for the others from then on."""
    reader, writer = _viewers(world)
    before = _met(reader, URL)
    _append(world)
    if connection.vendor != "postgresql":   # no mark on SQLite: every view reads the store afresh
        assert _met(reader, URL) == before + 1
        return
    assert _met(reader, URL) == before            # the page of a moment before, shared
    writer.cookies[COOKIE] = f"{time.time():.3f}"
    assert _met(writer, URL) == before + 1        # its own write, worked out afresh
    assert _met(reader, URL) == before + 1        # now the latest page for the others too


@override_settings(GANXUN_SHARED_PAGE_SECONDS=0)
def test_with_no_time_shared_a_commit_shows_to_everybody_at_once(world, ledger):  # noqa: F811
    reader, _ = _viewers(world)
    before = _met(reader, URL)
    _append(world)
    assert _met(reader, URL) == before + 1
