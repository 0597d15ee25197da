"""Repository-level pytest hooks."""


def pytest_sessionfinish(session, exitstatus):
    # A run that collected no test must fail, not pass quietly (pytest's exit 5).
    if session.testscollected == 0:
        session.exitstatus = 1
