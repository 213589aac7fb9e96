"""The standard library: every module parses, checks clean and says what it should.

The figures asserted for the model profiles are the hosted service's
published figures (sizes, durations, prices, retirement date); a change to
them is a change to what `sorac` accepts and what it charges, so it must be deliberate.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sorascript import driver
from sorascript.resources import stdlib_dir
from sorascript.source import SourceFile
from sorascript.syntax import ast, parse

MODULES = sorted(stdlib_dir().glob("*.shot"))
HEX = re.compile(r"#[0-9a-f]{6}")
NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


def _parse(path: Path) -> ast.Module:
    module, diagnostics = parse(SourceFile(str(path), path.read_text(encoding="utf-8")))
    assert diagnostics == [], [d.message for d in diagnostics]
    return module


def _module(name: str) -> ast.Module:
    return _parse(stdlib_dir() / f"{name}.shot")


def _decls(name: str, cls) -> dict[str, object]:
    return {d.name.text: d for d in _module(name).decls if isinstance(d, cls)}


def test_the_expected_modules_exist():
    assert {p.stem for p in MODULES} >= {"models", "lenses", "palettes", "styles"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_module_parses(path):
    module = _parse(path)
    assert module.decls, f"{path.name} declares nothing"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_module_checks_clean(path):
    result = driver.check(path)
    assert result.problem is None
    assert result.diagnostics == [], [(d.code, d.message) for d in result.diagnostics]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_module_starts_with_a_comment(path):
    assert path.read_text(encoding="utf-8").startswith("//")


def test_no_name_is_declared_twice_across_the_library():
    seen: dict[str, str] = {}
    for path in MODULES:
        for decl in _parse(path).decls:
            if isinstance(decl, ast.NAMED_DECLS):
                name = decl.name.text
                assert name not in seen, f"{name} is declared in both {seen[name]} and {path.name}"
                seen[name] = path.name


# ---- models ---------------------------------------------------------------


def _model(name: str) -> dict:
    decl = _decls("models", ast.ModelDecl)[name]
    items = decl.items
    one = lambda cls: [i for i in items if isinstance(i, cls)]  # noqa: E731
    (api,) = one(ast.ModelApi)
    (sizes,) = one(ast.ModelSizes)
    (durations,) = one(ast.ModelDurations)
    (max_chars,) = one(ast.ModelMaxCharacters)
    (retired,) = one(ast.ModelRetired)
    notes = one(ast.ModelNotes)
    flags = {f.flag: f.value.text for f in one(ast.ModelFlag)}
    prices = []
    for price in one(ast.ModelPrice):
        assert price.amount.kind == "money"
        assert price.per is not None and price.per.text == "s"
        prices.append((round(price.amount.value, 2), {q.value for q in price.sizes}))
    for q in (*sizes.values, *durations.values, max_chars.value):
        assert q.kind in ("size", "duration", "integer"), q
    return {
        "api": api.value.value,
        "sizes": [q.value for q in sizes.values],
        "size_kinds": {q.kind for q in sizes.values},
        "durations": [q.value for q in durations.values],
        "duration_kinds": {q.kind for q in durations.values},
        "prices": prices,
        "flags": flags,
        "max_characters": max_chars.value.value,
        "retired": retired.date.value,
        "notes": " ".join(n.text.value for n in notes),
    }


DURATIONS_MS = [4000, 8000, 12000, 16000, 20000]


OPEN_MODELS = {"wan-2.1-t2v-1.3b", "wan-2.1-t2v-14b", "wan-2.2-ti2v-5b", "wan-2.2-t2v-a14b", "wan-2.2-i2v-a14b", "ltx-2",
               "hunyuanvideo"}


def test_the_prelude_holds_the_hosted_models_and_the_open_ones():
    assert set(_decls("models", ast.ModelDecl)) == {"sora-2", "sora-2-pro"} | OPEN_MODELS


def _profile(name: str):
    from sorascript.sema.models import profile

    return profile(_decls("models", ast.ModelDecl)[name])


@pytest.mark.parametrize("name, api, fps, frames, audio, reference", [
    ("wan-2.1-t2v-1.3b", "Wan-AI/Wan2.1-T2V-1.3B-Diffusers", 16, (5, 81, 4), False, "no"),
    ("wan-2.1-t2v-14b", "Wan-AI/Wan2.1-T2V-14B-Diffusers", 16, (5, 81, 4), False, "no"),
    ("wan-2.2-ti2v-5b", "Wan-AI/Wan2.2-TI2V-5B-Diffusers", 24, (5, 121, 4), False, "yes"),
    ("wan-2.2-t2v-a14b", "Wan-AI/Wan2.2-T2V-A14B-Diffusers", 16, (5, 81, 4), False, "no"),
    ("wan-2.2-i2v-a14b", "Wan-AI/Wan2.2-I2V-A14B-Diffusers", 16, (5, 81, 4), False, "required"),
    ("ltx-2", "Lightricks/LTX-2", 24, (9, 481, 8), True, "yes"),
    ("hunyuanvideo", "hunyuanvideo-community/HunyuanVideo", 24, (5, 129, 4), False, "no"),
])
def test_open_model_profiles(name, api, fps, frames, audio, reference):
    m = _profile(name)
    assert (m.api_model, m.fps, (m.frames.low, m.frames.high, m.frames.step), m.audio) == (api, fps, frames, audio)
    assert m.reference == (reference != "no") and m.requires_reference == (reference == "required")
    assert m.layout == "paragraph" and m.negative == "field" and "seed" in m.params and m.max_words
    assert m.prices == () and m.retired is None and m.server


def test_open_model_figures_carry_their_sources_and_the_date_read():
    text = (stdlib_dir() / "models.shot").read_text(encoding="utf-8")
    for name in OPEN_MODELS:
        before = text[:text.index(f"model {name}:")].rsplit("\n\n", 1)[-1]
        assert "read 2026-12-01" in before and "@" in before, name


def test_ltx_sizes_are_multiples_of_32():
    assert all(w % 32 == 0 and h % 32 == 0 for w, h in _profile("ltx-2").sizes)


def test_sora_2_profile():
    m = _model("sora-2")
    assert m["api"] == "sora-2"
    assert m["sizes"] == [(720, 1280), (1280, 720)]
    assert m["size_kinds"] == {"size"}
    assert m["durations"] == DURATIONS_MS
    assert m["duration_kinds"] == {"duration"}
    assert m["prices"] == [(0.10, {(720, 1280), (1280, 720)})]
    assert m["flags"] == {"audio": "yes", "reference": "yes"}
    assert m["max_characters"] == 2
    assert m["retired"] == "2026-09-24"
    assert "2026-09-24" in m["notes"] and "SGLang" in m["notes"]


def test_sora_2_pro_profile():
    m = _model("sora-2-pro")
    assert m["api"] == "sora-2-pro"
    assert m["sizes"] == [(720, 1280), (1280, 720), (1024, 1792), (1792, 1024), (1920, 1080), (1080, 1920)]
    assert m["size_kinds"] == {"size"}
    assert m["durations"] == DURATIONS_MS
    assert m["duration_kinds"] == {"duration"}
    assert m["prices"] == [
        (0.30, {(720, 1280), (1280, 720)}),
        (0.50, {(1024, 1792), (1792, 1024)}),
    ]
    assert m["flags"] == {"audio": "yes", "reference": "yes"}
    assert m["max_characters"] == 2
    assert m["retired"] == "2026-09-24"
    assert "2026-09-24" in m["notes"] and "SGLang" in m["notes"]


def test_1080p_has_no_published_price():
    m = _model("sora-2-pro")
    priced = set().union(*(sizes for _, sizes in m["prices"]))
    assert (1920, 1080) not in priced and (1080, 1920) not in priced
    # every priced size is a size the model offers
    assert priced <= set(m["sizes"])


# ---- lenses -----------------------------------------------------------------


def _lens_specs() -> dict[str, ast.LensSpec]:
    specs = {}
    for name, decl in _decls("lenses", ast.LensDecl).items():
        found = [i for i in decl.items if isinstance(i, ast.LensSpec)]
        assert len(found) == 1, f"lens {name} should hold exactly one spec line"
        specs[name] = found[0]
    return specs


def test_lens_presets_count_and_names():
    specs = _lens_specs()
    assert 8 <= len(specs) <= 12
    for name in specs:
        assert NAME.fullmatch(name), f"lens preset `{name}` should be lowercase with hyphens"


def test_every_lens_has_focal_length_aperture_and_description():
    for name, spec in _lens_specs().items():
        assert spec.focal.kind == "focal" and spec.focal.text.endswith("mm"), name
        assert spec.focal.value > 0, name
        assert spec.aperture is not None and spec.aperture.kind == "aperture", name
        assert 1.0 <= spec.aperture.value <= 22, name
        assert spec.description is not None and spec.description.value.strip(), name


def test_lens_presets_cover_the_guide_table():
    specs = _lens_specs()
    focals = [s.focal.value for s in specs.values()]
    apertures = [s.aperture.value for s in specs.values()]
    assert any(14 <= f <= 24 for f in focals), "ultra-wide 14-24mm"
    assert any(28 <= f <= 35 for f in focals), "film standard 28-35mm"
    assert 50 in focals, "normal 50mm"
    assert 85 in focals, "portrait 85mm"
    assert any(f >= 100 for f in focals), "telephoto 100mm+"
    assert any(a <= 2.0 for a in apertures), "f/1.4-f/2.0 shallow"
    assert any(2.8 <= a <= 4.0 for a in apertures), "f/2.8-f/4.0 moderate"
    assert any(5.6 <= a <= 8.0 for a in apertures), "f/5.6-f/8.0 deeper"
    assert any(a >= 11 for a in apertures), "f/11+ everything sharp"
    assert specs["portrait"].focal.value == 85 and specs["portrait"].aperture.value == 1.8


# ---- palettes ---------------------------------------------------------------


def _anchors(decl: ast.PaletteDecl) -> list[ast.Anchor]:
    return [i for i in decl.items if isinstance(i, ast.Anchor)]


def test_at_least_six_palettes_of_three_to_five_anchors():
    palettes = _decls("palettes", ast.PaletteDecl)
    assert len(palettes) >= 6
    for name, decl in palettes.items():
        assert NAME.fullmatch(name), name
        anchors = _anchors(decl)
        assert 3 <= len(anchors) <= 5, f"palette {name} has {len(anchors)} anchors"
        assert len({a.name.text for a in anchors}) == len(anchors), f"palette {name} repeats an anchor"
        for anchor in anchors:
            assert anchor.color is not None and anchor.color.kind == "color", (name, anchor.name.text)
            assert HEX.fullmatch(anchor.color.value), (name, anchor.name.text)
            assert anchor.description is not None and anchor.description.value.strip(), (name, anchor.name.text)


def test_the_guide_palette_is_present():
    wanted = [
        "Warm amber (firelight)",
        "Cool slate blue (shadows)",
        "Cream white (highlights)",
        "Deep forest green (background)",
        "Burnt orange (accents)",
    ]
    matches = [
        name for name, decl in _decls("palettes", ast.PaletteDecl).items()
        if [a.description.value for a in _anchors(decl)] == wanted
    ]
    assert matches, "the guide's five-colour example palette is missing"
    anchors = _anchors(_decls("palettes", ast.PaletteDecl)[matches[0]])
    assert [a.name.text for a in anchors][:2] == ["amber", "slate_blue"]


# ---- styles -----------------------------------------------------------------

VAGUE = re.compile(r"\b(beautiful|stunning|nice|epic|amazing|gorgeous|awesome)\b", re.I)


def _style_texts(decl: ast.StyleDecl) -> list[str]:
    texts = []
    for item in decl.items:
        if isinstance(item, (ast.Prose, ast.Film)):
            texts.append(item.text.value)
        elif isinstance(item, ast.Blend):
            texts.extend(p.text.value for p in item.parts)
        elif isinstance(item, ast.Grade):
            texts.extend(g.text.value for g in item.items)
    return texts


def test_at_least_six_styles_with_real_content():
    styles = _decls("styles", ast.StyleDecl)
    assert len(styles) >= 6
    for name, decl in styles.items():
        assert NAME.fullmatch(name), name
        assert any(isinstance(i, ast.Prose) for i in decl.items), f"style {name} has no description"
        for text in _style_texts(decl):
            assert not VAGUE.search(text), f"style {name} uses a vague word: {text!r}"
            assert text.strip().lower() != "cinematic", f"style {name} says only 'cinematic'"


def test_grades_name_only_known_tones():
    for name, decl in _decls("styles", ast.StyleDecl).items():
        for grade in (i for i in decl.items if isinstance(i, ast.Grade)):
            tones = [g.tone.text for g in grade.items if isinstance(g, ast.GradeLine)]
            assert tones, f"style {name} has an empty grade"
            assert set(tones) <= {"highlights", "midtones", "shadows", "blacks"}, (name, tones)
            assert len(tones) == len(set(tones)), (name, tones)


def test_every_blend_sums_to_100():
    blends = [
        (name, item)
        for name, decl in _decls("styles", ast.StyleDecl).items()
        for item in decl.items if isinstance(item, ast.Blend)
    ]
    assert blends, "the library should show a blend (the guide's 70/30 photoreal-anime)"
    for name, blend in blends:
        assert all(p.percent.kind == "percent" for p in blend.parts), name
        assert sum(p.percent.value for p in blend.parts) == 100, name
    assert any(
        [(p.percent.value, p.text.value) for p in blend.parts] == [(70, "photorealistic"), (30, "anime")]
        for _, blend in blends
    )
