"""The demo practice's people and offer, as plain data."""

from __future__ import annotations

DEMO_PASSWORD = "unknot-demo-2026"

PRACTICES = [
    {
        "slug": "riverside",
        "name": "Unknot Back Care Riverside",
        "address": "12 Mill Lane\nRiverside\nLondon SE1 9XX",
        "phone": "+44 20 7946 0102",
        "email": "riverside@demo.unknot.test",
        "time_zone": "Europe/London",
        "rooms": [
            (
                "Willow",
                "table",
                [
                    "swedish",
                    "aromatherapy",
                    "trigger-point",
                    "myofascial-release",
                    "deep-tissue",
                    "shiatsu",
                ],
            ),
            (
                "Alder",
                "table",
                [
                    "swedish",
                    "aromatherapy",
                    "trigger-point",
                    "myofascial-release",
                    "deep-tissue",
                    "shiatsu",
                ],
            ),
            (
                "Birch",
                "table",
                ["swedish", "aromatherapy", "trigger-point", "myofascial-release", "deep-tissue"],
            ),
            ("Mat studio", "mat", ["thai-yoga", "shiatsu"]),
            ("Chair corner", "chair", ["swedish"]),
        ],
    },
    {
        "slug": "harbour",
        "name": "Unknot Back Care Harbour",
        "address": "3 Quay Street\nHarbourside\nBristol BS1 4XX",
        "phone": "+44 117 496 0555",
        "email": "harbour@demo.unknot.test",
        "time_zone": "Europe/London",
        "rooms": [
            (
                "Harbour room",
                "table",
                [
                    "swedish",
                    "aromatherapy",
                    "trigger-point",
                    "myofascial-release",
                    "deep-tissue",
                    "shiatsu",
                ],
            ),
            ("Harbour mat room", "mat", ["thai-yoga", "shiatsu"]),
        ],
    },
]

PRICES = {30: "38.00", 60: "65.00", 90: "92.00"}
PRICE_EXTRA = {
    "deep-tissue": "8.00",
    "trigger-point": "5.00",
    "thai-yoga": "10.00",
    "aromatherapy": "6.00",
}

LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("pl", "Polish"),
    ("ja", "Japanese"),
    ("th", "Thai"),
    ("fr", "French"),
    ("pt", "Portuguese"),
    ("hi", "Hindi"),
]

