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
    {"email": "owner@demo.unknot.test", "name": "Hannah Cole", "practice": "harbour"},
]

CLIENTS = [
    {"email": "client@demo.unknot.test", "name": "Sam Taylor"},
    {"email": "jordan@demo.unknot.test", "name": "Jordan Lee"},
    {"email": "alex@demo.unknot.test", "name": "Alex Morgan"},
]

SUPERUSER = {"email": "admin@demo.unknot.test", "name": "Demo Administrator"}
