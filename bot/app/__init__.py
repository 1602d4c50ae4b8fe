"""The use cases every front door calls — ask, more, choose a stage, rate, share, the `/content`
commands, the digest — and the wiring that builds them from the settings. Nothing here knows
Slack or the terminal: results are neutral (recommender answers, `text` spans, digests) and each
front door renders them.
"""
