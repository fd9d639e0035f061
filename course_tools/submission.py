"""What grading does to a submitted notebook, before and after it runs.

Before (``prepare``): a notebook that is not a readable notebook is refused with a one-line
reason. Nothing of the submission's metadata is honoured: the notebook's metadata becomes
the grading kernel's; every cell keeps only its type, source and (for later) outputs; the
nbgrader metadata of a graded cell is rebuilt from the reference notebook for its grade_id
(a grade_id the student edited is found again from the cell id); tags such as
``skip-execution`` are gone.

While it runs (``CappedExecute``, inside ``nbgrader autograde``): output is cut by bytes,
lines and count as it arrives, TensorFlow/absl log lines are dropped, and widget messages
are ignored, so a flood never reaches memory or disk.

After (``finish``): test cells keep the grader's run (their verdict); every other code
cell gets back the outputs the student submitted, from the student's own run (full mode):
their figures and printed numbers, which written answers discuss. Those submitted outputs
are the student's claim (a student could edit them), which the feedback says. Outputs are
reduced to safe types, capped, freed of log noise and of the instructor's paths; each graded
cell is labelled with its exercise's title; each hand-graded answer is followed by its mark
scheme in a cell for graders only, which feedback leaves out.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MARK_SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===(.*?)=== END MARK SCHEME ===", re.S)
STUBS = ("# YOUR CODE HERE\nraise NotImplementedError()", "YOUR ANSWER HERE")
# TensorFlow, XLA and absl log lines: noise in a student's feedback.
LOG_NOISE = re.compile(
    r"^(?:[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s|WARNING: All log messages before absl::InitializeLog|"
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] |.*(?:oneDNN custom operations|cuInit|TF-TRT|"
    r"Unable to register cu(?:DNN|FFT|BLAS)|This TensorFlow binary is optimized|computation placer|"
    r"rebuild TensorFlow with the appropriate compiler flags|Could not find cuda drivers|"
    r"TF_ENABLE_ONEDNN_OPTS|cuda_(?:dnn|fft|blas|executor|diagnostics)))"
)
# What can run code in a browser that renders a notebook (formgrader's, a student's feedback).
SCRIPTS = re.compile(r"<(script|style|iframe|object|embed|svg|math)\b.*?(?:</\1\s*>|$)", re.S | re.I)
HANDLERS = re.compile(r"""\son\w+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)|javascript:|vbscript:|data:text/html""", re.I)
SAFE_TYPES = ("text/plain", "text/markdown", "text/latex", "image/png", "image/jpeg", "image/gif", "text/html")
GRADER_NOTE = "[course grade]"
SMOKE_NOTE = (
    "Outputs outside the test cells are the ones you submitted, from your own run; the test cells "
    "were run again by the grader in smoke mode (small data, few epochs), and their results decide the points."
)


class SubmissionError(Exception):
    """A submitted notebook that cannot be graded at all, in one line."""


# -------------------------------------------------------------------------------------
# What grading knows of the assignment


@dataclass
class Reference:
    """Per notebook of an assignment: its graded cells, as the instructor wrote them."""

    name: str
    metadata: dict[str, dict]  # grade_id -> nbgrader metadata of the reference cell
    cell_types: dict[str, str]
    tests: list[str]  # sources of the autograded test cells, as nbgrader runs them
    exercises: dict[str, str]  # grade_id -> the title of the exercise it belongs to
    mark_schemes: dict[str, str]  # grade_id of a hand-graded answer -> its mark scheme
    stubs: dict[str, str]  # grade_id of an answer cell -> its source in the release
    preload: list[str] = field(default_factory=list)
    aliases: dict[str, list] = field(default_factory=dict)

    @property
    def answers(self) -> list[str]:
        return [gid for gid, meta in self.metadata.items() if meta.get("solution")]

    def kernel_settings(self) -> dict:
        return {
            "test_hashes": sorted({hashlib.sha256(s.encode()).hexdigest() for s in self.tests}),
            "preload": self.preload,
            "aliases": self.aliases,
        }


def _title(markdown: str) -> str | None:
    for line in markdown.splitlines():
        if line.lstrip().startswith("#"):
            title = line.lstrip("# ").strip()
            return re.sub(r"\s*\(\s*\d+(?:\.\d+)?\s+points?\s*\)\s*$", "", title) or None
    return None


def _imports(source: str) -> list[tuple[str, str, str | None]]:
    """(bound name, module, attribute) for every top-level import statement of ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found.append((alias.asname, alias.name, None))
                else:
                    found.append((alias.name.split(".")[0], alias.name.split(".")[0], None))
                    found.append(("", alias.name, None))
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    found.append((alias.asname or alias.name, node.module, alias.name))
    return found


