"""Offline simulator: talk to Knee Helper in a browser or a terminal, no Amazon account.

- :mod:`simulator.nlu`: typed words + locale -> intent and slots, from the skill's own models;
- :mod:`simulator.session`: one conversation (session attributes, ids) and a bounded store of them;
- :mod:`simulator.engine`: the real skill in process, with the Alexa API stand-in on loopback;
- :mod:`simulator.export`: a conversation as a YAML script for ``tests/golden/conversations``;
- :mod:`simulator.web`: the page at ``/simulator`` and its JSON API;
- :mod:`simulator.chat`: ``python -m simulator.chat``.

Nothing here is imported by the Lambda package; ``rapidfuzz`` and ``PyYAML`` (dev requirements)
are imported only when a conversation actually runs.
"""
