"""A small sample grammar, in the style of home-assistant/intents, expanded into sample utterances.

A template is words with:

- ``(a|b|c)``: one of the alternatives (an alternative may be empty: ``(a|)``);
- ``[a|b]``: optional, one of the alternatives or nothing;
- ``<rule>``: a named expansion rule (``rules`` in ``voicemodel/intents.yaml``, plus the locale's
  own words from ``voicemodel/words.yaml`` and locale terms such as ``<paracetamol>``), itself a
  template or a list of templates;
- ``{slot}``: a slot, kept as it is for Alexa.

``expand`` returns every sentence a template spells, with single spaces and no duplicates, the
likeliest first: alternatives are written likeliest first, and a sentence's cost is the sum of the
positions of the alternatives it took (leaving an optional part out costs nothing). ``best`` keeps
the cheapest sentences of several templates up to a quota: the grammar describes the whole class
of phrasings, the quota keeps the model within Alexa's limits with the likeliest members of it.
A template that would spell more than ``MAX_EXPANSIONS`` sentences is an error.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "MAX_EXPANSIONS",
    "GrammarError",
    "Rules",
    "best",
    "expand",
    "expand_all",
    "innermost_groups",
    "plain",
]

#: Most sentences one template may spell.
MAX_EXPANSIONS = 250_000
_SPACES = re.compile(r"\s+")
_RULE = re.compile(r"<([a-z_]+)>")

Rules = Mapping[str, Sequence[str]]


class GrammarError(ValueError):
    """A template that cannot be expanded: unbalanced brackets, an unknown rule, an explosion."""


@dataclass(frozen=True)
class _Parser:
    text: str
    rules: Rules
    stack: tuple[str, ...] = ()
    #: Keep only the cheapest ``limit`` partial sentences at every step (the cheapest whole
    #: sentences are made of the cheapest parts), or everything when None.
    limit: int | None = None
    cache: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def parse(self) -> list[tuple[str, int]]:
        out, end = self._sequence(0, ())
        if end != len(self.text):
            raise GrammarError(f"unbalanced {self.text[end]!r} in {self.text!r}")
        return out

    def _sequence(self, pos: int, closers: tuple[str, ...]) -> tuple[list[tuple[str, int]], int]:
        """Alternatives separated by ``|`` up to a closer; each alternative a concatenation, its
        cost raised by its position."""
        alternatives: list[tuple[str, int]] = []
        index = 0
        current: list[tuple[str, int]] = [("", 0)]
        while pos < len(self.text):
            char = self.text[pos]
            if char in closers:
                break
            if char == "|":
                if not closers:
                    raise GrammarError(f"'|' outside brackets in {self.text!r}")
                alternatives.extend(current)
                index += 1
                current = [("", index)]
                pos += 1
                continue
            if char in "([":
                closer = ")" if char == "(" else "]"
                inner, pos = self._sequence(pos + 1, (closer,))
                if pos >= len(self.text) or self.text[pos] != closer:
                    raise GrammarError(f"unclosed {char!r} in {self.text!r}")
                pos += 1
                if char == "[":
                    inner = [("", 0), *((t, c + 1) for t, c in inner)]
                current = self._product(current, inner)
                continue
            if char in ")]":
                raise GrammarError(f"unbalanced {char!r} in {self.text!r}")
            if char == "<":
                match = _RULE.match(self.text, pos)
                if not match:
                    raise GrammarError(f"bad rule reference in {self.text!r}")
                current = self._product(current, self._rule(match.group(1)))
                pos = match.end()
                continue
            nxt = pos
            while nxt < len(self.text) and self.text[nxt] not in "()[]|<":
                nxt += 1
            current = [(t + self.text[pos:nxt], c) for t, c in current]
            pos = nxt
        alternatives.extend(current)
        return self._prune(alternatives), pos

    def _prune(self, items: list[tuple[str, int]]) -> list[tuple[str, int]]:
        if self.limit is None or len(items) <= self.limit:
            return items
        return sorted(items, key=lambda item: item[1])[: self.limit]

    def _rule(self, name: str) -> list[tuple[str, int]]:
        if name not in self.rules:
            raise GrammarError(f"unknown rule <{name}> in {self.text!r}")
        if name in self.stack:
            raise GrammarError(f"rule <{name}> refers to itself")
        if name not in self.cache:
            out: list[tuple[str, int]] = []
            for index, template in enumerate(self.rules[name]):
                inner = _Parser(template, self.rules, (*self.stack, name), self.limit, self.cache)
                out.extend((t, c + index) for t, c in inner.parse())
            self.cache[name] = self._prune(out)
        return self.cache[name]

    def _product(self, left: list[tuple[str, int]], right: list[tuple[str, int]]) -> list[tuple[str, int]]:
        if len(left) * len(right) > MAX_EXPANSIONS * 4:
            raise GrammarError(f"{self.text!r} spells too many sentences")
        return self._prune([(a + b, ca + cb) for (a, ca), (b, cb) in itertools.product(left, right)])


def _tidy(sentence: str) -> str:
    """Single spaces; a clitic written as its own alternative joins its word ("knee (is|'s)")."""
    return _SPACES.sub(" ", sentence).strip().replace(" '", "'")


def _costed(
    template: str,
    rules: Rules,
    limit: int | None = None,
    cache: dict[str, list[tuple[str, int]]] | None = None,
) -> list[tuple[str, int]]:
    """Every sentence ``template`` spells with its cost, cheapest first (stable); with ``limit``,
    only (about) the ``limit`` cheapest."""
    cheapest: dict[str, int] = {}
    parser = _Parser(template, rules, limit=limit, cache=cache if cache is not None else {})
    for text, cost in parser.parse():
        sentence = _tidy(text)
        if sentence and cost < cheapest.get(sentence, cost + 1):
            cheapest[sentence] = cost
    if len(cheapest) > MAX_EXPANSIONS:
        raise GrammarError(f"{template!r} spells {len(cheapest)} sentences (at most {MAX_EXPANSIONS})")
    return sorted(cheapest.items(), key=lambda item: item[1])


def expand(template: str, rules: Rules) -> list[str]:
    """Every sentence ``template`` spells, likeliest first (see the module docstring)."""
    return [sentence for sentence, _ in _costed(template, rules)]


def expand_all(templates: Iterable[str], rules: Rules) -> list[str]:
    """The sentences of several templates, in order, without duplicates."""
    return list(dict.fromkeys(s for t in templates for s in expand(t, rules)))


def best(
    templates: Sequence[str],
    rules: Rules,
    quota: int,
    held_out: Callable[[str], bool] | None = None,
    *,
    cover: bool = False,
) -> list[str]:
    """At most ``quota`` sentences of ``templates``: the cheapest of all of them (a template's own
    written form, every alternative first, costs nothing), ties in the order written. With
    ``cover``, first one sentence for each alternative the templates write (:func:`_covering`),
    so that none is left out for its position in a long list. A sentence ``held_out`` says is held
    out (a paraphrase kept apart to measure generalisation) is left out and the next cheapest
    takes its place, unless it is a template written out as it is."""
    ordered: Iterable[str] = _ranked(tuple(templates), _rules_used(templates, rules), quota, cover)
    if held_out is not None:
        written = {t for t in templates if plain(t)}
        ordered = (s for s in ordered if s in written or not held_out(s))
    return list(itertools.islice(ordered, quota))


def _rules_used(templates: Iterable[str], rules: Rules) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The rules ``templates`` refer to, directly or through other rules, with their templates: what
    their sentences depend on (the locales' rules differ only in a few words most intents never use,
    so a sentence ranking is worked out once for all the locales that share it)."""
    used: set[str] = set()
    todo = [name for template in templates for name in _RULE.findall(template)]
    while todo:
        name = todo.pop()
        if name in used or name not in rules:
            continue  # an unknown rule stays unknown: expanding it raises, as it would have
        used.add(name)
        todo.extend(ref for template in rules[name] for ref in _RULE.findall(template))
    return tuple((name, tuple(rules[name])) for name in sorted(used))


