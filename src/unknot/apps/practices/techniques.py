"""The seven techniques of the guide, in the order the guide introduces them."""

GUIDE_TECHNIQUES: tuple[tuple[str, str], ...] = (
    ("swedish", "Swedish massage"),
    ("aromatherapy", "Aromatherapy massage"),
    ("trigger-point", "Trigger point therapy"),
    ("myofascial-release", "Myofascial release"),
    ("shiatsu", "Shiatsu"),
    ("deep-tissue", "Deep tissue massage"),
    ("thai-yoga", "Thai yoga massage"),
)
