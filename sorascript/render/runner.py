"""Running tasks against a server: the job graph, submissions through the journal, polling, downloads.

Each task runs on a worker thread, at most `concurrency` at a time, once the
tasks it waits for are done; a task whose source failed is skipped with that
reason. A task goes:

  cache hit -> finish;  else
  journal: a known video id -> poll it;  an intent without one -> reconcile it
  against the server's list;  else intent, POST, id -> poll -> download ->
  probe -> cache -> finish.

A POST answered 429/5xx or lost on the way is never simply sent again: the
runner waits (the server's retry-after, else a growing backoff), looks for
the video in the server's list, and submits again only when it is not there.
Progress goes to `on_event`; nothing here prints.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sorascript.render.cache import Cache, Entry
from sorascript.render.client import Failure, Upload, Video, VideosClient, quiet_sdk
from sorascript.render.journal import Journal
from sorascript.render.tasks import IMAGE_TYPES, Task

MAX_POSTS = 8  # submissions of one task in one run before it fails
RECONCILE_SLACK_S = 30.0  # a listed video made this long before the intent may still be its video
SETTLE_S = 1.0  # an intent younger than this may still be on its way to the server: wait before looking
MAX_LIST_PAGES = 50
UNSUPPORTED = {"remix": "remix", "extend": "extension", "create_character": "characters (cameos)"}


@dataclass(frozen=True)
class Event:
    """What happened to a task (or a sequence): for the progress display and the tests.

    kind: waiting, cached, submitting, submitted, resumed, reconciled, retry, progress, downloading,
    done, failed, skipped, note; for sequences (kind prefixed `sequence-`): sequence-done,
    sequence-failed, sequence-skipped."""

    kind: str
    name: str
    status: str | None = None
    progress: int | None = None
    elapsed_s: float = 0.0
    message: str | None = None
    video_id: str | None = None


@dataclass
class Outcome:
    name: str
    status: str = "waiting"  # done, failed, skipped
    reason: str | None = None
    seconds: float = 0.0
    video_id: str | None = None
    entry: Entry | None = None
    submitted: int = 0  # POSTs sent in this run
    from_cache: bool = False
    reference_png: Path | None = None


@dataclass(frozen=True)
class RunOptions:
    server: str  # the server's identity in the journal (the base URL, or the embedded server's name)
    concurrency: int = 4
    timeout_s: float = 1800.0


class Stopped(Exception):
    pass


class TaskFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Runner:
    def __init__(self, tasks: list[Task], client: VideosClient, journal: Journal, cache: Cache, options: RunOptions,
                 *, refs: Path, finish: Callable[[Task, Entry, Outcome], None],
                 on_event: Callable[[Event], None] | None = None) -> None:
        self.tasks = {t.name: t for t in tasks}
        self.client, self.journal, self.cache, self.options = client, journal, cache, options
        self.refs = refs
        self._finish = finish
        self._on_event = on_event
        self._event_lock = threading.Lock()
        self._reconcile_lock = threading.Lock()
        self._character_lock = threading.Lock()
        self._stop = threading.Event()
        self.outcomes = {name: Outcome(name) for name in self.tasks}

    # -- the graph ---------------------------------------------------------------------------

    def run(self) -> dict[str, Outcome]:
        pending = dict(self.tasks)
        running: dict[Future, str] = {}
        with quiet_sdk(), ThreadPoolExecutor(max_workers=max(1, self.options.concurrency),
                                             thread_name_prefix="sorac-job") as pool:
            try:
                while pending or running:
                    for name, task in list(pending.items()):
                        blocked = [d for d in task.waits_for if self.outcomes[d].status in ("failed", "skipped")]
                        if blocked:
                            del pending[name]
                            self._skip(task, blocked[0])
                        elif all(self.outcomes[d].status == "done" for d in task.waits_for) and len(running) < self.options.concurrency:
                            del pending[name]
                            running[pool.submit(self._run_task, task)] = name
                    if not running:
                        if pending:  # cannot happen: every task's sources are tasks too
                            raise RuntimeError(f"tasks wait for nothing that runs: {sorted(pending)}")
                        continue
                    finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
                    for future in finished:
                        running.pop(future)
                        future.result()  # _run_task catches what it expects; anything else is a bug
            except BaseException:
                self._stop.set()
                raise
        return self.outcomes

    def _skip(self, task: Task, blocked: str) -> None:
        outcome = self.outcomes[task.name]
        outcome.status = "skipped"
        outcome.reason = f"skipped: {blocked} {self.outcomes[blocked].status}"
        self._emit(Event("skipped", task.name, message=outcome.reason))

    def _emit(self, event: Event) -> None:
        if self._on_event is not None:
            with self._event_lock:
                self._on_event(event)

    def _sleep(self, seconds: float) -> None:
        if self._stop.wait(max(0.0, seconds)):
            raise Stopped()

    # -- one task ----------------------------------------------------------------------------

    def _run_task(self, task: Task) -> None:
        outcome = self.outcomes[task.name]
        started = time.monotonic()
        deadline = started + self.options.timeout_s
        try:
            entry = self.cache.get(task.identity)
            if entry is not None:
                outcome.from_cache = True
                self._emit(Event("cached", task.name, "completed", 100, 0.0, video_id=entry.video_id))
            else:
                entry = self._render(task, outcome, started, deadline)
            outcome.entry, outcome.video_id = entry, entry.video_id
            self._finish(task, entry, outcome)
            outcome.status = "done"
            outcome.seconds = time.monotonic() - started
            self._emit(Event("done", task.name, "completed", 100, outcome.seconds, video_id=entry.video_id))
        except Stopped:
            outcome.status, outcome.reason = "failed", "interrupted"
        except TaskFailed as failure:
            outcome.status, outcome.reason = "failed", failure.reason
            outcome.seconds = time.monotonic() - started
            self._emit(Event("failed", task.name, "failed", None, outcome.seconds, failure.reason, outcome.video_id))
        except Exception as error:  # a media step or the file system: the job fails, the others go on
            from sorascript.render.media import MediaError

            if not isinstance(error, (MediaError, OSError)):
                raise
            reason = str(error) if isinstance(error, MediaError) else f"{error.strerror or error}: {getattr(error, 'filename', '')}"
            outcome.status, outcome.reason = "failed", reason
            outcome.seconds = time.monotonic() - started
            self._emit(Event("failed", task.name, "failed", None, outcome.seconds, reason, outcome.video_id))

    def _render(self, task: Task, outcome: Outcome, started: float, deadline: float) -> Entry:
        for _ in range(3):  # a video the server forgot (or whose file expired) is made again, a few times at most
            video_id, seq = self._video_for(task, outcome, started, deadline)
            outcome.video_id = video_id
            video = self._poll(task, video_id, seq, started, deadline)
            if video is None:  # the server no longer knows it
                self.journal.abandon(seq, "the server no longer knows this video")
                continue
            entry = self._download(task, video_id, started, deadline)
            if entry is not None:
                return entry
            self.journal.abandon(seq, "the server no longer has this video's file")
        raise TaskFailed("the server keeps losing this job's video")

    # -- submitting --------------------------------------------------------------------------

    def _video_for(self, task: Task, outcome: Outcome, started: float, deadline: float) -> tuple[str, int]:
        """The video id of this task on the server: from the journal, reconciled, or newly submitted."""
        known = self.journal.latest(task.identity)
        if known is not None and known.video_id and known.state in ("submitted", "completed"):
            self._emit(Event("resumed", task.name, known.state, None, time.monotonic() - started, video_id=known.video_id))
            return known.video_id, known.seq
        if known is not None and known.state == "intent":
            found = self._reconcile(task, known.seq, known.intent_at)
            if found:
                self._emit(Event("reconciled", task.name, "submitted", None, time.monotonic() - started,
                                 "found on the server after an interrupted submission", found))
                return found, known.seq
            self.journal.abandon(known.seq, "not on the server's list")
        return self._submit(task, outcome, started, deadline)

    def _submit(self, task: Task, outcome: Outcome, started: float, deadline: float) -> tuple[str, int]:
        call = self._call(task)
        for attempt in range(MAX_POSTS):
            self._emit(Event("submitting", task.name, "submitting", 0, time.monotonic() - started))
            intent_at = time.time()
            seq = self.journal.intend(task.identity, task.name, task.take, task.job.kind, self.options.server, task.prompt)
            outcome.submitted += 1
            answer = call()
            if isinstance(answer, Video):
                self.journal.submitted(seq, answer.id)
                self._emit(Event("submitted", task.name, answer.status, answer.progress, time.monotonic() - started,
                                 video_id=answer.id))
                return answer.id, seq
            if answer.kind == "unsupported":
                self.journal.abandon(seq, answer.message)
                route = {"create": "create"}.get(task.job.kind, task.job.kind)
                raise TaskFailed(f"this server has no {UNSUPPORTED.get(route, route)} ({answer.message})")
            if answer.kind == "missing":
                self.journal.abandon(seq, answer.message)
                raise TaskFailed(f"the server no longer has the video of {task.job.source} ({answer.message}); "
                                 f"remove .sorac/cache/{task.upstream.get(task.job.source or '', '?')}.mp4 to make it again")
            if answer.kind != "retry":
                self.journal.finished(seq, "failed", answer.message)
                raise TaskFailed(f"the server refused the job: {answer.message}")
            # the job may or may not have been made: wait, then look before sending it again
            delay = answer.retry_after_s if answer.retry_after_s is not None else min(30.0, 0.5 * 2 ** attempt)
            if time.monotonic() + delay > deadline:
                self.journal.abandon(seq, answer.message)
                raise TaskFailed(f"timed out submitting: {answer.message}")
            self._emit(Event("retry", task.name, "retrying", None, time.monotonic() - started,
                             f"{answer.message}; trying again in {delay:.1f}s"))
            self._sleep(delay)
            found = self._reconcile(task, seq, intent_at, settle=False)
            if found:
                self._emit(Event("reconciled", task.name, "submitted", None, time.monotonic() - started,
                                 "the server had made it; its answer was lost", found))
                return found, seq
            self.journal.abandon(seq, answer.message)
        raise TaskFailed(f"the server did not take the job after {MAX_POSTS} tries")

    def _call(self, task: Task) -> Callable[[], Video | Failure]:
        job = task.job
        if job.kind == "create":
            self._characters(task)
            reference = self._reference(task)
            return lambda: self.client.create(task.fields, task.extra, reference)
        source = self.outcomes[job.source]
        if job.kind == "remix":
            if not source.video_id:
                raise TaskFailed(f"the source {job.source} has no video id on this server")
            return lambda: self.client.remix(source.video_id, task.fields["prompt"], task.extra)
        video = Upload(f"{job.source}.mp4", source.entry.path.read_bytes(), "video/mp4")
        return lambda: self.client.extend(task.fields["prompt"], str(task.fields["seconds"]), video, task.extra)

    def _reference(self, task: Task) -> Upload | None:
        from sorascript.lower.plan_model import LastFrame

        if task.reference is not None:
            return Upload(task.reference.name, task.reference.read_bytes(), IMAGE_TYPES[task.reference.suffix.lower()])
        if isinstance(task.job.input_reference, LastFrame):
            from sorascript.render.assembly import reference_frame

            source = self.outcomes[task.job.input_reference.job]
            png = self.refs / f"{task.identity}.png"
            if not png.is_file():
                reference_frame(source.entry.path, task.expected_size, png)
            self.outcomes[task.name].reference_png = png
            return Upload(f"{task.job.input_reference.job}.last.png", png.read_bytes(), "image/png")
        return None

    def _characters(self, task: Task) -> None:
        """Upload each cameo recording once per server, as a character named as the prompt names it."""
        for name, path, sha in task.cameos:
            with self._character_lock:
                if self.journal.character(self.options.server, sha, name):
                    continue
                for attempt in range(4):
                    made = self.client.create_character(name, Upload(path.name, path.read_bytes(), "video/mp4"))
                    if isinstance(made, str):
                        self.journal.add_character(self.options.server, sha, name, made)
                        break
                    if made.kind == "unsupported":
                        raise TaskFailed(f"this server has no characters (cameos) ({made.message})")
                    if made.kind != "retry" or attempt == 3:
                        raise TaskFailed(f"the server refused the cameo recording of {name}: {made.message}")
                    self._sleep(made.retry_after_s or 0.5 * 2 ** attempt)

    # -- reconciling -------------------------------------------------------------------------

    def _reconcile(self, task: Task, seq: int, since: float, *, settle: bool = True) -> str | None:
        """The server's video made by an intent whose answer never came, if it made one."""
        if settle:
            self._sleep(since + SETTLE_S - time.time())
        with self._reconcile_lock:  # two takes of one request must not claim the same video
            candidates: list[str] = []
            after = None
            for _ in range(MAX_LIST_PAGES):
                page = self._list_page(after)
                if isinstance(page, Failure):
                    self._emit(Event("note", task.name, message=f"cannot look for the job on the server ({page.message})"))
                    return None
                videos, more = page
                for video in videos:
                    fresh = video.created_at is None or video.created_at >= since - RECONCILE_SLACK_S
                    if fresh and video.prompt == task.prompt:
                        candidates.append(video.id)
                old = videos and videos[-1].created_at is not None and videos[-1].created_at < since - RECONCILE_SLACK_S
                if not more or not videos or old:
                    break
                after = videos[-1].id
            # the oldest first: that is the one an interrupted submission made
            return self.journal.claim(seq, self.options.server, list(reversed(candidates)))

    def _list_page(self, after: str | None):
        """A page of the server's list, tried again while the server is only briefly unwell."""
        for attempt in range(5):
            page = self.client.list_page(after)
            if not isinstance(page, Failure) or page.kind != "retry":
                return page
            self._sleep(page.retry_after_s or 0.25 * 2 ** attempt)
        return page

    # -- polling and downloading -------------------------------------------------------------

    def _poll(self, task: Task, video_id: str, seq: int, started: float, deadline: float) -> Video | None:
        failures = 0
        while True:
            if time.monotonic() > deadline:
                raise TaskFailed(f"timed out after {self.options.timeout_s:g}s waiting for video {video_id} "
                                 "(a rerun picks it up again)")
            video, hint = self.client.retrieve(video_id)
            if isinstance(video, Failure):
                if video.kind == "missing":
                    return None
                if video.kind != "retry":
                    raise TaskFailed(f"cannot read the job's state: {video.message}")
                failures += 1
                self._sleep(min(video.retry_after_s or 0.5 * 2 ** min(failures, 6), max(0.0, deadline - time.monotonic())))
                continue
            failures = 0
            if video.status == "completed":
                self.journal.finished(seq, "completed")
                return video
            if video.status == "failed":
                self.journal.finished(seq, "failed", video.reason)
                raise TaskFailed(f"the server failed the job: {video.reason}")
            self._emit(Event("progress", task.name, video.status, video.progress, time.monotonic() - started,
                             video_id=video_id))
            self._sleep(min(hint if hint is not None else 1.0, max(0.0, deadline - time.monotonic())))

    def _download(self, task: Task, video_id: str, started: float, deadline: float) -> Entry | None:
        from sorascript.render.media import MediaError, probe

        self._emit(Event("downloading", task.name, "downloading", 100, time.monotonic() - started, video_id=video_id))
        for attempt in range(6):
            partial = self.cache.partial(task.identity)
            try:
                failed = self.client.download(video_id, partial)
                if failed is None:
                    try:
                        info = probe(partial)
                    except MediaError as error:
                        raise TaskFailed(f"the server's video is not one that can be read ({error})") from None
                    self._check(task, info)
                    return self.cache.put(task.identity, partial, video_id=video_id, duration_s=round(info.duration_s, 4),
                                          size=f"{info.width}x{info.height}")
            finally:
                partial.unlink(missing_ok=True)
            if failed.kind == "missing":
                return None
            if failed.kind != "retry" or time.monotonic() > deadline:
                raise TaskFailed(f"cannot download the video: {failed.message}")
            self._sleep(failed.retry_after_s or 0.5 * 2 ** attempt)
        raise TaskFailed("cannot download the video: the server kept failing")

    @staticmethod
    def _check(task: Task, info) -> None:
        problems = []
        if task.expected_s is not None and abs(info.duration_s - task.expected_s) > 1.0 / info.fps + 1e-3:
            problems.append(f"{info.duration_s:g}s long, not {task.expected_s:g}s")
        if task.expected_size and f"{info.width}x{info.height}" != task.expected_size:
            problems.append(f"{info.width}x{info.height}, not {task.expected_size}")
        if problems:
            raise TaskFailed(f"the server's video is {' and '.join(problems)}")
