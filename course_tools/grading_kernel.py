"""The grading kernel: an IPython kernel that resets itself before every test cell.

``course grade`` runs each submission in this kernel, started by ``course_tools.sandbox``
inside the submission's sandbox. It is one file needing only the standard library and
ipykernel, because it is mounted read-only into a sandbox that holds nothing else of the
course's tools; it is loaded under the name ``course_grading_kernel``.

Before the student's first cell the kernel imports what the reference notebook imports and
takes a snapshot. For every cell whose source is one of the assignment's test cells
(recognised by its sha256), ``do_execute`` then restores, before IPython's transformers and
events see the cell:

- the shell: event callbacks, input and AST transformers, ``ast_node_interactivity``,
  custom exception handlers, trait observers and validators, ``showtraceback`` and every
  other method or hook object an instance attribute could replace (display hook, display
  publisher, compiler and its flags, traceback formatters, the session and sockets);
- the interpreter: trace and profile functions (``sys``, ``threading``, ``sys.monitoring``),
  ``sys.displayhook``/``excepthook``/``stdout``/``stderr``, the import machinery, ``sys.path``
  without the working folder, signal handlers, interval timers and ``gc.callbacks``, and the
  ``sys.modules`` entry and ``__class__`` of every module in the snapshot;
- modules: the whole namespace of the modules that tests and assertion helpers rely on
  (``builtins``, ``math``, ``operator``, ``functools``, ``numpy`` with every submodule,
  ``numpy.testing``'s private ones included, ``unittest``, ...), the functions and classes
  of the kernel's own machinery (IPython, ipykernel, zmq, ...), and the dictionary of every
  class found in either;
- for the test cell only, the names the reference notebook's imports bind (``np``, ...),
  with the student's names that shadow built-ins set aside; the student's own bindings are
  put back after the test.

The test cell runs with a private copy of the built-ins, with the garbage collector paused
and after the Python threads the notebook started have been stopped. Afterwards the same
restore runs again: if a protected module, class, hook or trace function changed while the
test ran (an answer function that patches ``numpy.testing`` when the test calls it), or the
cell raised although its reply says it did not, the test fails with the reason. After every
cell the kernel restores its own message path and stops the threads that cell started, so no
cell can keep the next test cell from being reset.

An audit hook, which Python gives no way to remove, refuses other audit hooks, trace and
profile functions set by anything but this module, assigning the code or defaults of any
function in the snapshot or the class of any module in it, reading this module's bound
start-up references, and the garbage collector's object walks. The snapshot is made of
tuples and read-only mappings, and each reset starts by restoring this module and the
built-ins from references bound before any student code ran.

What this cannot stop: code running in this process can in the end change anything in it
(through ctypes, for example, or event-loop callbacks aimed at this kernel's internals); the
sandbox around the kernel, not this file, keeps a submission away from other students, the
gradebook and the course.
"""

from __future__ import annotations

import sys

NAME = "course_grading_kernel"
CONFIG_FLAG = "--course-config"
# Modules whose whole namespace is restored: what test cells and assertion helpers rely on.
RESTORED_MODULES = (
    NAME, "builtins", "math", "cmath", "operator", "functools", "itertools", "types", "numbers",
    "collections", "abc", "copy", "traceback", "inspect", "unittest", "numpy", "hashlib", "re",
)
# Modules whose functions and classes are restored (their other globals are lazily set state).
MACHINERY_MODULES = (
    "IPython", "ipykernel", "zmq", "jupyter_client", "jupyter_core", "tornado", "traitlets", "comm",
    "asyncio", "threading", "json", "hmac", "uuid", "signal", "gc", "ctypes", "sys", "os", "io", "time",
)
SYS_HOOKS = ("displayhook", "excepthook", "breakpointhook", "unraisablehook", "stdout", "stderr", "stdin")
# Shell attributes that are hook objects: replacing one changes what a cell reports.
SHELL_OBJECTS = (
    "events", "input_transformer_manager", "compile", "displayhook", "display_pub", "display_trap",
    "display_formatter", "InteractiveTB", "SyntaxTB", "builtin_trap", "hooks", "CustomTB", "kernel",
    "payload_manager", "user_module", "user_ns", "_trait_values", "_trait_notifiers", "_trait_validators",
)
KERNEL_OBJECTS = (
    "shell", "session", "iopub_socket", "iopub_thread", "shell_stream", "control_stream",
    "shell_handlers", "control_handlers", "_trait_values", "_trait_notifiers", "_trait_validators",
)
SHELL_TRAITS = (("ast_node_interactivity", "last_expr"), ("autocall", 0), ("pdb", False))
TRANSFORMER_LISTS = ("cleanup_transforms", "line_transforms", "token_transformers")


