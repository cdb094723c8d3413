"""Shared by the deploy tests: PASS/FAIL lines, the check that a deliberately broken copy
is refused for its own reason, and the closing count."""


class Verdicts:
    def __init__(self):
        self.passes = self.fails = 0

    def report(self, ok, what, detail=()):
        print(("PASS: " if ok else "FAIL: ") + what)
        for d in detail:
            print("    " + d)
        self.passes, self.fails = self.passes + bool(ok), self.fails + (not ok)

    def rejects(self, name, errs, expect):
        """errs, a broken copy's errors, must include one that mentions expect."""
        hit = [e for e in errs if expect in e]
        self.report(bool(hit), f"rejects broken copy: {name}",
                    hit[:1] if hit else ["not rejected for it; errors: " + ("; ".join(errs) or "none")])

    def finish(self):
        print(f"{self.passes} passed, {self.fails} failed")
        return 0 if self.fails == 0 else 1