# licence: (number, jurisdiction, expires in days from today, verified?)
THERAPISTS = [
    {
        "practice": "riverside",
        "slug": "maya-okafor",
        "name": "Maya Okafor",
        "years": 12,
        "techniques": ["swedish", "deep-tissue", "trigger-point", "myofascial-release"],
        "languages": ["en", "fr"],
        "licence": ("CNHC-104233", "United Kingdom (CNHC register)", 540, True),
        "bio": "Maya works mostly with desk workers and runners whose low backs have had enough. She starts gently, checks in often and builds pressure only as far as feels useful.",
        "training": [
            (
                "Diploma in Sports and Remedial Massage",
                "London School of Massage",
                2013,
                "deep-tissue",
                300,
            ),
            ("Myofascial Release Level 2", "Fascia Workshops UK", 2018, "myofascial-release", 40),
        ],
    },
    {
        "practice": "riverside",
        "slug": "kenji-watanabe",
        "name": "Kenji Watanabe",
        "years": 9,
        "techniques": ["shiatsu", "swedish", "thai-yoga"],
        "languages": ["en", "ja"],
        "licence": ("CNHC-118802", "United Kingdom (CNHC register)", 410, True),
        "bio": "Kenji trained in Shiatsu in Osaka before moving to London. Sessions are fully clothed on a mat or table, with steady palm and thumb pressure along the back's meridians.",
        "training": [
            ("Shiatsu Practitioner Certificate", "Japan Shiatsu College", 2015, "shiatsu", 500),
            (
                "Thai Yoga Massage Foundation",
                "Chiang Mai Traditional Medicine School",
                2019,
                "thai-yoga",
                60,
            ),
        ],
    },
    {
        "practice": "riverside",
        "slug": "ana-kowalska",
        "name": "Ana Kowalska",
        "years": 6,
        "techniques": ["swedish", "aromatherapy"],
        "languages": ["en", "pl"],
        "licence": ("CNHC-130417", "United Kingdom (CNHC register)", 300, True),
        "bio": "Ana's sessions are about letting go: slow Swedish strokes, warm room, and scented oils if you like them (unscented if you do not). Popular with clients who come for stress and sleep.",
        "training": [
            ("ITEC Diploma in Holistic Massage", "Warsaw Academy of Massage", 2018, "swedish", 150),
            ("Clinical Aromatherapy Certificate", "Tisserand Institute", 2021, "aromatherapy", 80),
        ],
    },
    {
        "practice": "riverside",
        "slug": "sofia-mendes",
        "name": "Sofia Mendes",
        "years": 15,
        "techniques": ["trigger-point", "myofascial-release", "deep-tissue"],
        "languages": ["en", "pt", "es"],
        "licence": ("CNHC-097651", "United Kingdom (CNHC register)", 720, True),
        "bio": "Sofia focuses on persistent knots between the shoulder blades and around the hips. Expect some 'hurts so good' moments, always within the pressure you agree to.",
        "training": [
            ("Neuromuscular Therapy Certificate", "NMT Centre", 2012, "trigger-point", 120),
            (
                "Advanced Myofascial Techniques",
                "Institute of Structural Bodywork",
                2016,
                "myofascial-release",
                90,
            ),
        ],
    },
    {
        "practice": "riverside",
        "slug": "arjun-rao",
        "name": "Arjun Rao",
        "years": 4,
        "techniques": ["swedish", "deep-tissue", "thai-yoga"],
        "languages": ["en", "hi"],
        "licence": ("CNHC-141190", "United Kingdom (CNHC register)", 200, False),
        "bio": "Arjun came to massage from physiotherapy assistance. He likes combining stretching and soft-tissue work for stiff backs and tight hips.",
        "training": [
            ("Level 4 Sports Massage", "Active IQ", 2021, "deep-tissue", 200),
            (
                "Thai Massage Practitioner",
                "Wat Po Thai Traditional Medical School",
                2022,
                "thai-yoga",
                90,
            ),
        ],
    },
    {
        "practice": "riverside",
        "slug": "lucia-fernandez",
        "name": "Lucía Fernández",
        "years": 8,
        "techniques": ["swedish", "aromatherapy", "myofascial-release"],
        "languages": ["en", "es"],
        "licence": ("CNHC-122305", "United Kingdom (CNHC register)", -20, True),
        "bio": "Lucía works gently and slowly, which suits clients who are new to massage or sensitive to pressure.",
        "training": [
            ("Diploma in Swedish Massage", "Escuela de Masaje de Madrid", 2017, "swedish", 250)
        ],
    },
    {
        "practice": "harbour",
        "slug": "nok-suriya",
        "name": "Nok Suriya",
        "years": 11,
        "techniques": ["thai-yoga", "shiatsu", "swedish"],
        "languages": ["en", "th"],
        "licence": ("CNHC-108876", "United Kingdom (CNHC register)", 480, True),
        "bio": "Nok grew up with Thai massage in Bangkok. Her sessions move you through assisted stretches on a floor mat, in loose clothes, to open up a stiff back.",
        "training": [
            (
                "Thai Traditional Massage Teacher Certificate",
                "Thai Ministry of Public Health",
                2014,
                "thai-yoga",
                800,
            )
        ],
    },
    {
        "practice": "harbour",
        "slug": "tom-hughes",
        "name": "Tom Hughes",
        "years": 7,
        "techniques": ["swedish", "deep-tissue", "trigger-point", "aromatherapy"],
        "languages": ["en"],
        "licence": ("CNHC-125544", "United Kingdom (CNHC register)", 365, True),
        "bio": "Tom treats a lot of tradespeople and cyclists. He will explain what he finds and what you can do between sessions.",
        "training": [
            (
                "BTEC Level 5 Clinical Massage",
                "Bristol College of Massage",
                2019,
                "deep-tissue",
                350,
            )
        ],
    },
]

STAFF = [
    {"email": "frontdesk@demo.unknot.test", "name": "Priya Shah", "practice": "riverside"},
]
"""The front desk."""

OWNERS = [
    {"email": "owner-riverside@demo.unknot.test", "name": "Daniel Reid", "practice": "riverside"},
    {"email": "owner@demo.unknot.test", "name": "Hannah Cole", "practice": "harbour"},
]
"""One owner (practice administrator) per practice."""

CLIENTS = [
    {"email": "client@demo.unknot.test", "name": "Sam Taylor"},
    {"email": "jordan@demo.unknot.test", "name": "Jordan Lee"},
    {"email": "alex@demo.unknot.test", "name": "Alex Morgan"},
]

SUPERUSER = {"email": "admin@demo.unknot.test", "name": "Demo Administrator"}
"""Belongs to no practice, and manages both."""