class Missing:
    """The marker for 'no such name'."""


MISSING = Missing()


class Frozen(tuple):
    """A record that cannot be changed: a tuple with named fields (no instance dictionary)."""

    __slots__ = ()
    fields: tuple[str, ...] = ()

    def __new__(cls, **values):
        return tuple.__new__(cls, tuple(values[name] for name in cls.fields))

    def __getattr__(self, name):
        try:
            return tuple.__getitem__(self, type(self).fields.index(name))
        except ValueError:
            raise AttributeError(name) from None


class Snapshot(Frozen):
    """Everything the reset restores, taken before the student's first cell."""

    __slots__ = ()
    fields = (
        "kernel", "shell", "tests", "work", "modules", "module_classes", "full", "machinery",
        "classes", "kwdefaults", "builtins", "aliases", "tools",
    )


class Session(Frozen):
    """What can only be seen once the kernel runs: taken at its first execute request."""

    __slots__ = ()
    fields = (
        "threads", "signals", "sys_hooks", "sys_path", "meta_path", "path_hooks", "recursion_limit",
        "gc_callbacks", "instances", "events", "transformers", "input_post", "ast_transformers",
        "compile_flags", "notifiers", "handlers",
    )


class Scope(Frozen):
    """The names a test cell sees differently from the student's cells, and how to put them back."""

    __slots__ = ()
    fields = ("stash", "installed", "gc_enabled")


def _readonly(mapping):
    import types

    return types.MappingProxyType(dict(mapping))


def _same(first, second) -> bool:
    """Whether two sequences hold the very same objects (never calls their ``__eq__``)."""
    first, second = tuple(first), tuple(second)
    return len(first) == len(second) and all(a is b for a, b in zip(first, second))


