"""Colander schemas for meetings, their agenda items and the results recorded per item."""

from __future__ import annotations

import datetime as dt
import re

import colander
import deform

from sw_gremien.forms import CSRFSchema, strip_whitespace
from sw_gremien.i18n import _
from sw_gremien.meetings.models import ITEM_KIND_LABELS, OUTCOME_LABELS, VOTED_OUTCOMES, ItemKind

MARKDOWN_HELP = _("Plain text; **bold**, *italic*, lists with “-” and links work (Markdown).")
TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
SERIES_INTERVALS = (1, 2, 3, 4, 6, 12)


def _translated(request, choices):
    return [(value, request.localizer.translate(label)) for value, label in choices]


def time_widget():
    """A native time field (the browser offers its own picker; HH:MM is sent)."""
    return deform.widget.TextInputWidget(attributes={"type": "time", "inputmode": "numeric"})


time_validator = colander.Regex(TIME_PATTERN, msg=_("Please give the time as HH:MM, e.g. 17:30."))


def parse_time(value: str) -> dt.time | None:
    match = TIME_PATTERN.match(value or "")
    return dt.time(int(match.group(1)), int(match.group(2))) if match else None


def _end_after_start(node, values):
    start, end = parse_time(values.get("start_time")), parse_time(values.get("end_time"))
    if start and end and end <= start:
        exc = colander.Invalid(node)
        exc["end_time"] = _("The end must be after the start.")
        raise exc


@colander.deferred
def deferred_public_widget(node, kw):
    return deform.widget.CheckboxWidget()


def _public_node():
    return colander.SchemaNode(
        colander.Boolean(), name="public", title=_("The meeting has a public part"),
        description=_("Items marked public can be read by everyone once the meeting is convened."),
        missing=False,
    )


class MeetingSchema(CSRFSchema):
    version = colander.SchemaNode(colander.Integer(), widget=deform.widget.HiddenWidget(), missing=None)
    date = colander.SchemaNode(colander.Date(), title=_("Date"), widget=deform.widget.DateInputWidget())
    start_time = colander.SchemaNode(colander.String(), title=_("Start"), widget=time_widget(),
                                     validator=time_validator, preparer=strip_whitespace)
    end_time = colander.SchemaNode(colander.String(), title=_("End (optional)"), widget=time_widget(),
                                   validator=time_validator, missing="", preparer=strip_whitespace)
    location = colander.SchemaNode(colander.String(), title=_("Place"), preparer=strip_whitespace,
                                   validator=colander.Length(max=200),
                                   description=_("e.g. Rathaus, Großer Sitzungssaal, Marktplatz 1"))
    note = colander.SchemaNode(colander.String(), title=_("Note for the invitation (optional)"),
                               widget=deform.widget.TextAreaWidget(rows=3), missing="",
                               preparer=strip_whitespace, validator=colander.Length(max=5000))

    def __init__(self, *args, **kw):
        super().__init__(*args, validator=_end_after_start, **kw)

    def after_bind(self, node, kw):
        body = kw["body"]
        meeting = kw.get("meeting")
        if body.has_public_part and (meeting is None or not meeting.invitation_out):
            node.add(_public_node())


class SeriesSchema(CSRFSchema):
    date = colander.SchemaNode(colander.Date(), title=_("Date of the first meeting"),
                               widget=deform.widget.DateInputWidget())
    start_time = colander.SchemaNode(colander.String(), title=_("Start"), widget=time_widget(),
                                     validator=time_validator, preparer=strip_whitespace)
    end_time = colander.SchemaNode(colander.String(), title=_("End (optional)"), widget=time_widget(),
                                   validator=time_validator, missing="", preparer=strip_whitespace)
    count = colander.SchemaNode(colander.Integer(), title=_("Number of meetings"), default=4,
                                validator=colander.Range(2, 12, min_err=_("At least two meetings."),
                                                         max_err=_("At most twelve meetings at once.")))
    months_between = colander.SchemaNode(colander.Integer(), title=_("Every … months"),
                                         validator=colander.OneOf(SERIES_INTERVALS))
    location = colander.SchemaNode(colander.String(), title=_("Place"), preparer=strip_whitespace,
                                   validator=colander.Length(max=200))

    def __init__(self, *args, **kw):
        super().__init__(*args, validator=_end_after_start, **kw)

    def after_bind(self, node, kw):
        request = kw["request"]
        node["months_between"].widget = deform.widget.SelectWidget(values=[
            (str(n), request.localizer.translate(
                _("every month") if n == 1 else _("every ${n} months", mapping={"n": n})))
            for n in SERIES_INTERVALS
        ])


