"""Handout model and parsed bodies → problems and notes: reviews, translation parity, readability, plain language."""
