"""The demo shop's people: the staff who sign in, and the names customers and businesses get."""

from __future__ import annotations

from warranty_desk.permissions import Actor, Role

# Who the demo acts as where no person would (setting the shop up, adding the catalogue).
SYSTEM = Actor.system("demo")

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
# Who signs in for a supplier: reads and updates only that supplier's brand claims (the story's
# claim at the manufacturer is a Lumen laptop). Name, PIN, supplier; the README lists them too.
SUPPLIER_CONTACTS: tuple[tuple[str, str, str], ...] = (
    ("Lena Lumen", "9999", "Lumen UK Distribution"),
)

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

