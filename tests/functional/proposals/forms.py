"""Filling the proposal form as a person would."""

from __future__ import annotations

from tests.functional.proposals.support import page_url


def set_districts(form, keys) -> None:
    """Tick exactly the given districts (Deform posts them as the "checkbox" sequence)."""
    wanted = set(keys)
    for index in range(len(form.fields["checkbox"])):
        box = form.get("checkbox", index=index)
        box.checked = box._value in wanted


def ticked_districts(form) -> set[str]:
    return {box._value for box in form.fields["checkbox"] if box.checked}


def fill(form, **values) -> None:
    for name, value in values.items():
        if name == "districts":
            set_districts(form, value)
        elif name == "co_author_ids":
            form["co_author_ids"] = [str(v) for v in value]
        else:
            form[name] = value


def field_error(page, name):
    """The error shown next to a field: the element its aria-describedby names, inside the
    field's own container. None when the field has no error."""
    field = page.html.find(attrs={"name": name})
    describedby = (field.get("aria-describedby") or "").split()
    error_ids = [i for i in describedby if i.startswith("error-")]
    if not error_ids:
        return None
    error = page.html.find(id=error_ids[0])
    container = page.html.find(id="item-" + field["id"])
    assert error is not None and container is not None and error in container.descendants
    return error


COMPLETE = dict(
    subject="Ehrenamtliche laden einmal in der Woche zum Sprachcafé ein.",
    resolution="Die Lenkungsgruppe beschließt die Förderung der Sprachcafés.",
    reasoning="Sprache verbindet Menschen.",
    districts={"mitte", "bad-cannstatt"},
)


def create_through_form(testapp, proposal_type, title="Sprachcafés in allen Bezirken", origin=None,
                        status=302, **values):
    page = testapp.get("/vorlagen/neu")
    form = page.forms["proposal"]
    form["title"] = title
    form["type_id"] = str(proposal_type.id)
    if origin is not None:
        form["origin_body_id"] = str(origin.id)
    fill(form, **values)
    return form.submit("save", status=status)


def edit_form(testapp, proposal):
    return testapp.get(page_url(proposal) + "/bearbeiten").forms["proposal"]
