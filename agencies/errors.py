class AdminError(Exception):
    """A rule about bodies or people refused a change; the message is shown to the person as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
