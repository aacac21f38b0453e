"""The dialogue layer: pure conversation logic between the handlers and the core."""
