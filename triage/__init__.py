"""The domain core: knowledge, text processing, the serving model, the rules and the analyser.

Training (``training/``) fits what this package scores and evaluates its ``Analyser``; the service
(``service/``) serves the same ``Analyser``. This package imports neither of them.
"""
