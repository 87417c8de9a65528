"""Run `python script.py args...` as a reader does, without paying for Python and torch each time.

The tests run each program a page shows, and each snippet, as a process of its own: the reader pastes
it into a file and runs `python example.py`. Starting Python and importing torch costs about two
seconds of CPU each time, and the suite runs some sixty such programs on two cores. So a program runs
in a child forked from a *zygote*: a Python process started with the reader's environment
(reader_environment()) that has imported torch, NumPy and scikit-learn once and nothing else. The
child keeps those modules in memory and nothing else of the zygote: its `__main__` is the script
alone (compiled and run as `python script.py` runs it), with its own `sys.argv`, `sys.path[0]` (the
script's folder, no path of this repository), working folder, empty stdin, stdout and stderr. A
script that forgets `import torch` fails as it does for a reader (the name is not in its namespace).
multiprocessing's forkserver also forks from a preloaded process, but its children take the parent's
sys.path, working folder and `__main__` (pytest's), which a reader's interpreter does not have.

FRESH_PYTHON=1 runs every program in a new interpreter instead (`subprocess.run`), for comparison.

    result = run_script("example.py", cwd=folder, timeout=300)   # -> subprocess.CompletedProcess
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

PRELOAD = ("torch", "numpy", "sklearn.datasets", "sklearn.model_selection")


def reader_environment() -> dict[str, str]:
    """A reader's environment: this one without anything that points Python at the repository or the
    test session, this interpreter's folder first on PATH (`python` in a bash block), plots drawn off
    screen, one intra-op thread (several programs run at once; results do not depend on it), hash
    seed 0, UTF-8 output, 80 columns."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "BASH_ENV", "ENV"}
           and not k.startswith(("PYTEST_", "COV_"))}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("OMP_NUM_THREADS", "1")
    env.update(PYTHONIOENCODING="utf-8", MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1",
               PYTHONHASHSEED="0", COLUMNS="80")
    return env


def fresh_interpreters() -> bool:
    return os.environ.get("FRESH_PYTHON", "").strip().lower() not in ("", "0", "false", "no")