def _matches(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def take_snapshot(kernel, config: dict, exclude: frozenset = frozenset()) -> Snapshot:
    import builtins
    import ctypes
    import gc
    import threading
    import time
    import types

    modules = {name: m for name, m in sys.modules.items() if isinstance(m, types.ModuleType)}
    full, machinery, classes, kwdefaults = {}, {}, {}, {}
    callables = (type, types.FunctionType, types.BuiltinFunctionType)

    def remember(value, counted: bool) -> None:
        if isinstance(value, types.FunctionType):
            if id(value) not in exclude and value.__kwdefaults__:
                kwdefaults[id(value)] = (value, _readonly(value.__kwdefaults__))
        elif isinstance(value, type) and id(value) not in classes:
            namespace = dict(vars(value))
            classes[id(value)] = (value, _readonly(namespace), counted)
            for member in namespace.values():
                function = getattr(member, "__func__", getattr(member, "fget", member))
                if isinstance(function, types.FunctionType):
                    remember(function, counted)

    for name, module in modules.items():
        counted = _matches(name, RESTORED_MODULES)
        if counted:
            full[name] = _readonly(vars(module))
        elif _matches(name, MACHINERY_MODULES):
            machinery[name] = _readonly({k: v for k, v in vars(module).items() if isinstance(v, callables)})
        else:
            continue
        for value in list(vars(module).values()):
            remember(value, counted)
    for cls in (*type(kernel).__mro__, *type(kernel.shell).__mro__):
        remember(cls, False)
    saved_builtins = dict(vars(builtins))
    saved_builtins["get_ipython"] = kernel.shell.get_ipython
    aliases = {}
    for name, (module, attribute) in config.get("aliases", {}).items():
        value = modules.get(module, MISSING)
        if value is not MISSING and attribute:
            value = getattr(value, attribute, MISSING)
        if value is not MISSING:
            aliases[name] = value
    tools = _readonly({
        "frames": sys._current_frames, "async_exc": ctypes.pythonapi.PyThreadState_SetAsyncExc,
        "c_ulong": ctypes.c_ulong, "py_object": ctypes.py_object, "collect": gc.collect,
        "sleep": time.sleep, "monotonic": time.monotonic, "get_ident": threading.get_ident,
    })
    return Snapshot(
        kernel=kernel, shell=kernel.shell, tests=frozenset(config["test_hashes"]), work=config["work"],
        modules=_readonly(modules), module_classes=_readonly({name: type(m) for name, m in modules.items()}),
        full=_readonly(full), machinery=_readonly(machinery), classes=tuple(classes.values()),
        kwdefaults=tuple(kwdefaults.values()), builtins=_readonly(saved_builtins), aliases=_readonly(aliases),
        tools=tools,
    )


def _hook_objects(snapshot: Snapshot) -> dict:
    """Objects whose methods an instance attribute could replace, by label."""
    kernel, shell = snapshot.kernel, snapshot.shell
    objects = {"shell": shell, "kernel": kernel, "session": kernel.session, "iopub_socket": kernel.iopub_socket,
               "shell_stream": kernel.shell_stream, "displayhook": shell.displayhook, "display_pub": shell.display_pub,
               "compile": shell.compile, "events": shell.events}
    return {label: obj for label, obj in objects.items() if obj is not None and hasattr(obj, "__dict__")}


def take_session(snapshot: Snapshot) -> Session:
    import gc
    import signal

    shell = snapshot.shell
    signals = {}
    for number in signal.valid_signals():
        if number == signal.SIGINT:
            continue  # ipykernel switches it around every request; interrupts must keep working
        try:
            signals[number] = signal.getsignal(number)
        except (OSError, ValueError):
            pass
    manager = shell.input_transformer_manager
    instances = tuple((obj, _readonly(vars(obj)), label) for label, obj in _hook_objects(snapshot).items())
    notifiers = tuple(
        (obj, _readonly({name: _readonly({kind: tuple(handlers) for kind, handlers in by_kind.items()})
                         for name, by_kind in obj._trait_notifiers.items()}), _readonly(obj._trait_validators))
        for obj in (shell, snapshot.kernel)
    )
    return Session(
        threads=frozenset(sys._current_frames()), signals=_readonly(signals),
        sys_hooks=_readonly({name: getattr(sys, name) for name in SYS_HOOKS}),
        sys_path=tuple(p for p in sys.path if p and p != snapshot.work), meta_path=tuple(sys.meta_path),
        path_hooks=tuple(sys.path_hooks), recursion_limit=sys.getrecursionlimit(), gc_callbacks=tuple(gc.callbacks),
        instances=instances,
        events=_readonly({name: tuple(callbacks) for name, callbacks in shell.events.callbacks.items()}),
        transformers=_readonly({name: tuple(getattr(manager, name)) for name in TRANSFORMER_LISTS}),
        input_post=tuple(shell.input_transformers_post), ast_transformers=tuple(shell.ast_transformers),
        compile_flags=shell.compile.flags, notifiers=notifiers,
        handlers=(_readonly(snapshot.kernel.shell_handlers), _readonly(snapshot.kernel.control_handlers)),
    )


# -- restoring ----------------------------------------------------------------------------


def _restore_namespace(current: dict, saved, exact: bool, changes: list, label: str) -> None:
    for name, value in saved.items():
        if current.get(name, MISSING) is not value:
            current[name] = value
            changes.append(f"{label}.{name}")
    if exact:
        for name in [n for n in current if n not in saved]:
            value = current.pop(name)
            if not _is_submodule(value, label) and not (label == "builtins" and name == "_"):
                changes.append(f"{label}.{name}")


def _is_submodule(value, package: str) -> bool:
    import types

    return isinstance(value, types.ModuleType) and str(getattr(value, "__name__", "")).startswith(package + ".")


def _restore_class(cls, saved, changes: list) -> None:
    current = vars(cls)
    for name, value in saved.items():
        if name not in ("__dict__", "__weakref__") and current.get(name, MISSING) is not value:
            try:
                setattr(cls, name, value)
            except (TypeError, AttributeError):
                continue
            changes.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    for name in [n for n in current if n not in saved]:
        try:
            delattr(cls, name)
        except (TypeError, AttributeError):
            continue
        changes.append(f"{cls.__module__}.{cls.__qualname__}.{name}")


def _restore_instance(obj, saved, objects: tuple[str, ...], changes: list, label: str) -> None:
    """Undo instance attributes that replace methods, and swapped hook objects."""
    current = vars(obj)
    cls = type(obj)
    for name in [n for n in current if n not in saved and callable(getattr(cls, n, None))]:
        del current[name]  # an instance attribute hiding a method
        changes.append(f"{label}.{name}")
    for name, value in saved.items():
        if (name in objects or callable(value)) and current.get(name, MISSING) is not value:
            current[name] = value
            changes.append(f"{label}.{name}")


def untrace() -> bool:
    """Remove every trace and profile function; return whether there was one."""
    import threading

    traced = sys.gettrace() is not None or sys.getprofile() is not None
    traced = traced or threading.gettrace() is not None or threading.getprofile() is not None
    sys.settrace(None)
    sys.setprofile(None)
    threading.settrace(None)
    threading.setprofile(None)
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is not None:  # Python 3.12 and later
        for tool in range(6):
            if monitoring.get_tool(tool) is not None:
                traced = True
                monitoring.set_events(tool, 0)
                for event in vars(monitoring.events).values():
                    if type(event) is int and event > 0 and event & (event - 1) == 0:
                        try:
                            monitoring.register_callback(tool, event, None)
                        except ValueError:
                            pass
                monitoring.free_tool_id(tool)
    return traced


def restore(snapshot: Snapshot, session: Session) -> list[str]:
    """Put the kernel back as the snapshot has it; return what had to be undone.

    Only changes that could alter a verdict are returned: the modules tests rely on, their
    classes, trace functions, interpreter and shell hooks. Changes to the machinery's
    modules are undone without being reported (they hold lazily set state).
    """
    import gc
    import signal

    changes: list[str] = []
    quiet: list[str] = []
    for name, namespace in snapshot.full.items():
        _restore_namespace(vars(snapshot.modules[name]), namespace, True, changes, name)
    for name, namespace in snapshot.machinery.items():
        _restore_namespace(vars(snapshot.modules[name]), namespace, False, quiet, name)
    for name, module in snapshot.modules.items():
        if sys.modules.get(name, MISSING) is not module:
            sys.modules[name] = module
            changes.append(f"sys.modules[{name!r}]")
        if type(module) is not snapshot.module_classes[name]:
            module.__class__ = snapshot.module_classes[name]
            changes.append(f"the class of module {name}")
    for cls, namespace, counted in snapshot.classes:
        _restore_class(cls, namespace, changes if counted else quiet)
    for function, saved in snapshot.kwdefaults:
        current = function.__kwdefaults__ or {}
        if len(current) != len(saved) or any(current.get(k, MISSING) is not v for k, v in saved.items()):
            function.__kwdefaults__ = dict(saved)
            changes.append(f"{function.__module__}.{function.__qualname__}")
    if untrace():
        changes.append("a trace or profile function")
    for name, value in session.sys_hooks.items():
        if getattr(sys, name) is not value:
            setattr(sys, name, value)
            changes.append(f"sys.{name}")
    sys.path[:] = session.sys_path
    if not _same(sys.meta_path, session.meta_path) or not _same(sys.path_hooks, session.path_hooks):
        changes.append("the import machinery")
    sys.meta_path[:] = session.meta_path
    sys.path_hooks[:] = session.path_hooks
    sys.path_importer_cache.clear()
    sys.setrecursionlimit(session.recursion_limit)
    for number, handler in session.signals.items():
        try:
            if handler is not None and signal.getsignal(number) is not handler:
                signal.signal(number, handler)
                changes.append(f"the handler of signal {number}")
        except (OSError, ValueError, TypeError):
            pass
    for timer in (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF):
        if signal.setitimer(timer, 0) != (0.0, 0.0):
            changes.append("an interval timer")
    if not _same(gc.callbacks, session.gc_callbacks):
        gc.callbacks[:] = session.gc_callbacks
        changes.append("gc.callbacks")
    _restore_shell(snapshot, session, changes)
    restore_kernel_path(snapshot, session)
    return changes


def _restore_shell(snapshot: Snapshot, session: Session, changes: list) -> None:
    shell = snapshot.shell
    for obj, saved, label in session.instances:
        _restore_instance(obj, saved, SHELL_OBJECTS if obj is shell else KERNEL_OBJECTS, changes, label)
    for obj, notifiers, validators in session.notifiers:
        current = obj._trait_notifiers
        flat = {(n, k): tuple(h) for n, by_kind in current.items() for k, h in by_kind.items() if h}
        saved = {(n, k): h for n, by_kind in notifiers.items() for k, h in by_kind.items() if h}
        if set(flat) != set(saved) or any(not _same(flat[key], saved[key]) for key in saved):
            changes.append("trait observers")
        current.clear()
        current.update({n: {k: list(h) for k, h in by_kind.items()} for n, by_kind in notifiers.items()})
        if set(obj._trait_validators) != set(validators):
            changes.append("trait validators")
        obj._trait_validators.clear()
        obj._trait_validators.update(validators)
    callbacks = shell.events.callbacks
    for name in set(callbacks) | set(session.events):
        saved = session.events.get(name, ())
        if not _same(callbacks.get(name, ()), saved):
            changes.append(f"the shell's {name} callbacks")
        callbacks[name] = list(saved)
    manager = shell.input_transformer_manager
    for name, transforms in session.transformers.items():
        if not _same(getattr(manager, name), transforms):
            changes.append(f"input transformers ({name})")
        setattr(manager, name, list(transforms))
    values = shell._trait_values
    for name, saved in (("input_transformers_post", session.input_post), ("ast_transformers", session.ast_transformers)):
        if not _same(values.get(name, ()), saved):
            changes.append(name.replace("_", " "))
        values[name] = list(saved)
    for name, value in SHELL_TRAITS:
        current = values.get(name, MISSING)
        if type(current) is not type(value) or current != value:
            values[name] = value
            changes.append(f"shell.{name}")
    if type(shell.custom_exceptions) is not tuple or len(shell.custom_exceptions):
        shell.set_custom_exc((), None)
        changes.append("custom exception handlers")
    if type(shell.compile.flags) is not int or shell.compile.flags != session.compile_flags:
        shell.compile.flags = session.compile_flags
        changes.append("the compiler's flags")


def restore_kernel_path(snapshot: Snapshot, session: Session) -> None:
    """The kernel's own message path: its classes, its methods and handlers."""
    kernel = snapshot.kernel
    wanted = {id(c) for c in type(kernel).__mro__}
    quiet: list[str] = []
    for cls, namespace, _ in snapshot.classes:
        if id(cls) in wanted:
            _restore_class(cls, namespace, quiet)
    for obj, saved, label in session.instances:
        if obj is kernel:
            _restore_instance(obj, saved, KERNEL_OBJECTS, quiet, label)
    for current, saved in zip((kernel.shell_handlers, kernel.control_handlers), session.handlers):
        current.clear()
        current.update(saved)


def restore_own_module(_own=None, _classes=(), _builtins=None, _vars=vars, _setattr=setattr, _delattr=delattr, _list=list, _missing=MISSING):
    """First step of every reset: this module, its classes and the built-ins, from start-up references."""
    if _own is None:
        return
    for module, saved in _own:
        current = _vars(module)
        for name in _list(current):
            if name not in saved and not (module is _builtins and name == "_"):
                del current[name]
        for name, value in saved.items():
            if current.get(name, _missing) is not value:
                current[name] = value
    for cls, saved in _classes:
        current = _vars(cls)
        for name in _list(current):
            if name not in saved:
                _delattr(cls, name)
        for name, value in saved.items():
            if name not in ("__dict__", "__weakref__") and current.get(name, _missing) is not value:
                _setattr(cls, name, value)


def stop_threads(snapshot: Snapshot, session: Session, wait: float) -> int:
    """Ask every Python thread the notebook started to stop; return how many still run."""
    tools = snapshot.tools
    me = tools["get_ident"]()

    def strangers() -> list[int]:
        return [ident for ident in tools["frames"]() if ident not in session.threads and ident != me]

    deadline = tools["monotonic"]() + wait
    pending = strangers()
    while pending:
        for ident in pending:
            tools["async_exc"](tools["c_ulong"](ident), tools["py_object"](SystemExit))
        if tools["monotonic"]() > deadline:
            break
        tools["sleep"](0.01)
        pending = strangers()
    return len(pending)


# -- one test cell ------------------------------------------------------------------------


def enter_test(snapshot: Snapshot, session: Session, own) -> Scope:
    import gc
    import os

    snapshot.tools["collect"]()  # finalizers of the notebook's garbage run now, before the reset
    own()
    survivors = stop_threads(snapshot, session, wait=1.0)
    own()
    restore(snapshot, session)
    os.chdir(snapshot.work)
    namespace = snapshot.shell.user_ns
    stash, installed = {}, {}
    for name in [n for n in namespace if type(n) is str and n in snapshot.builtins and not n.startswith("_")]:
        stash[name], installed[name] = namespace.pop(name), MISSING
    for name, value in snapshot.aliases.items():
        stash.setdefault(name, namespace.get(name, MISSING))
        namespace[name] = installed[name] = value
    stash["__builtins__"] = namespace.get("__builtins__", MISSING)
    namespace["__builtins__"] = installed["__builtins__"] = dict(snapshot.builtins)
    scope = Scope(stash=_readonly(stash), installed=_readonly(installed), gc_enabled=gc.isenabled())
    gc.disable()
    if survivors:
        print(f"[course grade] {survivors} thread(s) started by the notebook kept running during this test", file=sys.stderr)
    return scope


def leave_test(snapshot: Snapshot, session: Session, scope: Scope) -> list[str]:
    """Undo the test's scope; return what the test cell changed that it must not change."""
    import gc

    changes = restore(snapshot, session)
    namespace = snapshot.shell.user_ns
    for name, value in scope.stash.items():
        if namespace.get(name, MISSING) is scope.installed[name]:
            if value is MISSING:
                namespace.pop(name, None)
            else:
                namespace[name] = value
    sys.path.append(snapshot.work)
    if scope.gc_enabled:
        gc.enable()
    return changes


def tampered_reply(reply: dict, changes: list[str]) -> dict:
    shown = ", ".join(sorted(set(changes))[:5])
    message = f"the notebook changed {shown} while this test ran; the test does not count"
    return {**reply, "status": "error", "ename": "GradingTamperError", "evalue": message,
            "traceback": [f"GradingTamperError: {message}"]}


def failed_silently(shell) -> bool:
    """Whether the cell raised although its reply says it did not (a hook swallowed the error)."""
    result = getattr(shell, "last_execution_result", None)
    return result is not None and (result.error_before_exec is not None or result.error_in_exec is not None)


# -- the audit hook -----------------------------------------------------------------------


def _audit(event, args, _pinned=None, _modules=None, _own=None, _ours=None, _id=id, _error=RuntimeError, _frame=sys._getframe):
    """Refuse what would reach past the reset (installed once; Python cannot remove it)."""
    if _pinned is None:
        return
    if event == "sys.addaudithook":
        raise _error("course grade: audit hooks are not allowed in the grading kernel")
    if event in ("sys.settrace", "sys.setprofile") or event.startswith("sys.monitoring"):
        if _frame(1).f_code not in _ours:
            raise _error(f"course grade: {event} is not allowed in the grading kernel")
    elif event in ("gc.get_referrers", "gc.get_referents", "gc.get_objects"):
        raise _error(f"course grade: {event} is not allowed in the grading kernel")
    elif event == "object.__setattr__":
        target, name = args[0], args[1]
        if name in ("__code__", "__defaults__", "__kwdefaults__") and _id(target) in _pinned:
            if _frame(1).f_code not in _ours:
                raise _error(f"course grade: changing {name} of a library function is not allowed")
        elif name == "__class__" and _id(target) in _modules:
            if _frame(1).f_code not in _ours:
                raise _error("course grade: changing the class of a module is not allowed")
    elif event == "object.__getattr__" and args[1] in ("__defaults__", "__kwdefaults__") and _id(args[0]) in _own:
        raise _error("course grade: the grading kernel's own start-up references are not readable")


def _make_kernel_class():
    import hashlib

    from ipykernel.ipkernel import IPythonKernel

    class GradingKernel(IPythonKernel):
        """IPythonKernel whose do_execute resets the kernel before each test cell."""

        implementation = "course-grading"

        async def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False, *,
                             _state=None, _own=None, _sha256=hashlib.sha256, _type=type, _base=IPythonKernel,
                             _vars=vars, _len=len, **kwargs):
            _own()
            snapshot = _state[0]
            if _len(_state) == 1:
                _state.append(take_session(snapshot))
            session = _state[1]
            test = _type(code) is str and _sha256(code.encode()).hexdigest() in snapshot.tests
            scope = enter_test(snapshot, session, _own) if test else None
            try:
                reply = await _vars(_base)["do_execute"](self, code, silent, store_history, user_expressions, allow_stdin, **kwargs)
            finally:
                _own()
                if scope is None:
                    stop_threads(snapshot, session, wait=0.2)
                    restore_kernel_path(snapshot, session)
                else:
                    changes = leave_test(snapshot, session, scope)
            if scope is not None:
                if changes:
                    reply = tampered_reply(reply, changes)
                elif reply.get("status") == "ok" and failed_silently(snapshot.shell):
                    reply = tampered_reply(reply, ["how errors are reported"])
            return reply

    return GradingKernel


