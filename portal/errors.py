"""What the portal's own code raises for input a person or a till got wrong."""


class PortalInputError(ValueError):
    """Wrong input, said in plain words: what was wrong and what to do."""
