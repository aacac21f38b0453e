"""A load simulation on loopback: many simulated users at once through the same store code.

Two phases, both through the real ``lambda_handler`` with DynamoDB (moto) behind the counting proxy
and the Alexa stand-in, all on 127.0.0.1, with a bounded number of users, threads and seconds:

1. **Counts under concurrency**: each user plays one session of a conversation type (types taken in
   turn), many at once. Every user's key must see exactly the reads, writes and request units the
   sequential measurement counted for that type (capacity/measured.json), every key must belong to
   one user (no shared, hot key), and no call may fail.
2. **Icing records under concurrency**: each user starts icing from several devices at the same
   moment (a barrier releases them together). Afterwards every user's stored record must hold exactly
   one icing start per device: none lost, none duplicated.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from capacity.conversations import CONVERSATIONS, Conversation, ice, launch, play
from capacity.inputs import CONVERSATION_TYPES, Measured, load_measured

ICING_SESSION = Conversation(
    "icing_only", "launch, start icing (answering the safety question), stop", (launch(), ice())
)


@dataclass
class LoadResult:
    users: int
    threads: int
    seconds: float
    sessions: int = 0
    turns: int = 0
    dynamodb_calls: int = 0
    failed_calls: int = 0
    distinct_keys: int = 0
    busiest_key_calls: int = 0
    busiest_key_share: float = 0.0
    count_mismatches: list[str] = field(default_factory=list)
    icing_users: int = 0
    icing_devices: int = 0
    icing_expected: int = 0
    icing_stored: int = 0
    icing_mismatches: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    stopped_by_time: bool = False

    @property
    def ok(self) -> bool:
        return (
            not self.count_mismatches
            and not self.icing_mismatches
            and self.failed_calls == 0
            and self.icing_stored == self.icing_expected
        )


def simulate(
    *,
    users: int = 60,
    threads: int = 8,
    seconds: float = 30.0,
    icing_users: int = 8,
    devices: int = 3,
    measured: Measured | None = None,
) -> LoadResult:
    """Run both phases; at most ``users`` sessions in phase 1, and nothing new starts after ``seconds``."""
    from capacity.measure import offline_skill
    from kneeskill.storage import user_key
    from kneeskill.storage.dynamodb import DynamoDbUserStore
    from tests.support.envelopes import Session

    expected = measured or load_measured()
    result = LoadResult(users=users, threads=threads, seconds=seconds)
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    with offline_skill() as (lf, proxy, standin, _logs):

        def send(envelope: dict[str, Any]) -> dict[str, Any]:
            response: dict[str, Any] = lf.lambda_handler(envelope, None)
            return response

        # Phase 1: one session per user, many users at once.
        mark = proxy.mark()
        plan: dict[str, str] = {}  # user key -> conversation type
        lock = threading.Lock()

        def one_user(number: int) -> int:
            if time.monotonic() > deadline:
                return 0
            name = CONVERSATION_TYPES[number % len(CONVERSATION_TYPES)]
            session = Session(api_endpoint=standin.url)
            with lock:
                plan[user_key(session.user_id)] = name
            return len(play(CONVERSATIONS[name], session, send))

        with ThreadPoolExecutor(max_workers=threads) as pool:
            turns = list(pool.map(one_user, range(users)))
        result.turns = sum(turns)
        result.sessions = sum(1 for t in turns if t)
        result.stopped_by_time = result.sessions < users
        calls = proxy.since(mark)
        result.dynamodb_calls = len(calls)
        result.failed_calls = sum(1 for c in calls if c.status != 200)
        by_key: dict[str, list[Any]] = defaultdict(list)
        for call in calls:
            by_key[call.key].append(call)
        result.distinct_keys = len(by_key)
        busiest = max((len(v) for v in by_key.values()), default=0)
        result.busiest_key_calls = busiest
        result.busiest_key_share = busiest / len(calls) if calls else 0.0
        for key, key_calls in by_key.items():
            name = plan.get(key)
            if name is None:
                result.count_mismatches.append("a key no simulated user owns")
                continue
            profile = expected.types[name]
            seen = (
                sum(1 for c in key_calls if c.is_read),
                sum(1 for c in key_calls if c.is_write),
                sum(c.read_units for c in key_calls),
                sum(c.write_units for c in key_calls),
            )
            want = (profile.dynamodb_reads, profile.dynamodb_writes, profile.read_units, profile.write_units)
            if seen != want:
                result.count_mismatches.append(f"{name}: counted {seen}, measured {want}")
        silent = [n for k, n in plan.items() if k not in by_key and expected.types[n].dynamodb_reads]
        result.count_mismatches += [f"{n}: no DynamoDB calls at all" for n in silent]

        # Phase 2: several devices of one account start icing at the same moment.
        if time.monotonic() < deadline and icing_users > 0:
            accounts = [f"amzn1.ask.account.LOAD{i:04d}" for i in range(icing_users)]
            barrier = threading.Barrier(icing_users * devices)

            def device(account: str) -> None:
                session = Session(api_endpoint=standin.url, user_id=account)
                send(session.launch())
                barrier.wait(timeout=30)
                play(ICING_SESSION, session, send)

            with ThreadPoolExecutor(max_workers=icing_users * devices) as pool:
                list(pool.map(device, [a for a in accounts for _ in range(devices)]))
            store = DynamoDbUserStore("knee-helper-capacity", retention_days=30, endpoint_url=proxy.upstream)
            result.icing_users, result.icing_devices = icing_users, devices
            per_account = sum(1 for s in ICING_SESSION.steps if s.intent == "IcingIntent")  # per device
            result.icing_expected = icing_users * devices * per_account
            stored = Counter({a: len(store.load(user_key(a)).icing_starts) for a in accounts})
            result.icing_stored = sum(stored.values())
            result.icing_mismatches = [
                f"an account stored {n} icing starts, expected {devices * per_account}"
                for n in stored.values()
                if n != devices * per_account
            ]
    result.elapsed_s = time.monotonic() - started
    return result


def render(r: LoadResult) -> str:
    verdict = "PASS" if r.ok else "FAIL"
    lines = [
        f"Load simulation on loopback ({verdict}; {r.elapsed_s:.1f} s, bound {r.seconds:.0f} s):",
        "",
        "| check | result |",
        "|---|---|",
        f"| sessions played at once ({r.threads} threads) | "
        f"{r.sessions} of {r.users} users, {r.turns} turns |",
        f"| DynamoDB calls counted / failed | {r.dynamodb_calls} / {r.failed_calls} |",
        f"| distinct keys (one per user) | {r.distinct_keys} |",
        f"| busiest key | {r.busiest_key_calls} calls, {r.busiest_key_share:.1%} of all (one session's) |",
        f"| per-user reads, writes, RRU, WRU as measured | "
        f"{'all match' if not r.count_mismatches else '; '.join(r.count_mismatches[:5])} |",
        f"| icing starts at the same moment ({r.icing_users} users x {r.icing_devices} devices) | "
        f"{r.icing_stored} stored of {r.icing_expected} "
        f"({'none lost or duplicated' if not r.icing_mismatches else '; '.join(r.icing_mismatches[:3])}) |",
    ]
    if r.stopped_by_time:
        lines.append("\nThe time bound stopped the run before every user had played.")
    return "\n".join(lines)
