"""Text-to-speech caching and playback control, with a fake synthesiser and output device."""

from __future__ import annotations

import numpy as np
import pytest

from voiceprep.speech.playback import AudioPlayer
from voiceprep.speech.protocols import NoAudioDevice, NoTtsEngine, Speaker, SpeechError
from voiceprep.speech.tts import TtsSpeaker, cache_key

from .fakes import FakeOutput, FakeSynth

Q = "Tell me about a product you love and how you would improve it."


def speaker(tmp_path=None, synth=None, output=None, **kw) -> tuple[TtsSpeaker, FakeSynth, FakeOutput]:  # noqa: ANN001
    synth = synth or FakeSynth()
    output = output or FakeOutput()
    sp = TtsSpeaker(synthesizer=synth, player=AudioPlayer(backend=output), cache_dir=tmp_path, **kw)
    return sp, synth, output


def test_is_a_speaker() -> None:
    assert isinstance(speaker()[0], Speaker)


def test_cache_key_depends_on_text_voice_and_rate_only() -> None:
    k = cache_key(Q, "en-us", 175)
    assert k == cache_key(Q, "en-us", 175)
    assert k == cache_key("  " + Q.replace(" ", "  "), "en-us", 175)  # whitespace does not matter
    assert len({k, cache_key(Q, "en-gb", 175), cache_key(Q, "en-us", 200), cache_key(Q + "?", "en-us", 175)}) == 4
    assert cache_key("ab", "c", 1) != cache_key("a", "bc", 1)


def test_synthesis_is_cached_by_text_voice_and_rate() -> None:
    sp, synth, _ = speaker()
    a = sp.synthesize(Q)
    b = sp.synthesize(Q)
    assert a[0] is b[0] and len(synth.calls) == 1
    sp.set_rate(220)
    c = sp.synthesize(Q)
    assert len(synth.calls) == 2 and len(c[0]) < len(a[0])
    sp.set_voice("en-gb")
    sp.synthesize(Q)
    assert synth.calls[-1] == (Q, "en-gb", 220)


def test_disk_cache_survives_a_new_speaker(tmp_path) -> None:  # noqa: ANN001
    sp, synth, _ = speaker(tmp_path)
    samples, rate = sp.synthesize(Q)
    sp2, synth2, _ = speaker(tmp_path)
    assert sp2.cached(Q)
    samples2, rate2 = sp2.synthesize(Q)
    assert synth2.calls == [] and rate2 == rate
    np.testing.assert_allclose(samples2, samples, atol=1 / 16000)


def test_damaged_disk_cache_entry_is_remade(tmp_path) -> None:  # noqa: ANN001
    sp, _, _ = speaker(tmp_path)
    sp.synthesize(Q)
    (wav,) = tmp_path.glob("*.wav")
    wav.write_bytes(b"garbage")
    sp2, synth2, _ = speaker(tmp_path)
    sp2.synthesize(Q)
    assert len(synth2.calls) == 1


def test_prepare_then_speak_uses_the_prepared_audio() -> None:
    sp, synth, out = speaker()
    sp.prepare(Q)
    assert sp.cached(Q)
    done: list[bool] = []
    sp.speak(Q, on_done=lambda: done.append(True))
    assert len(synth.calls) == 1
    assert sp.speaking and out.opened_rates == [22050]
    stream = out.streams[-1]
    while not stream.pull(1024):
        pass
    assert done == [True] and not sp.speaking
    played = np.concatenate(stream.played)
    assert len(played) == len(sp.synthesize(Q)[0])


def test_stop_mid_sentence_calls_on_done_once() -> None:
    sp, _, out = speaker()
    done: list[bool] = []
    sp.speak(Q, on_done=lambda: done.append(True))
    out.streams[-1].pull(1024)
    sp.stop()
    sp.stop()
    assert done == [True] and not sp.speaking
    assert out.streams[-1].aborted


def test_output_rate_fallback_resamples() -> None:
    sp, _, out = speaker(output=FakeOutput(rates=(48000,), default_rate=48000))
    sp.speak(Q)
    assert out.opened_rates == [48000]
    stream = out.streams[-1]
    while not stream.pull(4096):
        pass
    n22 = len(sp.synthesize(Q)[0])
    assert abs(len(np.concatenate(stream.played)) - round(n22 * 48000 / 22050)) <= 1


def test_no_engine_is_reported_once_and_practice_continues() -> None:
    errors: list[SpeechError] = []
    sp, _, _ = speaker(synth=FakeSynth(fail=NoTtsEngine("no engine")), on_error=errors.append)
    done: list[int] = []
    sp.speak(Q, on_done=lambda: done.append(1))
    sp.speak("Second question?", on_done=lambda: done.append(2))
    assert done == [1, 2] and not sp.speaking
    assert len(errors) == 1 and isinstance(errors[0], NoTtsEngine)
    with pytest.raises(NoTtsEngine):
        sp.synthesize(Q)


def test_no_output_device_is_reported() -> None:
    errors: list[SpeechError] = []
    sp, _, _ = speaker(output=FakeOutput(missing=True), on_error=errors.append)
    done: list[bool] = []
    sp.speak(Q, on_done=lambda: done.append(True))
    assert done == [True]
    assert len(errors) == 1 and isinstance(errors[0], NoAudioDevice)
    with pytest.raises(NoAudioDevice):
        sp.check()
