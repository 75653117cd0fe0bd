"""Reading a patient's reply (pure): every finding in it, each with the words it came from.

`parse_reply` is the entry point; `findings` holds what it returns. The other modules are
its parts: `text` (tokens with their place in the message), `words` (stems, typos and the
words that must not be caught), `phrases` (matching term lists), `context` (negated,
resolved, hypothetical, someone else), `numbers` (scores and every other kind of number),
`lexicon` (the language's own cue words, English and Spanish) and `vocabulary` (symptom
concepts from the protocol file).
"""
