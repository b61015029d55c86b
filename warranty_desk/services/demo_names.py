"""The demo shop's data: staff, catalogue, names, faults and the words staff write on claims."""

from __future__ import annotations

from dataclasses import dataclass

from warranty_desk.permissions import Role
from warranty_desk.services.catalogue import ExtensionPlanInput, PolicyInput

# The README lists these sign-ins; change both together.
STAFF: tuple[tuple[str, Role, str], ...] = (
    ("Sam Sales", Role.SALES, "1111"),
    ("Kim Store", Role.STOREKEEPER, "2222"),
    ("Tariq Tech", Role.TECHNICIAN, "3333"),
    ("Sue Support", Role.SUPPORT, "4444"),
    ("Maria Manager", Role.MANAGER, "5555"),
    ("Fin Finance", Role.FINANCE, "6666"),
    ("Olive Owner", Role.OWNER, "7777"),
    ("Adam Admin", Role.ADMIN, "8888"),
)

ELECTRONICS = "Electronics 12+12"
APPLIANCES = "Appliances 24"
AUDIO = "Audio 12+6"
ACCESSORIES = "Accessories 6"

_COMMON_EXCLUSIONS = ("Accidental damage (drops, impacts, cracked screens)",
                      "Liquid damage", "Normal wear and tear",
                      "Repairs or opening by anyone other than an authorised service centre")

POLICIES: tuple[PolicyInput, ...] = (
    PolicyInput(
        name=ELECTRONICS, manufacturer_months=12, shop_months=12,
        terms="The manufacturer covers faults in materials and workmanship for 12 months from "
              "the sale; the shop covers the same faults for a further 12 months.",
        exclusions=(*_COMMON_EXCLUSIONS, "Software problems and lost data"),
        evidence_required={"fault": ("proof_of_purchase", "photo_of_fault"),
                           "dead_on_arrival": ("proof_of_purchase",),
                           "battery": ("proof_of_purchase",)},
        claim_limit_count=2, claim_limit_period_months=12),
    PolicyInput(
        name=APPLIANCES, manufacturer_months=24,
        terms="The manufacturer covers household use for 24 months from the sale.",
        exclusions=("Commercial use", "Limescale build-up", "Liquid damage to the base",
                    "Normal wear and tear"),
        evidence_required={"fault": ("proof_of_purchase",)},
        claim_limit_count=3, claim_limit_period_months=12),
    PolicyInput(
        name=AUDIO, manufacturer_months=12, shop_months=6,
        terms="12 months from the manufacturer and 6 more from the shop; a replacement unit "
              "starts a new term.",
        exclusions=("Lost ear tips and cases", "Liquid damage", "Accidental damage"),
        evidence_required={"fault": ("proof_of_purchase",)},
        new_term_on_replacement=True),
    PolicyInput(
        name=ACCESSORIES, manufacturer_months=6, serial_required=False,
        terms="6 months from the sale; bring the receipt.",
        exclusions=("Cut or crushed cables", "Normal wear and tear")),
)

CARE_PLUS = "Care+ 24"
CARE = "Care 12"

EXTENSION_PLANS: tuple[ExtensionPlanInput, ...] = (
    ExtensionPlanInput(name=CARE_PLUS, months=24, price_minor=9_900,
                       categories=("laptops", "phones", "tvs"), min_price_minor=20_000,
                       max_days_since_sale=30),
    ExtensionPlanInput(name=CARE, months=12, price_minor=4_900,
                       categories=("laptops", "phones", "tvs", "small appliances", "headphones"),
                       min_price_minor=5_000, max_price_minor=100_000, max_days_since_sale=60),
)


@dataclass(frozen=True, slots=True)
class DemoProduct:
    """One demo SKU: its catalogue entry, how serials look and how often it sells."""

    sku: str
    name: str
    brand: str
    category: str
    policy: str
    # Twelve digits; the check digit is computed, so every GTIN scans as valid.
    gtin12: str
    price_minor: int
    serial_prefix: str | None
    weight: int


PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct("LUM-14-LT", "Lumen 14 Laptop", "Lumen", "laptops", ELECTRONICS,
                "506012345001", 89_900, "LUM14", 6),
    DemoProduct("LUM-16-PRO", "Lumen 16 Pro Laptop", "Lumen", "laptops", ELECTRONICS,
                "506012345002", 149_900, "LUM16", 3),
    DemoProduct("ORB-X-PHN", "Orbit X Phone", "Orbit", "phones", ELECTRONICS,
                "506012345003", 49_900, "ORBX1", 10),
    DemoProduct("ORB-XM-PHN", "Orbit X Mini Phone", "Orbit", "phones", ELECTRONICS,
                "506012345004", 34_900, "ORBM2", 7),
    DemoProduct("PUL-A5-PHN", "Pulse A5 Phone", "Pulse", "phones", ELECTRONICS,
                "506012345005", 19_900, "PULA5", 8),
    DemoProduct("VIS-55-TV", "Vista 55 4K TV", "Vista", "tvs", ELECTRONICS,
                "506012345006", 79_900, "VIS55", 4),
    DemoProduct("VIS-65-OLED", "Vista 65 OLED TV", "Vista", "tvs", ELECTRONICS,
                "506012345007", 169_900, "VIS65", 2),
    DemoProduct("KET-17-KTL", "Kettlo 1.7 L Kettle", "Kettlo", "small appliances", APPLIANCES,
                "506012345008", 3_900, "KET17", 7),
    DemoProduct("KET-TS4", "Kettlo 4-Slice Toaster", "Kettlo", "small appliances", APPLIANCES,
                "506012345009", 5_900, "KETT4", 5),
    DemoProduct("KET-BL9", "Kettlo Blender 900", "Kettlo", "small appliances", APPLIANCES,
                "506012345010", 8_900, "KETB9", 4),
    DemoProduct("PUL-NC7", "Pulse NC7 Headphones", "Pulse", "headphones", AUDIO,
                "506012345011", 24_900, "PULN7", 6),
    DemoProduct("PUL-BUDS2", "Pulse Buds 2", "Pulse", "headphones", AUDIO,
                "506012345012", 12_900, "PULB2", 8),
    DemoProduct("ORB-BUDS", "Orbit Buds Lite", "Orbit", "headphones", AUDIO,
                "506012345013", 7_900, "ORBB3", 5),
    DemoProduct("LUM-USBC-2M", "Lumen USB-C Cable 2 m", "Lumen", "accessories", ACCESSORIES,
                "506012345014", 1_500, None, 9),
    DemoProduct("ORB-CHG-30W", "Orbit 30 W Charger", "Orbit", "accessories", ACCESSORIES,
                "506012345015", 2_900, None, 7),
)

BRAND_CENTRES: dict[str, str] = {
    "Lumen": "Lumen Service Centre, Unit 4 Harbour Park, Bristol",
    "Orbit": "Orbit Mobile Repairs, 12 Station Road, Reading",
    "Vista": "Vista Display Care, Riverside Works, Leeds",
    "Kettlo": "Kettlo Returns, Mill Lane, Stoke-on-Trent",
    "Pulse": "Pulse Audio Service, 3 Canal Street, Manchester",
}

FIRST_NAMES: tuple[str, ...] = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Grace", "Sophia", "Freya",
    "Ella", "Emily", "Chloe", "Poppy", "Ruby", "Evie", "Hannah", "Zara", "Aisha", "Priya",
    "Maya", "Leah", "Nia", "Sara", "Fatima", "Chen", "Mei", "Ines", "Lucia", "Anya",
    "Noah", "Oliver", "George", "Leo", "Arthur", "Muhammad", "Harry", "Oscar", "Jack", "Henry",
    "Theo", "Charlie", "Jacob", "Finley", "Alfie", "Thomas", "James", "William", "Samuel",
    "Daniel", "Ethan", "Adam", "Yusuf", "Omar", "Ravi", "Arjun", "Kwame", "Tomasz", "Luca",
    "Mateo", "Kenji", "Diego", "Emeka", "Joseph", "Ben", "Lewis", "Ryan", "Callum", "Rhys",
    "Sean", "Niamh", "Siobhan", "Eilidh", "Cerys", "Megan", "Holly", "Rosie", "Alice", "Jade",
)

LAST_NAMES: tuple[str, ...] = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Wood", "Jackson", "Clarke", "Khan", "Ahmed", "Ali", "Hussain", "Begum", "Singh", "Kaur",
    "Shah", "Okafor", "Mensah", "Adeyemi", "Owusu", "Nowak", "Kowalski", "Rossi", "Silva",
    "Costa", "Murphy", "O'Brien", "Kelly", "Byrne", "Campbell", "Stewart", "MacDonald",
    "Reid", "Hughes", "Edwards", "Lewis", "Morgan", "Price", "Chen", "Wang", "Li", "Nguyen",
    "Tanaka", "Garcia", "Martinez", "Lopez", "Hernandez", "Muller", "Schmidt", "Novak",
    "Ivanova", "Petrov", "Cohen", "Levi", "Haddad", "Nasser", "Osei", "Baker", "Carter",
    "Mitchell", "Turner", "Parker", "Cooper", "Ward", "Morris", "King", "Scott", "Young",
)

