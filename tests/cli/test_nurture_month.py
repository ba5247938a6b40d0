"""Issue 16's "done when": a nurture month on 200 demo leads against a real SMTP
server (aiosmtpd) and a Maildir inbox (read in place; the IMAP path has its own
tests on Dovecot), on both engines.

For 30 days, a day at a time (`--now`): `mail due --send --yes`, then, for some of
the leads just mailed, a reply (In-Reply-To the sent Message-ID), an out-of-office,
an RFC 3464 bounce and an unsubscribe land in the Maildir, and `mail check` reads
them. The figures are printed (`pytest -s`) and kept in BENCHMARKS.md.
"""

from __future__ import annotations

import json
import random
from collections import Counter

import mail_samples as mail
import pendulum
import pytest
from click.testing import CliRunner

from leaddesk.cli import main
from leaddesk.core.domain.tiers import TIER_PROMISE
from leaddesk.core.store.models import Appointment, Lead, Touch
from leaddesk.core.store.schema import close_store

START = pendulum.datetime(2026, 11, 2, 10, tz="America/Chicago")
DAYS = 30
ROLES = ("reply", "out-of-office", "bounce", "unsubscribe")


@pytest.fixture
def month(store_target, tmp_path, smtp_server):
    inbox = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (inbox / sub).mkdir(parents=True)
    config = tmp_path / "config.toml"
    config.write_text(
        '[rep]\nname = "tester"\ntimezone = "America/Chicago"\n'
        f'[mail]\nfrom = "Tester <tester@example.com>"\nhost = "127.0.0.1"\n'
        f'port = {smtp_server.port}\nsecurity = "none"\nper_minute = 10000\n'
        f'maildir = "{inbox}"\n'
        '[cadences.nurture-mail]\nsteps = ["0 email", "10d email", "20d email"]\n'
    )
    runner = CliRunner()

    def run(now: pendulum.DateTime, *args: str):
        argv = ["--config", str(config), "--db", store_target, "--now", now.isoformat(), *args]
        result = runner.invoke(main, [*argv], env={"LEADDESK_DB": None})
        assert result.exit_code == 0, (args, result.output, result.exception)
        return json.loads(result.stdout) if "--json" in args else result.stdout

    def deliver(name: str, raw: bytes) -> None:
        (inbox / "new" / name).write_bytes(raw)

    run.deliver = deliver
    yield run
    close_store()


def lead_row(lead_id: int) -> dict:
    return Lead.select().where(Lead.id == lead_id).dicts().get()


def test_a_nurture_month_on_200_demo_leads(month, smtp_server):
    run = month
    run(START, "demo", "--leads", "200", "--seed", "16")
    mailable = list(Lead.select(Lead.id, Lead.email).where(Lead.email != "").order_by(Lead.id))
    refused = {lead.email.lower() for lead in mailable[::10]}  # asked not to be mailed
    for lead in mailable[::10]:
        run(START, "log", str(lead.id), "dnm")
    # Leads not yet ready enter the email-only cadence a few a day, as they would.
    joining = [lead.id for lead in mailable]
    per = -(-len(joining) // DAYS)
    rng = random.Random(16)
    sent: list[dict] = []
    per_day: list[int] = []
    roles: dict[str, list[int]] = {role: [] for role in ROLES}
    counts: Counter[str] = Counter()
    stopped_at: dict[str, int] = {a: -1 for a in refused}  # address -> day after which none
    replied_day: dict[int, int] = {}
    for day in range(DAYS):
        now = START.add(days=day)
        for lead_id in joining[day * per : (day + 1) * per]:
            if lead_id not in replied_day:  # the rep answers them, not a cadence
                run(now, "cadence", str(lead_id), "nurture-mail")
        batch = run(now, "mail", "due", "--send", "--yes", "--json")
        per_day.append(len(batch))
        sent += [{**s, "day": day} for s in batch]
        ooo = []
        for n, s in enumerate(batch):
            role = rng.choice((*ROLES, None, None, None, None))
            if role is None:
                continue
            roles[role].append(s["lead_id"])
            mid, to, name = s["message_id"], s["to"], f"{day}-{n}-{role}"
            if role == "reply":
                run.deliver(name, mail.reply(to, f"<r{name}@lead>", mid))
                replied_day[s["lead_id"]] = day
            elif role == "out-of-office":
                run.deliver(name, mail.out_of_office(to, f"<o{name}@lead>", mid))
                ooo.append(s["lead_id"])
            elif role == "bounce":
                run.deliver(name, mail.dsn_bounce(to, f"<b{name}@mx>", mid))
                stopped_at[to.lower()] = day
            else:
                run.deliver(name, mail.unsubscribe(to, f"<u{name}@lead>", mid))
                stopped_at[to.lower()] = day
        before = {i: lead_row(i) for i in ooo}
        touches = {i: Touch.select().where(Touch.lead == i).count() for i in ooo}
        counts += Counter(run(now, "mail", "check", "--json"))
        for i in ooo:  # an auto-reply changes nothing
            assert lead_row(i) == before[i]
            assert Touch.select().where(Touch.lead == i).count() == touches[i]

    print(f"\nsent {len(sent)}, per day {per_day}, check {dict(counts)}")
    assert len(sent) >= 30 and all(roles.values())
    # Every message handed over once, to the server too; one step, one email.
    ids = [s["message_id"] for s in sent]
    assert len(set(ids)) == len(ids)
    assert sorted(str(m["Message-ID"]) for m in smtp_server.messages) == sorted(ids)
    steps = [
        (t.lead_id, json.loads(t.before)["lead"]["next_due_at"])
        for t in Touch.select().where(Touch.message_id.in_(ids))
    ]
    assert len(steps) == len(ids) and len(set(steps)) == len(steps)
    # Every email due was sent: nothing is left due at the end of the month.
    assert run(START.add(days=DAYS - 1), "mail", "due", "--json") == []
    assert counts == {
        "replies": len(roles["reply"]),
        "auto_replies": len(roles["out-of-office"]),
        "bounces": len(roles["bounce"]),
        "unsubscribes": len(roles["unsubscribe"]),
    }
    # A lead who replied is paused: engaged, the reply on top, no email after it.
    for lead_id, day in replied_day.items():
        lead = Lead.get_by_id(lead_id)
        assert lead.status in ("engaged", "appointment", "won")
        assert lead.priority == TIER_PROMISE
        assert Appointment.get(lead=lead_id, kind="reply").done is False
        assert [s for s in sent if s["lead_id"] == lead_id and s["day"] > day] == []
    for lead_id in roles["bounce"]:
        assert Lead.get_by_id(lead_id).email_bad is True
    for lead_id in roles["unsubscribe"]:
        assert Lead.get_by_id(lead_id).do_not_mail is True
    # Nothing to an address that bounced, asked to stop or was never to be mailed.
    for s in sent:
        assert s["day"] <= stopped_at.get(s["to"].lower(), DAYS), s
        assert s["to"].lower() not in refused
