"""Write the benchmark results as Markdown (docs/benchmarks.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scripts.bench.load import LevelResult
from scripts.bench.machine import Machine
from scripts.bench.nlu_compare import NluScore
from scripts.bench.parser_accuracy import ParserAccuracy
from scripts.bench.profile_turn import STAGE_LABELS
from scripts.bench.training import TrainedModel

if TYPE_CHECKING:
    from scripts.bench.cluster_profile import ClusterRun
    from scripts.bench.run import BotRun, LoadTest

P95_RATIO_TARGET = 1.5  # at 1 user: our p95 <= 1.5 x the stock bot's p95
THROUGHPUT_RATIO_TARGET = 0.8  # at 20 users: our throughput >= 0.8 x the stock bot's
COMMAND = ".venv/bin/python -m scripts.bench"
#: The hand-written part of docs/benchmarks.md (earlier profiles and fixes); a new run
#: measures only the present, so render() carries this section over unchanged.
HISTORY_HEADING = "## History"


def history_of(report: str) -> str:
    """The History section of an earlier report, up to the next level-2 heading; "" if none."""
    lines = report.splitlines()
    if HISTORY_HEADING not in lines:
        return ""
    start = lines.index(HISTORY_HEADING)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end]).strip()


@dataclass(frozen=True)
class Target:
    name: str
    ours: float | None
    stock: float | None
    limit: float
    higher_is_better: bool

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.stock:
            return None
        return self.ours / self.stock

    @property
    def passed(self) -> bool | None:
        if self.ratio is None:
            return None
        return self.ratio >= self.limit if self.higher_is_better else self.ratio <= self.limit


@dataclass(frozen=True)
class Targets:
    items: tuple[Target, ...]

    @property
    def missed(self) -> bool:
        return any(t.passed is not True for t in self.items)


def _level(levels: list[LevelResult], users: int) -> LevelResult | None:
    return next((level for level in levels if level.users == users), None)


def targets(ours: list[LevelResult], stock: list[LevelResult]) -> Targets:
    """The two targets of the brief, from the load levels."""
    ours_1, stock_1 = _level(ours, 1), _level(stock, 1)
    ours_20, stock_20 = _level(ours, 20), _level(stock, 20)
    return Targets(
        (
            Target(
                "p95 latency at 1 user (ours / stock)",
                ours_1 and ours_1.p95_ms,
                stock_1 and stock_1.p95_ms,
                P95_RATIO_TARGET,
                higher_is_better=False,
            ),
            Target(
                "throughput at 20 users (ours / stock)",
                ours_20 and ours_20.throughput,
                stock_20 and stock_20.throughput,
                THROUGHPUT_RATIO_TARGET,
                higher_is_better=True,
            ),
        )
    )


@dataclass
class Inputs:
    machine: Machine
    quick: bool
    seconds: float
    parser: ParserAccuracy
    nlu: list[NluScore]
    models: dict[str, TrainedModel]
    ours: BotRun
    stock: BotRun
    load_test: LoadTest
    load_average: dict[str, tuple[float, float, float]]
    #: The cluster profile through nginx; None with ``cluster_error`` when it failed.
    cluster: ClusterRun | None = None
    cluster_error: str | None = None


def _verdict(passed: bool | None) -> str:
    return {True: "**PASS**", False: "**FAIL**", None: "not measured"}[passed]


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _s(seconds: float | None) -> str:
    return "reused (not measured)" if seconds is None else f"{seconds:.0f} s"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _machine(m: Machine) -> list[str]:
    return [
        "| | |",
        "| --- | --- |",
        f"| CPU | {m.cpu_model} |",
        f"| cores | {m.cores} |",
        f"| RAM | {m.ram_gib:.1f} GiB |",
        f"| OS | {m.os_name} (kernel {m.kernel}) |",
        f"| Python | {m.python} |",
        *(f"| {name} | {version} |" for name, version in m.packages.items()),
        f"| spaCy pipeline (var/spacy-nl) | {m.spacy_pipeline} |",
    ]


def _nlu(scores: list[NluScore], models: dict[str, TrainedModel]) -> list[str]:
    lines = [
        "| pipeline | components | intent accuracy | macro F1 | weighted F1 | messages |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for score in scores:
        lines.append(
            f"| {score.name} | {score.pipeline} | {score.accuracy:.3f} | {score.macro_f1:.3f} "
            f"| {score.weighted_f1:.3f} | {score.examples} |"
        )
    ours, default = scores
    lines += [
        "",
        f"Difference (ours - default): accuracy {ours.accuracy - default.accuracy:+.3f}, "
        f"macro F1 {ours.macro_f1 - default.macro_f1:+.3f}.",
        "",
        "- ours: `config.yml`, trained by `rasa train` on `data/` and `domain.yml` "
        f"({_s(models['ours'].seconds)}).",
        "- Rasa default: the `config.yml` that `rasa init` 3.6 writes (pipeline and policies "
        "left empty, `language: en`), so Rasa fills in its default pipeline from "
        "`rasa/engine/recipes/config_files/default_config.yml`; trained by "
        "`rasa train nlu --nlu data --domain domain.yml` on the same data "
        f"({_s(models['default'].seconds)}). None of its components depends on the language.",
        "- Both tested with `rasa test nlu --nlu tests/data/nlu_heldout` (never used for "
        "training); numbers from `intent_report.json` (`accuracy`, `macro avg` f1-score).",
    ]
    return lines


def _parser(p: ParserAccuracy) -> list[str]:
    lines = [
        f"Held-out set: `tests/data/answers_heldout.yml`, {p.total} typed answers written by "
        "hand (typos, ordinals, half labels, everyday words) with the option a careful human "
        "would pick, or `unclear` where a human would not know (then the bot should ask "
        "again). It was not produced with the parser and is not used to tune it.",
        "",
        f"**Accuracy: {p.correct}/{p.total} = {p.accuracy:.1%}**. Of the {len(p.misses)} "
        f"misses, {p.wrong_options} pick a wrong option (the bot would store a wrong answer) "
        f"and {len(p.misses) - p.wrong_options} are not understood (the bot asks again with "
        "a hint).",
        "",
        "| kind of answer | right | total | accuracy |",
        "| --- | --- | --- | --- |",
    ]
    for group, (right, total) in sorted(p.by_group.items()):
        lines.append(f"| {group} | {right} | {total} | {right / total:.1%} |")
    lines += [
        "",
        "Misses:",
        "",
        "| question | typed | expected | parser | effect |",
        "| --- | --- | --- | --- | --- |",
    ]
    for miss in sorted(p.misses, key=lambda m: (m.kind, m.question)):
        lines.append(
            f"| {miss.question} | {_cell(miss.text)} | {miss.expected} | {miss.got} | {miss.kind} |"
        )
    return lines


def _resources(inputs: Inputs) -> list[str]:
    ours, stock = inputs.ours, inputs.stock
    o_model, s_model = inputs.models["ours"], inputs.models["stock"]
    first = "first reply"

    def start(run: BotRun, key: str) -> str:
        return f"{run.start_seconds[key]:.1f} s" if key in run.start_seconds else "-"

    def mem(values: dict[str, float], key: str) -> str:
        return f"{values[key]:.0f} MiB" if key in values else "-"

    return [
        "| | ours | stock `rasa init` bot | ratio |",
        "| --- | --- | --- | --- |",
        f"| training (wall clock) | {_s(o_model.seconds)} | {_s(s_model.seconds)} | "
        f"{_ratio(o_model.seconds, s_model.seconds)} |",
        f"| model size (.tar.gz) | {_mb(o_model.size_bytes)} | {_mb(s_model.size_bytes)} | "
        f"{_ratio(o_model.size_bytes, s_model.size_bytes)} |",
        f"| start: action server answers `/health` | {start(ours, 'action server')} | "
        "(none needed) | |",
        f"| start: Rasa answers `GET /` | {start(ours, 'rasa')} | {start(stock, 'rasa')} | "
        f"{_ratio(ours.start_seconds.get('rasa'), stock.start_seconds.get('rasa'))} |",
        f"| start: first REST reply | {start(ours, 'first reply')} | "
        f"{start(stock, 'first reply')} | "
        f"{_ratio(ours.start_seconds.get(first), stock.start_seconds.get(first))} |",
        f"| RSS after warm-up: Rasa | {mem(ours.rss_mib, 'rasa')} | {mem(stock.rss_mib, 'rasa')}"
        f" | {_ratio(ours.rss_mib.get('rasa'), stock.rss_mib.get('rasa'))} |",
        f"| RSS after warm-up: action server | {mem(ours.rss_mib, 'actions')} | - | |",
        f"| RSS after warm-up: total | {sum(ours.rss_mib.values()):.0f} MiB | "
        f"{sum(stock.rss_mib.values()):.0f} MiB | "
        f"{_ratio(sum(ours.rss_mib.values()), sum(stock.rss_mib.values()))} |",
        f"| peak RSS after the load (VmHWM), total | {sum(ours.peak_mib.values()):.0f} MiB | "
        f"{sum(stock.peak_mib.values()):.0f} MiB | |",
        "",
        f"- Training: ours is `{o_model.command}` (into a temporary folder, with an empty Rasa "
        f"cache); stock is `{s_model.command}`: `rasa init` copies the moodbot's files "
        "(milliseconds) and trains it with the default config (DIET, TEDPolicy, "
        "UnexpecTEDIntentPolicy, MemoizationPolicy, RulePolicy).",
        "- Start times count from the moment the processes were started (ours: action "
        "server and Rasa started together, as `make run` does). The first reply is the "
        "first REST message (`hoi` / `hi`) after `GET /` answered.",
        "- RSS is VmRSS from /proc of each server process and its children, after the "
        "warm-up conversations; the peak is VmHWM at the end of the load phase.",
    ]


def _ratio(ours: float | None, stock: float | None) -> str:
    if ours is None or not stock:
        return ""
    return f"{ours / stock:.2f}x"


def _level_row(users: str, name: str, level: LevelResult) -> str:
    return (
        f"| {users} | {name} | {level.messages} | {level.conversations} "
        f"| {level.p50_ms:.0f} ms | {level.p95_ms:.0f} ms | {level.p99_ms:.0f} ms "
        f"| {level.max_ms:.0f} ms | {level.throughput:.1f} msg/s | {len(level.errors)} |"
    )


def _levels(
    ours: list[LevelResult], stock: list[LevelResult], typed: LevelResult | None = None
) -> list[str]:
    lines = [
        "| users | bot | messages | conversations | p50 | p95 | p99 | max | throughput | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for o, s in zip(ours, stock, strict=True):
        lines.append(_level_row(str(o.users), "ours", o))
        if typed is not None and o.users == typed.users:
            lines.append(_level_row(str(typed.users), "ours, typed answers", typed))
        lines.append(_level_row(str(s.users), "stock", s))
    lines += [
        "",
        "Ratios (ours / stock):",
        "",
        "| users | p50 | p95 | throughput |",
        "| --- | --- | --- | --- |",
    ]
    for o, s in zip(ours, stock, strict=True):
        rows = [(str(o.users), o)]
        if typed is not None and o.users == typed.users:
            rows.append((f"{typed.users}, typed answers", typed))
        for users, level in rows:
            lines.append(
                f"| {users} | {level.p50_ms / s.p50_ms:.2f}x | {level.p95_ms / s.p95_ms:.2f}x "
                f"| {level.throughput / s.throughput:.2f}x |"
            )
    return lines


def _targets(t: Targets) -> list[str]:
    lines = [
        "| target | ours | stock | ratio | limit | result |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for item in t.items:
        unit = " ms" if "latency" in item.name else " msg/s"
        ours = "-" if item.ours is None else f"{item.ours:.1f}{unit}"
        stock = "-" if item.stock is None else f"{item.stock:.1f}{unit}"
        ratio = "-" if item.ratio is None else f"{item.ratio:.2f}"
        limit = f"{'>=' if item.higher_is_better else '<='} {item.limit}"
        lines.append(
            f"| {item.name} | {ours} | {stock} | {ratio} | {limit} | {_verdict(item.passed)} |"
        )
    return lines


def _stages(ours: dict[str, Any], stock: dict[str, Any] | None) -> list[str]:
    lines = [
        "| stage of `MessageProcessor.handle_message` | ours: ms per turn | calls per turn "
        "| stock: ms per turn | calls per turn |",
        "| --- | --- | --- | --- | --- |",
    ]
    top_total = {"ours": 0.0, "stock": 0.0}
    for key, stage in ours["stages"].items():
        other = (stock or {}).get("stages", {}).get(key, {})
        if stage["top_level"]:
            top_total["ours"] += stage["ms_per_turn"]
            top_total["stock"] += other.get("ms_per_turn", 0.0)
            name = STAGE_LABELS[key]
        else:
            name = f"&nbsp;&nbsp;of which: {STAGE_LABELS[key]}"
        lines.append(
            f"| {name} | {stage['ms_per_turn']:.1f} | {stage['calls_per_turn']:.2f} "
            f"| {other.get('ms_per_turn', 0.0):.1f} | {other.get('calls_per_turn', 0.0):.2f} |"
        )
    stock_total = stock["total_ms_per_turn"] if stock else 0.0
    lines += [
        f"| everything else (events, forms, rules bookkeeping) | "
        f"{ours['total_ms_per_turn'] - top_total['ours']:.1f} | | "
        f"{stock_total - top_total['stock']:.1f} | |",
        f"| **total per turn** | **{ours['total_ms_per_turn']:.1f}** | | **{stock_total:.1f}** | |",
    ]
    return lines


def _profile(ours: dict[str, Any], stock: dict[str, Any] | None) -> list[str]:
    stages = ours["stages"]
    total = ours["total_ms_per_turn"]
    schema = stages["actions_schema"]["ms_per_turn"]
    http = stages["actions_http"]["ms_per_turn"]
    load_ms = stages["load_tracker"]["ms_per_turn"]
    save_ms = stages["save_tracker"]["ms_per_turn"]
    tracker = load_ms + save_ms
    nlu = stages["nlu"]["ms_per_turn"]
    calls = stages["actions"]["calls_per_turn"]
    positions = ours["turn_ms_by_position"]
    shown = sorted({0, 1, 2, 4, 9, 14, 19, len(positions) - 1} & set(range(len(positions))))
    growth = ", ".join(f"turn {i + 1}: {positions[i]:.0f} ms" for i in shown)
    lines = [
        "Rasa's agent loaded in a separate process from the same model, holding whole "
        f"conversations ({ours['turns']} turns for ours) without the HTTP layer; custom "
        "actions go to the bench's running action server, the tracker store is SQLite as in "
        "production. Each stage of `MessageProcessor.handle_message` is timed with a "
        "wrapper (wall clock); a second pass ran under cProfile.",
        "",
        *_stages(ours, stock),
        "",
        f"Turn time grows with the conversation (ours, mean per position): {growth}. At the "
        f"end the tracker holds {ours['events_after_conversation']} events and every call to "
        f"the action server carries {ours['last_action_call_bytes'] / 1000:.0f} kB of "
        "tracker and domain JSON.",
        "",
        "cProfile of one whole check (ours), top functions by own time:",
        "",
        "```",
        ours["cprofile_tottime"],
        "```",
        "",
        "### Where the time goes, what is left",
        "",
        "The slow spots fixed so far (see History at the end) now take: the jsonschema "
        f"check {schema:.1f} ms per turn; NLU {nlu:.1f} ms per turn in this profile (all "
        f"answers are taps); the tracker store {tracker:.1f} ms per turn (load {load_ms:.1f} "
        f"+ save {save_ms:.1f}).",
        "",
        f"Left, {total:.0f} ms per turn in process:",
        "",
        f"- Action server calls {http:.0f} ms for {calls:.1f} calls per turn: the form "
        "validates the answer and then asks the next question, each call carrying the "
        f"whole tracker and domain (up to {ours['last_action_call_bytes'] / 1000:.0f} kB). "
        "Saving one call per turn means asking the next question from the validation "
        "action, a change to the form design that is not made.",
        "- Typed answers pay for the NLU pipeline on every turn (see the typed row in section 4).",
        "",
        "The stock bot keeps trackers only in memory (lost on restart) and needs no action "
        "server. Our bot stores every event durably (restart and erasure are tested) and "
        "runs custom code for each answer.",
    ]
    return lines


def _load_test(t: LoadTest) -> list[str]:
    level, storage = t.run.level, t.storage
    statuses = ", ".join(
        f"{code or 'no response'}: {n}" for code, n in sorted(level.statuses.items())
    )
    lines = [
        f"{storage.users} virtual users start the check at the same moment (greeting, "
        "consent typed as `ja`, then one button per question, read from the bot's replies) "
        "against our bot over REST; each user has a new sender id.",
        "",
        "| | |",
        "| --- | --- |",
        f"| completed checks (result JSON received) | {len(t.run.results)} / {storage.users} |",
        f"| messages | {level.messages} |",
        f"| duration | {level.seconds:.0f} s |",
        f"| throughput | {level.throughput:.1f} msg/s |",
        f"| latency p50 / p95 / p99 / max | {level.p50_ms:.0f} / {level.p95_ms:.0f} / "
        f"{level.p99_ms:.0f} / {level.max_ms:.0f} ms |",
        f"| HTTP statuses | {statuses} |",
        f"| client errors (timeouts, 5xx, stuck conversations) | {len(level.errors)} |",
        f"| stored exactly once (results.db, table assessments) | {storage.stored_once} / "
        f"{storage.users} |",
        f"| stored as completed | {storage.completed} / {storage.users} |",
        f"| stored scores, overall, routes and all answers equal what the user saw | "
        f"{storage.matching} / {storage.users} |",
        f"| checked again with `python -m bot results --sender ID --json` | "
        f"{storage.cli_checked} users |",
        f"| ERROR lines or tracebacks in the server logs during the test | "
        f"{len(storage.log_errors)} |",
        f"| **result** | {_verdict(t.passed)} |",
    ]
    problems = storage.problems + storage.log_errors + level.errors
    if problems:
        lines += ["", "Problems (first 20):", ""]
        lines += [f"- `{_cell(p)}`" for p in problems[:20]]
    return lines


def _cluster(inputs: Inputs) -> list[str]:
    """The cluster profile beside the embedded one: what the cluster costs on this machine."""
    if inputs.cluster is None:
        return [f"Not measured: {inputs.cluster_error or 'the phase did not run'}."]
    run = inputs.cluster
    memory = ", ".join(f"{kind} {mib:.0f} MiB" for kind, mib in sorted(run.rss_mib.items()))
    lines = [
        "`make cluster` on free ports in the bench's work folder: nginx in front of two Rasa "
        "replicas (round robin), two action servers behind nginx's action pool, two web "
        "apps, PostgreSQL for the results and the conversations, Redis for Rasa's lock "
        "store. The same check and load levels as section 4, sent to nginx. Everything, "
        "the load generator included, shares this machine's cores: on 2 cores this shows "
        "what the cluster costs, not what more machines would gain.",
        "",
        f"Ready {run.start_seconds:.0f} s after the start (PostgreSQL set up from nothing, "
        f"both replicas loading the model at once). Resident memory after warm-up: {memory}; "
        f"{sum(run.rss_mib.values()):.0f} MiB in all, against "
        f"{sum(inputs.ours.rss_mib.values()):.0f} MiB for the embedded profile.",
        "",
        "| users | profile | messages | conversations | p50 | p95 | p99 | max | throughput "
        "| errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    embedded = {level.users: level for level in inputs.ours.levels}
    for level in run.levels:
        if level.users in embedded:
            lines.append(_level_row(str(level.users), "embedded", embedded[level.users]))
        lines.append(_level_row(str(level.users), "cluster", level))
    lines += ["", "Cluster / embedded:", "", "| users | p50 | p95 | throughput |",
              "| --- | --- | --- | --- |"]  # fmt: skip
    for level in run.levels:
        base = embedded.get(level.users)
        if base is not None and base.p50_ms and base.p95_ms and base.throughput:
            lines.append(
                f"| {level.users} | {level.p50_ms / base.p50_ms:.2f}x "
                f"| {level.p95_ms / base.p95_ms:.2f}x | {level.throughput / base.throughput:.2f}x |"
            )
    return lines


def render(inputs: Inputs, history: str = "") -> str:
    """The whole report; ``history`` (see :func:`history_of`) is carried over at the end."""
    t = targets(inputs.ours.levels, inputs.stock.levels)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mode = "quick mode (`--quick`): light load, numbers not comparable" if inputs.quick else "full"
    loads = ", ".join(f"{k} {v[0]:.1f}" for k, v in inputs.load_average.items())
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`{COMMAND}`) on {now}, {mode}; the whole run took "
        f"{inputs.seconds / 60:.1f} minutes. Everything below was measured in that one run.",
        "",
        "## Machine",
        "",
        *_machine(inputs.machine),
        "",
        f"1-minute load average at the start of each phase: {loads}. Other work on the "
        "machine (builds, tests) shows up here and makes the numbers noisier.",
        "",
        "## Targets",
        "",
        *_targets(t),
        "",
        f"Load test (section 5): {_verdict(inputs.load_test.passed)}.",
        "",
        "## 1. Intent accuracy on the held-out set",
        "",
        *_nlu(inputs.nlu, inputs.models),
        "",
        "## 2. Answer parser on held-out typed answers",
        "",
        *_parser(inputs.parser),
        "",
        "## 3. Training, model size, start and memory",
        "",
        *_resources(inputs),
        "",
        "## 4. Latency and throughput",
        "",
        "Closed loop: each virtual user sends a message, waits for the reply, then sends "
        "the next. Ours: the real check (`hoi`, consent `ja`, then a button payload per "
        "question taken from the bot's buttons; 27 messages). Stock: the moodbot's greet / "
        "mood / goodbye conversations (3-4 messages). Every conversation has a new sender "
        "id. Latency is POST to complete response; throughput is messages answered per "
        "second of wall clock. Our bot: action server + `rasa run` with the SQLite tracker "
        "store of endpoints.yml; stock: `rasa run` with its `rasa init` endpoints (in-memory "
        "tracker store, no action server).",
        "",
        'A tapped button sends a payload (`/inform{"choice": ...}`) that Rasa parses '
        "without the NLU pipeline (see the profile below), so the targets measure the check "
        "as the web widget runs it. The row *ours, typed answers* is the same check with "
        "every answer typed as the button's text, as on WhatsApp: each turn then runs "
        "spaCy, DIET, our request component and the answer parser (and the FAQ topic "
        "model for questions). It is not a target; it shows what typing costs.",
        "",
        *_levels(inputs.ours.levels, inputs.stock.levels, inputs.ours.typed),
        "",
    ]
    if inputs.ours.profile is not None:
        lines += [
            "## Profile of one turn",
            "",
            *_profile(inputs.ours.profile, inputs.stock.profile),
            "",
        ]
    users = inputs.load_test.storage.users
    lines += [
        f"## 5. Load test: {users} users complete the check",
        "",
        *_load_test(inputs.load_test),
        "",
        "## 6. The cluster profile on the same machine",
        "",
        *_cluster(inputs),
    ]
    if history:
        lines += ["", history]
    return "\n".join(lines) + "\n"
