"""The desk's change check is its rep's heartbeat, on both engines: it stamps
`rep.seen_at` at most once a minute, and its own stamp never reads as a change."""

from __future__ import annotations

import threading

from leaddesk.core.desk.heartbeat import check_in
from leaddesk.core.store.models import Rep
from leaddesk.core.store.schema import change_token
from leaddesk.core.writes.leads import add_note


def test_the_check_stamps_the_rep_at_most_once_a_minute(store, settings, now):
    first = check_in(object(), None, now, settings)
    assert first.beat_at == now
    assert Rep.get(Rep.name == settings.rep_name).seen_at == now
    second = check_in(first.token, first.beat_at, now.add(seconds=59), settings)
    assert second.beat_at == now and not second.moved
    assert Rep.get(Rep.name == settings.rep_name).seen_at == now  # not written again
    third = check_in(second.token, second.beat_at, now.add(seconds=60), settings)
    assert third.beat_at == now.add(seconds=60)
    assert Rep.get(Rep.name == settings.rep_name).seen_at == now.add(seconds=60)
    assert not third.moved  # its own stamp is no change to reload for
    assert check_in(third.token, third.beat_at, now.add(seconds=61), settings).moved is False


def test_another_desks_write_still_reads_as_a_change(store, settings, now, make_lead):
    lead = make_lead()
    first = check_in(change_token(), None, now, settings)  # stamps the rep: its own write
    assert not first.moved

    def elsewhere():
        # a thread has its own connection: another desk, as far as the store knows
        add_note(lead, "called back", now, settings)

    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    # within the minute (no stamp) and at the next stamp alike
    assert check_in(first.token, first.beat_at, now.add(seconds=1), settings).moved
    assert check_in(first.token, first.beat_at, now.add(seconds=90), settings).moved
