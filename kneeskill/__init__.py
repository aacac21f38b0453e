"""The Alexa skill: wiring of the ASK SDK around the pure core."""
