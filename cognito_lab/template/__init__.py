"""The lab as CloudFormation: one template that the lab applies locally and AWS deploys."""

from importlib.resources import files
from pathlib import Path

from .apply import apply_template
from .loader import load_template
from .model import TemplateError


def default_template_path() -> Path:
    return Path(str(files(__package__).joinpath("default.yaml")))


__all__ = ["TemplateError", "apply_template", "default_template_path", "load_template"]