def run_script(script: str | Path, *args: str, cwd: str | Path, timeout: float = 300,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python script args...` in `cwd` with `env` (default: reader_environment()); the result as
    subprocess.run(..., capture_output=True, text=True) gives it. Raises subprocess.TimeoutExpired
    after `timeout` seconds (the program is killed)."""
    env = reader_environment() if env is None else env
    command = [sys.executable, str(script), *args]
    if fresh_interpreters():
        try:
            return subprocess.run(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, encoding="utf-8", errors="replace", timeout=timeout)
        except subprocess.TimeoutExpired as err:  # its output is bytes, even with text=True
            err.stdout, err.stderr = (_text(err.stdout), _text(err.stderr))
            raise
    pool = _pool(env)
    zygote = pool.take()
    try:
        code, stdout, stderr = zygote.run(str(script), list(args), str(cwd), timeout)
    except subprocess.TimeoutExpired as err:
        err.cmd = command
        raise
    finally:
        pool.give_back(zygote)
    return subprocess.CompletedProcess(command, code, stdout, stderr)


def _text(output: str | bytes | None) -> str:
    return output.decode("utf-8", "replace") if isinstance(output, bytes) else output or ""


# ---------------------------------------------------------------------------------------------------
# The parent's side: zygotes, one program at a time each


class Zygote:
    def __init__(self, env: dict[str, str]):
        self.folder = Path(tempfile.mkdtemp(prefix="zygote-"))
        self.process = subprocess.Popen([sys.executable, __file__], cwd=self.folder, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        encoding="utf-8", bufsize=1, start_new_session=True)
        self.child: int | None = None  # the program running now (its own session: killed with close())

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, script: str, args: list[str], cwd: str, timeout: float) -> tuple[int, str, str]:
        out, err = self.folder / "stdout", self.folder / "stderr"
        self.process.stdin.write(json.dumps({"script": script, "args": args, "cwd": cwd,
                                             "stdout": str(out), "stderr": str(err)}) + "\n")
        self.process.stdin.flush()
        started = self.process.stdout.readline()
        if not started.startswith("started "):
            raise RuntimeError(f"the zygote did not start the program: {started!r}")
        self.child = int(started.split()[1])
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            self.kill_child()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            done = self.process.stdout.readline()
        finally:
            timer.cancel()
            self.child = None
        if not done.startswith("done "):
            raise RuntimeError(f"the zygote ended while a program ran: {done!r}")
        stdout = out.read_text(encoding="utf-8", errors="replace")
        stderr = err.read_text(encoding="utf-8", errors="replace")
        if timed_out.is_set():
            raise subprocess.TimeoutExpired(script, timeout, stdout, stderr)
        return int(done.split()[1]), stdout, stderr

    def kill_child(self) -> None:
        if self.child is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.child, signal.SIGKILL)

    def close(self) -> None:
        self.kill_child()
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for name in ("stdout", "stderr"):
            (self.folder / name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.folder.rmdir()


class Pool:
    """Idle zygotes of one environment; a new one is started when none is idle."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.idle: queue.SimpleQueue[Zygote] = queue.SimpleQueue()
        self.all: list[Zygote] = []
        self.lock = threading.Lock()

    def take(self) -> Zygote:
        while True:
            try:
                zygote = self.idle.get_nowait()
            except queue.Empty:
                zygote = Zygote(self.env)
                with self.lock:
                    self.all.append(zygote)
                return zygote
            if zygote.alive():
                return zygote

    def give_back(self, zygote: Zygote) -> None:
        if zygote.alive():
            self.idle.put(zygote)

    def close(self) -> None:
        with self.lock:
            for zygote in self.all:
                zygote.close()
            self.all.clear()


_POOLS: dict[tuple, Pool] = {}
_POOLS_LOCK = threading.Lock()


def _pool(env: dict[str, str]) -> Pool:
    key = tuple(sorted(env.items()))
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = Pool(env)
        return _POOLS[key]


@atexit.register
def close_all() -> None:
    with _POOLS_LOCK:
        for pool in _POOLS.values():
            pool.close()
        _POOLS.clear()


# ---------------------------------------------------------------------------------------------------
# The zygote's side (this file run as a script): read a request, fork, wait, answer; one at a time


def _serve() -> None:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    base_path = sys.path[1:]  # the interpreter's own; [0] is this file's folder, a script gets its own
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            replies.close()
            _child(request, base_path)  # never returns
        replies.write(f"started {pid}\n")
        _, status = os.waitpid(pid, 0)
        replies.write(f"done {os.waitstatus_to_exitcode(status)}\n")


def _child(request: dict, base_path: list[str]) -> None:
    """Become `python script args...`: its own session (killed as a group), stdin empty, stdout and
    stderr to the files, its folder first on sys.path, its own __main__; exit as Python exits."""
    import builtins
    import importlib.machinery
    import traceback
    import types

    os.setsid()
    for fd, path, flags in ((0, os.devnull, os.O_RDONLY),
                            (1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                            (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
        opened = os.open(path, flags, 0o644)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = open(0, encoding=sys.stdin.encoding, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding=sys.stdout.encoding, errors=sys.stdout.errors, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, encoding=sys.stderr.encoding,  # noqa: SIM115
                      errors="backslashreplace", closefd=False)
    os.chdir(request["cwd"])
    script = os.path.abspath(request["script"])
    sys.argv = [request["script"], *request["args"]]
    sys.path[:] = [os.path.dirname(script), *base_path]
    # As `python script.py` runs it: compiled from its bytes, run in a new module called __main__
    main = types.ModuleType("__main__")
    main.__file__ = script
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", script)
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    try:
        with open(script, "rb") as source:
            exec(compile(source.read(), script, "exec"), main.__dict__)
        code = 0
    except SystemExit as err:
        code = _exit_status(err.code)
    except BaseException as err:  # what Python prints for an uncaught exception, from the script's frame
        tb = err.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
            tb = tb.tb_next
        traceback.print_exception(type(err), err, tb)
        code = 1
    _exit(code, main.__dict__)


def _exit_status(code) -> int:
    """sys.exit(code) as Python ends with it: None is 0, a number is itself, anything else is printed
    on stderr and gives 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _exit(code: int, namespace: dict) -> None:
    """End as Python ends a script: wait for its threads, run the atexit functions, flush. Then skip
    the rest of the interpreter's shutdown (freeing every module, about a second with torch loaded);
    the script's own objects are freed first, so files it left open are flushed and closed."""
    import atexit
    import gc
    import threading

    namespace.clear()
    gc.collect()
    threading._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    _serve()