# --- schedules -----------------------------------------------------------------------------
# Weekly hours in the practice's local time: (weekdays, start, end); 0 is Monday. Several
# ranges on one day leave a break between them.
WEEKDAYS = (0, 1, 2, 3, 4)
HOURS = {
    # Weekdays with a lunch break.
    "maya-okafor": [(WEEKDAYS, "09:00", "12:30"), (WEEKDAYS, "13:30", "17:00")],
    # Afternoons, and a late Thursday evening.
    "kenji-watanabe": [((0, 1, 2, 4), "12:00", "18:00"), ((3,), "14:00", "21:00")],
    # Weekdays and Saturday mornings.
    "ana-kowalska": [(WEEKDAYS, "09:00", "17:00"), ((5,), "10:00", "14:00")],
    "sofia-mendes": [((0, 2, 4), "08:00", "16:00")],
    # Arjun's licence awaits verification and Lucía's has expired: hours, but nobody can book.
    "arjun-rao": [(WEEKDAYS, "10:00", "18:00")],
    "lucia-fernandez": [(WEEKDAYS, "09:00", "17:00")],
    # Tuesday to Saturday with a lunch break.
    "nok-suriya": [((1, 2, 3, 4, 5), "10:00", "13:00"), ((1, 2, 3, 4, 5), "14:00", "18:00")],
    # Weekdays with lunch; Thursday runs late.
    "tom-hughes": [
        ((0, 1, 2, 4), "09:00", "13:00"),
        ((0, 1, 2, 4), "14:00", "17:00"),
        ((3,), "13:00", "21:00"),
    ],
}

# Date overrides: (therapist, days from today, (start, end) or None for closed, note). The note
# names the override, so running the demo again keeps one upcoming override per note.
OVERRIDES = [
    ("maya-okafor", 9, None, "Training day"),
    ("kenji-watanabe", 11, ("09:00", "13:00"), "Morning clinic instead of afternoons"),
    ("sofia-mendes", 16, ("12:00", "19:00"), "Late start"),
]

# Time off: (therapist, starts in days from today, length in days, reason).
TIME_OFF = [
    ("ana-kowalska", 20, 7, "Holiday"),
    ("tom-hughes", 13, 1, "Course: advanced trigger-point work"),
]

# Saved self-assessments (intakes for unknot.domain.guide.parse_intake).
HEALTHY_INTAKE = {
    "symptoms": ["tight-back", "stress"],
    "regions": ["lower-back", "shoulders"],
    "pain": {"intensity": 4, "duration_weeks": 20},
    "goals": ["back-pain-relief", "relaxation"],
    "preferences": {"focus": "either", "pressure_tolerance": 3, "stay_clothed": False},
    "health": {"conditions": [], "anticoagulants": False, "red_flags": []},
}
ASSESSMENTS = {
    "client@demo.unknot.test": HEALTHY_INTAKE,
    "alex@demo.unknot.test": {
        **HEALTHY_INTAKE,
        "health": {"conditions": ["fragrance-allergy"], "anticoagulants": False, "red_flags": []},
    },
    # A heart condition asks for a doctor's clearance: Jordan's booking waits as pending.
    "jordan@demo.unknot.test": {
        **HEALTHY_INTAKE,
        "health": {"conditions": ["heart-condition"], "anticoagulants": False, "red_flags": []},
    },
}

# Bookings made through the booking services: (key, client, technique, minutes, therapist,
# days from today, outcome). Negative days are past sessions, marked with the outcome. The key
# is the booking's idempotency key, so running the demo again never books twice.
BOOKINGS = [
    ("sam-next", "client@demo.unknot.test", "swedish", 60, "maya-okafor", 3, None),
    ("sam-before", "client@demo.unknot.test", "trigger-point", 60, "maya-okafor", -14, "completed"),
    ("alex-next", "alex@demo.unknot.test", "shiatsu", 60, "kenji-watanabe", 4, None),
    ("alex-before", "alex@demo.unknot.test", "swedish", 90, "ana-kowalska", -8, "completed"),
    ("jordan-next", "jordan@demo.unknot.test", "swedish", 60, "tom-hughes", 5, None),
]

# What each demo client told their therapist when booking.
BOOKING_NOTES = {
    "sam-next": "Mostly my lower back after long days at the desk. Medium pressure, please.",
    "sam-before": "There is a knot under my right shoulder blade.",
    "alex-next": "Unscented products only, please: I react to fragrances.",
    "alex-before": "First massage in years; I would like to start gently.",
    "jordan-next": "I take blood-pressure medicine; I will bring my doctor's letter.",
}
