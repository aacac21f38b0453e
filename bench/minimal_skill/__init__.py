"""A minimal ASK SDK skill, the benchmark baseline (deployed as its own folder: see app.py)."""
