"""The checks of the Python test scripts (page tests, PACS test): a failed check ends the
run with its message. No selenium here, so API-only tests can import it."""


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)
    print("  ok:", what, flush=True)
