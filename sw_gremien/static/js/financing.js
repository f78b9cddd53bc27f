// Live totals of the fund application form: total costs, total financing and the difference,
// announced in an aria-live region as the user types. Amounts are parsed the German way
// ("1.234,56", "1234,5", "1 234 €") like sw_gremien.text.parse_amount on the server, which
// checks the same balance again when the application is submitted.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("application");
  var box = document.getElementById("financing-totals");
  if (!form || !box) {
    return;
  }
  var locale = document.documentElement.lang || "de";
  var money = new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" });

  function parse(value) {
    var cleaned = (value || "").replace(/€|EUR|\s|\u00a0/g, "");
    if (!cleaned) {
      return 0;
    }
    if (cleaned.indexOf(",") !== -1) {
      cleaned = cleaned.replace(/\./g, "").replace(",", ".");
    } else if (/^-?\d{1,3}(\.\d{3})+$/.test(cleaned)) {
      cleaned = cleaned.replace(/\./g, "");
    }
    var number = Number(cleaned);
    return isFinite(number) ? number : NaN;
  }

  // In cents, so that 0,10 + 0,20 balances 0,30.
  function cents(value) {
    var number = parse(value);
    return isNaN(number) ? NaN : Math.round(number * 100);
  }

  function field(name) {
    return form.querySelector("[name='" + name + "']");
  }

  function update() {
    var cost = 0;
    var valid = true;
    form.querySelectorAll("[data-cost-amount]").forEach(function (input) {
      var value = cents(input.value);
      if (isNaN(value)) {
        valid = false;
      } else {
        cost += value;
      }
    });
    var rate = parse(box.getAttribute("data-hourly-rate").replace(".", ","));
    var hours = parse(field("volunteer_hours") ? field("volunteer_hours").value : "");
    var financing = 0;
    ["own_funds", "third_party_funds", "requested_amount"].forEach(function (name) {
      var value = cents(field(name) ? field(name).value : "");
      if (isNaN(value)) {
        valid = false;
      } else {
        financing += value;
      }
    });
    if (isNaN(hours)) {
      valid = false;
    } else {
      financing += Math.round(hours * rate * 100);
    }
    var costOut = box.querySelector("[data-total='cost']");
    var financingOut = box.querySelector("[data-total='financing']");
    var differenceOut = box.querySelector("[data-total='difference']");
    if (!valid) {
      costOut.textContent = financingOut.textContent = differenceOut.textContent = "–";
      return;
    }
    costOut.textContent = money.format(cost / 100);
    financingOut.textContent = money.format(financing / 100);
    var difference = financing - cost;
    if (difference === 0) {
      differenceOut.textContent = box.getAttribute("data-balanced");
    } else {
      differenceOut.textContent = box.getAttribute("data-difference").replace("{amount}", money.format(Math.abs(difference) / 100)) +
        " – " + box.getAttribute(difference < 0 ? "data-more-costs" : "data-more-financing");
    }
  }

  // Beside the financing plan, where the figures are typed.
  var financingSection = field("requested_amount") && field("requested_amount").closest("fieldset");
  if (financingSection) {
    financingSection.querySelector(".card-body").appendChild(box);
  }
  form.addEventListener("input", update);
  update();
});
