"""One error hierarchy; the CLI turns these into one-line messages and exit codes."""


class AssistantError(Exception):
    """Base class: the message says what failed, for which input, and what to do."""


class SettingsError(AssistantError):
    """A setting has a value the product cannot use."""


class DocumentError(AssistantError):
    """One input file cannot be ingested; the batch goes on without it."""

    def __init__(self, file: str, problem: str, action: str) -> None:
        self.file = file
        self.problem = problem
        self.action = action
        super().__init__(f"{file}: {problem}; {action}")


class IndexMissingError(AssistantError):
    """No index where one was expected."""


class DependencyMissingError(AssistantError):
    """An optional dependency is not installed."""

    def __init__(self, feature: str, install: str) -> None:
        super().__init__(f"{feature} needs an optional dependency; install it with: {install}")
