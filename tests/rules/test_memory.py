"""Evaluating a policy leaves nothing behind.

The interview app evaluates the whole policy on every keystroke. Anything an
evaluation keeps alive after it returns (an index cached in a module, a memo
that refers back to its context) grows the app by a whole policy's worth of
indexes each time the user types.
"""

import gc

from workbench.rules import evaluate
from workbench.rules.context import Context
from workbench.templates import list_templates, load_template


def live_contexts() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Context))


def test_repeated_evaluations_do_not_keep_their_contexts_alive():
    policies = [load_template(name) for name, *_ in list_templates()]
    before = live_contexts()
    for _ in range(5):
        for p in policies:
            report = evaluate(p)
            assert report.findings  # every starter shows gaps: the rules did run
    assert live_contexts() == before


def test_an_evaluation_is_freed_without_the_garbage_collector():
    """Reference counting alone frees a finished evaluation, so the app's memory stays flat even between
    the collector's passes (and the collector has no cycle of indexes to walk after each keystroke)."""
    policy = load_template(list_templates()[0][0])
    evaluate(policy)  # warm up lazily built module state
    gc.collect()
    gc.disable()
    try:
        before = sum(1 for o in gc.get_objects() if isinstance(o, Context))
        for _ in range(3):
            evaluate(policy)
        after = sum(1 for o in gc.get_objects() if isinstance(o, Context))
    finally:
        gc.enable()
    assert after == before