@functools.lru_cache(maxsize=1024)
def _ranked(
    templates: tuple[str, ...], rules: tuple[tuple[str, tuple[str, ...]], ...], quota: int, cover: bool
) -> tuple[str, ...]:
    """Every sentence ``best`` may choose from, cheapest first (ties in the order written); with
    ``cover``, the sentences that take each alternative (:func:`_covering`) come first."""
    ranked: dict[str, tuple[int, int, int]] = {}
    covering: dict[str, tuple[int, int, int]] = {}
    cache: dict[str, list[tuple[str, int]]] = {}
    cheapest_only: dict[str, list[tuple[str, int]]] = {}  # rules cut to their cheapest (limit 1)
    used = dict(rules)
    for order, template in enumerate(templates):
        for rank, (sentence, cost) in enumerate(_costed(template, used, 2 * quota, cache)):
            key = (cost, order, rank)
            if sentence not in ranked or key < ranked[sentence]:
                ranked[sentence] = key
        for rank, (sentence, cost) in enumerate(_covering(template, used, cheapest_only) if cover else ()):
            key = (cost, order, rank)
            if sentence not in covering or key < covering[sentence]:
                covering[sentence] = key
    first = [s for s, _ in sorted(covering.items(), key=lambda item: item[1])]
    rest = [s for s, _ in sorted(ranked.items(), key=lambda item: item[1]) if s not in covering]
    return (*first, *rest)


#: A bracket group with no bracket inside it: ``(a|b)`` or ``[a|b]``.
_GROUP = re.compile(r"[(\[]([^()\[\]]*)[)\]]")


def innermost_groups(template: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """The bracket groups of ``template`` with no bracket inside them (not those inside a rule):
    where each starts and ends, and its alternatives as written."""
    return [(m.start(), m.end(), tuple(m.group(1).split("|"))) for m in _GROUP.finditer(template)]


def _covering(template: str, rules: Rules, cache: dict[str, list[tuple[str, int]]]) -> list[tuple[str, int]]:
    """For every alternative of every innermost bracket group (:func:`innermost_groups`), the
    cheapest sentence that takes it: the template with that group fixed to that alternative, costed
    by that alternative's position. Without these, alternatives late in a long list cost more than
    the quota reaches and a phrasing written in the grammar is not in the model."""
    found: dict[str, int] = {}
    for start, end, alternatives in innermost_groups(template):
        for position, alternative in enumerate(alternatives):
            if not alternative.strip():
                continue
            fixed = f"{template[:start]}({alternative}){template[end:]}"
            for sentence, cost in _costed(fixed, rules, 1, cache)[:1]:
                found[sentence] = min(found.get(sentence, cost + position), cost + position)
    return sorted(found.items(), key=lambda item: item[1])


def plain(template: str) -> bool:
    """A template with no grammar in it: a sentence written out as it is."""
    return not any(char in template for char in "()[]<{")
