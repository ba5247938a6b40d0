"""People, companies and places the demo draws from: fictional numbers only."""

from __future__ import annotations

from dataclasses import dataclass

# --- people, companies, places ---------------------------------------------

FIRST_NAMES = (
    "Dana", "Ravi", "Lee", "Sam", "Maria", "James", "Aisha", "Tom", "Mei", "Carlos",
    "Olivia", "Noah", "Priya", "Ethan", "Fatima", "Liam", "Grace", "Diego", "Hannah",
    "Kwame", "Sofia", "Marcus", "Yuki", "Isabel", "Owen", "Chloe", "Andre", "Nina",
    "Victor", "Emma", "Hiroshi", "Leah", "Mateo", "Zoe", "Ibrahim", "Rachel", "Kevin",
    "Ana", "Brian", "Keisha", "Daniel", "Elena", "Jamal", "Laura", "Arjun", "Megan",
    "Luis", "Tara", "Connor", "Amara", "Greg", "Naomi", "Pedro", "Julia", "Tyrone",
    "Sarah", "Wei", "Molly", "Omar", "Claire", "Jorge", "Bethany", "Sanjay", "Erin",
    "Malik", "Heather", "Tomasz", "Lucy", "Dmitri", "Paige", "Andrew", "Rosa", "Felix",
    "Ingrid", "Patrick", "Leila", "Scott", "Mariana", "Derek", "Joy",
)  # fmt: skip
LAST_NAMES = (
    "Whitfield", "Patel", "Okafor", "Ito", "Garcia", "Nguyen", "Smith", "Kowalski",
    "Johnson", "Chen", "Martinez", "Brown", "Haddad", "Williams", "Kim", "Rossi",
    "Murphy", "Singh", "Anderson", "Tanaka", "Lopez", "Walker", "Mensah", "Schmidt",
    "Rivera", "O'Brien", "Hughes", "Novak", "Bennett", "Castillo", "Fischer", "Reyes",
    "Campbell", "Sato", "Ward", "Abubakar", "Dubois", "Foster", "Larsen", "Morales",
    "Price", "Yamamoto", "Coleman", "Baptiste", "Gallagher", "Ortiz", "Sullivan",
    "Volkov", "Henderson", "Ahmed", "Brooks", "Jensen", "Flores", "Kaplan", "Russo",
    "Mitchell", "Oyelaran", "Park", "Delgado", "Stewart", "Lindqvist", "Fernandes",
    "McAllister", "Banerjee", "Hoffman", "Tran", "Esposito", "Cooper", "Nakamura",
    "Adeyemi", "Bishop", "Quinn",
)  # fmt: skip
TRADES = (
    "Roofing", "Builders", "Construction", "Property Management", "Home Services",
    "Exteriors", "Contracting", "Renovations", "Restoration", "Realty", "Remodeling",
    "Facilities", "Homes", "Storm Repair",
)  # fmt: skip
PLACE_WORDS = (
    "Summit", "Blue Ridge", "Lakeside", "Granite", "Cedar", "Harbor", "Pioneer",
    "Keystone", "Evergreen", "Red Oak", "Silver Creek", "Northstar", "Prairie",
    "Ironwood", "Bayview", "Canyon", "Maple Leaf", "Copperline",
)  # fmt: skip
TITLES = (
    "Owner", "Owner", "Operations Manager", "Purchasing Manager", "Project Manager",
    "Estimator", "Office Manager", "Facilities Director", "General Manager",
    "VP Operations", "Property Manager", "Procurement Lead",
)  # fmt: skip
# (source, weight): inbound sources dominate a rep's list.
SOURCES = (
    ("web form", 30), ("trade show", 12), ("referral", 12), ("cold list", 14),
    ("Google Ads", 14), ("partner", 6), ("Facebook Ads", 5), ("inbound call", 5),
    ("LinkedIn", 2),
)  # fmt: skip
# The product lines of a roofing and exteriors supplier.
INTERESTS = (
    "metal roof", "standing seam panels", "solar shingles", "gutter guards", "skylights",
    "roof coating", "attic insulation", "storm windows", "roof inspection", "siding",
)  # fmt: skip
TAGS = ("", "", "", "commercial", "residential", "hot", "multi-site", "budget approved")
STREETS = (
    "Maple", "Oak", "Cedar", "Pine", "Elm", "Washington", "Lincoln", "Park", "Lake",
    "Hill", "Sunset", "Ridge", "Church", "Mill", "River", "Highland", "Franklin",
    "Jefferson", "Willow", "Cherry", "Spring", "Meadow", "Forest", "Union",
)  # fmt: skip
STREET_KINDS = ("St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Way", "Ct", "Pl")
PERSONAL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com")
# Zones set by hand on a few leads (a New York mobile, living in LA).
OVERRIDE_ZONES = ("America/Los_Angeles", "America/Chicago", "America/New_York")
TLDS = {"US": "com", "CA": "ca", "GB": "co.uk", "DE": "de", "AU": "com.au", "MX": "com.mx"}


