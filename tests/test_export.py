"""`export_otio` writes the plan's sequences as OpenTimelineIO; read back with
the `opentimelineio` package, names, lengths, transitions and markers match
the plan."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import opentimelineio as otio
import pytest

from conftest import REPO
from media_helpers import make_clip
from sorascript import driver
from sorascript.render.export import ExportError, export_otio

PLAN = {
    "source": "film.shot",
    "jobs": [
        {"name": "arrival", "kind": "create",
         "request": {"model": "sora-2", "size": "1280x720", "seconds": "8", "prompt": "A ferry.", "fps": 24},
         "after": [], "takes": 2,
         "timeline": {"duration_s": 8.0,
                      "beats": [{"start_s": 0.0, "end_s": 4.0, "text": "The ferry glides in"},
                                {"start_s": 4.0, "end_s": 8.0, "text": "The ramp drops"}],
                      "lines": [{"start_s": 2.0, "end_s": 4.4, "speaker": "Ines", "text": "Keep it wound."}]}},
        {"name": "handover", "kind": "create", "request": {"seconds": "4", "prompt": "Hands."}, "after": []},
        {"name": "reaction", "kind": "create", "request": {"seconds": "4", "prompt": "A face."}, "after": []},
        {"name": "departure", "kind": "create", "request": {"seconds": "8", "prompt": "Leaving."}, "after": []},
        {"name": "departure_end", "kind": "extend", "request": {"prompt": "Gone.", "seconds": "4"},
         "after": ["departure"],
         "timeline": {"beats": [{"start_s": 1.0, "end_s": 3.0, "text": "The ferry shrinks"}]}},
    ],
    "sequences": [{"name": "last_ferry", "jobs": ["arrival", "handover", "reaction", "departure_end"],
                   "transitions": ["crossfade 0.5s", "cut", "fade 1s"], "runtime_s": 27.5, "end": "fade 1s"}],
}
LENGTHS = {"arrival": 8.0, "handover": 4.0, "reaction": 4.0, "departure_end": 12.0}


@pytest.fixture(scope="module")
def renders(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("renders")
    return {"arrival": make_clip(d / "arrival.mp4", "red", seconds=1, audio=False),
            "reaction": make_clip(d / "reaction.mp4", "blue", seconds=1, audio=False)}


def shots(track) -> list:
    """The track's items that stand for shots (not transitions, not the black of a fade)."""
    return [item for item in track if not isinstance(item, otio.schema.Transition) and item.name != "black"]


def test_round_trip_names_lengths_and_media(renders, tmp_path):
    out = tmp_path / "film.otio"
    export_otio(PLAN, renders, out)
    timeline = otio.adapters.read_from_file(str(out))
    assert isinstance(timeline, otio.schema.Timeline) and timeline.name == "last_ferry"
    (track,) = timeline.tracks
    assert track.name == "last_ferry" and track.kind == otio.schema.TrackKind.Video
    assert track.duration().to_seconds() == pytest.approx(27.5)  # the plan's runtime_s
    assert track.duration().rate == 24
    items = shots(track)
    assert [item.name for item in items] == ["arrival", "handover", "reaction", "departure_end"]
    for item in items:
        assert item.visible_range().duration.to_seconds() == pytest.approx(LENGTHS[item.name])
    arrival, handover, reaction, extension = items
    assert isinstance(arrival, otio.schema.Clip) and isinstance(reaction, otio.schema.Clip)
    assert isinstance(handover, otio.schema.Gap) and isinstance(extension, otio.schema.Gap)  # not rendered
    assert arrival.media_reference.target_url == renders["arrival"].resolve().as_uri()
    assert arrival.media_reference.available_range.duration.to_seconds() == pytest.approx(8.0)
    assert arrival.metadata["sorascript"]["prompt"] == "A ferry."


def test_where_shots_start_in_the_sequence(renders, tmp_path):
    out = tmp_path / "film.otio"
    export_otio(PLAN, renders, out)
    track = otio.adapters.read_from_file(str(out)).tracks[0]
    starts = {item.name: (track.range_of_child(item).start_time - item.source_range.start_time).to_seconds()
              for item in shots(track)}
    # each shot's first frame: the crossfade overlaps by 0.5 s; cut and fade take no time
    assert starts == pytest.approx({"arrival": 0.0, "handover": 7.5, "reaction": 11.5, "departure_end": 15.5})


