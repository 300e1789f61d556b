"""Driving cases through their steps in tests."""

import datetime as dt

from fupin.core import clock
from fupin.workflows import actions
from fupin.workflows.models import Outcome

PDF = b"%PDF-1.4\n%test\n"


def _jpeg() -> bytes:
    """A small real JPEG (Pillow), so that the upload check can read its size."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 60, 20)).save(out, "JPEG")
    return out.getvalue()


JPEG = _jpeg()


def review(user, village, present=20):
    return actions.record_review(actor=user, division_code=village, held_on=clock.today(), place="村委会会议室",
                                 chair="陈志强", expected=25, present=present, minutes="逐户评议，举手表决。")


def votes(review_, yes=15, no=3, abstain=2):
    return {"review": review_.pk, "votes_for": yes, "votes_against": no, "votes_abstain": abstain}


def pass_step(user, case, note="已核实", **data):
    return actions.act(actor=user, case=case, outcome=Outcome.PASS, note=note, data=data)


def run_notice(users_for_step, case, clock_fixture, days=None):
    """Post the case's notice, let the period run out, close it."""
    notice = actions.post_notice(actor=users_for_step, cases=[case], period_days=days)
    clock_fixture.advance(notice.period_days)
    actions.close_notice(actor=users_for_step, notice=notice)
    case.refresh_from_db()
    return notice


def consent(user, case):
    return actions.add_document(actor=user, case=case, kind="consent", name="承诺书.pdf", content=PDF)


def day(offset=0):
    return clock.today() + dt.timedelta(days=offset)
