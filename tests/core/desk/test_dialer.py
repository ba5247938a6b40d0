"""The dialer: argv built without a shell, which number, when a lead may be dialled."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest

from leaddesk.core.desk import dialer
from leaddesk.core.desk.dialer import (
    DialError,
    DoubtfulNumber,
    dial_target,
    dialer_argv,
    find_tel_handler,
    start_detached,
    tel_uri,
)
from leaddesk.core.domain.errors import InvalidInput, NotFound
from leaddesk.core.store.models import Lead, Phone
from leaddesk.core.writes.outcomes import log_outcome

E164 = "+12125550142"


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("xdg-open {tel}", ["xdg-open", "tel:+12125550142"]),
        ("xdg-open", ["xdg-open", "tel:+12125550142"]),  # no placeholder: tel: appended
        ("linphonecsh dial {e164}", ["linphonecsh", "dial", "+12125550142"]),
        ("dial --uri={tel} --n {e164}", ["dial", "--uri=tel:+12125550142", "--n", "+12125550142"]),
        ("'my dialer' '{tel} now'", ["my dialer", "tel:+12125550142 now"]),
        ('sh -c "echo $0" {e164}', ["sh", "-c", "echo $0", "+12125550142"]),
        ("x {tel};rm -rf ~", ["x", "tel:+12125550142;rm", "-rf", "~"]),  # no shell: just words
        ("x {format}", ["x", "{format}", "tel:+12125550142"]),  # not str.format
    ],
)
def test_dialer_argv_splits_first_then_fills_each_argument(command, argv):
    assert dialer_argv(command, E164) == argv


def test_the_number_never_becomes_more_than_one_argument():
    # Substitution happens after splitting, and the number must be E.164 anyway.
    assert dialer_argv("call '{e164}'", E164) == ["call", E164]
    for hostile in ("+1212555 0142", "+1; rm -rf ~", "$(reboot)", "tel:+12125550142", ""):
        with pytest.raises(InvalidInput, match=r"not an E\.164 number"):
            dialer_argv("call {e164}", hostile)


@pytest.mark.parametrize(
    ("command", "why"), [("", "is empty"), ("   ", "is empty"), ("dial 'open", "quotation")]
)
def test_a_broken_dialer_command_is_one_clear_error(command, why):
    with pytest.raises(InvalidInput, match=why):
        dialer_argv(command, E164)


def test_start_detached_runs_the_argv_without_a_shell(tmp_path):
    out = tmp_path / "argv.txt"
    script = "import sys; open(sys.argv[1], 'w').write('\\n'.join(sys.argv[2:]))"
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(script)} {shlex.quote(str(out))}"
    command += " {tel} '$(touch pwned)' {e164}"
    process = start_detached(dialer_argv(command, E164))
    assert process.wait(timeout=30) == 0
    assert out.read_text().splitlines() == [tel_uri(E164), "$(touch pwned)", E164]
    assert not (tmp_path / "pwned").exists()


def test_a_dialer_that_cannot_start_says_so(tmp_path):
    with pytest.raises(DialError, match="not found"):
        start_detached([str(tmp_path / "no-such-dialer"), "tel:+1"])
    with pytest.raises(DialError, match="could not start"):
        start_detached([str(tmp_path), "tel:+1"])  # a folder is not a program


def test_the_desktop_tel_handler_is_used_only_when_one_is_registered(monkeypatch):
    monkeypatch.setattr(dialer.sys, "platform", "linux")
    monkeypatch.setattr(dialer.shutil, "which", lambda name: f"/usr/bin/{name}")
    answers = iter(["telephony.desktop\n", ""])

    def run(argv, **kwargs):
        assert argv == ["xdg-mime", "query", "default", "x-scheme-handler/tel"]
        return subprocess.CompletedProcess(argv, 0, next(answers), "")

    monkeypatch.setattr(dialer.subprocess, "run", run)
    assert find_tel_handler() == "xdg-open {tel}"
    assert find_tel_handler() is None  # nothing registered: copy the number instead
    monkeypatch.setattr(dialer.shutil, "which", lambda name: None)
    assert find_tel_handler() is None  # no xdg-open at all


def test_dial_target_is_the_first_good_phone_by_position(make_lead, settings, now):
    lead_id = make_lead(phones=["+1 212 555 0142", "+1 212 555 0199"])
    assert dial_target(lead_id, now, settings).e164 == "+12125550142"
    Phone.update(bad=True).where((Phone.lead == lead_id) & (Phone.position == 0)).execute()
    target = dial_target(lead_id, now, settings)
    assert (target.e164, target.tel, target.zone) == (
        "+12125550199",
        "tel:+12125550199",
        "America/New_York",
    )


def test_dial_target_refuses_dnc_no_phone_and_closed_windows(make_lead, settings, now):
    dnc = make_lead("Dee")
    log_outcome(dnc, "dnc", now, settings)
    with pytest.raises(InvalidInput, match="Dee is on do-not-call"):
        dial_target(dnc, now, settings)

    mail_only = make_lead("Mo", phone=None, email="mo@example.com")
    with pytest.raises(InvalidInput, match="Mo has no good phone"):
        dial_target(mail_only, now, settings)

    wrong = make_lead("Wes")
    log_outcome(wrong, "wrong-number", now, settings)
    with pytest.raises(InvalidInput, match="Wes has no good phone"):
        dial_target(wrong, now, settings)

    # Monday 14:00 in New York is Tuesday 06:00 in Sydney.
    sydney = make_lead("Sam", phone="+61 2 9374 4000")
    with pytest.raises(InvalidInput, match=r"Sam: outside calling hours \(opens Tue 08:00"):
        dial_target(sydney, now, settings)

    with pytest.raises(NotFound):
        dial_target(Lead.select().count() + 100, now, settings)


def test_an_extension_is_handed_to_the_dialer(make_lead, settings, now):
    lead_id = make_lead(phones=["(212) 555-0142 ext 3"])
    target = dial_target(lead_id, now, settings)
    assert (target.tel, target.extension, target.shown) == (
        "tel:+12125550142;ext=3",
        "3",
        "+1 212-555-0142 ext. 3",
    )
    argv = dialer_argv("call {tel} --ext={ext} {e164}", target.e164, target.extension)
    assert argv == ["call", "tel:+12125550142;ext=3", "--ext=3", "+12125550142"]
    assert dialer_argv("call", target.e164, target.extension) == ["call", "tel:+12125550142;ext=3"]
    with pytest.raises(InvalidInput, match="not digits"):
        dialer_argv("call {tel}", target.e164, "3; rm -rf /")


@pytest.mark.parametrize("typed", ["555-0104", "(999) 555-0121"])
def test_a_number_that_is_not_valid_is_dialled_only_when_confirmed(make_lead, settings, now, typed):
    lead_id = make_lead(phones=[typed])
    with pytest.raises(DoubtfulNumber, match=f"{re.escape(typed)} is not a valid number"):
        dial_target(lead_id, now, settings)
    assert dial_target(lead_id, now, settings, confirmed=True).shown == (
        f"{typed} (not a valid number)"
    )