def reference(source_notebook: Path, test_sources: list[str], release_notebook: Path | None) -> Reference:
    """Read what grading needs from the reference notebook (and its release version)."""
    notebook = nbformat.read(source_notebook, as_version=4)
    metadata, cell_types, exercises, schemes = {}, {}, {}, {}
    preload, aliases = ["numpy", "numpy.testing"], {}
    title = None
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown":
            title = _title(cell.source) or title
        if meta.get("grade_id"):
            gid = meta["grade_id"]
            metadata[gid], cell_types[gid] = dict(meta), cell.cell_type
            if title:
                exercises[gid] = title
            found = MARK_SCHEME.search(cell.source)
            if found and meta.get("grade") and meta.get("solution"):
                schemes[gid] = found.group(1).strip()
        if cell.cell_type == "code" and not meta.get("solution"):
            for name, module, attribute in _imports(cell.source):
                for candidate in (module, f"{module}.{attribute}" if attribute else None):
                    if candidate and candidate not in preload:
                        preload.append(candidate)
                if name and not meta.get("grade"):
                    aliases[name] = [module, attribute]
    stubs = {}
    if release_notebook is not None and release_notebook.is_file():
        for cell in nbformat.read(release_notebook, as_version=4).cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in metadata and metadata[gid].get("solution"):
                stubs[gid] = cell.source
    preload.sort(key=lambda name: name != "course")  # `import course` first: it quiets TensorFlow
    return Reference(source_notebook.stem, metadata, cell_types, list(test_sources), exercises, schemes, stubs, preload, aliases)


# -------------------------------------------------------------------------------------
# Before grading


@dataclass
class Prepared:
    notes: list[str]
    outputs: list[list | None]  # the submitted outputs of each cell, index by index
    answered: int  # answer cells changed from the release
    answer_hashes: dict[str, str]  # grade_id -> sha256 of the answer's source


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return ""