def _preload(modules: list[str]) -> None:
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module the notebook cannot import fails in the notebook itself
            pass


def main(argv: list[str]) -> None:
    """Start the kernel: ``argv`` holds ipykernel's arguments and ``--course-config PATH``."""
    import builtins
    import json
    import os

    argv = list(argv)
    index = argv.index(CONFIG_FLAG)
    with open(argv[index + 1]) as handle:
        config = json.load(handle)
    del argv[index : index + 2]
    work = config["work"]
    sys.path[:] = [*config.get("path", []), *(p for p in sys.path if p and p not in (".", work, os.getcwd()))]
    sys.dont_write_bytecode = True

    from ipykernel.kernelapp import IPKernelApp

    kernel_class = _make_kernel_class()
    app = IPKernelApp.instance(kernel_class=kernel_class)
    app.initialize(argv)
    _preload(config.get("preload", []))
    own = sys.modules[NAME]
    state: list = []
    own_classes = tuple((cls, _readonly(vars(cls))) for cls in (Missing, Frozen, Snapshot, Session, Scope, kernel_class))
    restore_own_module.__defaults__ = (
        ((own, _readonly(vars(own))), (builtins, _readonly(vars(builtins)))), own_classes, builtins,
        vars, setattr, delattr, list, MISSING,
    )
    kernel_class.do_execute.__kwdefaults__ = {**kernel_class.do_execute.__kwdefaults__, "_state": state, "_own": restore_own_module}
    own_functions = frozenset(id(f) for f in (_audit, restore_own_module, kernel_class.do_execute))
    snapshot = take_snapshot(app.kernel, config, exclude=own_functions)
    state.append(snapshot)
    _audit.__defaults__ = (
        _function_ids(snapshot), frozenset(id(m) for m in snapshot.modules.values()), own_functions,
        frozenset({untrace.__code__, restore.__code__}), id, RuntimeError, sys._getframe,
    )
    sys.addaudithook(_audit)
    sys.path.append(work)  # the student's own modules come after every library: nothing is shadowed
    os.chdir(work)
    app.start()


def _function_ids(snapshot: Snapshot) -> frozenset:
    """Every function in the restored modules and classes: their code and defaults are pinned."""
    import types

    ids = set()
    namespaces = [*snapshot.full.values(), *snapshot.machinery.values(), *(ns for _, ns, _ in snapshot.classes)]
    for namespace in namespaces:
        for value in namespace.values():
            function = getattr(value, "__func__", getattr(value, "fget", value))
            if isinstance(function, types.FunctionType):
                ids.add(id(function))
    return frozenset(ids)