@dataclass(frozen=True)
class Area:
    """A place numbers come from: numbers as typed there, and a matching address."""

    country: str
    city: str
    region: str
    postcode: str  # prefix; digits are appended (# = digit, @ = letter)
    numbers: tuple[str, ...]  # patterns; each # is a digit (with codes, the code's first)
    weight: int
    # North America: the area codes its numbers take (a pattern's first three #), each
    # with the same time zones and jurisdictions, so any of them keeps a reused history
    # in the windows and rules it was planned in (test_numbers checks it).
    codes: tuple[str, ...] = ()


# 555-0100 through 555-0199 are reserved for fiction in every North American area code
# ("only 555-0100 through 555-0199 are now specifically reserved for fictional use":
# https://www.infogalactic.com/info/555_(telephone_number), a copy of Wikipedia's
# "555 (telephone number)", checked with the search tool 2026-12-08). One code holds
# 100 of them, so each area deals from every code of its state or province that shares
# its zones (phonenumbers' metadata): ~8x the numbers one code per area gave.
SAME_RULES: dict[str, tuple[str, ...]] = {
    "NY": ("212", "315", "329", "332", "347", "363", "516", "518", "585", "607", "631",
           "646", "680", "716", "718", "838", "845", "914", "917", "929", "934"),
    "MA": ("339", "351", "413", "508", "617", "774", "781", "857", "978"),
    "PA": ("215", "223", "267", "272", "412", "445", "484", "570", "582", "610", "717",
           "724", "814", "835", "878"),
    "GA": ("229", "404", "470", "478", "678", "706", "762", "770", "912", "943"),
    "FL": ("239", "305", "321", "324", "352", "386", "407", "448", "561", "645", "656",
           "727", "728", "754", "772", "786", "813", "850", "863", "904", "941", "954"),
    "NC": ("252", "336", "472", "704", "743", "828", "910", "919", "980", "984"),
    "MI": ("231", "248", "269", "313", "517", "586", "616", "734", "810", "906", "947",
           "989"),
    "IL": ("217", "224", "309", "312", "331", "447", "464", "618", "630", "708", "730",
           "773", "779", "815", "847", "872"),
    "TX": ("210", "214", "254", "281", "325", "346", "361", "409", "430", "432", "469",
           "512", "682", "713", "726", "737", "806", "817", "830", "832", "903", "936",
           "940", "945", "956", "972", "979"),
    "MN": ("218", "320", "507", "612", "651", "763", "952"),
    "LA": ("225", "318", "337", "504", "985"),
    "CO": ("303", "719", "720", "748", "970", "983"),
    "UT": ("385", "435", "801"),
    "NM": ("505", "575"),
    "AZ": ("480", "520", "602", "623", "928"),
    "ID": ("208", "986"),
    "CA": ("209", "213", "279", "310", "323", "341", "350", "369", "408", "415", "424",
           "442", "510", "530", "559", "562", "619", "626", "628", "650", "657", "661",
           "669", "707", "714", "738", "747", "760", "805", "818", "820", "831", "840",
           "858", "909", "916", "925", "949", "951"),
    "WA": ("206", "253", "360", "425", "509", "564"),
    "OR": ("458", "503", "541", "971"),
    "NV": ("702", "725"),
    "ON": ("226", "249", "289", "343", "365", "382", "416", "437", "519", "548", "613",
           "647", "683", "705", "742", "753", "807", "905", "942"),
    "BC": ("236", "250", "604", "672", "778"),
    "AB": ("368", "403", "587", "780", "825"),
    "QC": ("263", "273", "354", "367", "418", "438", "450", "468", "514", "579", "581",
           "819", "873"),
}  # fmt: skip


