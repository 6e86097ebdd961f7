"""mailwarden: rules — pure decision: message bytes + envelope + context in, Verdict out.

No database, no network, no imports of other mailwarden packages. Entry points::

    from rules.content import parse            # parse(raw) -> ParsedMessage (never raises)
    from rules.loader import load_ruleset, lint, RuleSetError
    from rules.engine import Engine, EvaluationContext, DirectoryView
    from rules.model import Envelope, Direction, Action, Verdict, SenderStats, AuthResults
    from rules.auth import check_spf, check_dkim, check_dmarc, authenticate
"""
