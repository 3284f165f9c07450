"""What CONTRACT.md fixes about this project's corpus: its cause ids, in order. The code names no
cause (any corpus of the same format trains and serves); the tests check that this corpus keeps
the contract's."""

CAUSE_IDS: tuple[str, ...] = (
    "caffeine",
    "smoking_withdrawal",
    "electrolyte_imbalance",
    "stress",
    "herpes",
    "bells_palsy",
    "hypoparathyroidism",
    "parkinsons",
    "als",
    "hemifacial_spasm",
    "tourette",
)