def _codes(code: str, region: str) -> tuple[str, ...]:
    # One tuple per state, whichever city asks: the areas sharing it share one deck.
    return SAME_RULES.get(region, (code,))


def _us(code: str, city: str, state: str, zip3: str, weight: int = 3) -> Area:
    patterns = (
        "(###) 555-01##",
        "###-555-01##",
        "###.555.01##",
        "+1 ### 555 01##",
        "1-###-555-01##",
        "###55501##",
    )
    return Area("US", city, state, zip3 + "##", patterns, weight, _codes(code, state))


def _ca(code: str, city: str, province: str, postcode: str) -> Area:
    patterns = ("(###) 555-01##", "+1 ### 555 01##")
    return Area("CA", city, province, postcode, patterns, 2, _codes(code, province))


AREAS: tuple[Area, ...] = (
    _us("212", "New York", "NY", "100", 6),
    _us("718", "Brooklyn", "NY", "112", 4),
    _us("917", "New York", "NY", "100", 3),
    _us("617", "Boston", "MA", "021"),
    _us("215", "Philadelphia", "PA", "191"),
    _us("404", "Atlanta", "GA", "303", 4),
    _us("305", "Miami", "FL", "331", 4),
    _us("704", "Charlotte", "NC", "282"),
    _us("313", "Detroit", "MI", "482", 2),
    _us("312", "Chicago", "IL", "606", 5),
    _us("773", "Chicago", "IL", "606", 3),
    _us("214", "Dallas", "TX", "752", 4),
    _us("713", "Houston", "TX", "770", 4),
    _us("612", "Minneapolis", "MN", "554", 2),
    _us("504", "New Orleans", "LA", "701", 2),
    _us("303", "Denver", "CO", "802", 3),
    _us("801", "Salt Lake City", "UT", "841", 2),
    _us("505", "Albuquerque", "NM", "871", 1),
    _us("602", "Phoenix", "AZ", "850", 3),  # no DST
    _us("520", "Tucson", "AZ", "857", 1),
    _us("208", "Boise", "ID", "837", 1),  # two zones: Boise and Los Angeles
    _us("213", "Los Angeles", "CA", "900", 4),
    _us("310", "Santa Monica", "CA", "904", 2),
    _us("415", "San Francisco", "CA", "941", 3),
    _us("206", "Seattle", "WA", "981", 3),
    _us("503", "Portland", "OR", "972", 2),
    _us("702", "Las Vegas", "NV", "891", 2),
    _us("907", "Anchorage", "AK", "995", 1),  # Adak and Anchorage
    _us("808", "Honolulu", "HI", "968", 1),
    _ca("416", "Toronto", "ON", "M5V #@#"),
    _ca("604", "Vancouver", "BC", "V6B #@#"),
    _ca("403", "Calgary", "AB", "T2P #@#"),
    _ca("514", "Montreal", "QC", "H2X #@#"),
    Area("GB", "London", "", "EC1A #@@", ("+44 20 7946 0###", "+44 (0)20 7946 0###"), 2),
    Area("GB", "Manchester", "", "M1 #@@", ("+44 161 496 0###",), 1),
    Area("DE", "Berlin", "", "101##", ("+49 30 23125 ###", "+49 (0)30 23125###"), 1),
    Area("DE", "München", "", "803##", ("+49 89 99998 ###",), 1),
    Area("AU", "Sydney", "NSW", "20##", ("+61 2 5550 ####",), 1),
    # Australian mobiles span every Australian zone: no usable window, rep's zone.
    Area("AU", "Melbourne", "VIC", "30##", ("+61 491 570 15#",), 1),
    Area("MX", "Ciudad de México", "CDMX", "066##", ("+52 55 5555 0###",), 1),
    Area("MX", "Monterrey", "NL", "640##", ("+52 81 5555 0###",), 1),
)
# Company main lines: toll-free numbers are in no one zone. The whole 555 exchange is
# reserved in the overlay toll-free codes, but in 800 only 800-555-0199 is (the same
# page as above): no 800 number here.
TOLL_FREE = Area(
    "US", "", "", "", ("(###) 555-01##", "1-###-555-01##"), 0, ("844", "855", "866", "877", "888")
)
