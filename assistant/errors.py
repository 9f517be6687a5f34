"""One error hierarchy. Each message says what failed, for which input, and what to do; the class says
which kind of failure it is, so that the CLI can map it to an exit code and the JSON API to an HTTP
status (`cli.EXIT_CODES`, `ui.api.HTTP_STATUS`) without reading messages."""


class AssistantError(Exception):
    """Base class: the message says what failed, for which input, and what to do."""


class InvalidInputError(AssistantError):
    """A request the product cannot act on as given: a missing path, an unknown document or section,
    a malformed reference Q&A or gate file. Fixing the input fixes it."""


class InvalidQuestionError(InvalidInputError):
    """The question is empty or too long."""


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
    """No documents are indexed where a search, answer, draft or evaluation needs them."""

    def __init__(self, index_dir: object) -> None:
        super().__init__(f"No index at {index_dir}; run 'assistant ingest corpus/' first.")


class WriterBusyError(AssistantError):
    """Another process is writing the same index; retrying later works."""


class StoreUnavailableError(AssistantError):
    """The configured Chroma server does not answer."""


class ModelError(AssistantError):
    """The configured chat model failed or cannot be reached."""


class DependencyMissingError(AssistantError):
    """An optional dependency is not installed."""

    def __init__(self, feature: str, install: str) -> None:
        super().__init__(f"{feature} needs an optional dependency; install it with: {install}")