def test_transitions_are_dissolves_and_fades_dip_through_black(renders, tmp_path):
    out = tmp_path / "film.otio"
    export_otio(PLAN, renders, out)
    track = otio.adapters.read_from_file(str(out)).tracks[0]
    transitions = [item for item in track if isinstance(item, otio.schema.Transition)]
    assert all(t.transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve for t in transitions)
    placed = [(t.name, track.range_of_child(t).start_time.to_seconds(), t.duration().to_seconds()) for t in transitions]
    assert placed == [
        ("crossfade 0.5s", 7.5, 0.5),       # centred on the cut: 0.25 s each side
        ("fade 1s out", 15.0, 0.5),         # reaction darkens over its last 0.5 s ...
        ("fade 1s in", 15.5, 0.5),          # ... and the extension brightens over its first 0.5 s
        ("fade 1s to black", 26.5, 1.0),    # the end: the last second
    ]
    xfade = transitions[0]
    assert xfade.in_offset.to_seconds() == xfade.out_offset.to_seconds() == pytest.approx(0.25)
    blacks = [item for item in track if item.name == "black"]
    assert all(isinstance(b, otio.schema.Gap) for b in blacks) and len(blacks) == 2


def test_markers_for_beats_and_dialogue_lines(renders, tmp_path):
    out = tmp_path / "film.otio"
    export_otio(PLAN, renders, out)
    items = {item.name: item for item in shots(otio.adapters.read_from_file(str(out)).tracks[0])}

    def marks(name):
        return [(m.name, m.marked_range.start_time.to_seconds(), m.marked_range.duration.to_seconds(), m.color)
                for m in items[name].markers]
    green, yellow = otio.schema.MarkerColor.GREEN, otio.schema.MarkerColor.YELLOW
    assert marks("arrival") == [("The ferry glides in", 0.0, 4.0, green), ("The ramp drops", 4.0, 4.0, green),
                                ("Ines: Keep it wound.", 2.0, pytest.approx(2.4), yellow)]
    assert marks("departure_end") == [("The ferry shrinks", 9.0, 2.0, green)]  # after the source's 8 s
    assert marks("handover") == []


def test_rate_is_the_conform_fps_else_the_requested_else_24(renders, tmp_path):
    plan = copy.deepcopy(PLAN)
    plan["sequences"][0]["conform"] = {"size": "1280x720", "fps": 30}
    out = tmp_path / "film.otio"
    export_otio(plan, renders, out)
    track = otio.adapters.read_from_file(str(out)).tracks[0]
    assert track.duration().rate == 30 and track.duration().to_seconds() == pytest.approx(27.5)
    plan = copy.deepcopy(PLAN)
    plan["jobs"][0]["request"]["fps"] = 25
    export_otio(plan, renders, out)
    assert otio.adapters.read_from_file(str(out)).tracks[0].duration().rate == 25
    del plan["jobs"][0]["request"]["fps"]
    export_otio(plan, renders, out)
    assert otio.adapters.read_from_file(str(out)).tracks[0].duration().rate == 24


def test_several_sequences_are_a_collection_of_timelines(renders, tmp_path):
    plan = copy.deepcopy(PLAN)
    plan["sequences"].append({"name": "teaser", "jobs": ["reaction", "arrival"], "transitions": ["cut"],
                              "runtime_s": 12.0})
    out = tmp_path / "film.otio"
    export_otio(plan, renders, out)
    document = otio.adapters.read_from_file(str(out))
    assert isinstance(document, otio.schema.SerializableCollection) and document.name == "film"
    assert [timeline.name for timeline in document] == ["last_ferry", "teaser"]
    assert document[1].tracks[0].duration().to_seconds() == pytest.approx(12.0)


