"""A sync cycle in plain lines: the one the CLI prints and the app shows, and one per problem."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from sync.engine import PushReport
from sync.failures import Failure, Kind, Step
from sync.inbox import PullReport
from warranty_desk.services.sync_admin import SyncStatus


class Voice(NamedTuple):
    """How the lines name one receiver."""

    who: str  # "the portal", "the CRM"
    says_who: bool  # its reasons name it already, so they are not prefixed with `who`
    # What its parked records are, where not all were refused by the receiver itself (the
    # till's mail sender holds back a message to a customer with no address); "" means records
    # that `who` refused.
    parked: str = ""


def capital(text: str) -> str:
    """The text with its first letter upper case, the rest as it is ("The CRM", not "The crm")."""
    return text[:1].upper() + text[1:]


def plural(count: int, word: str) -> str:
    """"1 record" / "1,234 records"."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _wait(count: int) -> str:
    """"1 record waits" / "3 records wait"."""
    return f"{plural(count, 'record')} {'waits' if count == 1 else 'wait'}"


def _clause(text: str) -> str:
    # A reason set inside a longer sentence loses its own full stop.
    return text.rstrip(".")


def _voice(voices: Mapping[str, Voice], name: str) -> Voice:
    return voices.get(name) or Voice(name, False)


def problem_line(failure: Failure, voices: Mapping[str, Voice]) -> str:
    """One failure other than "no answer" as the line a person reads."""
    voice = _voice(voices, failure.destination)
    if failure.kind is Kind.PARKED:
        behind = f" ({failure.behind:,} more wait behind them)" if failure.behind else ""
        what = (f"{plural(failure.records, voice.parked)} could not be sent" if voice.parked
                else f"{capital(voice.who)} refused {plural(failure.records, 'record')}")
        return f"{what}{behind}; retry or dismiss them in the sync panel"
    if failure.kind is Kind.UNUSABLE:
        one = failure.records == 1
        return (f"{plural(failure.records, 'inbox item')} from head office could not be used "
                f"and {'waits' if one else 'wait'} for a person: see the sync panel or "
                f"`warranty-desk sync inbox`, and mark {'it' if one else 'each one'} done once "
                "dealt with")
    if failure.kind is Kind.REQUESTS:
        one = failure.records == 1
        return (f"{plural(failure.records, 'customer request')} from head office "
                f"{'waits' if one else 'wait'} for a person (such as an extension to sell at "
                "the counter): see the sync panel or `warranty-desk sync inbox`, and mark "
                f"{'it' if one else 'each one'} done once dealt with")
    if failure.kind is Kind.HELD:
        return ("The nightly report waits until every record has reached head office; it goes "
                "with the next nightly run.")
    if failure.step is Step.UPLOAD and failure.kind is Kind.UNREACHABLE:
        return f"The documents did not go: {_lower_first(failure.reason)}"
    if failure.step is Step.PULL:
        return f"The inbox pull stopped: {failure.reason}"
    if failure.step is Step.NIGHTLY:
        return f"The nightly report was not sent: {failure.reason}"
    if failure.kind is Kind.FAULT or voice.says_who:
        return failure.reason
    return f"{capital(voice.who)}: {failure.reason}"


def problem_lines(failures: Sequence[Failure], voices: Mapping[str, Voice]) -> tuple[str, ...]:
    """Every failure that is not "offline", one line each, in the order they happened.

    One cause stops several steps (an untrusted certificate stops the upload, the push and the
    pull alike): a reason already said for a receiver is not said again.
    """
    lines: list[str] = []
    said: set[tuple[str, str]] = set()
    for failure in failures:
        if failure.offline:
            continue
        key = (failure.destination, failure.reason)
        if failure.reason and key in said:
            continue
        said.add(key)
        lines.append(problem_line(failure, voices))
    return tuple(lines)


def _waiting(queue: SyncStatus) -> int:
    return queue.pending + queue.parked + queue.held


def _offline(failure: Failure, voices: Mapping[str, Voice], queues: Sequence[SyncStatus],
             waiting: int) -> str:
    count = next((_waiting(q) for q in queues if q.destination == failure.destination), waiting)
    voice = _voice(voices, failure.destination)
    # The reason says what happened (no connection, no answer in time, a sign-in page in the
    # way); the line adds no claim of its own that the reason could contradict.
    if voice.says_who:
        line = f"Offline: {_lower_first(_clause(failure.reason))}"
    else:
        line = f"Offline: no answer from {voice.who} ({_clause(failure.reason)})"
    return f"{line}; {_wait(count)} and will go when it is back." if count else line + "."


def _lower_first(text: str) -> str:
    # "Could not reach …" reads on after "Offline:"; a name in capitals ("CRM") stays as it is.
    if text[:1].isupper() and text[1:2].islower():
        return text[:1].lower() + text[1:]
    return text


def _done(pushed: PushReport | None, pulled: PullReport | None, nightly_sent: bool) -> str:
    done = []
    if pushed is not None:
        done.append(f"Sent {plural(pushed.stored, 'record')}")
    if pulled is not None:
        done.append(f"{'pulled' if done else 'Pulled'} {plural(pulled.applied, 'inbox item')}")
    if nightly_sent:
        done.append("sent the nightly report")
    line = ", ".join(done) or "Nothing to do"
    if pulled is not None and pulled.waiting:
        line += f" ({plural(len(pulled.waiting), 'inbox item')} waiting)"
    return line


def message(
    pushed: PushReport | None, pulled: PullReport | None, nightly_sent: bool,
    failures: Sequence[Failure], queues: Sequence[SyncStatus], voices: Mapping[str, Voice],
) -> str:
    """The cycle's one line: offline and what waits, else what was done and what went wrong.

    "Sent 12 records, pulled 2 inbox items; nothing waiting." or "Offline: could not reach the
    portal at …; 34 records wait and will go when it is back."
    """
    waiting = max((_waiting(q) for q in queues), default=0)
    offline = next((f for f in failures if f.offline), None)
    if offline is not None:
        return _offline(offline, voices, queues, waiting)
    line = _done(pushed, pulled, nightly_sent)
    problems = problem_lines(failures, voices)
    if problems:
        why = "; ".join(_clause(p) for p in problems)
        return f"{line}; {_wait(waiting)}: {why}." if waiting else f"{line}; {why}."
    if waiting:
        return f"{line}; {_wait(waiting)} for the next run."
    return line + ("; nothing waiting." if pushed is not None else ".")
