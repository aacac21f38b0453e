"""Shared test helpers: Alexa request envelopes and conversation drivers."""
