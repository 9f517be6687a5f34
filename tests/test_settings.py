from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

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
