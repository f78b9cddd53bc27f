"""The application on paper: a tagged A4 PDF of everything the applicant entered, for the
receipt mail and the office's file (templates/funding/pdf_application.jinja2)."""

from __future__ import annotations

from sw_gremien.districts import DISTRICTS
from sw_gremien.documents.localized import render_in
from sw_gremien.documents.pdf import css_string, html_to_pdf, page_counter_css
from sw_gremien.funding.models import FundApplication
from sw_gremien.funding.services import format_iban
from sw_gremien.i18n import _
from sw_gremien.text import render_markdown


def pdf_filename(application: FundApplication) -> str:
    return f"foerderantrag-{(application.reference or f'entwurf-{application.id}').lower()}.pdf"


def notice_filename(application: FundApplication) -> str:
    return f"bewilligung-{(application.reference or str(application.id)).lower()}.pdf"


def notice_pdf(request, application: FundApplication, locale: str) -> bytes:
    """The grant notice (Bewilligungsbescheid): amount, purpose, conditions, proof deadline."""
    html = render_in(request, "funding/pdf_notice.jinja2", {
        "application": application, "markdown": render_markdown, "css_string": css_string,
        "page_counter": lambda: page_counter_css(request), "format_iban": format_iban,
        "letterhead": _("City of Stuttgart · Stuttgarter Weg"),
    }, locale)
    return html_to_pdf(html)


def application_pdf(request, application: FundApplication, locale: str) -> bytes:
    from sw_gremien.funding.views import balance_message

    html = render_in(request, "funding/pdf_application.jinja2", {
        "application": application,
        "district_names": [DISTRICTS.get(d, d) for d in application.districts or []],
        "balance": balance_message(application, locale),
        "format_iban": format_iban,
        "markdown": render_markdown,
        "css_string": css_string,
        "page_counter": lambda: page_counter_css(request),
        "letterhead": _("City of Stuttgart · Stuttgarter Weg"),
        "document_label": _("Application to the Integrations-Fonds"),
    }, locale)
    return html_to_pdf(html)