def _read(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8", errors="replace"))
    except ValueError as error:
        raise SubmissionError(f"{Path(path).name} is not valid JSON (truncated or not a notebook): {str(error)[:80]}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise SubmissionError(f"{Path(path).name} is not a notebook (no list of cells)")
    if data.get("nbformat") != 4:
        raise SubmissionError(f"{Path(path).name} is not a version 4 notebook (nbformat {str(data.get('nbformat'))[:10]})")
    return data


def prepare(path: Path, target: Path, ref: Reference) -> Prepared:
    """Write a clean copy of the notebook at ``path`` to ``target`` for nbgrader."""
    data = _read(path)
    notes, outputs, seen = [], [], set()
    cells = []
    kinds = {"code", "markdown", "raw"}
    for raw in data["cells"]:
        raw = raw if isinstance(raw, dict) else {}
        kind = raw.get("cell_type") if raw.get("cell_type") in kinds else "raw"
        source = _text(raw.get("source"))
        meta = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
        cell = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell, "raw": nbformat.v4.new_raw_cell}[kind](source)
        nb_meta = meta.get("nbgrader") if isinstance(meta.get("nbgrader"), dict) else None
        grade_id = nb_meta.get("grade_id") if nb_meta else None
        if nb_meta is not None:
            if not (isinstance(grade_id, str) and grade_id in ref.metadata):
                cell_id = raw.get("id")
                if isinstance(cell_id, str) and cell_id in ref.metadata:
                    notes.append(f"restored the edited grade_id of cell {cell_id}")
                    grade_id = cell_id
                else:
                    grade_id = None
            if grade_id is not None and grade_id not in seen:
                seen.add(grade_id)
                cell.metadata["nbgrader"] = copy.deepcopy(ref.metadata[grade_id])
                cell.id = grade_id
        if meta.get("tags"):
            notes.append("ignored the submission's cell tags")
        cells.append(cell)
        outputs.append(raw.get("outputs") if kind == "code" and isinstance(raw.get("outputs"), list) else None)
    missing = [gid for gid in ref.metadata if gid not in seen and ref.metadata[gid].get("grade")]
    if missing:
        notes.append(f"graded cell(s) missing from the submission, worth nothing: {', '.join(missing)}")
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3 (graded)", "language": "python"},
                         "language_info": {"name": "python"}}
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in cells if c.metadata.get("nbgrader", {}).get("solution")}
    answered = sum(1 for gid, text in answers.items() if text.strip() and text.strip() != ref.stubs.get(gid, "").strip() and text.strip() not in STUBS)
    nbformat.write(notebook, target)
    return Prepared(sorted(set(notes), key=notes.index), outputs, answered,
                    {gid: hashlib.sha256(text.encode()).hexdigest() for gid, text in answers.items()})


# -------------------------------------------------------------------------------------
# While it runs (inside nbgrader autograde)


def _strip_noise(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not LOG_NOISE.match(line))


def _size(content: dict) -> tuple[int, int]:
    if "text" in content:
        text = str(content["text"])
        return len(text.encode(errors="replace")), text.count("\n")
    if "traceback" in content:
        text = "\n".join(str(line) for line in content.get("traceback") or [])
        return len(text.encode(errors="replace")), text.count("\n")
    data = content.get("data") or {}
    return sum(len(str(v)) for v in data.values()), sum(str(v).count("\n") for k, v in data.items() if k.startswith("text/"))


def _execute_class():
    from nbgrader.preprocessors import Execute
    from traitlets import Integer

    class CappedExecute(Execute):
        """nbgrader's Execute, cutting output by bytes, lines and count as it arrives."""

        output_bytes = Integer(100_000, help="bytes of output kept per cell").tag(config=True)
        output_lines = Integer(1000, help="lines of output kept per cell").tag(config=True)
        output_count = Integer(100, help="outputs kept per cell").tag(config=True)

        def preprocess(self, nb, resources=None, km=None):
            self._budgets = {}
            return super().preprocess(nb, resources, km)

        def process_message(self, msg, cell, cell_index):
            kind = msg["msg_type"]
            if kind == "update_display_data" or kind.startswith("comm"):
                return None
            if kind not in ("stream", "display_data", "execute_result", "error"):
                return super().process_message(msg, cell, cell_index)
            content = msg["content"]
            if kind == "stream":
                text = _strip_noise(str(content.get("text", "")))
                if not text:
                    return None
                content["text"] = text
            budget = self._budgets.setdefault(cell_index, [self.output_bytes, self.output_lines, self.output_count, False])
            size, lines = _size(content)
            if kind == "error":
                content["traceback"] = [str(line)[:2000] for line in (content.get("traceback") or [])[-100:]]
                content["evalue"] = str(content.get("evalue", ""))[:2000]
                return super().process_message(msg, cell, cell_index)
            if budget[2] > 0 and size <= budget[0] and lines <= budget[1]:
                budget[0] -= size
                budget[1] -= lines
                budget[2] -= 1
                return super().process_message(msg, cell, cell_index)
            if kind == "stream" and budget[2] > 0 and budget[0] > 0 and budget[1] > 0:
                kept = "\n".join(content["text"].split("\n")[: budget[1]]).encode(errors="replace")[: budget[0]]
                content["text"] = kept.decode(errors="ignore")
                budget[0] = budget[1] = 0
                super().process_message(msg, cell, cell_index)
            if not budget[3]:
                budget[3] = True
                note = nbformat.v4.new_output("stream", name="stdout", text=(
                    f"\n{GRADER_NOTE} output cut here: a cell keeps at most {self.output_bytes // 1000} KB,"
                    f" {self.output_lines} lines and {self.output_count} outputs\n"))
                cell.outputs.append(note)
            return None

    return CappedExecute


