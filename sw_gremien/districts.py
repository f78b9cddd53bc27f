"""Stuttgart's 23 city districts (Stadtbezirke). Refugees live in all of them; proposals and
fund applications carry the districts they concern."""

from sw_gremien.bodies.services import slugify

STADTBEZIRKE = (
    "Mitte", "Nord", "Ost", "Süd", "West", "Bad Cannstatt", "Birkach", "Botnang", "Degerloch",
    "Feuerbach", "Hedelfingen", "Möhringen", "Mühlhausen", "Münster", "Obertürkheim",
    "Plieningen", "Sillenbuch", "Stammheim", "Untertürkheim", "Vaihingen", "Wangen",
    "Weilimdorf", "Zuffenhausen",
)

# Stored as stable keys ("bad-cannstatt"); shown by name.
DISTRICTS = {slugify(name): name for name in STADTBEZIRKE}
DISTRICT_CHOICES = sorted(DISTRICTS.items(), key=lambda item: item[1])