def test_relative_paths_resolve_against_the_project_and_missing_files_are_gaps(renders, tmp_path):
    project = renders["arrival"].parent
    out = tmp_path / "film.otio"
    export_otio(PLAN, {"arrival": Path("arrival.mp4"), "reaction": Path("not-yet.mp4")}, out, root=project)
    track = otio.adapters.read_from_file(str(out)).tracks[0]  # kept: an item's visible range needs its track
    items = {item.name: item for item in shots(track)}
    assert items["arrival"].media_reference.target_url == (project / "arrival.mp4").resolve().as_uri()
    assert isinstance(items["reaction"], otio.schema.Gap)
    assert items["reaction"].visible_range().duration.to_seconds() == pytest.approx(4.0)


def test_a_compiled_example_exports_at_its_runtime(tmp_path):
    plan = driver.compile(REPO / "examples" / "film" / "film.shot").plan
    out = tmp_path / "film.otio"
    export_otio(plan, {}, out)
    (sequence,) = plan["sequences"]
    track = otio.adapters.read_from_file(str(out)).tracks[0]
    assert track.duration().to_seconds() == pytest.approx(sequence["runtime_s"])
    assert [item.name for item in shots(track)] == sequence["jobs"]


def test_fcp_xml_through_the_adapter(renders, tmp_path):
    out = tmp_path / "film.xml"
    export_otio(PLAN, renders, out, adapter="fcp_xml")
    sequence = ET.parse(out).getroot().find("./project/children/sequence")
    assert sequence.findtext("name") == "last_ferry"
    assert int(sequence.findtext("duration")) == 27.5 * 24
    clips = {item.findtext("name"): item for item in sequence.iter("clipitem")}
    assert set(clips) == {"arrival", "reaction"}  # FCP XML has no named gaps: the rest is empty track
    assert clips["arrival"].find("file/pathurl").text == renders["arrival"].resolve().as_uri()
    assert (int(clips["reaction"].findtext("start")), int(clips["reaction"].findtext("in"))) == (11.5 * 24, 0)
    back = otio.adapters.read_from_file(str(out), adapter_name="fcp_xml")
    names = [item.name for item in back.tracks[0] if isinstance(item, otio.schema.Clip)]
    assert names == ["arrival", "reaction"]


def test_fcp_xml_without_the_adapter_names_the_package(tmp_path):
    code = ("import sys; from pathlib import Path; from sorascript.render.export import ExportError, export_otio\n"
            "try:\n    export_otio({'sequences': [{'name': 's', 'jobs': []}]}, {}, Path(sys.argv[1]), adapter='fcp_xml')\n"
            "except ExportError as error:\n    print(error)\n")
    env = {**os.environ, "OTIO_DISABLE_ENTRYPOINTS_PLUGINS": "1"}  # as if otio-fcp-adapter were not installed
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.xml")], capture_output=True, text=True,
                          env=env, check=True)
    assert done.stdout.strip() == "FCP XML export needs the otio-fcp-adapter package: pip install otio-fcp-adapter"
    assert not (tmp_path / "x.xml").exists()


def test_plans_that_cannot_be_exported_are_one_line_errors(tmp_path):
    out = tmp_path / "film.otio"
    out.write_text("previous")
    broken = copy.deepcopy(PLAN)
    broken["sequences"][0]["jobs"][1] = "handovr"
    cases = [({"source": "empty.shot", "jobs": [], "sequences": []}, "empty.shot has no sequence to export"),
             (broken, "sequence last_ferry names handovr, which is not a job of the plan")]
    for plan, message in cases:
        with pytest.raises(ExportError) as error:
            export_otio(plan, {}, out)
        assert str(error.value) == message
    with pytest.raises(ExportError, match="no OpenTimelineIO adapter named 'avid'"):
        export_otio(PLAN, {}, out, adapter="avid")
    assert out.read_text() == "previous" and sorted(p.name for p in tmp_path.iterdir()) == ["film.otio"]


def test_a_named_take_is_that_jobs_take(renders, tmp_path):
    plan = copy.deepcopy(PLAN)
    plan["sequences"][0]["jobs"][0] = "arrival.take2"
    out = tmp_path / "film.otio"
    export_otio(plan, {"arrival.take2": renders["reaction"]}, out)
    track = otio.adapters.read_from_file(str(out)).tracks[0]
    first = shots(track)[0]
    assert first.name == "arrival.take2" and first.visible_range().duration.to_seconds() == pytest.approx(8.0)
    assert first.media_reference.target_url == renders["reaction"].resolve().as_uri()