class FreeItemSchema(CSRFSchema):
    kind = colander.SchemaNode(colander.String(), title=_("Kind"),
                               validator=colander.OneOf([ItemKind.REPORT, ItemKind.OTHER]))
    title = colander.SchemaNode(colander.String(), title=_("Title"), preparer=strip_whitespace,
                                validator=colander.Length(1, 300))
    description = colander.SchemaNode(colander.String(), title=_("Description (optional)"),
                                      widget=deform.widget.TextAreaWidget(rows=4), missing="",
                                      description=MARKDOWN_HELP, preparer=strip_whitespace)

    def after_bind(self, node, kw):
        request = kw["request"]
        node["kind"].widget = deform.widget.SelectWidget(values=_translated(request, [
            (ItemKind.REPORT, ITEM_KIND_LABELS[ItemKind.REPORT]),
            (ItemKind.OTHER, ITEM_KIND_LABELS[ItemKind.OTHER]),
        ]))
        meeting = kw["meeting"]
        # The part is chosen before the invitation; afterwards an item keeps its place.
        if meeting.public and not (kw.get("item") is not None and meeting.invitation_out):
            node.add(colander.SchemaNode(colander.Boolean(), name="public", title=_("Public item"),
                                         missing=False))


class ItemEditSchema(FreeItemSchema):
    """The item itself, before the meeting (the kind stays)."""

    version = colander.SchemaNode(colander.Integer(), widget=deform.widget.HiddenWidget())

    def after_bind(self, node, kw):
        super().after_bind(node, kw)
        del node["kind"]


def _votes_node(name, title):
    return colander.SchemaNode(colander.Integer(), name=name, title=title, missing=None,
                               validator=colander.Range(0, 999), widget=deform.widget.TextInputWidget(
                                   attributes={"type": "number", "min": "0", "inputmode": "numeric"}))


class ResultSchema(CSRFSchema):
    version = colander.SchemaNode(colander.Integer(), widget=deform.widget.HiddenWidget())
    minutes = colander.SchemaNode(colander.String(), title=_("Minutes (course of the discussion)"),
                                  widget=deform.widget.TextAreaWidget(rows=6), missing="",
                                  description=MARKDOWN_HELP, preparer=strip_whitespace)
    resolution = colander.SchemaNode(colander.String(), title=_("Resolution"),
                                     widget=deform.widget.TextAreaWidget(rows=4), missing="",
                                     description=_("The wording resolved, or the reason for rejecting or referring back."),
                                     preparer=strip_whitespace)
    outcome = colander.SchemaNode(colander.String(), title=_("Outcome"), missing="")
    unanimous = colander.SchemaNode(colander.Boolean(), title=_("Unanimous"), missing=False)
    votes_yes = _votes_node("votes_yes", _("Yes votes"))
    votes_no = _votes_node("votes_no", _("No votes"))
    votes_abstain = _votes_node("votes_abstain", _("Abstentions"))

    def after_bind(self, node, kw):
        request = kw["request"]
        outcomes = kw["outcomes"]
        node["outcome"].widget = deform.widget.SelectWidget(values=[("", request.localizer.translate(_("– not yet –")))] + [
            (str(o), request.localizer.translate(OUTCOME_LABELS[o])) for o in outcomes
        ])
        node["outcome"].validator = colander.OneOf(["", *[str(o) for o in outcomes]])
        node.validator = self._check_votes(kw["voting"])

    @staticmethod
    def _check_votes(voting: int):
        def check(node, values):
            counts = [values.get(name) for name in ("votes_yes", "votes_no", "votes_abstain")]
            exc = colander.Invalid(node)
            if values.get("unanimous") and any(c is not None for c in counts):
                exc["unanimous"] = _("Either unanimous or the numbers of votes, not both.")
            elif (values.get("unanimous") or any(c is not None for c in counts)) and \
                    values.get("outcome") not in VOTED_OUTCOMES:
                exc["outcome"] = _("Votes are recorded only for outcomes that were voted on.")
            elif voting and sum(c or 0 for c in counts) > voting:
                exc["votes_yes"] = _("More votes than voting members present (${n}).", mapping={"n": voting})
            if exc.children:
                raise exc

        return check


class MinutesTextSchema(CSRFSchema):
    """The wording of the minutes once the results are released: the outcome and the votes
    have taken effect and stay as they are."""

    version = colander.SchemaNode(colander.Integer(), widget=deform.widget.HiddenWidget())
    minutes = colander.SchemaNode(colander.String(), title=_("Minutes (course of the discussion)"),
                                  widget=deform.widget.TextAreaWidget(rows=6), missing="",
                                  description=MARKDOWN_HELP, preparer=strip_whitespace)
    resolution = colander.SchemaNode(colander.String(), title=_("Resolution"),
                                     widget=deform.widget.TextAreaWidget(rows=4), missing="",
                                     preparer=strip_whitespace)


class CorrectionSchema(MinutesTextSchema):
    reason = colander.SchemaNode(colander.String(), title=_("Reason for the correction"),
                                 widget=deform.widget.TextAreaWidget(rows=2), preparer=strip_whitespace,
                                 validator=colander.Length(1, 2000),
                                 description=_("Shown with the minutes; approved minutes change only with a reason."))
