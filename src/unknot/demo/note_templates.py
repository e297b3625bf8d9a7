"""The demo practices' starting text for session notes, one per technique."""

from __future__ import annotations

ASK = "Reason for today's visit; changes since last time; pain now (0-10) and where."
PLAN = "Home care given; when to come back; what to change next time."

NOTE_TEMPLATES = {
    "swedish": (
        "Swedish session",
        ASK,
        "Areas worked; pressure used; tension and tenderness found.",
        "Response to the session; relaxation and comfort reported.",
        PLAN,
    ),
    "aromatherapy": (
        "Aromatherapy session",
        f"{ASK} Scent preferences; skin and oil allergies checked again.",
        "Oils and dilution used (carrier oil named); skin after the session.",
        "Response; any skin reaction or headache.",
        PLAN,
    ),
    "trigger-point": (
        "Trigger point session",
        f"{ASK} Where the pain is referred to.",
        "Points treated; referral reproduced or not; pressure and holding time.",
        "Change in pain and range after treatment.",
        f"{PLAN} Soreness for a day or two explained.",
    ),
    "myofascial-release": (
        "Myofascial release session",
        ASK,
        "Restrictions found and released; areas and direction of work.",
        "Change in movement and comfort.",
        PLAN,
    ),
    "shiatsu": (
        "Shiatsu session",
        f"{ASK} Positions the client can hold comfortably.",
        "Positions used; pressure along which lines; stretches left out and why.",
        "Response; energy and comfort reported.",
        PLAN,
    ),
    "deep-tissue": (
        "Deep tissue session",
        f"{ASK} Blood thinners and bruising checked again.",
        "Areas worked; deepest pressure used and the client's feedback on it.",
        "Change in tension; any tenderness left.",
        f"{PLAN} Soreness for a day or two explained.",
    ),
    "thai-yoga": (
        "Thai yoga session",
        f"{ASK} Joints, pregnancy and recent surgery checked again.",
        "Stretches and positions used; ranges kept within comfort; those left out and why.",
        "Response; flexibility and comfort reported.",
        PLAN,
    ),
}
