import re
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr, ValidationError

from assistant.settings import ChunkingSettings, Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _env_names(model: type[BaseModel], prefix: str = "ASSISTANT_") -> list[str]:
    names = []
    for name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            names += _env_names(field.annotation, f"{prefix}{name.upper()}__")
        else:
            names.append(f"{prefix}{name.upper()}")
    return names


def test_every_setting_is_documented_in_the_readme():
    names = _env_names(Settings)
    assert len(names) >= 9
    missing = [n for n in names if f"`{n}`" not in README]
    assert not missing, f"document these settings in README.md: {missing}"


def _defaults(model: type[BaseModel], prefix: str = "ASSISTANT_") -> dict[str, object]:
    out: dict[str, object] = {}
    for name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            out |= _defaults(field.annotation, f"{prefix}{name.upper()}__")
        else:
            out[f"{prefix}{name.upper()}"] = field.get_default(call_default_factory=True)
    return out


def _shown(value: object) -> str:
    """How the README's table writes a default."""
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value in ("", None):
        return "(empty)"
    return f"`{value}`"


def test_the_readme_states_each_default_as_the_code_has_it():
    rows = dict(re.findall(r"^\| `(ASSISTANT_[A-Z_]+)` \| ([^|]+?) \|", README, re.MULTILINE))
    wrong = {}
    for name, default in _defaults(Settings).items():
        if isinstance(default, Path) and default.is_absolute():
            continue  # a path inside this checkout (prompts/): the README names it
        if rows.get(name) != _shown(default):
            wrong[name] = (rows.get(name), _shown(default))
    assert not wrong, f"README default differs from the code (README, code): {wrong}"


def test_nested_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ASSISTANT_CHUNKING__MAX_TOKENS", "300")
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "hash")
    settings = Settings()
    assert settings.chunking.max_tokens == 300 and settings.embedding.backend == "hash"


def test_collection_name_changes_with_chunking_not_with_batch_size():
    base = Settings()
    assert base.collection_name() == Settings(embedding={"batch_size": 64}).collection_name()
    assert base.collection_name() != Settings(chunking=ChunkingSettings(max_tokens=300)).collection_name()
    assert 3 <= len(base.collection_name()) <= 512


def test_unknown_or_bad_values_are_refused():
    with pytest.raises(ValidationError):
        Settings(embedding={"backend": "magic"})
    with pytest.raises(ValidationError):
        Settings(chunking={"max_tokens": 10})
    with pytest.raises(ValidationError):
        Settings(chunking={"typo": 1})
