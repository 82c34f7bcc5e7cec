class ReportError(Exception):
    """A domain rule refused an action; the message is shown to the person as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ReportLocked(ReportError):
    pass


class SectionConflict(ReportError):
    """Someone saved the section after this person loaded it. Carries what they changed."""

    def __init__(self, message: str, *, section, changes: list[dict]):
        super().__init__(message)
        self.section = section
        self.changes = changes