def __getattr__(name: str):
    # nbgrader is imported only where a notebook is executed (the grading process).
    if name == "CappedExecute":
        value = _execute_class()
        globals()[name] = value
        return value
    raise AttributeError(name)


# -------------------------------------------------------------------------------------
# After grading


def _html_cleaner():
    import bleach

    tags = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "div", "dl", "dt", "em",
            "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "small", "span", "strong",
            "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
    attributes = {"*": ["class", "title", "align"], "a": ["href"], "img": ["src", "alt", "width", "height"],
                  "td": ["colspan", "rowspan"], "th": ["colspan", "rowspan"]}
    return bleach.Cleaner(tags=tags, attributes=attributes, protocols=["http", "https", "data"], strip=True)


class Finisher:
    """Post-processing of graded notebooks: safe, capped, quiet outputs with no instructor paths."""

    def __init__(self, limits, scrub: dict[str, str]):
        self.limits = limits
        self.scrub = sorted(((k, v) for k, v in scrub.items() if k and len(k) > 1), key=lambda kv: -len(kv[0]))
        self.cleaner = _html_cleaner()

    def clean_text(self, text: str) -> str:
        for path, label in self.scrub:
            text = text.replace(path, label)
        return text

    def clean_markdown(self, text: str) -> str:
        """A markdown cell as a browser may render it: no scripts, frames or event handlers."""
        return HANDLERS.sub("", SCRIPTS.sub("", text))

    def clean_outputs(self, outputs, keep_errors: bool = True) -> list:
        """Outputs reduced to safe, capped, quiet, path-free ones."""
        cleaned, budget_bytes, budget_lines, count = [], self.limits.output_kb * 1000, self.limits.output_lines, 0
        cut = False
        for raw in outputs if isinstance(outputs, list) else []:
            if not isinstance(raw, dict) or count >= 100:
                cut = cut or isinstance(raw, dict)
                continue
            kind = raw.get("output_type")
            if kind == "stream":
                text = self.clean_text(_strip_noise(_text(raw.get("text"))))
                if not text:
                    continue
                lines = text.split("\n")
                if len(text.encode()) > budget_bytes or len(lines) > budget_lines:
                    text = "\n".join(lines[: max(budget_lines, 0)]).encode()[: max(budget_bytes, 0)].decode(errors="ignore")
                    cut = True
                budget_bytes -= len(text.encode())
                budget_lines -= text.count("\n")
                if text:
                    cleaned.append(nbformat.v4.new_output("stream", name="stderr" if raw.get("name") == "stderr" else "stdout", text=text))
            elif kind in ("display_data", "execute_result"):
                data = raw.get("data") if isinstance(raw.get("data"), dict) else {}
                kept = {}
                for mime in SAFE_TYPES:
                    value = _text(data.get(mime))
                    if not value:
                        continue
                    if mime in ("text/html", "text/markdown"):
                        value = self.cleaner.clean(SCRIPTS.sub("", value))
                    if mime.startswith("text/"):
                        value = self.clean_text(value)
                        if len(value.encode()) > budget_bytes:
                            cut = True
                            continue
                        budget_bytes -= len(value.encode())
                    elif len(value) > self.limits.notebook_output_mb * 1_000_000 // 4:
                        cut = True
                        continue
                    kept[mime] = value
                if kept:
                    if kind == "execute_result":
                        cleaned.append(nbformat.v4.new_output(kind, data=kept, execution_count=raw.get("execution_count") if isinstance(raw.get("execution_count"), int) else None))
                    else:
                        cleaned.append(nbformat.v4.new_output(kind, data=kept))
            elif kind == "error" and keep_errors:
                traceback = [self.clean_text(str(line))[:2000] for line in (raw.get("traceback") if isinstance(raw.get("traceback"), list) else [])][-100:]
                cleaned.append(nbformat.v4.new_output("error", ename=str(raw.get("ename", "Error"))[:200],
                                                      evalue=self.clean_text(str(raw.get("evalue", "")))[:2000], traceback=traceback))
            else:
                continue
            count += 1
        if cut:
            cleaned.append(nbformat.v4.new_output("stream", name="stdout", text=f"\n{GRADER_NOTE} output cut here (too long)\n"))
        return cleaned

    def finish(self, graded: Path, prepared: Prepared, ref: Reference, notes: list[str]) -> None:
        """Rewrite the autograded notebook at ``graded`` in place."""
        notebook = nbformat.read(graded, as_version=4)
        aligned = len(notebook.cells) == len(prepared.outputs)
        for index, cell in enumerate(notebook.cells):
            meta = cell.metadata.get("nbgrader", {})
            gid = meta.get("grade_id")
            if gid in ref.exercises and (meta.get("grade") or meta.get("solution")):
                cell.metadata["course"] = {"exercise": ref.exercises[gid]}
            if cell.cell_type == "markdown":
                cell.source = self.clean_markdown(cell.source)
            if cell.cell_type != "code":
                continue
            if meta.get("grade") or not aligned:
                cell.outputs = self.clean_outputs(cell.outputs)
                continue
            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
            cell.outputs = self.clean_outputs(prepared.outputs[index] or [])
            if errors:
                error = errors[-1]
                cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=(
                    f"\n{GRADER_NOTE} in the grader's smoke-mode run this cell raised "
                    f"{self.clean_text(str(error.get('ename', 'an error')))}: {self.clean_text(str(error.get('evalue', '')))[:300]}\n")))
        cells = []
        for cell in notebook.cells:
            cells.append(cell)
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in ref.mark_schemes:
                scheme = nbformat.v4.new_markdown_cell(
                    f"**Mark scheme for `{gid}`** (for graders; not in the student's feedback)\n\n{ref.mark_schemes[gid]}")
                scheme.metadata["course"] = {"grader_only": True}
                scheme.id = f"course-mark-scheme-{gid}"
                cells.append(scheme)
        header = "\n".join(f"- {self.clean_text(note)}" for note in [SMOKE_NOTE, *notes])
        summary = nbformat.v4.new_markdown_cell(f"**Grading notes**\n\n{header}")
        summary.metadata["course"] = {"notes": True}
        summary.id = "course-grading-notes"
        notebook.cells = [summary, *cells]
        self._fit(notebook)
        nbformat.write(notebook, graded)

    def _fit(self, notebook) -> None:
        """Drop the largest outputs outside test cells until the notebook fits its size limit."""
        limit = self.limits.notebook_output_mb * 1_000_000
        while len(nbformat.writes(notebook)) > limit:
            candidates = [(len(json.dumps(o)), cell, o) for cell in notebook.cells if cell.cell_type == "code"
                          and not cell.metadata.get("nbgrader", {}).get("grade") for o in cell.outputs]
            if not candidates:
                return
            size, cell, output = max(candidates, key=lambda c: c[0])
            position = cell.outputs.index(output)
            cell.outputs[position] = nbformat.v4.new_output("stream", name="stdout", text=f"{GRADER_NOTE} an output of {size // 1000} KB was left out: the notebook was too large\n")
