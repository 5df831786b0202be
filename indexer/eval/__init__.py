"""Measurement: `izde eval stems` (conflation against gold lemmas) and `izde eval retrieval`
(nDCG/MRR/recall on a test collection)."""
