"""Helpers of the fund form tests: filling the sectioned application form as a person would."""

from __future__ import annotations

from tests.functional.helpers import set_date


def set_districts(form, keys) -> None:
    wanted = set(keys)
    for index in range(len(form.fields["checkbox"])):
        box = form.get("checkbox", index=index)
        box.checked = box._value in wanted


def fill_application(form, *, title="Sprachcafé im Stadtteiltreff", costs=(("material", "Bücher", "1.200,00"),),
                     own="200,00", hours="0", third="0", requested="1.000,00", iban="DE89 3704 0044 0532 0130 00",
                     holder="Freundeskreis Süd e. V.", declarations=True, **more) -> None:
    form["title"] = title
    form["description"] = more.get("description", "Jede Woche ein Sprachcafé.")
    form["goals"] = "Deutsch üben."
    form["target_group"] = "Neuzugewanderte"
    set_districts(form, more.get("districts", {"sued"}))
    set_date(form, "period_start", more.get("start", "2027-03-01"))
    set_date(form, "period_end", more.get("end", "2027-10-31"))
    for index in range(8):
        category, description, amount = costs[index] if index < len(costs) else ("", "", "")
        form.set("category", category, index=index)
        form.set("purpose", description, index=index)
        form.set("amount", amount, index=index)
    form["own_funds"] = own
    form["volunteer_hours"] = hours
    form["third_party_funds"] = third
    form["requested_amount"] = requested
    form["account_holder"] = holder
    form["iban"] = iban
    form["no_early_start"] = declarations
    form["data_consent"] = declarations


def field_error(page, name, index=0):
    """The message shown next to a field (through its aria-describedby), or None."""
    fields = page.html.find_all(attrs={"name": name})
    field = fields[index]
    describedby = (field.get("aria-describedby") or "").split()
    error_ids = [i for i in describedby if i.startswith("error-")]
    if not error_ids:
        return None
    error = page.html.find(id=error_ids[0])
    container = page.html.find(id="item-" + field["id"])
    assert error is not None and container is not None and error in container.descendants
    return error.get_text(" ", strip=True)


def transition_form(page, trigger):
    for form in page.forms.values():
        if form.action and form.action.endswith("/" + trigger):
            return form
    return None
