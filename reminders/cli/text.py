"""Plain-text tables for the CLI: what staff and operators read in a terminal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from reminders.core.checker import BUDGET_FIRST_NAME
from reminders.core.localtime import format_duration
from reminders.core.protocol import Protocol, ProtocolSet, step_title
from reminders.core.segments import count_segments
from reminders.core.wording import cost_note, language_name
from reminders.transports.base import mask_phone

_PENDING = ("pending", "leased")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(c) for c in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _local(value: str | datetime, tz: ZoneInfo) -> str:
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    return instant.astimezone(tz).strftime("%a %Y-%m-%d %H:%M %Z")


def schedule_rows(protocols: ProtocolSet, placeholders: Mapping[str, str]) -> list[dict]:
    context = {**placeholders, "first_name": BUDGET_FIRST_NAME}
    rows = []
    for protocol in protocols.protocols.values():
        languages = sorted({lang for s in protocol.steps for lang in s.template.texts})
        for step in protocol.steps:
            cost = {}
            for lang in languages:
                used, text = step.template.render(lang, context)
                count = count_segments(text)
                cost[lang] = {"segments": count.segments, "encoding": count.encoding,
                              "budget": step.template.budget(lang), "fallback": used != lang}
            rows.append({"protocol": protocol.id, "step": step.id, "title": step.title_in(),
                         "timing": step.timing.describe(),
                         "expires": format_duration(step.expires),
                         "condition": step.describe_condition(),
                         "expects": step.expects.reply.value if step.expects else None,
                         "languages": cost})
    return rows


def render_schedule(rows: list[dict]) -> str:
    def cost(c: dict) -> str:
        fallback = " (en)" if c["fallback"] else ""
        return f"{c['segments']}/{c['budget']} {c['encoding']}{fallback}"

    langs = sorted({lang for r in rows for lang in r["languages"]})
    return table(
        # The file's author types step ids, so this table (the file's check) keeps them.
        ["protocol", "step", "title", "timing", "expires", "condition", "expects",
         *[f"{lang} seg/budget" for lang in langs]],
        [[r["protocol"], r["step"], r["title"], r["timing"], r["expires"], r["condition"],
          r["expects"] or "-", *[cost(r["languages"][lang]) for lang in langs]] for r in rows])


def _cost(segments: int, encoding: str) -> str:
    return f"{cost_note(segments)} ({encoding})"


def render_plan(rows: Sequence[tuple], tz: ZoneInfo) -> str:
    """Rows of (send_at, title, status, segments, encoding, reason); `--json` keeps step ids."""
    return table(["local time", "text", "status", "cost", "reason"],
                 [[_local(at, tz), title, status, _cost(seg, enc), reason]
                  for at, title, status, seg, enc, reason in rows])


def next_text(messages: list[dict]) -> dict | None:
    pending = [m for m in messages if m["status"] in _PENDING]
    return min(pending, key=lambda m: m["send_at"], default=None)


def render_enrollment(data: dict) -> str:
    tz = ZoneInfo(data["timezone"])
    head = (f"enrolment {data['enrollment_id']} ({data['status']}): {data['first_name']} "
            f"{data['phone']}, {data.get('protocol_name') or data['protocol']}, "
            f"injected {_local(data['injected_at'], tz)}, texts in {language_name(data['language'])}")
    diagnostic = data.get("diagnostic_response") or {}
    if diagnostic.get("anaesthetic_pain") is not None:
        head += (f"\nanaesthetic-window pain {diagnostic['anaesthetic_pain']}/10 (baseline "
                 f"{data['baseline_pain'] if data['baseline_pain'] is not None else 'not recorded'})")
        if diagnostic["relief_percent"] is not None:
            met = "meets" if diagnostic["threshold_met"] else "below"
            head += f": {diagnostic['relief_percent']}% relief ({met} the protocol's threshold)"
    parts = [head, table(
        ["id", "local time", "text", "status", "cost", "reason / error"],
        [[m["id"], _local(m["local_send_at"], tz),
          m.get("title", m["step"]) + (f" (by {m['sent_by']})" if m.get("sent_by") else ""),
          m["status"], _cost(m["segments"], m["encoding"]), m["last_error"] or m["reason"]]
         for m in data["messages"]])]
    if data.get("replies"):
        parts.append("replies:\n" + render_replies(data["replies"], tz))
    if data.get("flags"):
        parts.append("flags:\n" + render_flags(data["flags"]))
    return "\n\n".join(parts)


def render_reading(reply: dict) -> str:
    """Each finding in plain words ("fever: said no — 'no fever'"); replies stored before
    findings show their summary."""
    if reply.get("findings"):
        return "; ".join(f.get("text") or f["value"] for f in reply["findings"])
    bits = [reply["kind"] or "not processed"]
    for key in ("score", "relief", "yes_no", "keyword"):
        if reply.get(key) is not None:
            bits.append(f"{key} {reply[key]}")
    if reply.get("red_flags"):
        bits.append("red flags: " + ", ".join(reply["red_flags"]))
    return "; ".join(bits)


def render_replies(replies: list[dict], tz: ZoneInfo) -> str:
    return table(["id", "local time", "answers", "text", "reading", "we answered"],
                 [[r["id"], _local(r["received_at"], tz),
                   r.get("question_title") or r["question_step"] or "-",
                   _clip(r["text"]), render_reading(r), r["response_kind"] or "-"] for r in replies])


def _clip(text: str | None, width: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 1] + "…"


def render_flags(flags: list[dict]) -> str:
    if not flags:
        return "no flags"
    rows = []
    for f in flags:
        who = f["resolved_by"] or f["acknowledged_by"] or (
            f"for {f['assigned_to']}" if f.get("assigned_to") else "")
        rows.append([f["id"], f["priority"], f["kind"], f["status"], who,
                     f["enrollment_id"] or (f["phone"] and mask_phone(f["phone"])) or "-",
                     f["created_at"][:16].replace("T", " "), _clip(f["reason"], 50),
                     _clip(f["reply_text"], 30) if f["reply_text"] else "-"])
    return table(["id", "priority", "kind", "status", "by", "enrolment", "created (UTC)",
                  "reason", "reply"], rows)


def render_enrollments(items: list[dict]) -> str:
    rows = []
    for item in items:
        tz = ZoneInfo(item["timezone"])
        nxt = next_text(item.get("messages", [])) if "messages" in item else item.get("next")
        sent = sum(m["status"] in ("sent", "delivered") for m in item.get("messages", []))
        rows.append([item["enrollment_id"], item["first_name"], mask_phone(item["phone"]),
                     item.get("protocol_name") or item["protocol"], _local(item["injected_at"], tz),
                     item["status"],
                     f"{nxt.get('title', nxt['step'])} {_local(nxt['send_at'], tz)}" if nxt else "-",
                     sent])
    return table(["id", "name", "phone", "protocol", "injected", "status", "next text", "sent"],
                 rows) if rows else "no enrolments"


def render_conversation(events, injected: datetime, tz: ZoneInfo,
                        protocol: Protocol | None = None) -> str:
    """A simulated course, day by day: each text by its title with the step's id in
    brackets (what --reply STEP=TEXT takes), the patient's replies, answers and flags."""
    lines, current = [], None
    start = injected.astimezone(tz).date()
    for event in events:
        local = event.at.astimezone(tz)
        day = (local.date() - start).days
        if day != current:
            current = day
            lines.append(f"\n== day {day}: {local:%a %d %b %Y} ==")
        name = f"{step_title(protocol, event.step)} [{event.step}]"
        if event.status in ("sent", "delivered"):
            lines.append(f"{local:%H:%M} {name}: {event.text}")
        elif event.status == "reply":
            lines.append(f"{local:%H:%M}   patient: {event.text}")
        elif event.status == "answer":
            lines.append(f"{local:%H:%M}   answer: {event.text}")
        elif event.status == "flag":
            lines.append(f"{local:%H:%M}   FLAG ({event.text}) {event.step}: {event.reason}")
        else:
            lines.append(f"{local:%H:%M} {name}: not sent ({event.status}: {event.reason})")
    return "\n".join(lines).lstrip("\n")
