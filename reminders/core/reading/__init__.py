"""Reading a patient's reply (pure): every finding in it, each with the words it came from.

`parse_reply` is the entry point; `findings` holds what it returns. The other modules are
its parts: `text` (tokens with their place in the message), `words` (stems, typos and the
words that must not be caught), `phrases` (matching term lists), `context` (negated,
resolved, hypothetical, someone else), `numbers` with `written_numbers` and `number_kinds`
(scores and every other kind of number), `requests`, `relief`, `scores`, `questions`; the
language's own words, English and Spanish, in `cue_words`, `request_words` and
`answer_words`; and `vocabulary` (symptom concepts from the protocol file).
"""
