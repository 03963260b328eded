"""Work that runs inside a spawned generator worker: CadQuery never runs in the service process.

OCCT can segfault, loop or leak on odd inputs, so every build happens in a WorkerPool
process with a time and a memory limit that is recycled after a number of jobs. Functions
are module-level (the pool pickles references to them) and return plain data: the file
bytes by format plus JSON-ready metadata. Domain exceptions are turned into TaskFailure
subclasses here because they must survive pickling back to the service (ParamError cannot:
its constructor takes a dict while its args hold the message).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from printforge.runtime.tasks import failure_codes
from printforge.runtime.tasks.runner import TaskFailure
from printforge.runtime.tasks.workers import report_progress

if TYPE_CHECKING:
    from printforge_services.generator.planner.interpret import TreeModel


class InvalidParams(TaskFailure):
    """Parameter values were rejected; `errors` maps each bad field to why (picklable)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = dict(errors)

    def __str__(self) -> str:
        return "invalid parameters: " + "; ".join(f"{k}: {v}" for k, v in self.errors.items())


class UnknownTemplate(TaskFailure):
    """No template with that kind and id; the message lists the ones that exist."""


class NotUnderstood(TaskFailure):
    """The prompt names no part the planner can make; tagged so APIs report it as its own code."""

    def __init__(self, message: str) -> None:
        super().__init__(failure_codes.tag(failure_codes.NOT_UNDERSTOOD, message))
        self.untagged = message

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled back from the worker: rebuilt from the untagged message, so it is tagged once.
        return (type(self), (self.untagged,))


def catalog(kind: str) -> list[dict[str, Any]]:
    """Every template of `kind` as JSON ({id, kind, title, description, params})."""
    from printforge_services.generator.catalog import UnknownTemplateError, list_templates

    try:
        return [t.to_json() for t in list_templates(kind)]
    except UnknownTemplateError as exc:
        raise UnknownTemplate(str(exc)) from None


def render_template(kind: str, template_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """Render a starter or gift to every format; see `_output` for the result's shape."""
    from printforge_services.generator.catalog import UnknownTemplateError
    from printforge_services.generator.export import ExportError
    from printforge_services.generator.manifest import ParamError
    from printforge_services.generator.render import render
    from printforge_services.generator.solids import GeometryError

    try:
        result = render(kind, template_id, values)
    except UnknownTemplateError as exc:
        raise UnknownTemplate(str(exc)) from None
    except ParamError as exc:
        raise InvalidParams(exc.errors) from None
    except (GeometryError, ExportError) as exc:
        raise TaskFailure(f"the {kind} {template_id!r} could not be built with these values: {exc}") from None
    return {
        "template_id": template_id,
        "values": result.values,
        "manifest": result.manifest,
        "files": result.files,
        # what the template adjusted (a fillet reduced to fit, ...), in image2cad's notes shape
        "interpretation": {"notes": list(result.warnings)} if result.warnings else None,
        "tree": None,
    }


_UNSET: Any = object()
_model: Any = _UNSET


def language_model() -> TreeModel | None:
    """The optional tree model of `PRINTFORGE_LLM_URL`, built once per worker process; None when unset.

    Read from the worker's environment (inherited from the service at spawn) on first use, so the
    rules-only path never imports httpx. The URL is operator configuration, not user input; the
    client has a request timeout and its failures are ModelError (a RuntimeError), which
    `_planner_failure` turns into the task's message. Its answers are validated as feature-tree
    data, never executed.
    """
    global _model
    if _model is _UNSET:
        from printforge_services.generator.planner.llm import from_env

        _model = from_env()
    return _model


def plan_part(prompt: str, tree: dict[str, Any] | None) -> dict[str, Any]:
    """Text to CAD: a first prompt, or a follow-up refining `tree`.

    The rules run first; the language model (when configured) is asked only for what they do not
    understand, exactly as `printforge chat` does.
    """
    from printforge_services.generator import planner

    try:
        model = language_model()
        plan = planner.interpret(prompt, model) if tree is None else planner.refine(tree, prompt, model)
        report_progress(30)
        result = planner.realise(plan)
    except Exception as exc:
        raise _planner_failure(exc) from None
    return _planned(result)


def rebuild_part(tree: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Apply manifest edits to a planner feature tree and rebuild it."""
    from printforge_services.generator import planner

    try:
        result = planner.rebuild(tree, values)
    except Exception as exc:
        raise _planner_failure(exc) from None
    return _planned(result)


def _planner_failure(exc: Exception) -> TaskFailure:
    """Planner errors are ValueErrors with user-facing messages; anything else is a bug, re-raised."""
    from printforge_services.generator.manifest import ParamError
    from printforge_services.generator.planner import NotUnderstoodError

    if isinstance(exc, ParamError):
        return InvalidParams(exc.errors)
    if isinstance(exc, NotUnderstoodError):
        return NotUnderstood(str(exc))
    if isinstance(exc, ValueError | RuntimeError):
        return TaskFailure(str(exc))
    raise exc


def _planned(result: Any) -> dict[str, Any]:
    from printforge_services.generator.solids import GeometryError, single_solid

    report_progress(60)
    try:
        solid = single_solid(result.shape)
    except GeometryError as exc:
        raise TaskFailure(f"the planned part is not printable as one solid: {exc}") from None
    return {
        "template_id": result.tree["family"],
        "values": result.values,
        "manifest": [p.to_json() for p in result.manifest],
        "files": export_solid(solid),
        "interpretation": result.report.to_json(),
        "tree": result.tree,
    }


def export_solid(solid: Any) -> dict[str, bytes]:
    """STEP, STL, GLB, 3MF and the PNG thumbnail of one validated solid."""
    from printforge_services.generator import export

    try:
        files = {"step": export.step_bytes(solid)}
        mesh = export.tessellate(solid)
        files["stl"] = export.stl_bytes(mesh)
        files["glb"] = export.glb_bytes(mesh)
        files["3mf"] = export.threemf_bytes(mesh)
        files["png"] = export.png_bytes(mesh)
    except export.ExportError as exc:
        raise TaskFailure(f"the part could not be exported: {exc}") from None
    report_progress(90)
    return files


def image_part(data: bytes, kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """Image to CAD: trace PNG/JPEG bytes into a keychain, stencil, cookie cutter or lithophane."""
    from printforge_services.generator.image2cad import Image2CadError, ImageError, image_to_cad
    from printforge_services.generator.manifest import ParamError
    from printforge_services.generator.solids import GeometryError, single_solid

    try:
        result = image_to_cad(data, kind, values)
        report_progress(60)
        solid = single_solid(result.shape)
    except ParamError as exc:
        raise InvalidParams(exc.errors) from None
    except (Image2CadError, ImageError, GeometryError) as exc:
        raise TaskFailure(str(exc)) from None
    return {
        "template_id": kind,
        "values": result.values,
        "manifest": [p.to_json() for p in result.manifest],
        "files": export_solid(solid),
        "interpretation": {"notes": result.notes},
        "tree": None,
    }