BUSINESS_WORDS: tuple[str, ...] = (
    "Harbour", "Northgate", "Riverside", "Oakfield", "Summit", "Bluebell", "Granite", "Kestrel",
    "Meadow", "Pioneer", "Lighthouse", "Copper", "Silverline", "Ashford", "Beacon", "Foxglove",
    "Ironbridge", "Larch", "Marlow", "Orchard", "Pennine", "Quayside", "Redwood", "Thistle",
)
BUSINESS_KINDS: tuple[str, ...] = (
    "Accountants", "Dental Practice", "Logistics", "Architects", "Estate Agents", "Cafe",
    "Solicitors", "Builders", "Print Studio", "Vets", "Nursery", "Consulting", "Joinery",
    "Physio Clinic", "Design Co", "Lettings",
)
RESELLER_KINDS: tuple[str, ...] = (
    "Trade Electrical", "Phone Exchange", "Tech Resale", "Gadget Outlet", "Mobile Repairs",
)
TOWNS: tuple[str, ...] = (
    "Leeds", "York", "Bath", "Derby", "Exeter", "Bristol", "Cardiff", "Hull", "Leicester",
    "Norwich", "Oxford", "Preston", "Reading", "Salford", "Swindon", "Wakefield", "Chester",
    "Durham", "Lincoln", "Luton",
)

FAULTS: dict[str, tuple[str, ...]] = {
    "laptops": ("Will not charge", "Screen flickers when the lid moves", "Fan is very loud",
                "Keyboard keys stop working", "Battery drains in an hour", "No picture on start",
                "Trackpad clicks on its own", "Shuts down when warm"),
    "phones": ("Will not charge", "Touch screen stops responding", "Camera shows a black image",
               "Speaker crackles on calls", "Restarts on its own", "Battery swells",
               "No signal after an update", "Microphone does not pick up"),
    "tvs": ("No picture, sound works", "Lines across the screen", "Will not switch on",
            "Remote does not pair", "Wi-Fi keeps dropping", "Dark patch in one corner"),
    "small appliances": ("Does not heat", "Trips the fuse", "Switch will not stay down",
                         "Leaks from the base", "Motor stops after a minute",
                         "Burning smell when on"),
    "headphones": ("Left side silent", "Noise cancelling hisses", "Will not pair",
                   "Charging case does not charge", "Crackle at high volume"),
    "accessories": ("Stopped charging", "Works only at an angle", "Gets very hot"),
}

PARTS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "laptops": (("Charging port board", 2_400, 4_800), ("Cooling fan", 1_900, 3_900),
                ("Display cable", 1_500, 3_200), ("Keyboard assembly", 4_500, 8_900),
                ("Battery pack", 5_900, 9_900)),
    "phones": (("Charging port flex", 1_200, 2_900), ("Display assembly", 6_900, 14_900),
               ("Rear camera module", 3_900, 6_900), ("Loudspeaker", 900, 2_200),
               ("Battery", 2_900, 4_900)),
    "tvs": (("Power supply board", 5_900, 12_900), ("T-con board", 3_900, 8_900),
            ("Wi-Fi module", 1_900, 3_900), ("Backlight strip set", 4_900, 9_900)),
    "small appliances": (("Heating element", 900, 1_900), ("Switch assembly", 500, 1_200),
                         ("Motor brushes", 700, 1_500)),
    "headphones": (("Driver unit", 1_500, 3_500), ("Charging board", 900, 2_400),
                   ("Bluetooth module", 1_900, 3_900)),
    "accessories": (("Connector", 200, 500),),
}

REJECT_REASONS: tuple[str, ...] = (
    "The unit has liquid damage: the water indicator inside is red. Liquid damage is not "
    "covered by the warranty.",
    "The screen is cracked from an impact. Accidental damage is not covered; we can quote for "
    "a paid repair.",
    "We found no fault after a full day of testing. The unit works as it should.",
    "The unit was opened and repaired elsewhere, which ends the warranty.",
    "The wear shown is normal for how long the unit has been used, so it is not a warranty "
    "fault.",
)
EXPIRED_REASON = "The warranty ended before the fault was reported, so it is not covered."
PROOF_REJECTED_REASON = ("The receipt does not match the unit: the serial and the shop on it "
                         "differ, so we could not confirm the purchase.")

REPAIR_NOTES: tuple[str, ...] = (
    "Fault reproduced on the bench; part ordered.",
    "Customer called to ask for an update; told the promised date.",
    "Part fitted, unit on a 24-hour soak test.",
    "Firmware updated and settings reset before testing.",
)
