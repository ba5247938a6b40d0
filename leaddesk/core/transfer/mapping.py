"""Which column is which: header names from Excel sheets, Google Contacts,
Outlook, HubSpot and Salesforce exports mapped to lead fields.

Headers are compared normalised (lower case, punctuation as spaces), so
"E-mail Address", "e-mail address" and "E_mail  address" are one name. Several
phone columns become several labelled phones; an address is taken whole from
the first address group (business, home, mailing, …) a row fills in.
`--map COLUMN=field` overrides any of it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from leaddesk.core.domain.errors import InvalidInput

# Fields a column can feed, as `--map` spells them.
FIELDS = (
    "name", "first_name", "middle_name", "last_name", "company", "title", "phone", "email",
    "street", "street2", "city", "region", "postcode", "country", "address", "source",
    "interest", "notes", "tags", "received", "first_contact", "timezone", "phone_label",
    "ignore",
)  # fmt: skip
MULTI = frozenset({"phone", "email", "notes", "tags"})
ADDRESS_PARTS = ("street", "street2", "city", "region", "postcode", "country", "address")
FIELD_ALIASES = {"address1": "street", "address2": "street2", "zip": "postcode", "state": "region"}


def normalise_header(text: str) -> str:
    # casefold: "Straße" -> "strasse"; NFKD then ASCII: "Téléphone" -> "telephone"
    folded = unicodedata.normalize("NFKD", (text or "").casefold())
    ascii_text = folded.encode("ascii", "ignore").decode()
    words = re.sub(r"[^0-9a-z]+", " ", ascii_text).split()
    joined = " ".join(words)
    return re.sub(r"\be mail\b", "email", joined)


def _names(*names: str) -> tuple[str, ...]:
    return tuple(normalise_header(n) for n in names)


# field -> (label, header names best first). The rank of a name decides which
# column feeds a single-valued field when several could ("Job Title" beats
# Outlook's "Title", which there is Mr/Ms).
SYNONYMS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "name": (("", _names(
        "Full Name", "Name", "Contact Name", "Display Name", "Lead Name", "Customer Name",
        "Client Name", "Contact", "Person", "Contact Full Name", "Nom complet",
        "Nombre completo",
    )),),
    "first_name": (("", _names(
        "First Name", "Given Name", "Firstname", "First", "Forename", "Vorname", "Prénom",
        "Nombre",
    )),),
    "middle_name": (("", _names("Middle Name", "Additional Name", "Middle")),),
    "last_name": (("", _names(
        "Last Name", "Family Name", "Surname", "Lastname", "Last", "Nachname", "Nom", "Apellido",
        "Apellidos",
    )),),
    "company": (("", _names(
        "Company", "Company Name", "Organization", "Organisation", "Organization Name",
        "Organization 1 - Name", "Account Name", "Business Name", "Employer", "Account",
        "Associated Company", "Business", "Firma", "Unternehmen", "Société", "Entreprise",
        "Empresa",
    )),),
    "title": (("", _names(
        "Job Title", "Title", "Organization Title", "Organization 1 - Title", "Position", "Role",
        "Job",
    )),),
    "phone": (
        ("", _names(
            "Phone", "Phone Number", "Telephone", "Tel", "Phone No", "Telephone Number",
            "Primary Phone", "Contact Number", "Number", "Telefon", "Telefonnummer", "Téléphone",
            "Teléfono", "Telefono",
        )),
        ("mobile", _names(
            "Mobile", "Mobile Phone", "Mobile Phone Number", "Mobile Number", "Cell",
            "Cell Phone", "Cellphone", "Cell Number", "Handy", "Mobil", "Mobiltelefon",
            "Portable", "Móvil", "Celular",
        )),
        ("work", _names(
            "Work Phone", "Business Phone", "Business Phone 2", "Office Phone", "Direct Phone",
            "Direct Dial",
        )),
        ("main", _names("Company Main Phone", "Main Phone")),
        ("home", _names("Home Phone", "Home Phone 2", "Landline")),
        ("other", _names("Other Phone", "Callback", "Car Phone", "Assistant's Phone")),
    ),
    "email": (("", _names(
        "Email", "E-mail Address", "Email Address", "Primary Email", "Work Email",
        "Business Email", "Personal Email", "Mail", "E-Mail-Adresse", "Courriel", "Correo",
        "Correo electrónico", "E-mail 2 Address", "E-mail 3 Address",
    )),),
    "source": (("", _names(
        "Lead Source", "Source", "Original Source", "Referral Source", "Lead Origin",
        "How did you hear about us", "Quelle", "Herkunft", "Origine", "Fuente", "Origen",
    )),),
    "interest": (("", _names(
        "Interest", "Interested In", "Product Interest", "Product", "Products", "Service",
        "Inquiry", "Enquiry", "Topic",
    )),),
    "notes": (("", _names(
        "Notes", "Note", "Comments", "Comment", "Description", "Remarks", "Message", "Details",
        "Memo", "Notizen", "Notiz", "Bemerkung", "Bemerkungen", "Kommentar", "Remarques",
        "Commentaire", "Notas", "Comentarios",
    )),),
    "tags": (("", _names(
        "Tags", "Tag", "Labels", "Group Membership", "Categories", "Category", "Lead Status",
        "Lifecycle Stage", "Rating",
    )),),
    "received": (("", _names(
        "Received", "Received At", "Received Date", "Date Received", "Created Date",
        "Create Date", "Created", "Created At", "Date Created", "Creation Date", "Lead Date",
        "Submitted", "Submitted At", "Submission Date", "Date Added", "Timestamp", "Erstellt",
        "Erstellt am", "Angelegt am", "Date de création", "Fecha de creación", "Date", "Datum",
        "Fecha",
    )),),
    "first_contact": (("", _names(
        "First Contact", "First Contact Date", "Date of First Contact", "First Contacted",
        "Date Met", "Met On",
    )),),
    "timezone": (("", _names("Time Zone", "Timezone", "TZ")),),
}  # fmt: skip

# Address columns: an optional group prefix plus a part.
ADDRESS_GROUPS = ("", "business", "work", "mailing", "billing", "home", "other", "shipping")
PART_NAMES: dict[str, tuple[str, ...]] = {
    "street": _names(
        "Street", "Street Address", "Address", "Address Line 1", "Address 1", "Street 1",
        "Line 1", "Street Line 1", "Straße", "Strasse", "Adresse", "Anschrift", "Rue",
        "Dirección", "Calle",
    ),
    "street2": _names(
        "Street 2", "Street 3", "Address Line 2", "Address Line 3", "Address 2", "Line 2",
        "Extended Address", "PO Box", "Street Line 2",
    ),
    "city": _names("City", "Town", "Locality", "Suburb", "Ort", "Stadt", "Ville", "Ciudad"),
    "region": _names(
        "State", "Province", "State/Province", "Region", "State/Region", "County", "State Code",
        "Bundesland", "Provincia",
    ),
    "postcode": _names(
        "Zip", "Zip Code", "Postal Code", "Postcode", "Post Code", "Zip/Postal Code", "Postal",
        "PLZ", "Postleitzahl", "Code postal", "Código postal",
    ),
    "country": _names("Country", "Country/Region", "Country Code", "Land", "Pays", "País"),
    "address": _names("Formatted", "Full Address", "Formatted Address"),
}  # fmt: skip

_GOOGLE = re.compile(r"^(phone|email|address|organization) (\d+) (.+)$")
_GOOGLE_ADDRESS = {
    "formatted": "address", "street": "street", "city": "city", "po box": "street2",
    "region": "region", "postal code": "postcode", "country": "country",
    "extended address": "street2",
}  # fmt: skip


@dataclass(frozen=True)
class Target:
    field: str
    label: str = ""  # phones: mobile, work, …
    group: str = ""  # address parts: business, home, …; phones: Google's pair number
    rank: int = 0  # lower wins for single-valued fields


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    target: Target | None
    note: str = ""  # why it is not used, or "--map"


def _lookup() -> dict[str, Target]:
    table: dict[str, Target] = {}
    for name, groups in SYNONYMS.items():
        rank = 0
        for label, headers in groups:
            for header in headers:
                table.setdefault(header, Target(name, label, "", rank))
                rank += 1
    for g_rank, group in enumerate(ADDRESS_GROUPS):
        for part, names in PART_NAMES.items():
            for p_rank, part_name in enumerate(names):
                key = f"{group} {part_name}".strip()
                if group == "" and key in table:
                    continue
                table.setdefault(key, Target(part, "", group, g_rank * 100 + p_rank))
    return table


LOOKUP = _lookup()


def guess(header: str) -> Target | None:
    """The field a header names, or None."""
    h = normalise_header(header)
    if not h:
        return None
    google = _GOOGLE.match(h)
    if google:
        kind, number, part = google.group(1), int(google.group(2)), google.group(3)
        if kind == "phone" and part == "value":
            return Target("phone", "", f"phone {number}", number)
        if kind == "phone" and part in ("type", "label"):
            return Target("phone_label", "", f"phone {number}", number)
        if kind == "email" and part in ("value", "address"):  # Google; Outlook "E-mail 2 Address"
            return Target("email", "", "", number)
        if kind == "address" and part in _GOOGLE_ADDRESS:
            # Google's numbered addresses rank after a plain "Street" column
            return Target(_GOOGLE_ADDRESS[part], "", f"address {number}", 1000 * number)
        if kind == "organization" and number == 1 and part in ("name", "title"):
            return Target("company" if part == "name" else "title", "", "", 5)
        return None
    return LOOKUP.get(h)


@dataclass
class Mapping:
    """Which column feeds which field, and which columns are left out."""

    columns: list[Column]
    header: list[str] = field(default_factory=list)

    @property
    def used(self) -> list[Column]:
        return [c for c in self.columns if c.target is not None]

    @property
    def unused(self) -> list[Column]:
        return [c for c in self.columns if c.target is None and c.header.strip()]

    def fields(self) -> set[str]:
        return {c.target.field for c in self.used if c.target}

    def lines(self) -> list[str]:
        """The mapping as a rep reads it: one line per column."""
        out = []
        for c in self.used:
            assert c.target is not None
            t = c.target
            what = t.field
            if t.field == "phone" and t.label:
                what = f"phone ({t.label})"
            if t.field in ADDRESS_PARTS and t.group and not t.group.startswith("address"):
                what = f"{t.field} ({t.group} address)"
            extra = f"   [{c.note}]" if c.note else ""
            out.append(f"{c.header!r:<32} → {what}{extra}")
        for c in self.unused:
            out.append(f"{c.header!r:<32} → (not imported{': ' + c.note if c.note else ''})")
        return out

    def as_json(self) -> dict[str, object]:
        return {
            "columns": [
                {
                    "column": c.header,
                    "field": c.target.field,
                    "label": c.target.label,
                    "group": c.target.group,
                    "note": c.note,
                }
                for c in self.used
                if c.target
            ],
            "not_imported": [{"column": c.header, "note": c.note} for c in self.unused],
        }


def parse_overrides(items: list[str] | tuple[str, ...]) -> dict[str, Target | None]:
    """`COLUMN=field[:label]` pairs; `COLUMN=` or `COLUMN=ignore` leaves a column out."""
    overrides: dict[str, Target | None] = {}
    for item in items:
        if "=" not in item:
            raise InvalidInput(f"--map {item!r}: write COLUMN=field, e.g. 'Cell=phone:mobile'")
        column, _, target = item.rpartition("=")
        name, _, label = target.strip().partition(":")
        name = FIELD_ALIASES.get(name.strip().lower(), name.strip().lower())
        if not column.strip():
            raise InvalidInput(f"--map {item!r}: the column name is missing")
        if name in ("", "ignore"):
            overrides[normalise_header(column)] = None
            continue
        if name not in FIELDS or name == "phone_label":
            raise InvalidInput(
                f"--map {item!r}: unknown field {name!r}; use one of: "
                + " ".join(f for f in FIELDS if f != "phone_label")
            )
        overrides[normalise_header(column)] = Target(name, label.strip().lower(), "", -1)
    return overrides


def plan_mapping(header: list[str], overrides: dict[str, Target | None] | None = None) -> Mapping:
    """Map each header cell to a field; single-valued fields take the best-ranked column."""
    overrides = dict(overrides or {})
    known = {normalise_header(h) for h in header}
    missing = [c for c in overrides if c not in known]
    if missing:
        shown = ", ".join(repr(h) for h in header if h.strip())
        raise InvalidInput(f"--map: no column {missing[0]!r} in the file (columns: {shown})")
    columns: list[Column] = []
    for index, text in enumerate(header):
        key = normalise_header(text)
        if key in overrides:
            target = overrides[key]
            columns.append(Column(index, text, target, "--map" if target else "left out by --map"))
        else:
            columns.append(Column(index, text, guess(text)))
    return Mapping(_resolve_conflicts(columns), list(header))


def _resolve_conflicts(columns: list[Column]) -> list[Column]:
    """One column per single-valued field (per address group); the rest are left out."""
    best: dict[tuple[str, str], Column] = {}
    for c in columns:
        t = c.target
        if t is None or t.field in MULTI or t.field == "phone_label":
            continue
        key = (t.field, t.group if t.field in ADDRESS_PARTS else "")
        current = best.get(key)
        if current is None or (current.target and t.rank < current.target.rank):
            best[key] = c
    out = []
    for c in columns:
        t = c.target
        if t is None or t.field in MULTI or t.field == "phone_label":
            out.append(c)
            continue
        winner = best[(t.field, t.group if t.field in ADDRESS_PARTS else "")]
        if winner is c:
            out.append(c)
        else:
            out.append(Column(c.index, c.header, None, f"{t.field} comes from {winner.header!r}"))
    return out
